// The corpus of bad files and requests (tests/data/bad/) sent to a running server over real
// HTTP, as a browser or a hostile script sends them: broken, foreign and enormous scans
// uploaded, oversize and deeply nested JSON, oversize phone-intake files, names that climb out
// of their folder, SQL metacharacters in every text a person types, and bytes that are not
// UTF-8 in JSON, query strings and file names. Each gets an answer that says what is wrong (in
// Japanese and in English), nothing in the store changes (documents, blobs, tasks, entries,
// audit rows, users), and the server goes on answering.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api_fixture.h"
#include "tests/server/bad_corpus.h"
#include "tests/server/cli_runner.h"
#include "tests/server/data_holdings.h"

namespace adbridge::server {
namespace {

using test_support::CountHoldings;
using test_support::HasNonAscii;
using test_support::Holdings;
using test_support::kBadCorpus;
using test_support::Slurp;
using test_support::Tried;
using ::testing::AnyOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class BadInputApiTest : public ApiTest {
 protected:
  Holdings Count() { return CountHoldings(dir_); }

  // Logs in `names` first (a first login adds a session and an audit row), then counts.
  Holdings CountAfterLogins(std::initializer_list<const char*> names) {
    for (const char* name : names) As(name);
    return Count();
  }

  // A second server on the same store, with `api` for its limits.
  Result<std::unique_ptr<HttpServer>> StartAnother(const ApiOptions& api) {
    HttpServerOptions options;
    options.bind = "127.0.0.1";
    options.port = 0;
    options.api = api;
    return HttpServer::Start(store(), data_->blobs, options);
  }

  Reply Upload(const std::string& query_name, const std::string& bytes, const Login* as) {
    return Send(port(), {.method = "POST",
                         .path = "/api/documents/upload?name=" + query_name,
                         .body = bytes,
                         .as = as});
  }

  // The server still answers a logged-in user and still takes a good scan.
  void ExpectStillServing(const std::string& after) {
    const Reply me = Get("/api/me", &As("alpha-frontdesk"));
    EXPECT_EQ(me.status, 200) << "after " << after << ": " << Describe(me);
    ++good_uploads_;
    const std::vector<std::uint8_t> png = SnippetPng(1000 + good_uploads_);
    const Reply good = Upload("good-" + std::to_string(good_uploads_) + ".png",
                              std::string(png.begin(), png.end()), &As("alpha-frontdesk"));
    EXPECT_EQ(good.status, 200) << "after " << after << ": " << Describe(good);
  }

  // An error answer with its code, a Japanese message and an English one holding `english`.
  static void ExpectError(const Reply& reply, int status, const std::string& english,
                          const std::string& what) {
    EXPECT_EQ(reply.status, status) << what << ": " << Describe(reply);
    const Json error = reply.json().value("error", Json::object());
    EXPECT_FALSE(error.value("code", "").empty()) << what << ": " << reply.body;
    EXPECT_THAT(error.value("message_en", ""), HasSubstr(english)) << what;
    EXPECT_TRUE(HasNonAscii(error.value("message", ""))) << what << ": " << reply.body;
  }

  // A text-field task of alpha for the reviewer, with the phone operator's note, from a phone
  // record whose cells are `name` and `note`; returns the task as the reviewer is shown it.
  Json PhoneTaskFor(const std::string& name, const std::string& note) {
    const std::string csv =
        "form,applicant_name,birth_date,copies,purpose,operator,note,uncertain\r\n"
        "api-test-request," +
        name + ",2001-02-03,2,pension,\"op'; --\"," + note + ",applicant_name\r\n";
    const Reply stored = PostText("/api/intake/phone?name=calls.csv", csv, &As("alpha-frontdesk"));
    EXPECT_EQ(stored.status, 200) << Describe(stored);
    EXPECT_EQ(stored.json()["records"].size(), 1u) << stored.body;
    const Reply next = Post("/api/review/next", {{"field_type", "text"}}, &As("alpha-reviewer"));
    EXPECT_EQ(next.status, 200) << Describe(next);
    return next.json().value("task", Json());
  }

  int good_uploads_ = 0;
};

// ---- scans ----

TEST_F(BadInputApiTest, EveryBadScanOfTheCorpusIsRefusedNamingTheFileAndWhyInBothLanguages) {
  const Login& desk = As("alpha-frontdesk");
  const Holdings before = CountAfterLogins({"alpha-frontdesk"});
  for (const auto& [name, reason] : test_support::RefusedScanReasons()) {
    const Reply reply = Upload(name, Slurp(kBadCorpus / name), &desk);
    Tried();
    const bool too_large = reason.find("too large") != std::string::npos;
    ExpectError(reply, too_large ? 413 : 400, reason, name);
    const Json error = reply.json().value("error", Json::object());
    EXPECT_THAT(error.value("message", ""), StartsWith(name + ": ")) << name;
    EXPECT_THAT(error.value("message_en", ""), StartsWith(name + ": ")) << name;
    EXPECT_EQ(Count(), before) << name;
  }
  ExpectStillServing("the corpus");
}

TEST_F(BadInputApiTest, AWholeImageUnderAnotherFormatsNameIsStoredAsTheFormatItIs) {
  for (const auto& [name, media_type] : std::map<std::string, std::string>{
           {"scan.png.tif", "image/png"}, {"scan.jpg.png", "image/jpeg"}}) {
    const Reply reply = Upload(name, Slurp(kBadCorpus / name), &As("alpha-frontdesk"));
    Tried();
    ASSERT_EQ(reply.status, 200) << name << ": " << Describe(reply);
    EXPECT_EQ(reply.json()["document"]["source_name"], name);
    Result<models::Document> stored =
        store().GetDocument(reply.json()["document"]["id"].get<std::int64_t>());
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->media_type, media_type) << name;
  }
}

TEST_F(BadInputApiTest, AnOversizeScanIsRefusedWith413WhetherItsLengthIsSaidOrItComesInChunks) {
  ApiOptions api;
  api.upload_limits.max_bytes = 64 * 1024;
  Result<std::unique_ptr<HttpServer>> small = StartAnother(api);
  ASSERT_TRUE(small.ok());
  const Login& desk = As("alpha-frontdesk");
  const Holdings before = CountAfterLogins({"alpha-frontdesk"});
  for (bool chunked : {false, true}) {
    const Reply reply = Send((*small)->port(), {.method = "POST",
                                                .path = "/api/documents/upload?name=big.png",
                                                .body = std::string(200 * 1024, 'x'),
                                                .as = &desk,
                                                .chunked = chunked});
    Tried();
    ExpectError(reply, 413, "too large", chunked ? "chunked" : "with a length");
  }
  (*small)->Stop();
  EXPECT_EQ(Count(), before);
  ExpectStillServing("oversize scans");
}

// ---- JSON ----

TEST_F(BadInputApiTest, OversizeJsonBodiesAreRefusedWith413OnEveryKindOfEndpoint) {
  const std::int64_t task = LeaseTo("alpha-reviewer");
  const std::string big = "{\"value\": \"" + std::string(70 * 1024, 'a') + "\"}";
  const Holdings before =
      CountAfterLogins({"alpha-reviewer", "alpha-admin", "alpha-frontdesk", "alpha-department"});
  const std::vector<std::pair<std::string, const Login*>> endpoints = {
      {"/api/login", nullptr},
      {"/api/review/next", &As("alpha-reviewer")},
      {"/api/review/tasks/" + std::to_string(task) + "/submit", &As("alpha-reviewer")},
      {"/api/users", &As("alpha-admin")},
      {"/api/documents/" + std::to_string(alpha_document_) + "/form", &As("alpha-frontdesk")},
      {"/api/department/exports", &As("alpha-department")},
  };
  for (const auto& [path, as] : endpoints) {
    for (bool chunked : {false, true}) {
      const Reply reply =
          Send(port(), {.method = "POST", .path = path, .body = big, .as = as, .chunked = chunked});
      Tried();
      ExpectError(reply, 413, "the request is too large (64 KiB at most)", path);
    }
  }
  EXPECT_EQ(Count(), before);
  EXPECT_EQ(Task(task).task.state, TaskState::kLeased) << "the task is still the reviewer's";
  ExpectStillServing("oversize JSON");
}

TEST_F(BadInputApiTest, DeeplyNestedJsonIsRefusedBeforeItIsParsed) {
  const std::int64_t task = LeaseTo("alpha-reviewer");
  const Holdings before = CountAfterLogins({"alpha-reviewer", "alpha-admin"});
  for (int depth : {17, 1000, 30000}) {
    const std::string nested =
        "{\"value\": " + std::string(depth, '[') + std::string(depth, ']') + "}";
    for (const auto& [path, as] : std::vector<std::pair<std::string, const Login*>>{
             {"/api/login", nullptr},
             {"/api/review/tasks/" + std::to_string(task) + "/submit", &As("alpha-reviewer")},
             {"/api/users", &As("alpha-admin")}}) {
      const Reply reply = Send(port(), {.method = "POST", .path = path, .body = nested, .as = as});
      Tried();
      ExpectError(reply, 413, "the JSON is nested too deeply",
                  path + " at depth " + std::to_string(depth));
    }
  }
  EXPECT_EQ(Count(), before);
  EXPECT_EQ(Task(task).task.state, TaskState::kLeased);
  ExpectStillServing("nested JSON");
}

TEST_F(BadInputApiTest, JsonThatIsBrokenNotUtf8OrOfTheWrongShapeIsRefusedWith400) {
  const std::int64_t task = LeaseTo("alpha-reviewer");
  const std::string submit = "/api/review/tasks/" + std::to_string(task) + "/submit";
  const std::string escalate = "/api/review/tasks/" + std::to_string(task) + "/escalate";
  const Holdings before = CountAfterLogins({"alpha-reviewer", "alpha-admin"});
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {submit, "{\"value\": \"\xff\xfe\"}", "not valid JSON"},
      {submit, "{\"value\": \"\xed\xa0\x80\"}", "not valid JSON"},  // a UTF-16 surrogate
      {submit, "{\"value\": \"\xc0\xaf\"}", "not valid JSON"},      // an overlong '/'
      {escalate, "{\"note\": \"\x80\"}", "not valid JSON"},
      {submit, "{\"value\": \"2001-02-03\"", "not valid JSON"},
      {submit, "{\"value\": 1e400}", "not valid JSON"},
      {submit, "[\"2001-02-03\"]", "must be a JSON object"},
      {submit, "\"2001-02-03\"", "must be a JSON object"},
      {submit, "{\"value\": [\"2001-02-03\"]}", "\"value\" must be a string"},
      {submit, std::string("{\"value\": \"2001\0-02-03\"}", 25), "not valid JSON"},
  };
  for (const auto& [path, body, english] : cases) {
    const Reply reply = PostText(path, body, &As("alpha-reviewer"));
    Tried();
    ExpectError(reply, 400, english, body);
  }
  // A login and a new user's display name that are not UTF-8.
  for (const auto& [path, as] : std::vector<std::pair<std::string, const Login*>>{
           {"/api/login", nullptr}, {"/api/users", &As("alpha-admin")}}) {
    const Reply reply =
        PostText(path,
                 "{\"name\": \"n\xff\", \"password\": \"kami-hikouki-42\", \"role\": \"reviewer\", "
                 "\"display_name\": \"\xe5\xb1\"}",
                 as);
    Tried();
    ExpectError(reply, 400, "not valid JSON", path);
  }
  EXPECT_EQ(Count(), before);
  const models::TaskDetail detail = Task(task);
  EXPECT_EQ(detail.task.state, TaskState::kLeased);
  EXPECT_TRUE(detail.entries.empty()) << "no entry was recorded";
  ExpectStillServing("broken JSON");
}

