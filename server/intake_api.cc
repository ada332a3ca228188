#include "server/intake_api.h"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>

#include "ingest/phone_intake.h"
#include "models/utf8.h"

namespace adbridge::server {
namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxFileNameBytes = 200;

// The name the page gave the file, as documents are named after it ("NAME:LINE"): its last
// path component, UTF-8 (it is shown back on every page and in every export), at most
// kMaxFileNameBytes; "phone.csv" when none was given.
Result<std::string> UploadName(const std::optional<std::string>& given) {
  std::string name = given.value_or("");
  if (const std::size_t slash = name.find_last_of("/\\"); slash != std::string::npos) {
    name = name.substr(slash + 1);
  }
  if (name.empty()) return std::string("phone.csv");
  if (name == "." || name == "..") {
    return Status::InvalidArgument("ファイル名 " + name + " は使えません",
                                   "the file name " + name + " cannot be used");
  }
  if (name.size() > kMaxFileNameBytes) {
    return Status::InvalidArgument("ファイル名が長すぎます (200 バイトまで)",
                                   "the file name is too long (200 bytes at most)");
  }
  if (!models::DecodeUtf8(name)) {
    return Status::InvalidArgument("ファイル名が UTF-8 ではありません",
                                   "the file name is not UTF-8");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F) {
      return Status::InvalidArgument("ファイル名に制御文字があります",
                                     "the file name holds a control character");
    }
  }
  return name;
}

}  // namespace

IntakeApi::IntakeApi(models::Store& store, const models::BlobStore& blobs, std::size_t max_bytes)
    : store_(store), blobs_(blobs), max_bytes_(max_bytes) {}

std::vector<std::string> IntakeApi::Endpoints() const {
  return {"POST /api/intake/phone"};
}

bool IntakeApi::Route(Exchange& ex, const std::vector<std::string>& parts) {
  if (parts.size() == 3 && parts[1] == "intake" && parts[2] == "phone" && ex.method == "POST") {
    UploadPhone(ex);
    return true;
  }
  return false;
}

void IntakeApi::UploadPhone(Exchange& ex) {
  if (!HasRole(*ex.user,
               {models::Role::kFrontdesk, models::Role::kSupervisor, models::Role::kAdmin})) {
    return ex.Fail(RoleRefused());
  }
  Result<std::string> name = UploadName(ex.Query("name"));
  if (!name.ok()) return ex.Fail(name.status());
  Result<std::string> body = ReadBody(ex.request, max_bytes_);
  if (!body.ok()) return ex.Fail(body.status());
  if (body->empty()) {
    return ex.Fail(Status::InvalidArgument("ファイルが空です", "the file is empty"));
  }
  ingest::PhoneIntakeOptions options;
  options.tenant_code = ex.user->tenant_code;
  ingest::PhoneIntake intake(store_, blobs_, options);
  Result<ingest::PhoneIntakeReport> report = intake.IngestBytes(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(body->data()),
                                    body->size()),
      *name);
  if (!report.ok()) {
    // A file refused whole (an unknown form or column, bytes of no encoding) is the request's
    // fault: 400, naming what was wrong, as the command line names it.
    const Status& refused = report.status();
    if (refused.code() == StatusCode::kNotFound) {
      return ex.Fail(Status::InvalidArgument(refused.message(Lang::kJa),
                                             refused.message(Lang::kEn)));
    }
    return ex.Fail(refused);
  }
  Json records = Json::array();
  int stored = 0, duplicates = 0, in_review = 0, verified = 0;
  for (const ingest::PhoneRecord& r : report->records) {
    records.push_back({{"line", r.line},
                       {"document", r.document_id},
                       {"state", models::DocumentStateName(r.state)},
                       {"duplicate", r.duplicate}});
    if (r.duplicate) {
      ++duplicates;
    } else {
      ++stored;
    }
    if (r.state == models::DocumentState::kInReview) ++in_review;
    if (r.state == models::DocumentState::kVerified) ++verified;
  }
  Json errors = Json::array();
  for (const ingest::PhoneRowError& e : report->errors) {
    errors.push_back({{"line", e.line}, {"reason", e.reason.ja}, {"reason_en", e.reason.en}});
  }
  ex.Ok({{"file", *name},
         {"records", records},
         {"errors", errors},
         {"summary",
          {{"stored", stored},
           {"duplicates", duplicates},
           {"in_review", in_review},
           {"verified", verified},
           {"malformed", errors.size()}}}});
}

}  // namespace adbridge::server
