// Fuzzes the phone-intake CSV reader (ingest/phone_intake.h) on arbitrary bytes, as an operator's
// file arrives: decoding (UTF-8 or CP932), the CSV parser, and then the whole intake of the file
// into a store where the bundled forms are registered, so every row's header matching,
// normalisation, validation and cross-field checks run too. A broken file must be refused with
// an error, never crash the program.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "ingest/form_registry.h"
#include "ingest/phone_intake.h"
#include "models/blob_store.h"
#include "models/store.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

namespace fs = std::filesystem;
using adbridge::Result;

struct Intake {
  std::unique_ptr<adbridge::models::Store> store;
  std::unique_ptr<adbridge::models::BlobStore> blobs;
};

Intake& TheIntake() {
  static Intake* intake = [] {
    const fs::path dir = adbridge::fuzz::FreshDataDir("adbridge-fuzz-phone-");
    Result<std::unique_ptr<adbridge::models::Store>> store =
        adbridge::models::OpenSqliteStore(dir / "adbridge.db");
    if (!store.ok()) adbridge::fuzz::SetupFailed("OpenSqliteStore");
    auto* made =
        new Intake{std::move(*store), std::make_unique<adbridge::models::BlobStore>(dir / "blobs")};
    for (const char* form :
         {"juminhyo-request.json", "kyufukin-application.json", "demand-bus-reservation.json"}) {
      if (!adbridge::ingest::RegisterFormFile(*made->store, *made->blobs,
                                              adbridge::fuzz::SourceDir() / "models/forms" / form)
               .ok()) {
        adbridge::fuzz::SetupFailed(std::string("RegisterFormFile ") + form);
      }
    }
    return made;
  }();
  return *intake;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  Result<std::string> text = adbridge::ingest::DecodePhoneCsv(bytes);
  if (text.ok()) {
    const adbridge::ingest::CsvParse parse = adbridge::ingest::ParseCsv(*text);
    for (const adbridge::ingest::CsvRecord& record : parse.records) {
      for (const std::string& cell : record.cells) (void)adbridge::ingest::IsPhoneReceivedAt(cell);
    }
  }
  Intake& intake = TheIntake();
  adbridge::ingest::PhoneIntakeOptions options;
  options.today = "2026-11-21";
  adbridge::ingest::PhoneIntake phone(*intake.store, *intake.blobs, options);
  (void)phone.IngestBytes(bytes, "fuzz.csv");
  return 0;
}