// ---- query strings and paths ----

TEST_F(BadInputApiTest, QueryStringsThatAreMalformedOrNotUtf8AreRefusedWith400) {
  const Holdings before =
      CountAfterLogins({"alpha-supervisor", "alpha-frontdesk", "alpha-department"});
  const std::vector<std::tuple<std::string, const Login*, std::string>> cases = {
      {"/api/documents?state=%FF%FE", &As("alpha-supervisor"), "there is no document state"},
      {"/api/documents?state=%ZZ", &As("alpha-supervisor"), "the address (URL) is malformed"},
      {"/api/frontdesk/documents?state=%", &As("alpha-frontdesk"), "malformed"},
      {"/api/frontdesk/documents?state=%FF", &As("alpha-frontdesk"), "state"},
      {"/api/frontdesk/documents?limit=%FF", &As("alpha-frontdesk"), "limit"},
      {"/api/department/records?form=api-test-request&limit=1%00", &As("alpha-department"),
       "limit"},
      {"/api/department/records?form=api-test-request&status=%E3%81", &As("alpha-department"),
       "status"},
      {"/api/department/exports?form=%G0", &As("alpha-department"), "malformed"},
  };
  for (const auto& [path, as, english] : cases) {
    const Reply reply = Get(path, as);
    Tried();
    ExpectError(reply, 400, english, path);
  }
  // Names in the query that are not UTF-8: an upload and a phone-intake file.
  const Reply upload =
      Upload("%FF%FE.png", Slurp(kBadCorpus / "scan.jpg.png"), &As("alpha-frontdesk"));
  Tried();
  ExpectError(upload, 400, "UTF-8", "upload name");
  const Reply intake =
      PostText("/api/intake/phone?name=%93%64%98%62.csv",  // 電話 in CP932
               "form,applicant_name\r\napi-test-request,名前\r\n", &As("alpha-frontdesk"));
  Tried();
  ExpectError(intake, 400, "the file name is not UTF-8", "intake name");
  EXPECT_EQ(Count(), before);
  ExpectStillServing("query strings");
}

