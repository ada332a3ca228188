// PhoneIntake: records that front-desk operators typed while a resident was on the telephone,
// handed in as a CSV file (../shared/spec/cli.md, "Phone-intake records"), made one document
// per row.
//
//   PhoneIntake intake(store, blobs, {});
//   Result<PhoneIntakeReport> report = intake.IngestFile("calls-2026-11-21.csv");
//   for (const PhoneRowError& e : report->errors) { /* "line 4: ..." */ }
//
// The file is UTF-8 (with or without BOM) or CP932, told apart by whether it is valid UTF-8.
// The header names the columns: `form`, field names of the forms, and the optional
// `received_at`, `operator`, `note` and `uncertain` (field names, separated by spaces). Spaces
// around a cell or a header (ASCII, U+00A0 and the full-width U+3000) are dropped first. Each
// row's values are normalised and validated as a scan's readings are (models/field_types.h,
// models/cross_checks.h); a field that fails, or that the operator marked uncertain, goes to
// review with the operator's note as its reason. The row itself, re-encoded as UTF-8 CSV under
// the header, is the document's original, so the same file handed in twice (in any of the
// encodings) adds nothing the second time.
//
// What refuses the whole file, storing nothing: bytes that are neither UTF-8 nor CP932, no
// `form` column, a column named twice, a column that is a field of none of the forms the
// rows name, and rows that name only forms that are not registered. What refuses one row,
// while the others are stored: a different number of cells from the header, a form that is not
// registered, a value in a column that is not a field of the row's form, an `uncertain` naming
// a field the form lacks, a `received_at` that is not a time, a quote left open.
//
// Thread-safety: IngestBytes may be called from several threads; Store and BlobStore are.
#ifndef ADBRIDGE_INGEST_PHONE_INTAKE_H_
#define ADBRIDGE_INGEST_PHONE_INTAKE_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/blob_store.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::ingest {

// The largest phone-intake file accepted (a day of calls is far smaller).
inline constexpr std::int64_t kMaxPhoneFileBytes = 16 * 1024 * 1024;

// The file's text as UTF-8, without a BOM. Valid UTF-8 is taken as it is; anything else is
// decoded as CP932 (windows-31j). Returns InvalidArgument naming the byte offset of the first
// byte that is neither, or for a file holding a NUL byte (UTF-16 text, an Excel workbook or
// another binary file saved under a .csv name), which no cell may hold.
Result<std::string> DecodePhoneCsv(std::span<const std::uint8_t> bytes);

// One record of a CSV file (RFC 4180: quoted cells, doubled quotes, CRLF or LF, line breaks
// inside quotes).
struct CsvRecord {
  int line = 0;  // 1-based physical line the record starts on
  std::vector<std::string> cells;
};

struct CsvParse {
  std::vector<CsvRecord> records;
  // The line of a record whose quote is never closed; it and everything after it are lost.
  std::optional<int> unterminated_line;
  // Records where a quoted cell is followed by something other than a comma or line end.
  std::vector<int> stray_quote_lines;
};

CsvParse ParseCsv(std::string_view text);

// Whether `text` is a time: YYYY-MM-DD, then T or a space, HH:MM, optionally :SS, optionally
// Z or an offset ±HH:MM.
bool IsPhoneReceivedAt(std::string_view text);

struct PhoneIntakeOptions {
  std::string tenant_code{models::kDefaultTenant};
  // YYYY-MM-DD, for the cross-field checks (a date of birth in the future); empty: today in
  // Japan.
  std::string today;
};

struct PhoneRecord {
  int line = 0;
  std::int64_t document_id = 0;
  bool duplicate = false;
  models::DocumentState state = models::DocumentState::kReceived;
};

struct PhoneRowError {
  int line = 0;
  Text reason;
};

struct PhoneIntakeReport {
  std::vector<PhoneRecord> records;   // in file order
  std::vector<PhoneRowError> errors;  // in file order
};

class PhoneIntake {
 public:
  // `store` and `blobs` must outlive the intake.
  PhoneIntake(models::Store& store, const models::BlobStore& blobs, PhoneIntakeOptions options);

  // Reads and ingests one file. Returns NotFound when it cannot be read, ResourceExhausted when
  // it is larger than kMaxPhoneFileBytes, and the file-level errors of IngestBytes.
  Result<PhoneIntakeReport> IngestFile(const std::filesystem::path& file);

  // Ingests a file's bytes; `source_name` is what people called the file (documents are named
  // "source_name:LINE"). Returns InvalidArgument or NotFound, naming the column, form or byte
  // offset, for a file refused whole (see the top of this header), and nothing is stored then;
  // otherwise a report of the rows stored and the rows refused, or the store's error.
  Result<PhoneIntakeReport> IngestBytes(std::span<const std::uint8_t> bytes,
                                        std::string_view source_name);

 private:
  models::Store& store_;
  const models::BlobStore& blobs_;
  PhoneIntakeOptions options_;
};

}  // namespace adbridge::ingest

#endif  // ADBRIDGE_INGEST_PHONE_INTAKE_H_
