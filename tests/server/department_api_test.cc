// Tests of the department page's and the phone-intake page's endpoints (docs/api.md,
// "Departments" and "Phone intake") over real HTTP to a server started in the test: what each
// role may do, the caller's municipality only, files answered as a department's systems read
// them, and broken input of every kind.
//
// Each test gets a fresh data directory with two municipalities ("alpha" and "beta"), the
// bundled benefit-application and residence-certificate forms, verified benefit applications
// in both (and one still in review in alpha), and users of every role.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include "models/store.h"
#include "server/credentials.h"
#include "server/data_dir.h"
#include "server/http_server.h"
#include "tests/ingest/encode_cp932.h"
#include "tests/output/decode_cp932.h"
#include "tests/output/pdf_test_support.h"
#include "tests/output/verified_records.h"
#include "tests/server/http_test_client.h"

namespace adbridge::server {
namespace {

namespace fs = std::filesystem;
using http_test::Describe;
using http_test::Json;
using http_test::Login;
using http_test::Reply;
using http_test::Request;
using http_test::Send;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPassword[] = "tegami-to-denwa-7";
constexpr char kBenefit[] = "kyufukin-application";
constexpr char kCertificate[] = "juminhyo-request";
constexpr char kMyNumber[] = "123456789018";

// Calls typed at alpha's front desk: two residence-certificate requests, every value valid.
constexpr char kPhoneHeader[] =
    "form,request_date,applicant_name,applicant_kana,birth_date,postal_code,address,phone,copies,"
    "include_honseki,needs_mynumber,my_number,purpose,purpose_note,received_at,operator,note,"
    "uncertain\r\n";
constexpr char kPhoneRows[] =
    "juminhyo-request,2026/11/21,塩尻 花子,シオジリ ハナコ,昭和25年4月1日,〒399-0701,"
    "長野県塩尻市広丘吉田1234,0263-52-0280,1,はい,はい,123456789018,pension,,2026-11-21 09:30,"
    "suzuki,,\r\n"
    "juminhyo-request,2026/11/21,松本 一郎,マツモト イチロウ,1962-07-15,390-0811,"
    "長野県松本市中央1-2-3,090-1234-5678,２,,,,employment,,2026-11-21 10:05,suzuki,,\r\n";
// The upload limit of the test's server: small, so that a refused body is still read and
// dropped whole (the server closes a connection that leaves more than 1 MiB unread).
constexpr std::size_t kUploadLimit = 256 * 1024;

class DepartmentApiTest : public ::testing::Test {
 protected:
  DepartmentApiTest() {
    dir_ = http_test::FreshDataFolder("adbridge-department-api-");
    {
      adbridge::testing::VerifiedRecords records(dir_);
      EXPECT_TRUE(records.store().EnsureTenant("alpha", "アルファ市").ok());
      EXPECT_TRUE(records.store().EnsureTenant("beta", "ベータ町").ok());
      records.RegisterBundledForm(kBenefit);
      records.RegisterBundledForm(kCertificate);
      records.RegisterBundledForm("demand-bus-reservation");
      std::map<std::string, std::string> sato = adbridge::testing::KyufukinValues();
      sato["applicant_name"] = "佐藤 花子";
      sato["applicant_kana"] = "サトウ ハナコ";
      sato["postal_code"] = "399-0701";
      sato["account_holder_kana"] = "サトウ ハナコ";
      alpha_records_ = {records.Add(kBenefit, adbridge::testing::KyufukinValues(), 1, true, "alpha"),
                        records.Add(kBenefit, sato, 1, true, "alpha")};
      records.Add(kBenefit, sato, 1, /*verified=*/false, "alpha");
      std::map<std::string, std::string> beta = adbridge::testing::KyufukinValues();
      beta["applicant_name"] = "別町 次郎";
      beta_record_ = records.Add(kBenefit, beta, 1, true, "beta");
      // gamma's one resident has a name CP932 cannot write.
      EXPECT_TRUE(records.store().EnsureTenant("gamma", "ガンマ村").ok());
      std::map<std::string, std::string> yoshida = adbridge::testing::KyufukinValues();
      yoshida["applicant_name"] = "𠮷田 太郎";
      gamma_record_ = records.Add(kBenefit, yoshida, 1, true, "gamma");
    }
    Result<DataDir> data = OpenDataDir(dir_);
    if (!data.ok()) {
      ADD_FAILURE() << "OpenDataDir: " << data.status().message(Lang::kEn);
      return;
    }
    data_ = std::make_unique<DataDir>(std::move(*data));
    for (const char* user : {"alpha-department", "alpha-supervisor", "alpha-admin",
                             "alpha-reviewer", "alpha-frontdesk", "beta-department",
                             "gamma-department"}) {
      AddUser(user);
    }
    HttpServerOptions options;
    options.bind = "127.0.0.1";
    options.port = 0;
    options.api.max_upload_bytes = kUploadLimit;
    Result<std::unique_ptr<HttpServer>> server = HttpServer::Start(store(), data_->blobs, options);
    if (!server.ok()) {
      ADD_FAILURE() << "HttpServer::Start: " << server.status().message(Lang::kEn);
      return;
    }
    server_ = std::move(*server);
  }