TEST_F(BadInputApiTest, APathThatIsNotUtf8IsNotFoundAndTheRefusalIsStillAudited) {
  const Login& supervisor = As("alpha-supervisor");
  const Holdings before = CountAfterLogins({"alpha-supervisor"});
  for (const std::string& path :
       {std::string("/api/documents/%FF%FE"), std::string("/api/documents/1%00"),
        std::string("/api/frontdesk/documents/%E3%81")}) {
    const Reply reply = Get(path, &supervisor);
    Tried();
    ExpectError(reply, 404, "", path);
  }
  // Each refusal of a logged-in user is one audit row, even with such a path; nothing else.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (Count().Rows("audit_log") < before.Rows("audit_log") + 3 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Holdings after = Count();
  EXPECT_EQ(after.Rows("audit_log"), before.Rows("audit_log") + 3);
  after.rows["audit_log"] = before.Rows("audit_log");
  EXPECT_EQ(after, before);
  ExpectStillServing("paths");
}

TEST_F(BadInputApiTest, NamesThatClimbOutOfTheirFolderAreCutToTheFileNameOrRefused) {
  const Login& desk = As("alpha-frontdesk");
  const std::string png = Slurp(kBadCorpus / "scan.jpg.png");
  // Cut to the last part of the path.
  for (const auto& [query, stored] : std::vector<std::pair<std::string, std::string>>{
           {"../../x.png", "x.png"},
           {"..%2F..%2Fetc%2Fpasswd", "passwd"},
           {"..%5C..%5Cwindows%5Cwin.ini", "win.ini"},
           {"%2Ftmp%2F..%2F..%2Fscan.png", "scan.png"}}) {
    const Reply reply = Upload(query, png + query, &desk);
    Tried();
    ASSERT_EQ(reply.status, 200) << query << ": " << Describe(reply);
    EXPECT_EQ(reply.json()["document"]["source_name"], stored) << query;
  }
  EXPECT_FALSE(fs::exists(dir_ / "x.png"));
  EXPECT_FALSE(fs::exists(dir_.parent_path() / "x.png"));
  // Nothing but a climb.
  const Holdings before = CountAfterLogins({"alpha-frontdesk"});
  for (const std::string& query :
       {std::string(".."), std::string("%2E%2E"), std::string("a%2F.."), std::string(".")}) {
    const Reply reply = Upload(query, png, &desk);
    Tried();
    ExpectError(reply, 400, "\"name\" must be a file name", query);
    const Reply intake = PostText("/api/intake/phone?name=" + query,
                                  "form,applicant_name\r\napi-test-request,名前\r\n", &desk);
    Tried();
    ExpectError(intake, 400, "cannot be used", "intake " + query);
  }
  // A phone-intake file named with a path is named by its last part.
  const Reply intake = PostText("/api/intake/phone?name=..%2F..%2Fcalls.csv",
                                "form,applicant_name,birth_date,copies,purpose\r\n"
                                "api-test-request,名前,2001-02-03,2,pension\r\n",
                                &desk);
  Tried();
  ASSERT_EQ(intake.status, 200) << Describe(intake);
  EXPECT_EQ(intake.json()["file"], "calls.csv");
  Holdings after = Count();
  EXPECT_EQ(after.Rows("documents"), before.Rows("documents") + 1);

  // Pages, templates and forms are named by id, never by path.
  const Holdings before_named = CountAfterLogins({"alpha-supervisor", "alpha-department"});
  for (const std::string& path :
       {std::string("/../../etc/passwd"), std::string("/%2E%2E/%2E%2E/etc/passwd"),
        std::string("/web/..%2F..%2F..%2Fetc%2Fpasswd"), std::string("/review/../../etc/passwd"),
        std::string("/api/department/records?form=..%2F..%2Fetc%2Fpasswd"),
        std::string("/api/documents/1/pages/..%2F0/preview.png")}) {
    const Reply reply = Get(path, &As("alpha-supervisor"));
    Tried();
    EXPECT_THAT(reply.status, AnyOf(400, 404)) << path << ": " << Describe(reply);
    EXPECT_EQ(reply.body.find("root:"), std::string::npos) << path;
  }
  for (const auto& [path, body] : std::vector<std::pair<std::string, Json>>{
           {"/api/department/letters", {{"template", "../../../etc/passwd"}}},
           {"/api/department/scripts", {{"template", "/etc/passwd"}}},
           {"/api/department/exports", {{"form", "../api-test-request"}}}}) {
    const Reply reply = Post(path, body, &As("alpha-department"));
    Tried();
    ExpectError(reply, 404, "", path);
  }
  after = Count();
  EXPECT_EQ(after.Rows("documents"), before_named.Rows("documents"));
  EXPECT_EQ(after.Rows("letter_batches"), before_named.Rows("letter_batches"));
  EXPECT_EQ(after.Rows("exports"), before_named.Rows("exports"));
  ExpectStillServing("names");
}

