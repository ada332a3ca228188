// The fixture of the HTTP API's tests (api_test.cc, frontdesk_api_test.cc): a server started
// in the test over a fresh data directory with two municipalities ("alpha" and "beta"), a small
// form of the test's own with an on_site_only field, documents waiting for review in each, and
// users of every role; and the helpers that send requests over real HTTP as one of them.
//
// Users log in only when a test first needs them: a login costs one Argon2id verification
// (about 0.1 s), the password hash itself is made once for the suite.
//
// Included by one test source per binary (its helpers live in an unnamed namespace).
#ifndef ADBRIDGE_TESTS_SERVER_API_FIXTURE_H_
#define ADBRIDGE_TESTS_SERVER_API_FIXTURE_H_

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "models/blob_store.h"
#include "models/store.h"
#include "review/review_queue.h"
#include "server/credentials.h"
#include "server/data_dir.h"
#include "server/http_server.h"
#include "tests/server/http_test_client.h"

namespace adbridge::server {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using models::Role;
using models::TaskState;

constexpr char kPassword[] = "kami-hikouki-42";
constexpr char kFormId[] = "api-test-request";
constexpr char kSessionCookie[] = "adbridge_session";

// A form of the test's own: one field a machine reads for certain (the name), three a person
// checks (a date, a number of copies, a choice) and one only supervisors on site may see.
constexpr char kFormJson[] = R"({
  "id": "api-test-request",
  "version": 1,
  "title": "試験用請求書",
  "department": "市民課",
  "pages": [ { "size_mm": [210, 297], "reference": "api-test-request.p1.png" } ],
  "fields": [
    { "name": "applicant_name", "label": "氏名", "page": 1,
      "box_mm": [20, 20, 120, 14], "type": "text", "required": true, "sensitive": true },
    { "name": "birth_date", "label": "生年月日", "page": 1,
      "box_mm": [20, 40, 80, 12], "type": "date", "required": true, "sensitive": true },
    { "name": "copies", "label": "必要枚数", "page": 1,
      "box_mm": [20, 60, 20, 12], "type": "integer", "min": 1, "max": 20 },
    { "name": "purpose", "label": "使いみち", "page": 1, "type": "choice",
      "options": [
        { "value": "pension", "label": "年金", "box_mm": [20, 80, 5, 5] },
        { "value": "other", "label": "その他", "box_mm": [60, 80, 5, 5] } ] },
    { "name": "my_number", "label": "個人番号", "page": 1,
      "box_mm": [20, 100, 144, 12], "type": "digits", "length": 12, "check": "mynumber",
      "on_site_only": true }
  ]
})";

// What the machine read on every test document.
constexpr char kApplicantName[] = "山田花子";  // auto-accepted: no reviewer may ever see it
constexpr char kMyNumber[] = "987654321095";   // on_site_only: supervisors only

// Values each field type accepts as they are (already normalised).
inline std::string ValidValueFor(const std::string& field_type) {
  if (field_type == "date") return "2001-02-03";
  if (field_type == "integer") return "3";
  if (field_type == "choice") return "other";
  if (field_type == "digits") return "123456789018";  // a My Number whose check digit holds
  if (field_type == "postal_code") return "390-0001";
  return "テスト";
}

// A small snippet with writing on it, as a real PNG; `seed` varies the writing.
inline std::vector<std::uint8_t> SnippetPng(int seed) {
  cv::Mat image(48, 240, CV_8UC3, cv::Scalar(250, 250, 250));
  cv::putText(image, "snippet " + std::to_string(seed), cv::Point(8, 32), cv::FONT_HERSHEY_SIMPLEX,
              0.9, cv::Scalar(20, 20, 20), 2);
  cv::rectangle(image, cv::Rect(2, 2, 236, 44), cv::Scalar(120, 120, 120), 1);
  std::vector<std::uint8_t> png;
  cv::imencode(".png", image, png);
  return png;
}

inline cv::Mat DecodePng(const std::string& bytes) {
  const std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  return cv::imdecode(data, cv::IMREAD_UNCHANGED);
}

using http_test::Describe;
using http_test::Login;
using http_test::Reply;
using http_test::Request;
using http_test::Send;

class ApiTest : public ::testing::Test {
 protected:
  ApiTest() {
    dir_ = http_test::FreshDataFolder("adbridge-api-test-");
    Result<DataDir> data = OpenDataDir(dir_);
    if (!data.ok()) {
      ADD_FAILURE() << "OpenDataDir: " << data.status().message(Lang::kEn);
      return;
    }
    data_ = std::make_unique<DataDir>(std::move(*data));
    queue_ = std::make_unique<review::ReviewQueue>(store(), review::QueueOptions{});
    Check(store().EnsureTenant("alpha", "アルファ市").status(), "EnsureTenant alpha");
    Check(store().EnsureTenant("beta", "ベータ町").status(), "EnsureTenant beta");
    RegisterForm();
    for (const char* name :
         {"alpha-admin", "alpha-supervisor", "alpha-frontdesk", "alpha-reviewer", "alpha-reviewer2",
          "alpha-department", "beta-reviewer", "beta-supervisor"}) {
      AddUser(name);
    }
    alpha_document_ = AddReviewDocument("alpha");
    beta_document_ = AddReviewDocument("beta");
    HttpServerOptions options;
    options.bind = "127.0.0.1";
    options.port = 0;  // any free port
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(store(), data_->blobs, options);
    if (!server.ok()) {
      ADD_FAILURE() << "HttpServer::Start: " << server.status().message(Lang::kEn);
      return;
    }
    server_ = std::move(*server);
  }