  ~DepartmentApiTest() override {
    if (server_) server_->Stop();
    server_.reset();
    data_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  models::Store& store() { return *data_->store; }
  int port() const { return server_ ? server_->port() : 0; }

  void AddUser(const std::string& name) {
    models::NewUser user;
    user.name = name;
    user.role = *models::ParseRole(name.substr(name.find('-') + 1));
    user.tenant_code = name.substr(0, name.find('-'));
    user.password_hash = http_test::PasswordHashOnce(kPassword);
    Result<models::User> added = store().AddUser(user);
    ASSERT_TRUE(added.ok()) << added.status().message(Lang::kEn);
    users_[name] = *added;
  }

  const Login& As(const std::string& name) {
    auto found = logins_.find(name);
    if (found != logins_.end()) return found->second;
    Reply reply;
    Login login = http_test::LogIn(port(), users_.at(name), kPassword, &reply);
    EXPECT_FALSE(login.cookie.empty()) << "login of " << name << ": " << Describe(reply);
    return logins_.emplace(name, login).first->second;
  }

  Reply Get(const std::string& path, const std::string& user) {
    return Send(port(), {.method = "GET", .path = path, .as = &As(user)});
  }
  Reply Post(const std::string& path, const Json& body, const std::string& user) {
    return Send(port(), {.method = "POST", .path = path, .body = body.dump(), .as = &As(user)});
  }
  Reply PostRaw(const std::string& path, const std::string& body, const std::string& user,
                const std::string& content_type = "application/json") {
    return Send(port(), {.method = "POST",
                         .path = path,
                         .body = body,
                         .as = &As(user),
                         .content_type = content_type});
  }
  Reply Upload(const std::string& csv, const std::string& user = "alpha-frontdesk",
               const std::string& name = "calls.csv") {
    return PostRaw("/api/intake/phone?name=" + name, csv, user, "text/csv");
  }

  Json FormOf(const Reply& forms, const std::string& id) {
    const Json answer = forms.json();
    for (const Json& form : answer["forms"]) {
      if (form["id"] == id) return form;
    }
    ADD_FAILURE() << "no form " << id << " in " << forms.body;
    return Json::object();
  }

  // A PDF answer's page count, read back with pdfinfo.
  int PdfPages(const std::string& pdf) {
    const fs::path file = dir_ / "answer.pdf";
    EXPECT_TRUE(adbridge::testing::WriteFile(file, pdf).ok());
    Result<adbridge::testing::PdfInfo> info = adbridge::testing::ReadPdfInfo(file);
    EXPECT_TRUE(info.ok()) << info.status().message(Lang::kEn);
    return info.ok() ? info->pages : -1;
  }

  fs::path dir_;
  std::unique_ptr<DataDir> data_;
  std::unique_ptr<HttpServer> server_;
  std::map<std::string, models::User> users_;
  std::map<std::string, Login> logins_;
  std::vector<std::int64_t> alpha_records_;
  std::int64_t beta_record_ = 0;
  std::int64_t gamma_record_ = 0;
};

// ---- who may do what ----

TEST_F(DepartmentApiTest, OnlyDepartmentAndAdminMakeFilesSupervisorsReadOthersAreRefused) {
  const std::vector<std::string> reads = {
      "/api/department/forms", "/api/department/records?form=kyufukin-application",
      "/api/department/exports", "/api/department/letters/batches"};
  const std::vector<std::pair<std::string, Json>> makes = {
      {"/api/department/exports", Json{{"form", kBenefit}}},
      {"/api/department/letters", Json{{"template", "kyufukin-decision"}}},
      {"/api/department/scripts", Json{{"template", "kyufukin-call"}}}};
  for (const std::string user : {"alpha-reviewer", "alpha-frontdesk"}) {
    for (const std::string& path : reads) {
      EXPECT_EQ(Get(path, user).status, 403) << user << " " << path;
    }
    for (const auto& [path, body] : makes) {
      EXPECT_EQ(Post(path, body, user).status, 403) << user << " " << path;
    }
  }
  for (const std::string& path : reads) {
    EXPECT_EQ(Get(path, "alpha-supervisor").status, 200) << path;
    EXPECT_EQ(Get(path, "alpha-admin").status, 200) << path;
  }
  for (const auto& [path, body] : makes) {
    EXPECT_EQ(Post(path, body, "alpha-supervisor").status, 403) << path;
  }
  // An admin makes an export as a department user does.
  EXPECT_EQ(Post("/api/department/exports", {{"form", kBenefit}}, "alpha-admin").status, 200);
  // Not logged in.
  EXPECT_EQ(Send(port(), {.path = "/api/department/forms"}).status, 401);
}

TEST_F(DepartmentApiTest, APostWithoutTheCsrfTokenIsRefusedAndRecordsNothing) {
  for (const std::string path :
       {"/api/department/exports", "/api/department/letters", "/api/department/scripts"}) {
    Reply reply = Send(port(), {.method = "POST",
                                .path = path,
                                .body = Json({{"form", kBenefit},
                                              {"template", "kyufukin-decision"}})
                                            .dump(),
                                .as = &As("alpha-department"),
                                .send_csrf = false});
    EXPECT_EQ(reply.status, 403) << path << ": " << Describe(reply);
  }
  EXPECT_EQ(Upload(std::string(kPhoneHeader) + kPhoneRows).status, 200);  // with the token
  Reply no_token = Send(port(), {.method = "POST",
                                 .path = "/api/intake/phone?name=x.csv",
                                 .body = std::string(kPhoneHeader) + kPhoneRows,
                                 .as = &As("alpha-frontdesk"),
                                 .send_csrf = false,
                                 .content_type = "text/csv"});
  EXPECT_EQ(no_token.status, 403);
  EXPECT_TRUE(store().ListExports("alpha", std::nullopt)->empty());
  EXPECT_TRUE(store().ListLetterBatches("alpha")->empty());
}

// ---- forms and records ----

TEST_F(DepartmentApiTest, FormsCountTheCallersRecordsAndListTheTemplates) {
  Reply forms = Get("/api/department/forms", "alpha-department");
  ASSERT_EQ(forms.status, 200) << Describe(forms);
  Json benefit = FormOf(forms, kBenefit);
  EXPECT_EQ(benefit["title"], "物価高騰対応重点支援給付金 支給申請書");
  EXPECT_EQ(benefit["verified"], 2);  // beta's record is not counted
  EXPECT_EQ(benefit["in_review"], 1);
  EXPECT_EQ(benefit["new"], 2);
  EXPECT_TRUE(benefit["last_export"].is_null());
  bool decision = false, call = false;
  const Json answer = forms.json();
  for (const Json& t : answer["templates"]) {
    decision |= t["id"] == "kyufukin-decision" && t["kind"] == "letter" && t["form"] == kBenefit;
    call |= t["id"] == "kyufukin-call" && t["kind"] == "script" && t["form"] == kBenefit;
  }
  EXPECT_TRUE(decision && call) << forms.body;

  ASSERT_EQ(Post("/api/department/exports", {{"form", kBenefit}}, "alpha-department").status, 200);
  benefit = FormOf(Get("/api/department/forms", "alpha-department"), kBenefit);
  EXPECT_EQ(benefit["new"], 0);
  EXPECT_EQ(benefit["last_export"]["requested_by"], "alpha-department");
  EXPECT_EQ(benefit["last_export"]["documents"], 2);
  // beta's department has its own count and no export.
  Json beta = FormOf(Get("/api/department/forms", "beta-department"), kBenefit);
  EXPECT_EQ(beta["verified"], 1);
  EXPECT_EQ(beta["new"], 1);
  EXPECT_TRUE(beta["last_export"].is_null());
}

TEST_F(DepartmentApiTest, RecordsAreTheCallersFilteredByTextAndNewnessAndPaged) {
  Reply all = Get("/api/department/records?form=kyufukin-application", "alpha-department");
  ASSERT_EQ(all.status, 200) << Describe(all);
  EXPECT_EQ(all.json()["total"], 2);
  ASSERT_EQ(all.json()["records"].size(), 2u);
  EXPECT_EQ(all.json()["records"][0]["id"], alpha_records_[0]);
  EXPECT_EQ(all.json()["records"][0]["fields"]["applicant_name"]["value"], "山田 太郎");
  EXPECT_EQ(all.json()["records"][0]["fields"]["applicant_name"]["state"], "auto_accepted");
  EXPECT_EQ(all.json()["columns"][0]["label"], "申請日");
  EXPECT_THAT(all.body, Not(HasSubstr("別町")));  // beta's resident

  Reply sato = Get("/api/department/records?form=kyufukin-application&q=%E4%BD%90%E8%97%A4",
                   "alpha-department");  // q=佐藤
  ASSERT_EQ(sato.status, 200);
  EXPECT_EQ(sato.json()["total"], 1);
  EXPECT_EQ(sato.json()["records"][0]["id"], alpha_records_[1]);

  Reply page = Get("/api/department/records?form=kyufukin-application&limit=1&offset=1",
                   "alpha-department");
  EXPECT_EQ(page.json()["total"], 2);
  ASSERT_EQ(page.json()["records"].size(), 1u);
  EXPECT_EQ(page.json()["records"][0]["id"], alpha_records_[1]);

  EXPECT_EQ(Get("/api/department/records?form=kyufukin-application&status=any",
                "alpha-department")
                .json()["total"],
            3);
  ASSERT_EQ(Post("/api/department/exports", {{"form", kBenefit}}, "alpha-department").status, 200);
  EXPECT_EQ(
      Get("/api/department/records?form=kyufukin-application&new=1", "alpha-department")
          .json()["total"],
      0);
}

TEST_F(DepartmentApiTest, RecordsRefuseBrokenQueries) {
  const std::string user = "alpha-department";
  EXPECT_EQ(Get("/api/department/records", user).status, 400);
  Reply unknown = Get("/api/department/records?form=no-such-form", user);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("no-such-form"));
  EXPECT_EQ(Get("/api/department/records?form=kyufukin-application&status=all", user).status, 400);
  EXPECT_EQ(Get("/api/department/records?form=kyufukin-application&limit=ten", user).status, 400);
  EXPECT_EQ(Get("/api/department/records?form=kyufukin-application&limit=100000", user).status,
            400);
  EXPECT_EQ(Get("/api/department/records?form=kyufukin-application&offset=-1", user).status, 400);
  EXPECT_EQ(Get("/api/department/records?form=kyufukin-application&limit=0", user).status, 400);
}

TEST_F(DepartmentApiTest, OnSiteOnlyValuesAreMaskedAndUnsearchableYetExportedAsTheCliDoes) {
  ASSERT_EQ(Upload(std::string(kPhoneHeader) + kPhoneRows).status, 200);
  const std::string path = "/api/department/records?form=juminhyo-request";
  Reply department = Get(path, "alpha-department");
  ASSERT_EQ(department.status, 200) << Describe(department);
  EXPECT_EQ(department.json()["records"][0]["fields"]["my_number"]["value"], "＊＊＊＊");
  EXPECT_THAT(department.body, Not(HasSubstr(kMyNumber)));
  bool masked_column = false;
  const Json answer = department.json();
  for (const Json& c : answer["columns"]) {
    masked_column |= c["name"] == "my_number" && c["masked"] == true;
  }
  EXPECT_TRUE(masked_column);
  // Guessing the number finds nothing.
  EXPECT_EQ(Get(path + "&q=" + kMyNumber, "alpha-department").json()["total"], 0);
  // A supervisor on site sees it, as GET /api/documents/ID shows it.
  Reply supervisor = Get(path, "alpha-supervisor");
  EXPECT_EQ(supervisor.json()["records"][0]["fields"]["my_number"]["value"], kMyNumber);
  // The export is the department's file for its own systems: it holds the value, as
  // `adbridge export --user` does for the same user.
  Reply exported =
      Post("/api/department/exports", {{"form", kCertificate}}, "alpha-department");
  ASSERT_EQ(exported.status, 200) << Describe(exported);
  EXPECT_THAT(exported.body, HasSubstr(kMyNumber));
}

// ---- exports ----

TEST_F(DepartmentApiTest, AnExportAnswersTheFileAndIsRecordedAsTheUser) {
  Reply reply = Post("/api/department/exports",
                     {{"form", kBenefit}, {"format", "csv"}, {"encoding", "utf-8-bom"}},
                     "alpha-department");
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  EXPECT_EQ(reply.content_type, "text/csv; charset=utf-8");
  const std::string disposition = reply.headers.get("Content-Disposition", "");
  EXPECT_THAT(disposition, HasSubstr("attachment;"));
  // 物価高騰対応重点支援給付金 支給申請書_YYYYMMDD-HHMM.csv, percent-encoded as UTF-8.
  EXPECT_THAT(disposition, HasSubstr("filename*=UTF-8''%E7%89%A9%E4%BE%A1"));
  EXPECT_THAT(disposition, HasSubstr(".csv"));
  ASSERT_EQ(reply.body.rfind("\xEF\xBB\xBF" "document,source_name,application_date,", 0), 0u)
      << reply.body.substr(0, 80);
  EXPECT_THAT(reply.body, HasSubstr("山田 太郎"));
  EXPECT_THAT(reply.body, HasSubstr("佐藤 花子"));
  EXPECT_THAT(reply.body, Not(HasSubstr("別町")));
  EXPECT_EQ(std::count(reply.body.begin(), reply.body.end(), '\n'), 3);  // header and 2 rows
  EXPECT_EQ(reply.headers.get("X-Adbridge-Documents", ""), "2");

  Result<std::vector<models::ExportRecord>> recorded = store().ListExports("alpha", std::nullopt);
  ASSERT_TRUE(recorded.ok());
  ASSERT_EQ(recorded->size(), 1u);
  EXPECT_EQ((*recorded)[0].requested_by, "alpha-department");
  EXPECT_EQ((*recorded)[0].user_id, users_.at("alpha-department").id);
  EXPECT_EQ((*recorded)[0].encoding, models::ExportEncoding::kUtf8Bom);
  Reply history = Get("/api/department/exports?form=kyufukin-application", "alpha-supervisor");
  ASSERT_EQ(history.json()["exports"].size(), 1u);
  EXPECT_EQ(history.json()["exports"][0]["documents"], 2);
  EXPECT_TRUE(Get("/api/department/exports", "beta-department").json()["exports"].empty());

  // CP932 holds the same text; JSON Lines one object per record.
  Reply cp932 = Post("/api/department/exports", {{"form", kBenefit}, {"encoding", "cp932"}},
                     "alpha-department");
  ASSERT_EQ(cp932.status, 200) << Describe(cp932);
  EXPECT_EQ(cp932.content_type, "text/csv; charset=Shift_JIS");
  EXPECT_THAT(test_support::DecodeCp932(cp932.body), HasSubstr("佐藤 花子"));
  Reply jsonl = Post("/api/department/exports", {{"form", kBenefit}, {"format", "jsonl"}},
                     "alpha-department");
  ASSERT_EQ(jsonl.status, 200);
  EXPECT_THAT(jsonl.content_type, HasSubstr("application/jsonl"));
  EXPECT_EQ(Json::parse(jsonl.body.substr(0, jsonl.body.find('\n')))["document"],
            alpha_records_[0]);
}

TEST_F(DepartmentApiTest, NothingNewToExportIsAClearAnswerNotAnEmptyFile) {
  ASSERT_EQ(Post("/api/department/exports", {{"form", kBenefit}, {"new", true}},
                 "alpha-department")
                .status,
            200);
  Reply again = Post("/api/department/exports", {{"form", kBenefit}, {"new", true}},
                     "alpha-department");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.ErrorCode(), "failed_precondition");
  EXPECT_THAT(again.json()["error"]["message_en"].get<std::string>(), HasSubstr("no record is new"));
  EXPECT_EQ(store().ListExports("alpha", std::nullopt)->size(), 1u);
}

TEST_F(DepartmentApiTest, AnExportRefusesBrokenRequestsAndRecordsNothing) {
  const std::string user = "alpha-department";
  EXPECT_EQ(PostRaw("/api/department/exports", "{\"form\":", user).status, 400);
  EXPECT_EQ(PostRaw("/api/department/exports", "[1,2]", user).status, 400);
  EXPECT_EQ(Post("/api/department/exports", Json::object(), user).status, 400);
  EXPECT_EQ(Post("/api/department/exports", {{"form", 7}}, user).status, 400);
  Reply format = Post("/api/department/exports", {{"form", kBenefit}, {"format", "xlsx"}}, user);
  EXPECT_EQ(format.status, 400);
  EXPECT_THAT(format.body, HasSubstr("xlsx"));
  EXPECT_EQ(Post("/api/department/exports", {{"form", kBenefit}, {"encoding", "latin-1"}}, user)
                .status,
            400);
  EXPECT_EQ(Post("/api/department/exports",
                 {{"form", kBenefit}, {"format", "jsonl"}, {"encoding", "cp932"}}, user)
                .status,
            400);
  EXPECT_EQ(Post("/api/department/exports", {{"form", kBenefit}, {"status", "all"}}, user).status,
            400);
  EXPECT_EQ(Post("/api/department/exports", {{"form", kBenefit}, {"new", "yes"}}, user).status,
            400);
  Reply unknown = Post("/api/department/exports", {{"form", "no-such-form"}}, user);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("no-such-form"));
  EXPECT_EQ(PostRaw("/api/department/exports", std::string(70 * 1024, ' '), user).status, 413);
  EXPECT_TRUE(store().ListExports("alpha", std::nullopt)->empty());
}