// ---- oversize phone-intake files ----

TEST_F(BadInputApiTest, APhoneIntakeFileOverItsLimitIsRefusedWith413AndStoresNothing) {
  // The limit is 8 MiB; a server of the test's own has 64 KiB, so that the refused file is small
  // enough for the test's client to finish sending before it reads the answer.
  ApiOptions api;
  api.max_upload_bytes = 64 * 1024;
  Result<std::unique_ptr<HttpServer>> small = StartAnother(api);
  ASSERT_TRUE(small.ok());
  const Holdings before = CountAfterLogins({"alpha-frontdesk"});
  std::string csv = "form,applicant_name,birth_date,copies,purpose\r\n";
  while (csv.size() <= 200u * 1024) {
    csv += "api-test-request,名前" + std::to_string(csv.size()) + ",2001-02-03,2,pension\r\n";
  }
  for (bool chunked : {false, true}) {
    const Reply reply = Send((*small)->port(), {.method = "POST",
                                                .path = "/api/intake/phone?name=big.csv",
                                                .body = csv,
                                                .as = &As("alpha-frontdesk"),
                                                .chunked = chunked,
                                                .content_type = "text/csv"});
    Tried();
    ExpectError(reply, 413, "too large", chunked ? "chunked" : "with a length");
  }
  (*small)->Stop();
  EXPECT_EQ(Count(), before);
  ExpectStillServing("an oversize phone file");
}

