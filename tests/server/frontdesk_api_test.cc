// Tests of the front desk's endpoints (docs/api.md "The front desk"), over real HTTP: uploads
// one file per request (duplicates, broken images, size limits), the municipality's list with
// live states, a document's pages and their previews, and each fix of what the scanner got
// wrong; and for every endpoint the refusals: wrong role 403, missing CSRF token 403, another
// municipality's document 404, malformed bodies 400.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace adbridge::server {
namespace {

std::string Text(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

class FrontdeskApiTest : public ApiTest {
 protected:
  // Uploads `bytes` as `name` for `as`.
  Reply Upload(const std::string& name, const std::string& bytes, const Login* as) {
    return Send(port(), {.method = "POST",
                         .path = "/api/documents/upload?name=" + name,
                         .body = bytes,
                         .as = as});
  }

  // A scan uploaded by alpha's front desk; returns its document id.
  std::int64_t Uploaded(int seed) {
    const Reply reply = Upload("scan-" + std::to_string(seed) + ".png", Text(SnippetPng(seed)),
                               &As("alpha-frontdesk"));
    EXPECT_EQ(reply.status, 200) << Describe(reply);
    return reply.json()["document"].value("id", std::int64_t{0});
  }

  // A received document of alpha with `pages` pages (uploads merged into the first).
  std::int64_t UploadedWithPages(int pages, int seed) {
    const std::int64_t id = Uploaded(seed);
    for (int i = 1; i < pages; ++i) {
      const std::int64_t other = Uploaded(seed + i);
      const Reply merged =
          Post(Path(id, "merge"), {{"from", other}}, &As("alpha-frontdesk"));
      EXPECT_EQ(merged.status, 200) << Describe(merged);
    }
    return id;
  }

  static std::string Path(std::int64_t id, const std::string& rest) {
    return "/api/documents/" + std::to_string(id) + "/" + rest;
  }
  static std::string DetailPath(std::int64_t id) {
    return "/api/frontdesk/documents/" + std::to_string(id);
  }

  Json Detail(std::int64_t id) {
    const Reply reply = Get(DetailPath(id), &As("alpha-frontdesk"));
    EXPECT_EQ(reply.status, 200) << Describe(reply);
    return reply.json();
  }

  std::size_t DocumentCount() {
    Result<std::vector<models::Document>> documents = store().ListDocuments(std::nullopt);
    return documents.ok() ? documents->size() : 0;
  }
};

// ---- uploads ----

TEST_F(FrontdeskApiTest, AnUploadIsStoredInTheCallersMunicipalityAndAnsweredAsARow) {
  const Reply reply = Upload("0001.png", Text(SnippetPng(41)), &As("alpha-frontdesk"));
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  const Json answer = reply.json();
  EXPECT_FALSE(answer["duplicate"].get<bool>());
  const Json& row = answer["document"];
  EXPECT_EQ(row["state"], "received");
  EXPECT_EQ(row["source_name"], "0001.png");
  EXPECT_EQ(row["pages"], 1);
  EXPECT_EQ(row["open_tasks"], 0);
  EXPECT_TRUE(row["form_title"].is_null());
  Result<models::Document> stored = store().GetDocument(row["id"].get<std::int64_t>());
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->tenant_code, "alpha");
  Result<std::vector<models::AuditEvent>> audit = store().RecentAudit(10);
  ASSERT_TRUE(audit.ok());
  bool uploaded = false;
  for (const models::AuditEvent& event : *audit) {
    uploaded = uploaded || (event.action == "document.uploaded" &&
                            event.user_id == users_.at("alpha-frontdesk").id &&
                            event.document_id == stored->id);
  }
  EXPECT_TRUE(uploaded) << "the upload is audited with the front desk's user";
}

TEST_F(FrontdeskApiTest, TheSameFileAgainIsADuplicateThatNamesTheFirstDocument) {
  const std::int64_t first = Uploaded(42);
  const std::size_t before = DocumentCount();
  const Reply again = Upload("renamed.png", Text(SnippetPng(42)), &As("alpha-supervisor"));
  ASSERT_EQ(again.status, 200) << Describe(again);
  EXPECT_TRUE(again.json()["duplicate"].get<bool>());
  EXPECT_EQ(again.json()["document"]["id"], first);
  EXPECT_EQ(again.json()["document"]["source_name"], "scan-42.png");
  EXPECT_EQ(DocumentCount(), before);
}

TEST_F(FrontdeskApiTest, AFileNameSentWithAPathIsStoredUnderTheFileNameAlone) {
  const Reply reply =
      Upload("C%3A%5Cscans%5C%E7%AA%93%E5%8F%A3.png", Text(SnippetPng(43)), &As("alpha-admin"));
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  EXPECT_EQ(reply.json()["document"]["source_name"], "窓口.png");
}

TEST_F(FrontdeskApiTest, ABrokenOrForeignFileIsRefusedWith400NamingWhyAndStoresNothing) {
  const std::size_t before = DocumentCount();
  const std::string png = Text(SnippetPng(44));
  for (const std::string& bytes :
       {png.substr(0, png.size() / 2), std::string("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
        std::string()}) {
    const Reply reply = Upload("bad.png", bytes, &As("alpha-frontdesk"));
    EXPECT_EQ(reply.status, 400) << Describe(reply);
    EXPECT_EQ(reply.ErrorCode(), "invalid_argument");
    const std::string message = reply.json()["error"].value("message", "");
    EXPECT_EQ(message.rfind("bad.png: ", 0), 0u) << message;
    EXPECT_GT(message.size(), std::string("bad.png: ").size()) << "the reason follows the name";
  }
  EXPECT_EQ(DocumentCount(), before);
}

TEST_F(FrontdeskApiTest, AnUploadWithoutAUsableNameIsRefusedWith400) {
  const std::string png = Text(SnippetPng(45));
  for (const std::string& path :
       {std::string("/api/documents/upload"), std::string("/api/documents/upload?name="),
        std::string("/api/documents/upload?name=a%0Ab.png"),
        std::string("/api/documents/upload?name=%FF%FE.png"),
        "/api/documents/upload?name=" + std::string(300, 'a')}) {
    const Reply reply = Send(port(), {.method = "POST", .path = path, .body = png,
                                      .as = &As("alpha-frontdesk")});
    EXPECT_EQ(reply.status, 400) << path << ": " << Describe(reply);
  }
  EXPECT_EQ(DocumentCount(), 2u);  // the two documents of the fixture
}

TEST_F(FrontdeskApiTest, AnUploadOverTheIngestLimitsIsRefusedWith413) {
  HttpServerOptions options;
  options.bind = "127.0.0.1";
  options.port = 0;
  options.api.upload_limits.max_bytes = 8192;
  options.api.upload_limits.max_pixels = 200 * 40;
  Result<std::unique_ptr<HttpServer>> small = HttpServer::Start(store(), data_->blobs, options);
  ASSERT_TRUE(small.ok());
  const Login& desk = As("alpha-frontdesk");
  const Reply too_many_bytes = Send((*small)->port(), {.method = "POST",
                                                       .path = "/api/documents/upload?name=a.png",
                                                       .body = std::string(9000, 'x'),
                                                       .as = &desk});
  EXPECT_EQ(too_many_bytes.status, 413) << Describe(too_many_bytes);
  // A small file whose page is larger than the pixel limit (240 × 48).
  const Reply too_many_pixels = Send((*small)->port(), {.method = "POST",
                                                        .path = "/api/documents/upload?name=b.png",
                                                        .body = Text(SnippetPng(46)),
                                                        .as = &desk});
  EXPECT_EQ(too_many_pixels.status, 413) << Describe(too_many_pixels);
  (*small)->Stop();
  EXPECT_EQ(DocumentCount(), 2u);
  // The JSON limit (64 KiB) is not the upload's: a 100 KiB scan is taken by the usual server.
  cv::Mat big(900, 1200, CV_8UC1);
  cv::randu(big, 0, 255);
  std::vector<std::uint8_t> png;
  cv::imencode(".png", big, png);
  ASSERT_GT(png.size(), 100u * 1024);
  EXPECT_EQ(Upload("big.png", Text(png), &desk).status, 200);
}

// ---- the list and a document ----

TEST_F(FrontdeskApiTest, TheListHoldsTheMunicipalitysDocumentsNewestFirstWithTheirState) {
  const std::int64_t uploaded = Uploaded(47);
  const Reply reply = Get("/api/frontdesk/documents", &As("alpha-frontdesk"));
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  const Json answer = reply.json();
  const Json& rows = answer["documents"];
  ASSERT_EQ(rows.size(), 2u) << "alpha's two documents, never beta's";
  EXPECT_EQ(rows[0]["id"], uploaded);
  EXPECT_EQ(rows[0]["state"], "received");
  EXPECT_EQ(rows[1]["id"], alpha_document_);
  EXPECT_EQ(rows[1]["state"], "in_review");
  EXPECT_EQ(rows[1]["form_title"], "試験用請求書");
  EXPECT_EQ(rows[1]["open_tasks"], 4);  // date, copies, purpose and the individual number
  for (const char* key : {"source_name", "pages", "failure_reason", "created_at", "updated_at"}) {
    EXPECT_TRUE(rows[0].contains(key)) << key;
  }

  const Json in_review = Get("/api/frontdesk/documents?state=in_review", &As("alpha-frontdesk")).json();
  ASSERT_EQ(in_review["documents"].size(), 1u);
  EXPECT_EQ(in_review["documents"][0]["id"], alpha_document_);
  const Json one = Get("/api/frontdesk/documents?limit=1", &As("alpha-frontdesk")).json();
  ASSERT_EQ(one["documents"].size(), 1u);
  EXPECT_EQ(one["documents"][0]["id"], uploaded);
  for (const char* query : {"?state=lost", "?limit=0", "?limit=1001", "?limit=ten", "?limit=-1"}) {
    const Reply bad = Get(std::string("/api/frontdesk/documents") + query, &As("alpha-frontdesk"));
    EXPECT_EQ(bad.status, 400) << query << ": " << Describe(bad);
  }
}

TEST_F(FrontdeskApiTest, ADocumentShowsItsPagesFormAndClassification) {
  const Json detail = Detail(alpha_document_);
  EXPECT_EQ(detail["document"]["id"], alpha_document_);
  EXPECT_EQ(detail["form"]["id"], kFormId);
  EXPECT_EQ(detail["form"]["title"], "試験用請求書");
  EXPECT_TRUE(detail["classification"].is_null());
  ASSERT_EQ(detail["pages"].size(), 1u);
  const Json& page = detail["pages"][0];
  EXPECT_EQ(page["index"], 0);
  EXPECT_EQ(page["outcome"], "identified");
  EXPECT_EQ(page["rotation"], 0);
  EXPECT_EQ(page["form_page"], 1);
  EXPECT_EQ(page["preview_url"],
            "/api/documents/" + std::to_string(alpha_document_) + "/pages/0/preview.png");
}

TEST_F(FrontdeskApiTest, APreviewIsAPngOfThePageAtMostTheWidthAsked) {
  const std::int64_t id = Uploaded(48);  // 240 × 48
  const Reply reply = Get(Path(id, "pages/0/preview.png?width=120"), &As("alpha-frontdesk"));
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  EXPECT_EQ(reply.content_type, "image/png");
  const cv::Mat preview = DecodePng(reply.body);
  ASSERT_FALSE(preview.empty());
  EXPECT_EQ(preview.cols, 120);
  EXPECT_EQ(preview.rows, 24);
  for (const char* bad : {"?width=0", "?width=8", "?width=5000", "?width=wide"}) {
    EXPECT_EQ(Get(Path(id, std::string("pages/0/preview.png") + bad), &As("alpha-frontdesk")).status,
              400)
        << bad;
  }
  EXPECT_EQ(Get(Path(id, "pages/1/preview.png"), &As("alpha-frontdesk")).status, 404);
}

TEST_F(FrontdeskApiTest, GetFormsListsTheNewestVersionOfEachForm) {
  const Reply reply = Get("/api/forms", &As("alpha-frontdesk"));
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  const Json answer = reply.json();
  const Json& forms = answer["forms"];
  ASSERT_EQ(forms.size(), 1u);
  EXPECT_EQ(forms[0]["id"], kFormId);
  EXPECT_EQ(forms[0]["version"], 1);
  EXPECT_EQ(forms[0]["title"], "試験用請求書");
  EXPECT_EQ(Get("/api/forms", &As("alpha-department")).status, 200);
  EXPECT_EQ(Get("/api/forms", &As("alpha-reviewer")).status, 403);
}

// ---- fixes ----

TEST_F(FrontdeskApiTest, RotatingAPageTurnsItsPreviewAndSendsTheDocumentBackToBeRead) {
  const std::int64_t id = Uploaded(49);
  const Reply rotated = Post(Path(id, "pages/0/rotate"), {{"degrees", 90}}, &As("alpha-frontdesk"));
  ASSERT_EQ(rotated.status, 200) << Describe(rotated);
  EXPECT_EQ(rotated.json()["pages"][0]["rotation"], 90);
  EXPECT_EQ(rotated.json()["document"]["state"], "received");
  const cv::Mat preview =
      DecodePng(Get(Path(id, "pages/0/preview.png?width=480"), &As("alpha-frontdesk")).body);
  EXPECT_EQ(preview.cols, 48);  // the 240 × 48 page stands on its side now
  EXPECT_EQ(preview.rows, 240);

  for (const Json& body : {Json({{"degrees", 45}}), Json({{"degrees", "90"}}), Json::object(),
                           Json({{"degrees", 360}})}) {
    const Reply bad = Post(Path(id, "pages/0/rotate"), body, &As("alpha-frontdesk"));
    EXPECT_EQ(bad.status, 400) << body.dump() << ": " << Describe(bad);
  }
  EXPECT_EQ(Post(Path(id, "pages/3/rotate"), {{"degrees", 90}}, &As("alpha-frontdesk")).status,
            400);
  EXPECT_EQ(Detail(id)["pages"][0]["rotation"], 90) << "a refused turn changes nothing";
}

TEST_F(FrontdeskApiTest, RemovingAPageLeavesTheOthersAndTheOnlyPageCannotGo) {
  const std::int64_t id = UploadedWithPages(2, 50);
  ASSERT_EQ(Detail(id)["pages"].size(), 2u);
  const Reply removed = Post(Path(id, "pages/0/remove"), Json::object(), &As("alpha-frontdesk"));
  ASSERT_EQ(removed.status, 200) << Describe(removed);
  EXPECT_EQ(removed.json()["pages"].size(), 1u);
  EXPECT_EQ(removed.json()["document"]["pages"], 1);
  const Reply only = Post(Path(id, "pages/0/remove"), Json::object(), &As("alpha-frontdesk"));
  EXPECT_EQ(only.status, 409) << Describe(only);
  EXPECT_EQ(Detail(id)["pages"].size(), 1u);
}

TEST_F(FrontdeskApiTest, SplittingMakesTheLaterPagesADocumentOfTheirOwn) {
  const std::int64_t id = UploadedWithPages(3, 52);
  const Reply split = Post(Path(id, "split"), {{"first_page", 2}}, &As("alpha-frontdesk"));
  ASSERT_EQ(split.status, 200) << Describe(split);
  EXPECT_EQ(split.json()["pages"].size(), 2u);
  const std::int64_t piece = split.json().value("new_document", std::int64_t{0});
  ASSERT_GT(piece, id);
  const Json piece_detail = Detail(piece);
  EXPECT_EQ(piece_detail["pages"].size(), 1u);
  EXPECT_EQ(piece_detail["document"]["state"], "received");
  const Reply preview = Get(Path(piece, "pages/0/preview.png"), &As("alpha-frontdesk"));
  EXPECT_EQ(preview.status, 200) << "the piece's pages can be shown";

  for (const Json& body : {Json({{"first_page", 0}}), Json({{"first_page", 2}})}) {
    EXPECT_EQ(Post(Path(id, "split"), body, &As("alpha-frontdesk")).status, 409) << body.dump();
  }
  for (const Json& body : {Json::object(), Json({{"first_page", "1"}}), Json({{"first_page", -1}})}) {
    EXPECT_EQ(Post(Path(id, "split"), body, &As("alpha-frontdesk")).status, 400) << body.dump();
  }
}

TEST_F(FrontdeskApiTest, MergingAppendsTheOtherDocumentsPagesAndRemovesIt) {
  const std::int64_t into = Uploaded(55);
  const std::int64_t from = Uploaded(56);
  const Reply merged = Post(Path(into, "merge"), {{"from", from}}, &As("alpha-frontdesk"));
  ASSERT_EQ(merged.status, 200) << Describe(merged);
  EXPECT_EQ(merged.json()["pages"].size(), 2u);
  EXPECT_EQ(Get(DetailPath(from), &As("alpha-frontdesk")).status, 404);
  // The merged file uploaded again is a duplicate of the document it went into.
  const Reply again = Upload("again.png", Text(SnippetPng(56)), &As("alpha-frontdesk"));
  EXPECT_TRUE(again.json()["duplicate"].get<bool>()) << Describe(again);
  EXPECT_EQ(again.json()["document"]["id"], into);

  EXPECT_EQ(Post(Path(into, "merge"), {{"from", into}}, &As("alpha-frontdesk")).status, 400);
  for (const Json& body : {Json::object(), Json({{"from", "7"}}), Json({{"from", 0}})}) {
    EXPECT_EQ(Post(Path(into, "merge"), body, &As("alpha-frontdesk")).status, 400) << body.dump();
  }
  EXPECT_EQ(Post(Path(into, "merge"), {{"from", 999999}}, &As("alpha-frontdesk")).status, 404);
}

TEST_F(FrontdeskApiTest, AssigningAFormSendsTheDocumentToBeReadAsThatForm) {
  const std::int64_t id = Uploaded(57);
  const Reply assigned = Post(Path(id, "form"), {{"form_id", kFormId}}, &As("alpha-frontdesk"));
  ASSERT_EQ(assigned.status, 200) << Describe(assigned);
  EXPECT_EQ(assigned.json()["form"]["id"], kFormId);
  EXPECT_EQ(assigned.json()["form"]["title"], "試験用請求書");
  EXPECT_EQ(assigned.json()["document"]["state"], "received");

  EXPECT_EQ(Post(Path(id, "form"), {{"form_id", "no-such-form"}}, &As("alpha-frontdesk")).status,
            404);
  for (const Json& body : {Json::object(), Json({{"form_id", 3}}), Json({{"form_id", ""}}),
                           Json({{"form_id", kFormId}, {"version", "1"}}),
                           Json({{"form_id", kFormId}, {"version", 0}})}) {
    EXPECT_EQ(Post(Path(id, "form"), body, &As("alpha-frontdesk")).status, 400) << body.dump();
  }
}

TEST_F(FrontdeskApiTest, ADocumentAReviewerHasWorkedOnCannotBeFixed) {
  const std::int64_t task = LeaseTo("alpha-reviewer");
  const Reply submitted = Post("/api/review/tasks/" + std::to_string(task) + "/submit",
                               {{"value", ValidValueFor(Task(task).field_type)}},
                               &As("alpha-reviewer"));
  ASSERT_EQ(submitted.status, 200) << Describe(submitted);
  const std::int64_t worked = Task(task).task.document_id;
  const Reply rotated =
      Post(Path(worked, "pages/0/rotate"), {{"degrees", 180}}, &As("alpha-frontdesk"));
  EXPECT_EQ(rotated.status, 409) << Describe(rotated);
  EXPECT_EQ(Detail(worked)["pages"][0]["rotation"], 0);
  EXPECT_EQ(Detail(worked)["document"]["state"], "in_review");
}

TEST_F(FrontdeskApiTest, FixBodiesThatAreNotJsonObjectsAreRefusedWith400) {
  const std::int64_t id = Uploaded(58);
  for (const std::string& path : {Path(id, "form"), Path(id, "split"), Path(id, "merge"),
                                  Path(id, "pages/0/rotate"), Path(id, "pages/0/remove")}) {
    for (const char* body : {"{\"degrees\":", "[90]"}) {
      const Reply reply = PostText(path, body, &As("alpha-frontdesk"));
      EXPECT_EQ(reply.status, 400) << path << " " << body << ": " << Describe(reply);
    }
  }
  EXPECT_EQ(Detail(id)["pages"].size(), 1u);
}

// ---- who may ----

TEST_F(FrontdeskApiTest, OnlyTheFrontDeskSupervisorsAndAdminsMayUseTheFrontDesksEndpoints) {
  const std::int64_t id = Uploaded(59);
  const std::string png = Text(SnippetPng(60));
  for (const char* name : {"alpha-reviewer", "alpha-department"}) {
    const Login& who = As(name);
    EXPECT_EQ(Upload("x.png", png, &who).status, 403) << name;
    EXPECT_EQ(Get("/api/frontdesk/documents", &who).status, 403) << name;
    EXPECT_EQ(Get(DetailPath(id), &who).status, 403) << name;
    EXPECT_EQ(Get(Path(id, "pages/0/preview.png"), &who).status, 403) << name;
    EXPECT_EQ(Post(Path(id, "pages/0/rotate"), {{"degrees", 90}}, &who).status, 403) << name;
    EXPECT_EQ(Post(Path(id, "pages/0/remove"), Json::object(), &who).status, 403) << name;
    EXPECT_EQ(Post(Path(id, "split"), {{"first_page", 1}}, &who).status, 403) << name;
    EXPECT_EQ(Post(Path(id, "merge"), {{"from", alpha_document_}}, &who).status, 403) << name;
    EXPECT_EQ(Post(Path(id, "form"), {{"form_id", kFormId}}, &who).status, 403) << name;
  }
  EXPECT_EQ(DocumentCount(), 3u);
  EXPECT_EQ(Detail(id)["pages"][0]["rotation"], 0);
  for (const char* name : {"alpha-supervisor", "alpha-admin"}) {
    EXPECT_EQ(Get(DetailPath(id), &As(name)).status, 200) << name;
    EXPECT_EQ(Get(Path(id, "pages/0/preview.png"), &As(name)).status, 200) << name;
  }
  EXPECT_EQ(Get("/api/frontdesk/documents", nullptr).status, 401);
}

TEST_F(FrontdeskApiTest, AnotherMunicipalitysDocumentIsNotFoundForEveryEndpoint) {
  const Login& desk = As("alpha-frontdesk");
  const std::int64_t own = Uploaded(61);
  const std::int64_t other = beta_document_;
  EXPECT_EQ(Get(DetailPath(other), &desk).status, 404);
  EXPECT_EQ(Get(Path(other, "pages/0/preview.png"), &desk).status, 404);
  EXPECT_EQ(Post(Path(other, "pages/0/rotate"), {{"degrees", 90}}, &desk).status, 404);
  EXPECT_EQ(Post(Path(other, "pages/0/remove"), Json::object(), &desk).status, 404);
  EXPECT_EQ(Post(Path(other, "split"), {{"first_page", 1}}, &desk).status, 404);
  EXPECT_EQ(Post(Path(other, "form"), {{"form_id", kFormId}}, &desk).status, 404);
  EXPECT_EQ(Post(Path(other, "merge"), {{"from", own}}, &desk).status, 404);
  EXPECT_EQ(Post(Path(own, "merge"), {{"from", other}}, &desk).status, 404);
  EXPECT_EQ(Get(DetailPath(999999), &desk).status, 404);
  EXPECT_EQ(Detail(own)["pages"].size(), 1u);
  Result<std::vector<models::PageRecord>> pages = store().ListPages(other);
  ASSERT_TRUE(pages.ok());
  EXPECT_EQ(pages->size(), 1u);
  EXPECT_EQ((*pages)[0].rotation, 0);
  EXPECT_TRUE(RefusalAudited(desk.user, DetailPath(other), 404));
}

TEST_F(FrontdeskApiTest, EveryFrontDeskPostWithoutTheCsrfTokenIsRefusedAndChangesNothing) {
  const Login& desk = As("alpha-frontdesk");
  const std::int64_t id = Uploaded(62);
  const std::int64_t other = Uploaded(63);
  const std::size_t before = DocumentCount();
  struct Case {
    std::string path;
    std::string body;
  };
  const std::vector<Case> cases = {
      {"/api/documents/upload?name=c.png", Text(SnippetPng(64))},
      {Path(id, "pages/0/rotate"), R"({"degrees": 90})"},
      {Path(id, "pages/0/remove"), "{}"},
      {Path(id, "split"), R"({"first_page": 1})"},
      {Path(id, "merge"), R"({"from": )" + std::to_string(other) + "}"},
      {Path(id, "form"), R"({"form_id": "api-test-request"})"},
  };
  for (const Case& c : cases) {
    for (const std::optional<std::string>& csrf :
         {std::optional<std::string>(), std::optional<std::string>("wrong")}) {
      const Reply reply = Send(port(), {.method = "POST", .path = c.path, .body = c.body,
                                        .as = &desk, .send_csrf = false, .csrf = csrf});
      EXPECT_EQ(reply.status, 403) << c.path << ": " << Describe(reply);
    }
  }
  EXPECT_EQ(DocumentCount(), before);
  const Json detail = Detail(id);
  EXPECT_EQ(detail["pages"][0]["rotation"], 0);
  EXPECT_TRUE(detail["form"].is_null());
}

}  // namespace
}  // namespace adbridge::server