TEST_F(DepartmentApiTest, ACharacterCp932LacksIsNamedWithDocumentFieldAndCodePoint) {
  Reply refused = Post("/api/department/exports", {{"form", kBenefit}, {"encoding", "cp932"}},
                       "gamma-department");
  ASSERT_EQ(refused.status, 400) << Describe(refused);
  const std::string en = refused.json()["error"]["message_en"];
  EXPECT_THAT(en, HasSubstr("document " + std::to_string(gamma_record_)));
  EXPECT_THAT(en, HasSubstr("applicant_name"));
  EXPECT_THAT(en, HasSubstr("U+20BB7"));
  EXPECT_EQ(refused.json()["unmappable"][0]["character"], "U+20BB7");
  EXPECT_EQ(refused.json()["unmappable"][0]["field"], "applicant_name");
  EXPECT_TRUE(store().ListExports("gamma", std::nullopt)->empty());

  Reply replaced = Post("/api/department/exports",
                        {{"form", kBenefit}, {"encoding", "cp932"}, {"replace_unmappable", true}},
                        "gamma-department");
  ASSERT_EQ(replaced.status, 200) << Describe(replaced);
  EXPECT_EQ(replaced.headers.get("X-Adbridge-Replaced", ""), "1");
  EXPECT_THAT(test_support::DecodeCp932(replaced.body), HasSubstr("〓田 太郎"));
}