TEST_F(BadInputApiTest, EveryBrokenPhoneIntakeFileOfTheCorpusIsRefusedWholeWith400) {
  const Holdings before = CountAfterLogins({"alpha-frontdesk"});
  for (const char* name :
       {"phone-empty.csv", "phone-bom-only.csv", "phone-invalid-bytes.csv",
        "phone-no-form-column.csv", "phone-unknown-form.csv", "phone-unknown-column.csv",
        "phone-repeated-column.csv", "phone-nul-byte.csv", "phone-utf16.csv", "phone-xlsx.csv"}) {
    const Reply reply = PostText(std::string("/api/intake/phone?name=") + name,
                                 Slurp(kBadCorpus / name), &As("alpha-frontdesk"));
    Tried();
    ExpectError(reply, 400, "", name);
    EXPECT_EQ(Count(), before) << name;
  }
  // A quote never closed spoils its row and every row after it: they are listed, none stored.
  const Reply quote =
      PostText("/api/intake/phone?name=q.csv", Slurp(kBadCorpus / "phone-unterminated-quote.csv"),
               &As("alpha-frontdesk"));
  Tried();
  ASSERT_EQ(quote.status, 200) << Describe(quote);
  const Json answer = quote.json();
  ASSERT_EQ(answer["errors"].size(), 1u) << quote.body;
  EXPECT_EQ(answer["errors"][0]["line"], 2);
  EXPECT_THAT(answer["errors"][0].value("reason_en", ""), HasSubstr("a quote is never closed"));
  EXPECT_TRUE(HasNonAscii(answer["errors"][0].value("reason", "")));
  EXPECT_TRUE(answer["records"].empty());
  EXPECT_EQ(Count(), before);
  ExpectStillServing("the phone corpus");
}