  ~ApiTest() override {
    if (server_) server_->Stop();
    server_.reset();
    queue_.reset();
    data_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  models::Store& store() { return *data_->store; }

  static void Check(const Status& status, const std::string& what) {
    EXPECT_TRUE(status.ok()) << what << ": " << status.message(Lang::kEn);
  }

  std::string PutBlob(const std::vector<std::uint8_t>& bytes, const std::string& media_type) {
    Result<std::string> sha = data_->blobs.Put(bytes);
    EXPECT_TRUE(sha.ok()) << sha.status().message(Lang::kEn);
    if (!sha.ok()) return "";
    Check(store().RecordBlob(*sha, static_cast<std::int64_t>(bytes.size()), media_type),
          "RecordBlob");
    return *sha;
  }

  void RegisterForm() {
    models::FormRecord form;
    form.id = kFormId;
    form.version = 1;
    form.title = "試験用請求書";
    form.department = "市民課";
    form.definition_json = kFormJson;
    form.reference_sha256 = {PutBlob(SnippetPng(0), "image/png")};
    Check(store().AddForm(form).status(), "AddForm");
    // One distinct snippet per field, so a snippet shown can be told from another.
    int seed = 1;
    for (const char* field : {"applicant_name", "birth_date", "copies", "purpose", "my_number"}) {
      snippet_sha256_[field] = PutBlob(SnippetPng(seed++), "image/png");
    }
  }

  void AddUser(const std::string& name) {
    models::NewUser user;
    user.name = name;
    user.display_name = "表示 " + name;
    const std::string role = name.substr(name.find('-') + 1);
    user.role = *models::ParseRole(role == "reviewer2" ? "reviewer" : role);
    user.tenant_code = name.substr(0, name.find('-'));
    user.password_hash = http_test::PasswordHashOnce(kPassword);
    Result<models::User> added = store().AddUser(user);
    Check(added.status(), "AddUser " + name);
    if (added.ok()) users_[name] = *added;
  }

  // A scanned document of `tenant`, read: the name auto-accepted, the date, the number of
  // copies and the purpose waiting for a reviewer, and the individual number waiting for a
  // supervisor on site (or auto-accepted, when `my_number_needs_review` is false).
  std::int64_t AddReviewDocument(const std::string& tenant, bool my_number_needs_review = true) {
    const int n = ++documents_made_;
    const std::string original = "original scan " + std::to_string(n) + " of " + tenant;
    models::NewDocument document;
    document.tenant_code = tenant;
    document.source_name = "batch/" + tenant + "-" + std::to_string(n) + ".png";
    document.original_sha256 =
        PutBlob(std::vector<std::uint8_t>(original.begin(), original.end()), "image/png");
    document.media_type = "image/png";
    document.original_size = static_cast<std::int64_t>(original.size());
    document.form_id = kFormId;
    document.form_version = 1;
    document.pages = {{.width_px = 2480, .height_px = 3508, .dpi = 300}};
    Result<models::DocumentInsert> inserted = store().InsertDocument(document);
    Check(inserted.status(), "InsertDocument");
    if (!inserted.ok()) return 0;
    Result<std::optional<models::Document>> claimed = store().ClaimDocument("api-test", 600);
    Check(claimed.status(), "ClaimDocument");
    EXPECT_TRUE(claimed.ok() && *claimed && (*claimed)->id == inserted->document_id);

    models::DocumentReading reading;
    reading.document_id = inserted->document_id;
    reading.worker = "api-test";
    reading.form_id = kFormId;
    reading.form_version = 1;
    models::DocumentReading::Page page;
    page.page_index = 0;
    page.form_page = 1;
    page.outcome = models::PageOutcome::kIdentified;
    reading.pages = {page};
    auto field = [&](const std::string& name, const std::string& type, const std::string& ocr,
                     bool auto_accept, bool on_site_only) {
      models::DocumentReading::Field f;
      f.name = name;
      f.field_type = type;
      f.ocr_value = ocr;
      f.confidence = auto_accept ? 0.99 : 0.42;
      f.auto_accept = auto_accept;
      f.snippet_sha256 = snippet_sha256_[name];
      f.review_reason = "確信度が低い";
      f.on_site_only = on_site_only;
      reading.fields.push_back(f);
    };
    field("applicant_name", "text", kApplicantName, true, false);
    field("birth_date", "date", "1950-04-01", false, false);
    field("copies", "integer", "2", false, false);
    field("purpose", "choice", "pension", false, false);
    field("my_number", "digits", kMyNumber, !my_number_needs_review, true);
    Check(store().RecordReading(reading), "RecordReading");
    return inserted->document_id;
  }

  // Logs `name` in over HTTP the first time it is asked for.
  const Login& As(const std::string& name) {
    auto found = logins_.find(name);
    if (found != logins_.end()) return found->second;
    Login login;
    login.user = users_.at(name);
    Reply reply = PostLogin(name, kPassword);
    EXPECT_EQ(reply.status, 200) << "login of " << name << ": " << Describe(reply);
    for (const Poco::Net::HTTPCookie& cookie : reply.cookies) {
      if (cookie.getName() == kSessionCookie) login.cookie = cookie.getValue();
    }
    EXPECT_FALSE(login.cookie.empty()) << "no session cookie for " << name;
    login.csrf = reply.json().value("csrf_token", "");
    return logins_.emplace(name, login).first->second;
  }

  Reply PostLogin(const std::string& name, const std::string& password) {
    return Send(port(), {.method = "POST",
                         .path = "/api/login",
                         .body = Json({{"name", name}, {"password", password}}).dump()});
  }

  Reply Get(const std::string& path, const Login* as) {
    return Send(port(), {.method = "GET", .path = path, .as = as});
  }
  Reply Post(const std::string& path, const Json& body, const Login* as) {
    return Send(port(), {.method = "POST", .path = path, .body = body.dump(), .as = as});
  }
  Reply PostText(const std::string& path, const std::string& body, const Login* as) {
    return Send(port(), {.method = "POST", .path = path, .body = body, .as = as});
  }

  int port() const { return server_ ? server_->port() : 0; }

  // Leases an open task of `holder`'s municipality to them through the store, making a
  // document when none is left, and returns its id.
  std::int64_t LeaseTo(const std::string& holder) {
    models::ClaimOptions claim;
    claim.user_id = users_.at(holder).id;
    for (int attempt = 0; attempt < 2; ++attempt) {
      Result<std::optional<models::TaskDetail>> task = store().ClaimTask(claim);
      Check(task.status(), "ClaimTask for " + holder);
      if (task.ok() && *task) return (*task)->task.id;
      AddReviewDocument(users_.at(holder).tenant_code);
    }
    ADD_FAILURE() << "no task could be leased to " << holder;
    return 0;
  }

  // A task of `tenant` that its reviewer escalated to a supervisor.
  std::int64_t EscalatedTask(const std::string& tenant) {
    const std::string reviewer = tenant + "-reviewer";
    const std::int64_t id = LeaseTo(reviewer);
    Result<review::EntryResult> escalated = queue_->Escalate(users_.at(reviewer), id, "読めません");
    Check(escalated.status(), "Escalate");
    return id;
  }

  models::TaskDetail Task(std::int64_t id) {
    Result<models::TaskDetail> task = store().GetTask(id);
    Check(task.status(), "GetTask " + std::to_string(id));
    return task.ok() ? *task : models::TaskDetail{};
  }

  // Whether a refusal of `path` to `user` with `status` is in the audit log. The server writes
  // it as it finishes the request, so it is waited for briefly.
  bool RefusalAudited(const models::User& user, const std::string& path, int status) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    do {
      Result<std::vector<models::AuditEvent>> events = store().RecentAudit(50);
      if (events.ok()) {
        for (const models::AuditEvent& event : *events) {
          if (event.action != "access.refused" || event.user_id != user.id) continue;
          const Json detail = Json::parse(event.detail_json, nullptr, false);
          if (detail.is_object() && detail.value("path", "") == path &&
              detail.value("status", 0) == status) {
            return true;
          }
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }

  std::vector<std::int64_t> DocumentIdsOf(const std::string& tenant) {
    std::vector<std::int64_t> ids;
    Result<std::vector<models::Document>> documents = store().ListDocuments(std::nullopt);
    Check(documents.status(), "ListDocuments");
    if (!documents.ok()) return ids;
    for (const models::Document& d : *documents) {
      if (d.tenant_code == tenant) ids.push_back(d.id);
    }
    return ids;
  }

  std::map<std::string, Json> FieldsByName(const Json& document_answer) {
    std::map<std::string, Json> fields;
    if (!document_answer.contains("fields")) return fields;
    for (const Json& field : document_answer["fields"]) {
      fields[field.value("name", "")] = field;
    }
    return fields;
  }

  fs::path dir_;
  std::unique_ptr<DataDir> data_;
  std::unique_ptr<review::ReviewQueue> queue_;
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, models::User> users_;  // by login name
  std::map<std::string, Login> logins_;
  std::map<std::string, std::string> snippet_sha256_;  // by field name
  int documents_made_ = 0;
  std::int64_t alpha_document_ = 0;
  std::int64_t beta_document_ = 0;
};

}  // namespace
}  // namespace adbridge::server

#endif  // ADBRIDGE_TESTS_SERVER_API_FIXTURE_H_