// ---- letters ----

TEST_F(DepartmentApiTest, LettersAreMadeOnceRecordedAndTheirPdfCanBeFetchedAgain) {
  Reply made = Post("/api/department/letters", {{"template", "kyufukin-decision"}},
                    "alpha-department");
  ASSERT_EQ(made.status, 200) << Describe(made);
  const Json batch = made.json()["batch"];
  ASSERT_TRUE(batch.is_object()) << made.body;
  EXPECT_EQ(batch["letters"], 2);
  EXPECT_TRUE(made.json()["skipped"].empty());
  const std::string url = batch["download_url"];
  EXPECT_EQ(url, "/api/department/letters/batches/" + std::to_string(batch["id"].get<int>()) +
                     ".pdf");

  Reply pdf = Get(url, "alpha-department");
  ASSERT_EQ(pdf.status, 200) << Describe(pdf);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_THAT(pdf.headers.get("Content-Disposition", ""), HasSubstr("attachment;"));
  EXPECT_EQ(PdfPages(pdf.body), batch["pages"].get<int>());
  EXPECT_EQ(Get(url, "alpha-supervisor").status, 200);  // printing again is a read
  int downloads = 0;
  Result<std::vector<models::AuditEvent>> audit = store().RecentAudit(20);
  ASSERT_TRUE(audit.ok());
  for (const models::AuditEvent& event : *audit) {
    downloads += event.action == "letters.downloaded";
  }
  EXPECT_EQ(downloads, 2);

  // Never twice for a record.
  Reply again = Post("/api/department/letters", {{"template", "kyufukin-decision"}},
                     "alpha-department");
  ASSERT_EQ(again.status, 200);
  EXPECT_TRUE(again.json()["batch"].is_null());
  EXPECT_TRUE(again.json()["skipped"].empty());

  Reply batches = Get("/api/department/letters/batches", "alpha-department");
  ASSERT_EQ(batches.json()["batches"].size(), 1u);
  EXPECT_EQ(batches.json()["batches"][0]["requested_by"], "alpha-department");
  EXPECT_EQ(store().GetLetterBatch(batch["id"].get<int>())->user_id,
            users_.at("alpha-department").id);

  // Another municipality's batch is not found, not forbidden; beta has none of its own.
  EXPECT_EQ(Get(url, "beta-department").status, 404);
  EXPECT_TRUE(Get("/api/department/letters/batches", "beta-department").json()["batches"].empty());
  EXPECT_EQ(Get("/api/department/letters/batches/999.pdf", "alpha-department").status, 404);
  EXPECT_EQ(Get("/api/department/letters/batches/abc.pdf", "alpha-department").status, 404);
}