// ---- SQL metacharacters in what people type ----

constexpr char kDropDocuments[] = "Robert'); DROP TABLE documents;--";
constexpr char kOrTrue[] = "' OR '1'='1";
constexpr char kUpdateTasks[] = "x'; UPDATE review_tasks SET state='verified' WHERE '1'='1";

TEST_F(BadInputApiTest, SqlInLoginAndUserNamesIsRefusedAndInDisplayNamesKeptExactly) {
  const Holdings before = CountAfterLogins({"alpha-admin"});
  for (const std::string& name :
       {std::string(kOrTrue), std::string("admin'--"), std::string("alpha-admin' OR '1'='1")}) {
    const Reply login = PostLogin(name, kOrTrue);
    Tried();
    ExpectError(login, 401, "", name);
    EXPECT_TRUE(login.cookies.empty()) << name;
    const Reply added =
        Post("/api/users", {{"name", name}, {"password", "kami-hikouki-42"}, {"role", "admin"}},
             &As("alpha-admin"));
    Tried();
    ExpectError(added, 400, "a login name is up to 64 of a-z", name);
  }
  Holdings after = Count();
  EXPECT_EQ(after.Rows("users"), before.Rows("users"));
  EXPECT_EQ(after.Rows("sessions"), before.Rows("sessions")) << "no session for such a name";

  const std::string display = std::string(kDropDocuments) + " %_\\ 「塩尻」";
  const Reply added = Post("/api/users",
                           {{"name", "bobby"},
                            {"password", "kami-hikouki-42"},
                            {"role", "reviewer"},
                            {"display_name", display}},
                           &As("alpha-admin"));
  Tried();
  ASSERT_EQ(added.status, 200) << Describe(added);
  EXPECT_EQ(added.json()["user"]["display_name"], display);
  const Reply users = Get("/api/users", &As("alpha-admin"));
  const Json listed = users.json();
  bool shown = false;
  for (const Json& user : listed["users"]) {
    shown = shown || (user["name"] == "bobby" && user["display_name"] == display);
  }
  EXPECT_TRUE(shown) << users.body;
  after = Count();
  EXPECT_EQ(after.Rows("users"), before.Rows("users") + 1);
  EXPECT_EQ(after.Rows("documents"), before.Rows("documents"));
  ExpectStillServing("SQL in names");
}