TEST_F(DepartmentApiTest, LettersRefuseUnknownTemplatesPathsAndBrokenBodies) {
  const std::string user = "alpha-department";
  EXPECT_EQ(PostRaw("/api/department/letters", "not json", user).status, 400);
  EXPECT_EQ(Post("/api/department/letters", Json::object(), user).status, 400);
  EXPECT_EQ(Post("/api/department/letters", {{"template", "kyufukin-decision"}, {"large_print", 1}},
                 user)
                .status,
            400);
  Reply unknown = Post("/api/department/letters", {{"template", "no-such-letter"}}, user);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_THAT(unknown.body, HasSubstr("no-such-letter"));
  // Only bundled templates: never a file of the server.
  EXPECT_EQ(Post("/api/department/letters",
                 {{"template", std::string(ADBRIDGE_SOURCE_DIR) +
                                   "/models/templates/kyufukin-decision.json"}},
                 user)
                .status,
            404);
  // A phone-script template is no letter.
  EXPECT_EQ(Post("/api/department/letters", {{"template", "kyufukin-call"}}, user).status, 400);
  EXPECT_TRUE(store().ListLetterBatches("alpha")->empty());
}

// ---- scripts ----

TEST_F(DepartmentApiTest, ScriptsAnswerAPdfOrTextOfTheCallersRecordsOnly) {
  Reply text = Post("/api/department/scripts", {{"template", "kyufukin-call"}, {"format", "text"}},
                    "alpha-department");
  ASSERT_EQ(text.status, 200) << Describe(text);
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");
  EXPECT_THAT(text.body, HasSubstr("山田 太郎"));
  EXPECT_THAT(text.body, HasSubstr("佐藤 花子"));
  EXPECT_THAT(text.body, Not(HasSubstr("別町")));
  EXPECT_EQ(text.headers.get("X-Adbridge-Scripts", ""), "2");

  Reply pdf = Post("/api/department/scripts", {{"template", "kyufukin-call"}}, "alpha-department");
  ASSERT_EQ(pdf.status, 200) << Describe(pdf);
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_GE(PdfPages(pdf.body), 2);

  const std::string user = "alpha-department";
  EXPECT_EQ(Post("/api/department/scripts", {{"template", "kyufukin-call"}, {"format", "docx"}},
                 user)
                .status,
            400);
  EXPECT_EQ(Post("/api/department/scripts", {{"template", "nope"}}, user).status, 404);
  EXPECT_EQ(Post("/api/department/scripts", {{"template", "kyufukin-decision"}}, user).status, 400);
  EXPECT_EQ(PostRaw("/api/department/scripts", "{", user).status, 400);
  // A form without verified records has nothing to call about: a clear answer, no empty file.
  Reply none = Post("/api/department/scripts", {{"template", "demand-bus-call"}}, user);
  EXPECT_EQ(none.status, 409) << Describe(none);
  EXPECT_THAT(none.json()["error"]["message_en"].get<std::string>(),
              HasSubstr("no verified record"));
}