TEST_F(BadInputApiTest, SqlInPhoneCellsNotesAndReviewValuesIsStoredAndShownBackExactly) {
  const Json task = PhoneTaskFor("\"" + std::string(kDropDocuments) + "\"",
                                 "\"" + std::string(kUpdateTasks) + "\"");
  Tried(3);  // the name, the operator and the note cells
  ASSERT_TRUE(task.is_object()) << task;
  EXPECT_EQ(task["prefill"], kDropDocuments);
  EXPECT_EQ(task["note"], kUpdateTasks);
  const Holdings before =
      CountAfterLogins({"alpha-reviewer", "alpha-department", "alpha-supervisor"});

  // The reviewer's value, with SQL in it, settles the field as typed.
  const std::string value = std::string(kOrTrue) + "; DELETE FROM fields;--";
  const Reply submitted =
      Post("/api/review/tasks/" + std::to_string(task["id"].get<std::int64_t>()) + "/submit",
           {{"value", value}}, &As("alpha-reviewer"));
  Tried();
  ASSERT_EQ(submitted.status, 200) << Describe(submitted);
  EXPECT_EQ(submitted.json()["result"], "verified");
  const Holdings after = Count();
  EXPECT_EQ(after.Rows("documents"), before.Rows("documents"));
  EXPECT_EQ(after.Rows("fields"), before.Rows("fields"));
  EXPECT_EQ(after.Rows("review_tasks"), before.Rows("review_tasks"));
  EXPECT_EQ(after.Rows("review_entries"), before.Rows("review_entries") + 1);

  // The document shows the value exactly; the department finds it by its text, not by SQL.
  std::int64_t document = 0;
  for (std::int64_t id : DocumentIdsOf("alpha")) {
    Result<models::Document> d = store().GetDocument(id);
    if (d.ok() && d->source == models::DocumentSource::kPhone) document = id;
  }
  ASSERT_NE(document, 0);
  const Reply shown = Get("/api/documents/" + std::to_string(document), &As("alpha-supervisor"));
  ASSERT_EQ(shown.status, 200) << Describe(shown);
  EXPECT_EQ(FieldsByName(shown.json())["applicant_name"]["value"], value);
  const Reply found = Get("/api/department/records?form=api-test-request&status=any&q=" +
                              std::string("%27%20OR%20%271%27%3D%271%3B%20DELETE"),
                          &As("alpha-department"));
  Tried();
  ASSERT_EQ(found.status, 200) << Describe(found);
  EXPECT_EQ(found.json()["total"], 1) << "only the record holding that text";
  const Reply none = Get("/api/department/records?form=api-test-request&status=any&q=" +
                             std::string("x%27%20OR%20%271%27%3D%271"),
                         &As("alpha-department"));
  Tried();
  ASSERT_EQ(none.status, 200) << Describe(none);
  EXPECT_EQ(none.json()["total"], 0) << "SQL in the search matches nothing";
  ExpectStillServing("SQL in values");
}

TEST_F(BadInputApiTest, SqlInEscalationNotesAndDecisionsIsKeptExactlyForTheSupervisor) {
  const std::int64_t task = LeaseTo("alpha-reviewer");
  const Reply escalated = Post("/api/review/tasks/" + std::to_string(task) + "/escalate",
                               {{"note", kUpdateTasks}}, &As("alpha-reviewer"));
  Tried();
  ASSERT_EQ(escalated.status, 200) << Describe(escalated);
  const Reply list = Get("/api/supervisor/escalations", &As("alpha-supervisor"));
  ASSERT_EQ(list.status, 200);
  const Json escalations = list.json();
  bool kept = false;
  for (const Json& t : escalations["tasks"]) {
    if (t["id"] != task) continue;
    for (const Json& entry : t["entries"]) kept = kept || entry["note"] == kUpdateTasks;
  }
  EXPECT_TRUE(kept) << list.body;
  const Holdings before = CountAfterLogins({"alpha-supervisor"});
  // A decision that is SQL fails the field's rules (a date) and changes nothing.
  const Reply decided = Post("/api/supervisor/tasks/" + std::to_string(task) + "/decide",
                             {{"value", kOrTrue}}, &As("alpha-supervisor"));
  Tried();
  EXPECT_EQ(decided.status, 400) << Describe(decided);
  EXPECT_EQ(Count(), before);
  EXPECT_EQ(Task(task).task.state, TaskState::kEscalated);
  ExpectStillServing("SQL in notes");
}

TEST_F(BadInputApiTest, SqlInFormIdsTemplatesAndStatesNamesNothingAndChangesNothing) {
  const Holdings before =
      CountAfterLogins({"alpha-frontdesk", "alpha-department", "alpha-supervisor"});
  const std::string id = std::to_string(alpha_document_);
  for (const auto& [path, body, as] : std::vector<std::tuple<std::string, Json, const Login*>>{
           {"/api/documents/" + id + "/form", {{"form_id", kOrTrue}}, &As("alpha-frontdesk")},
           {"/api/documents/" + id + "/form",
            {{"form_id", "api-test-request' --"}},
            &As("alpha-frontdesk")},
           {"/api/department/exports", {{"form", kOrTrue}}, &As("alpha-department")},
           {"/api/department/letters", {{"template", kUpdateTasks}}, &As("alpha-department")},
           {"/api/department/scripts", {{"template", kOrTrue}}, &As("alpha-department")}}) {
    const Reply reply = Post(path, body, as);
    Tried();
    ExpectError(reply, 404, "", path + " " + body.dump());
  }
  for (const std::string& path :
       {std::string("/api/department/records?form=%27%20OR%20%271%27%3D%271"),
        std::string("/api/department/exports?form=%27%3B%20DROP%20TABLE%20exports%3B--")}) {
    const Reply reply = Get(path, &As("alpha-department"));
    Tried();
    EXPECT_THAT(reply.status, AnyOf(200, 404)) << path << ": " << Describe(reply);
    if (reply.status == 200) {
      EXPECT_TRUE(reply.json()["exports"].empty()) << reply.body;
    }
  }
  const Reply state =
      Get("/api/documents?state=received%27%20OR%20%271%27%3D%271", &As("alpha-supervisor"));
  Tried();
  ExpectError(state, 400, "there is no document state", "state");
  Holdings after = Count();
  after.rows["audit_log"] = before.Rows("audit_log");  // the 404s are audited refusals
  EXPECT_EQ(after, before);
  ExpectStillServing("SQL in ids");
}

}  // namespace
}  // namespace adbridge::server