// ---- phone intake ----

TEST_F(DepartmentApiTest, AnUploadIsStoredInTheCallersMunicipalityRowByRow) {
  Reply reply = Upload(std::string(kPhoneHeader) + kPhoneRows);
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  const Json result = reply.json();
  EXPECT_EQ(result["file"], "calls.csv");
  ASSERT_EQ(result["records"].size(), 2u);
  EXPECT_EQ(result["records"][0]["line"], 2);
  EXPECT_EQ(result["records"][0]["state"], "verified");
  EXPECT_EQ(result["records"][0]["duplicate"], false);
  EXPECT_EQ(result["summary"]["stored"], 2);
  EXPECT_TRUE(result["errors"].empty());
  const models::Document document =
      *store().GetDocument(result["records"][1]["document"].get<std::int64_t>());
  EXPECT_EQ(document.tenant_code, "alpha");
  EXPECT_EQ(document.source_name, "calls.csv:3");

  // The same calls again, in CP932 and with a BOM: nothing new.
  for (const std::string& again :
       {test_support::EncodeCp932(std::string(kPhoneHeader) + kPhoneRows),
        "\xEF\xBB\xBF" + std::string(kPhoneHeader) + kPhoneRows}) {
    Reply twice = Upload(again);
    ASSERT_EQ(twice.status, 200) << Describe(twice);
    EXPECT_EQ(twice.json()["summary"]["stored"], 0);
    EXPECT_EQ(twice.json()["summary"]["duplicates"], 2);
    EXPECT_EQ(twice.json()["records"][0]["document"], result["records"][0]["document"]);
  }
  // The name is only a name: a path is cut to its last part.
  EXPECT_EQ(Upload(std::string(kPhoneHeader) + kPhoneRows, "alpha-frontdesk", "..%2Fetc%2Fx.csv")
                .json()["file"],
            "x.csv");
}

TEST_F(DepartmentApiTest, MalformedRowsAreReportedByLineAndTheOthersStored) {
  Reply reply = Upload(std::string(kPhoneHeader) + kPhoneRows +
                       "juminhyo-request,足りない,行\r\n"
                       "no-such-form,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x\r\n"
                       "juminhyo-request,2026/11/21,木曽 花江,キソ ハナエ,1991-02-03,399-5607,"
                       "長野県木曽郡上松町小川1706,0264-52-1111,1,,,,pension,,yesterday,tanaka,,\r\n");
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  const Json result = reply.json();
  EXPECT_EQ(result["summary"]["stored"], 2);
  ASSERT_EQ(result["errors"].size(), 3u);
  EXPECT_EQ(result["errors"][0]["line"], 4);
  EXPECT_THAT(result["errors"][0]["reason_en"].get<std::string>(), HasSubstr("cells"));
  EXPECT_EQ(result["errors"][1]["line"], 5);
  EXPECT_THAT(result["errors"][1]["reason_en"].get<std::string>(), HasSubstr("no-such-form"));
  EXPECT_EQ(result["errors"][2]["line"], 6);
  EXPECT_THAT(result["errors"][2]["reason"].get<std::string>(), HasSubstr("received_at"));
  EXPECT_EQ(result["summary"]["malformed"], 3);
}

TEST_F(DepartmentApiTest, AnUploadRefusesUnknownFormsColumnsRolesAndOversizeFiles) {
  Reply form =
      Upload(std::string(kPhoneHeader) + "no-such-form,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x\r\n");
  EXPECT_EQ(form.status, 400) << Describe(form);
  EXPECT_THAT(form.body, HasSubstr("no-such-form"));
  Reply column = Upload("form,applicant_name,shoe_size\r\njuminhyo-request,塩尻 花子,27\r\n");
  EXPECT_EQ(column.status, 400) << Describe(column);
  EXPECT_THAT(column.body, HasSubstr("shoe_size"));
  EXPECT_EQ(Upload("").status, 400);
  EXPECT_EQ(Upload(std::string("form\r\nab\x81 c")).status, 400);  // neither UTF-8 nor CP932
  Reply large = Upload(std::string(kPhoneHeader) + std::string(kUploadLimit, 'x'));
  EXPECT_EQ(large.status, 413) << Describe(large);
  EXPECT_EQ(Upload(std::string(kPhoneHeader) + kPhoneRows, "alpha-department").status, 403);
  EXPECT_EQ(Upload(std::string(kPhoneHeader) + kPhoneRows, "alpha-reviewer").status, 403);
  Result<std::vector<models::Document>> documents = store().ListDocuments(std::nullopt);
  ASSERT_TRUE(documents.ok());
  for (const models::Document& d : *documents) {
    EXPECT_NE(d.form_id, std::optional<std::string>(kCertificate)) << d.source_name;
  }
  // A supervisor and an admin may upload.
  EXPECT_EQ(Upload(std::string(kPhoneHeader) + kPhoneRows, "alpha-supervisor").status, 200);
}

}  // namespace
}  // namespace adbridge::server
