// Tests of the HTTP API (docs/api.md is the contract), over real HTTP to a server started in
// the test: every endpoint for every role, on the caller's own municipality and on another's;
// what a reviewer may see of a document; CSRF; login throttling; bad input; and a document
// verified from end to end.
//
// Each test gets a fresh data directory with two municipalities ("alpha" and "beta"), a small
// form of the test's own with an on_site_only field, documents waiting for review in each, and
// users of every role. Users log in only when a test first needs them: a login costs one
// Argon2id verification (about 0.1 s), the password hash itself is made once for the suite.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace adbridge::server {
namespace {

// ---- the permission matrix ----------------------------------------------------------------

enum class Endpoint {
  kMe,
  kReviewNext,
  kReviewSnippet,
  kReviewSubmit,
  kReviewUnreadable,
  kReviewSkip,
  kReviewEscalate,
  kSupervisorQueue,
  kSupervisorEscalations,
  kSupervisorDecide,
  kSupervisorSnippet,
  kSupervisorReviewers,
  kDocuments,
  kDocument,
  kUsers,
  kAddUser,
  kLogout,  // last: it ends the caller's session
};

// What an endpoint acts on.
enum class Resource { kNone, kOpenTasks, kLeasedTask, kEscalatedTask, kDocument };

struct EndpointInfo {
  const char* method;
  const char* path;  // ID stands for the resource's id
  Resource resource;
};

EndpointInfo InfoOf(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::kMe:
      return {"GET", "/api/me", Resource::kNone};
    case Endpoint::kReviewNext:
      return {"POST", "/api/review/next", Resource::kOpenTasks};
    case Endpoint::kReviewSnippet:
      return {"GET", "/api/review/tasks/ID/snippet.png", Resource::kLeasedTask};
    case Endpoint::kReviewSubmit:
      return {"POST", "/api/review/tasks/ID/submit", Resource::kLeasedTask};
    case Endpoint::kReviewUnreadable:
      return {"POST", "/api/review/tasks/ID/unreadable", Resource::kLeasedTask};
    case Endpoint::kReviewSkip:
      return {"POST", "/api/review/tasks/ID/skip", Resource::kLeasedTask};
    case Endpoint::kReviewEscalate:
      return {"POST", "/api/review/tasks/ID/escalate", Resource::kLeasedTask};
    case Endpoint::kSupervisorQueue:
      return {"GET", "/api/supervisor/queue", Resource::kNone};
    case Endpoint::kSupervisorEscalations:
      return {"GET", "/api/supervisor/escalations", Resource::kNone};
    case Endpoint::kSupervisorDecide:
      return {"POST", "/api/supervisor/tasks/ID/decide", Resource::kEscalatedTask};
    case Endpoint::kSupervisorSnippet:
      return {"GET", "/api/supervisor/tasks/ID/snippet.png", Resource::kEscalatedTask};
    case Endpoint::kSupervisorReviewers:
      return {"GET", "/api/supervisor/reviewers", Resource::kNone};
    case Endpoint::kDocuments:
      return {"GET", "/api/documents", Resource::kNone};
    case Endpoint::kDocument:
      return {"GET", "/api/documents/ID", Resource::kDocument};
    case Endpoint::kUsers:
      return {"GET", "/api/users", Resource::kNone};
    case Endpoint::kAddUser:
      return {"POST", "/api/users", Resource::kNone};
    case Endpoint::kLogout:
      return {"POST", "/api/logout", Resource::kNone};
  }
  return {"GET", "/", Resource::kNone};
}

// Whose resource the caller asks for: none, their own municipality's, or another's.
enum class Scope { kNone, kOwn, kOther };

const char* ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kNone:
      return "-";
    case Scope::kOwn:
      return "own municipality";
    case Scope::kOther:
      return "other municipality";
  }
  return "?";
}

// The expected status of one endpoint and scope for each role; `anonymous` is no session.
struct Expected {
  Endpoint endpoint;
  Scope scope;
  int anonymous, admin, supervisor, frontdesk, reviewer, department;

  int For(std::optional<Role> role) const {
    if (!role) return anonymous;
    switch (*role) {
      case Role::kAdmin:
        return admin;
      case Role::kSupervisor:
        return supervisor;
      case Role::kFrontdesk:
        return frontdesk;
      case Role::kReviewer:
        return reviewer;
      case Role::kDepartment:
        return department;
    }
    return 0;
  }
};

// docs/api.md as a table. 401: no session; 403: the role may not; 404: another
// municipality's task or document (not 403, so ids cannot be probed).
// A task "own" to a reviewer or supervisor is leased to them (escalated, for the supervisor's
// endpoints); to the other roles it is a task of their municipality leased to them through the
// store, so that only their role can be the reason for a refusal.
// clang-format off
const Expected kMatrix[] = {
    //                                                 anon admin super front review dept
    {Endpoint::kMe,                    Scope::kNone,  401, 200,  200,  200,  200,   200},
    {Endpoint::kReviewNext,            Scope::kNone,  401, 403,  200,  403,  200,   403},
    {Endpoint::kReviewSnippet,         Scope::kOwn,   401, 403,  200,  403,  200,   403},
    {Endpoint::kReviewSnippet,         Scope::kOther, 401, 403,  404,  403,  404,   403},
    {Endpoint::kReviewSubmit,          Scope::kOwn,   401, 403,  200,  403,  200,   403},
    {Endpoint::kReviewSubmit,          Scope::kOther, 401, 403,  404,  403,  404,   403},
    {Endpoint::kReviewUnreadable,      Scope::kOwn,   401, 403,  200,  403,  200,   403},
    {Endpoint::kReviewUnreadable,      Scope::kOther, 401, 403,  404,  403,  404,   403},
    {Endpoint::kReviewSkip,            Scope::kOwn,   401, 403,  200,  403,  200,   403},
    {Endpoint::kReviewSkip,            Scope::kOther, 401, 403,  404,  403,  404,   403},
    {Endpoint::kReviewEscalate,        Scope::kOwn,   401, 403,  200,  403,  200,   403},
    {Endpoint::kReviewEscalate,        Scope::kOther, 401, 403,  404,  403,  404,   403},
    {Endpoint::kSupervisorQueue,       Scope::kNone,  401, 403,  200,  403,  403,   403},
    {Endpoint::kSupervisorEscalations, Scope::kNone,  401, 403,  200,  403,  403,   403},
    {Endpoint::kSupervisorDecide,      Scope::kOwn,   401, 403,  200,  403,  403,   403},
    {Endpoint::kSupervisorDecide,      Scope::kOther, 401, 403,  404,  403,  403,   403},
    {Endpoint::kSupervisorSnippet,     Scope::kOwn,   401, 403,  200,  403,  403,   403},
    {Endpoint::kSupervisorSnippet,     Scope::kOther, 401, 403,  404,  403,  403,   403},
    {Endpoint::kSupervisorReviewers,   Scope::kNone,  401, 403,  200,  403,  403,   403},
    {Endpoint::kDocuments,             Scope::kNone,  401, 200,  200,  200,  403,   200},
    {Endpoint::kDocument,              Scope::kOwn,   401, 200,  200,  200,  403,   200},
    {Endpoint::kDocument,              Scope::kOther, 401, 404,  404,  404,  403,   404},
    {Endpoint::kUsers,                 Scope::kNone,  401, 200,  403,  403,  403,   403},
    {Endpoint::kAddUser,               Scope::kNone,  401, 200,  403,  403,  403,   403},
    {Endpoint::kLogout,                Scope::kNone,  401, 200,  200,  200,  200,   200},
};
// clang-format on

class ApiPermissionTest : public ApiTest {
 protected:
  // Everyone who asks: no session, then every user (reviewers and supervisors of both
  // municipalities).
  std::vector<std::string> Callers() {
    return {"",
            "alpha-admin",
            "alpha-supervisor",
            "beta-supervisor",
            "alpha-frontdesk",
            "alpha-reviewer",
            "beta-reviewer",
            "alpha-department"};
  }

  // The body a caller would send to succeed.
  Json BodyFor(Endpoint endpoint, std::int64_t task_id) {
    switch (endpoint) {
      case Endpoint::kReviewSubmit:
      case Endpoint::kSupervisorDecide:
        return {{"value", ValidValueFor(Task(task_id).field_type)}};
      case Endpoint::kReviewUnreadable:
        return {{"note", "かすれて読めない"}};
      case Endpoint::kReviewEscalate:
        return {{"note", "判断をお願いします"}};
      case Endpoint::kAddUser:
        return {{"name", "added-" + std::to_string(++users_added_)},
                {"password", "a-long-enough-password"},
                {"role", "reviewer"}};
      default:
        return Json::object();
    }
  }

  // What is wrong with a 200 answer to `caller` (empty when nothing is).
  std::string CheckAnswer(Endpoint endpoint, const Login& caller, std::int64_t id,
                          const Reply& reply) {
    const std::string tenant = caller.user.tenant_code;
    Json body = reply.json();
    auto result_is = [&](const char* result, TaskState state) -> std::string {
      if (body.value("result", "") != result) return "the result is not " + std::string(result);
      if (Task(id).task.state != state) return "the task is not left in the state expected";
      return "";
    };
    switch (endpoint) {
      case Endpoint::kMe: {
        Json& user = body["user"];
        if (user.value("name", "") != caller.user.name) return "another user's name";
        if (user.value("role", "") != models::RoleName(caller.user.role)) return "another role";
        if (user.value("tenant", "") != tenant) return "another municipality";
        if (body.value("csrf_token", "") != caller.csrf) return "another CSRF token";
        if (!body.contains("today")) return "no \"today\"";
        if (reply.body.find("$argon2") != std::string::npos) return "the password hash is sent";
        return "";
      }
      case Endpoint::kReviewNext: {
        if (!body["task"].is_object()) return "no task, though tasks wait in both municipalities";
        const models::TaskDetail task = Task(body["task"].value("id", std::int64_t{0}));
        if (task.tenant_code != tenant) return "a task of " + task.tenant_code;
        if (task.task.state != TaskState::kLeased || task.lease_owner != caller.user.id) {
          return "the task is not leased to the caller";
        }
        return "";
      }
      case Endpoint::kReviewSnippet:
      case Endpoint::kSupervisorSnippet:
        if (reply.content_type != "image/png") return "not a PNG: " + reply.content_type;
        if (DecodePng(reply.body).empty()) return "the PNG does not decode";
        return "";
      case Endpoint::kReviewSubmit:
        return result_is("verified", TaskState::kDone);
      case Endpoint::kReviewUnreadable:
        return result_is("unreadable", TaskState::kDone);
      case Endpoint::kReviewSkip:
        return result_is("skipped", TaskState::kOpen);
      case Endpoint::kReviewEscalate:
        return result_is("escalated", TaskState::kEscalated);
      case Endpoint::kSupervisorDecide:
        return result_is("verified", TaskState::kDone);
      case Endpoint::kSupervisorQueue: {
        if (!body["queue"].is_array() || body["queue"].empty()) return "an empty queue";
        for (const Json& row : body["queue"]) {
          if (row.value("tenant", "") != tenant) return "a row of " + row.dump();
          if (row.value("form_id", "") != kFormId) return "a row of another form";
        }
        return "";
      }
      case Endpoint::kSupervisorEscalations: {
        if (!body["tasks"].is_array() || body["tasks"].empty()) return "no escalations";
        for (const Json& row : body["tasks"]) {
          const models::TaskDetail task = Task(row.value("id", std::int64_t{0}));
          if (task.tenant_code != tenant) return "an escalation of " + task.tenant_code;
        }
        return "";
      }
      case Endpoint::kSupervisorReviewers: {
        if (!body["reviewers"].is_array() || body["reviewers"].empty()) return "no reviewers";
        for (const Json& row : body["reviewers"]) {
          const std::string name = row.value("name", "");
          if (!users_.count(name) || users_[name].tenant_code != tenant) {
            return "a reviewer of another municipality: " + name;
          }
        }
        return "";
      }
      case Endpoint::kDocuments: {
        std::set<std::int64_t> listed;
        for (const Json& row : body["documents"]) listed.insert(row.value("id", std::int64_t{0}));
        const std::vector<std::int64_t> own = DocumentIdsOf(tenant);
        if (listed != std::set<std::int64_t>(own.begin(), own.end())) {
          return "not exactly the municipality's own documents";
        }
        return "";
      }
      case Endpoint::kDocument: {
        if (!body["document"].is_object()) return "no document";
        if (body["document"].value("id", std::int64_t{0}) != id) return "another document";
        if (body["fields"].size() != 5) return "not the document's five fields";
        return "";
      }
      case Endpoint::kUsers: {
        std::set<std::string> listed;
        for (const Json& row : body["users"]) {
          if (row.value("tenant", "") != tenant) return "a user of another municipality";
          listed.insert(row.value("name", ""));
        }
        Result<std::vector<models::User>> own = store().ListUsers(caller.user.tenant_id);
        if (!own.ok() || listed.size() != own->size()) return "not every user of the municipality";
        if (reply.body.find("$argon2") != std::string::npos) return "password hashes are sent";
        return "";
      }
      case Endpoint::kAddUser: {
        Json& user = body["user"];
        if (user.value("tenant", "") != tenant)
          return "the user is not in the admin's municipality";
        if (user.value("role", "") != "reviewer") return "the user has another role";
        if (!store().GetUserByName(user.value("name", "")).ok()) return "the user is not stored";
        return "";
      }
      case Endpoint::kLogout: {
        if (body != Json::object()) return "not {}";
        if (Get("/api/me", &caller).status != 401) return "the session still works";
        return "";
      }
    }
    return "";
  }

  int users_added_ = 0;
};

TEST_F(ApiPermissionTest, EveryEndpointAnswersEveryRoleAsTheContractSays) {
  // Work to see in both municipalities: an escalation and a reviewer's entry each.
  for (const char* tenant : {"alpha", "beta"}) {
    EscalatedTask(tenant);
    const std::string reviewer = std::string(tenant) + "-reviewer";
    const std::int64_t id = LeaseTo(reviewer);
    Check(
        queue_->Submit(users_.at(reviewer), id, ValidValueFor(Task(id).field_type), false).status(),
        "Submit");
  }
  const std::map<std::string, std::int64_t> documents = {{"alpha", alpha_document_},
                                                         {"beta", beta_document_}};
  int cells = 0;
  for (const Expected& row : kMatrix) {
    const EndpointInfo info = InfoOf(row.endpoint);
    for (const std::string& name : Callers()) {
      const Login* caller = name.empty() ? nullptr : &As(name);
      const std::optional<Role> role = caller ? std::optional(caller->user.role) : std::nullopt;
      const int expected = row.For(role);
      const std::string own = caller ? caller->user.tenant_code : "alpha";
      const std::string other = own == "alpha" ? "beta" : "alpha";
      const std::string tenant = row.scope == Scope::kOther ? other : own;

      std::int64_t id = 0;
      switch (info.resource) {
        case Resource::kNone:
          break;
        case Resource::kOpenTasks:  // in both municipalities, so a wrong one could be handed out
          AddReviewDocument(own);
          AddReviewDocument(other);
          break;
        case Resource::kLeasedTask:
          id = LeaseTo(row.scope == Scope::kOwn && caller ? name : tenant + "-reviewer");
          break;
        case Resource::kEscalatedTask:
          id = EscalatedTask(tenant);
          break;
        case Resource::kDocument:
          id = documents.at(tenant);
          break;
      }
      std::string path = info.path;
      if (const std::size_t at = path.find("ID"); at != std::string::npos) {
        path.replace(at, 2, std::to_string(id));
      }
      const std::optional<models::TaskDetail> before =
          info.resource == Resource::kLeasedTask || info.resource == Resource::kEscalatedTask
              ? std::optional(Task(id))
              : std::nullopt;

      Request request{.method = info.method, .path = path, .as = caller};
      if (request.method == "POST") request.body = BodyFor(row.endpoint, id).dump();
      const Reply reply = Send(port(), request);
      ++cells;

      const std::string cell = std::string(info.method) + " " + path + " as " +
                               (name.empty() ? "no session" : name) + " (" + ScopeName(row.scope) +
                               ")";
      if (reply.status != expected) {
        ADD_FAILURE() << cell << ": expected " << expected << ", got " << Describe(reply);
        continue;
      }
      if (expected == 200) {
        std::string wrong;
        try {
          wrong = CheckAnswer(row.endpoint, *caller, id, reply);
        } catch (const std::exception& e) {  // a member of the wrong type
          wrong = std::string("an answer of another shape (") + e.what() + ")";
        }
        if (!wrong.empty()) ADD_FAILURE() << cell << ": " << wrong << ": " << Describe(reply);
        continue;
      }
      if (reply.json().value("error", Json()).is_null()) {
        ADD_FAILURE() << cell << ": the refusal has no {\"error\"}: " << Describe(reply);
      }
      if (caller && !RefusalAudited(caller->user, path, expected)) {
        ADD_FAILURE() << cell << ": the refusal is not audited as access.refused";
      }
      if (before) {
        const models::TaskDetail after = Task(id);
        if (after.task.state != before->task.state || after.lease_owner != before->lease_owner ||
            after.entries.size() != before->entries.size()) {
          ADD_FAILURE() << cell << ": the refusal changed the task";
        }
      }
    }
  }
  EXPECT_EQ(cells, static_cast<int>(std::size(kMatrix) * Callers().size()));
}

TEST_F(ApiPermissionTest, AnUnknownOrForgedSessionCookieIsNotLoggedIn) {
  for (const std::string& cookie :
       {std::string("0123abcd"), std::string(64, 'a'), std::string(500, 'b')}) {
    const Reply reply = Send(port(), {.path = "/api/me", .cookie = cookie});
    EXPECT_EQ(reply.status, 401) << "cookie of " << cookie.size() << " characters";
  }
  // A database copy holds only the token's hash, which is not itself a session.
  const Login& reviewer = As("alpha-reviewer");
  EXPECT_EQ(Send(port(), {.path = "/api/me", .cookie = Sha256Hex(reviewer.cookie)}).status, 401);
}

TEST_F(ApiPermissionTest, AReviewerMayNotUseTheSupervisorsSnippetPathEvenForTheirOwnTask) {
  const Login& reviewer = As("alpha-reviewer");
  const std::string id = std::to_string(LeaseTo("alpha-reviewer"));
  ASSERT_EQ(Get("/api/review/tasks/" + id + "/snippet.png", &reviewer).status, 200);
  const std::string path = "/api/supervisor/tasks/" + id + "/snippet.png";
  const Reply reply = Get(path, &reviewer);
  EXPECT_EQ(reply.status, 403) << Describe(reply);
  EXPECT_TRUE(RefusalAudited(reviewer.user, path, 403));
}

// ---- sessions ------------------------------------------------------------------------------

TEST_F(ApiTest, LoginSetsAnHttpOnlyStrictSessionCookieAndAnswersTheUser) {
  const Reply reply = PostLogin("alpha-reviewer", kPassword);
  ASSERT_EQ(reply.status, 200) << Describe(reply);
  std::string set_cookie = reply.headers.get("Set-Cookie", "");
  std::transform(set_cookie.begin(), set_cookie.end(), set_cookie.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  EXPECT_NE(set_cookie.find("adbridge_session="), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("httponly"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("samesite=strict"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("path=/"), std::string::npos) << set_cookie;
  // 12 hours (POCO writes it as an Expires date, and reads it back as the seconds left).
  for (const Poco::Net::HTTPCookie& cookie : reply.cookies) {
    if (cookie.getName() != kSessionCookie) continue;
    EXPECT_GE(cookie.getMaxAge(), 12 * 3600 - 60) << set_cookie;
    EXPECT_LE(cookie.getMaxAge(), 12 * 3600) << set_cookie;
  }
  const Json body = reply.json();
  EXPECT_EQ(body["user"].value("name", ""), "alpha-reviewer");
  EXPECT_EQ(body["user"].value("role", ""), "reviewer");
  EXPECT_EQ(body["user"].value("tenant", ""), "alpha");
  EXPECT_EQ(body.value("csrf_token", "").size(), 64u);
  EXPECT_EQ(reply.body.find("$argon2"), std::string::npos) << "the password hash is sent";
}

TEST_F(ApiTest, AfterLogoutTheOldCookieIsRefused) {
  const Login& reviewer = As("alpha-reviewer");
  ASSERT_EQ(Get("/api/me", &reviewer).status, 200);
  const Reply out = Post("/api/logout", Json::object(), &reviewer);
  ASSERT_EQ(out.status, 200) << Describe(out);
  EXPECT_EQ(Get("/api/me", &reviewer).status, 401);
  EXPECT_EQ(Post("/api/review/next", Json::object(), &reviewer).status, 401);
}

// A browser sends every request of a page on one kept-alive connection, and the page sends a
// body with every POST ("{}" at least). A refusal that leaves the body unread must not spoil
// the next request on that connection.
TEST_F(ApiTest, AConnectionKeptAliveStillWorksAfterAPostIsAnsweredWithoutItsBody) {
  const Login& reviewer = As("alpha-reviewer");
  Poco::Net::HTTPClientSession connection("127.0.0.1", static_cast<Poco::UInt16>(port()));
  connection.setKeepAlive(true);
  auto on_connection = [&](Request request) { return Send(port(), request, &connection); };

  // Refused for the CSRF token before the body is read; then a GET on the same connection.
  EXPECT_EQ(on_connection({.method = "POST",
                           .path = "/api/review/next",
                           .body = "{}",
                           .as = &reviewer,
                           .send_csrf = false})
                .status,
            403);
  Reply me = on_connection({.method = "GET", .path = "/api/me", .as = &reviewer});
  EXPECT_EQ(me.status, 200) << "after a refused POST: " << Describe(me);

  // Not logged in: the page is sent back to "/", on the same connection.
  EXPECT_EQ(on_connection({.method = "POST", .path = "/api/review/next", .body = "{}"}).status,
            401);
  const Reply page = on_connection({.method = "GET", .path = "/"});
  EXPECT_EQ(page.status, 200) << "after a 401 to a POST: " << Describe(page);

  // Logging out (the page sends "{}"), then the log-in page.
  EXPECT_EQ(on_connection({.method = "POST", .path = "/api/logout", .body = "{}", .as = &reviewer})
                .status,
            200);
  const Reply after_logout = on_connection({.method = "GET", .path = "/"});
  EXPECT_EQ(after_logout.status, 200) << "after logout: " << Describe(after_logout);
}

// ---- privacy -------------------------------------------------------------------------------

TEST_F(ApiTest, AReviewersTaskHoldsOneFieldAndNothingOfTheDocument) {
  const Login& reviewer = As("alpha-reviewer");
  const std::set<std::string> allowed_keys = {
      "id",     "label", "label_en",         "type",        "form_title", "prefill", "options",
      "reason", "blind", "lease_expires_at", "snippet_url", "note"};
  std::set<std::string> fields_seen;
  for (int i = 0; i < 10; ++i) {
    const Reply reply = Post("/api/review/next", Json::object(), &reviewer);
    ASSERT_EQ(reply.status, 200) << Describe(reply);
    const Json task = reply.json()["task"];
    if (task.is_null()) break;
    for (const auto& [key, value] : task.items()) {
      EXPECT_TRUE(allowed_keys.count(key)) << "the task holds \"" << key << "\": " << task.dump();
    }
    const std::string field = task.value("label_en", "");
    fields_seen.insert(field);
    // Nothing of the document: not its id, not the resident's name, not another field.
    EXPECT_EQ(reply.body.find("document"), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find(kApplicantName), std::string::npos) << reply.body;
    EXPECT_EQ(reply.body.find(kMyNumber), std::string::npos) << reply.body;
    const models::TaskDetail detail = Task(task.value("id", std::int64_t{0}));
    EXPECT_EQ(task.value("prefill", ""), detail.ocr_value.value_or("")) << field;
    EXPECT_EQ(task.value("snippet_url", ""),
              "/api/review/tasks/" + std::to_string(detail.task.id) + "/snippet.png");
    if (field == "purpose") {
      EXPECT_EQ(task["options"],
                Json::parse(
                    R"([{"value":"pension","label":"年金"},{"value":"other","label":"その他"}])"));
    }
  }
  // Every field that waits for a remote reviewer of alpha, and never the on-site one.
  EXPECT_EQ(fields_seen, (std::set<std::string>{"birth_date", "copies", "purpose"}));
}

TEST_F(ApiTest, OnSiteOnlyFieldsReachSupervisorsButNeverReviewers) {
  const Reply to_reviewer =
      Post("/api/review/next", {{"field_type", "digits"}}, &As("alpha-reviewer"));
  ASSERT_EQ(to_reviewer.status, 200) << Describe(to_reviewer);
  EXPECT_TRUE(to_reviewer.json()["task"].is_null()) << to_reviewer.body;

  const Login& supervisor = As("alpha-supervisor");
  const Reply to_supervisor = Post("/api/review/next", {{"field_type", "digits"}}, &supervisor);
  ASSERT_EQ(to_supervisor.status, 200) << Describe(to_supervisor);
  const Json task = to_supervisor.json()["task"];
  ASSERT_TRUE(task.is_object()) << to_supervisor.body;
  EXPECT_EQ(task.value("label_en", ""), "my_number");
  EXPECT_EQ(task.value("prefill", ""), kMyNumber);
  EXPECT_EQ(Task(task.value("id", std::int64_t{0})).tenant_code, "alpha");

  // Nor may a reviewer act on it by its id, even knowing it.
  const std::string id = std::to_string(task.value("id", std::int64_t{0}));
  EXPECT_EQ(Get("/api/review/tasks/" + id + "/snippet.png", &As("alpha-reviewer")).status, 404);
  EXPECT_EQ(Post("/api/review/tasks/" + id + "/submit", {{"value", "123456789018"}},
                 &As("alpha-reviewer"))
                .status,
            404);
}

TEST_F(ApiTest, TheSnippetIsWatermarkedAndShownOnlyToTheReviewerWhoHoldsTheTask) {
  const Login& reviewer = As("alpha-reviewer");
  const Reply next = Post("/api/review/next", {{"field_type", "date"}}, &reviewer);
  ASSERT_EQ(next.status, 200) << Describe(next);
  const Json task = next.json()["task"];
  ASSERT_TRUE(task.is_object()) << next.body;
  const std::string url = task.value("snippet_url", "");

  const Reply snippet = Get(url, &reviewer);
  ASSERT_EQ(snippet.status, 200) << Describe(snippet);
  EXPECT_EQ(snippet.content_type, "image/png");
  EXPECT_EQ(snippet.headers.get("Cache-Control", ""), "no-store");
  Result<std::vector<std::uint8_t>> stored = data_->blobs.Get(snippet_sha256_["birth_date"]);
  ASSERT_TRUE(stored.ok());
  const std::string stored_bytes(stored->begin(), stored->end());
  EXPECT_NE(snippet.body, stored_bytes) << "the snippet is sent as stored, unmarked";
  const cv::Mat shown = DecodePng(snippet.body);
  const cv::Mat original = DecodePng(stored_bytes);
  ASSERT_FALSE(shown.empty()) << "the watermarked snippet does not decode";
  EXPECT_EQ(shown.cols, original.cols);
  EXPECT_EQ(shown.rows, original.rows);
  if (shown.size() == original.size() && shown.type() == original.type()) {
    EXPECT_GT(cv::norm(shown, original, cv::NORM_L1), 0) << "no mark drawn on the pixels";
  }

  // Another reviewer of the same municipality, a reviewer of another, a supervisor (the task
  // is not escalated): none of them sees it.
  EXPECT_EQ(Get(url, &As("alpha-reviewer2")).status, 404);
  EXPECT_EQ(Get(url, &As("beta-reviewer")).status, 404);
  EXPECT_EQ(Get(url, &As("alpha-supervisor")).status, 404);

  // Once submitted it is no longer the reviewer's either.
  const std::string id = std::to_string(task.value("id", std::int64_t{0}));
  ASSERT_EQ(
      Post("/api/review/tasks/" + id + "/submit", {{"value", "1950-04-01"}}, &reviewer).status,
      200);
  EXPECT_EQ(Get(url, &reviewer).status, 404);
}

TEST_F(ApiTest, ADocumentMasksOnSiteOnlyValuesForFrontdeskAndDepartment) {
  const std::string path = "/api/documents/" + std::to_string(alpha_document_);
  for (const char* name : {"alpha-frontdesk", "alpha-department"}) {
    const Reply reply = Get(path, &As(name));
    ASSERT_EQ(reply.status, 200) << name << ": " << Describe(reply);
    EXPECT_EQ(reply.body.find(kMyNumber), std::string::npos) << name << " sees the number";
    std::map<std::string, Json> fields = FieldsByName(reply.json());
    ASSERT_TRUE(fields.count("my_number")) << reply.body;
    EXPECT_NE(fields["my_number"]["value"], kMyNumber) << name;
    EXPECT_NE(fields["my_number"]["ocr_value"], kMyNumber) << name;
    // Only the on-site field is masked.
    EXPECT_EQ(fields["birth_date"]["ocr_value"], "1950-04-01") << name;
    EXPECT_EQ(fields["applicant_name"]["value"], kApplicantName) << name;
  }
  for (const char* name : {"alpha-admin", "alpha-supervisor"}) {
    const Reply reply = Get(path, &As(name));
    ASSERT_EQ(reply.status, 200) << name << ": " << Describe(reply);
    std::map<std::string, Json> fields = FieldsByName(reply.json());
    EXPECT_EQ(fields["my_number"]["ocr_value"], kMyNumber) << name;
  }
}

// ---- users ---------------------------------------------------------------------------------

TEST_F(ApiTest, AnAdminAddsUsersToTheirOwnMunicipalityWhateverTheBodySays) {
  const Login& admin = As("alpha-admin");
  const Reply added = Post("/api/users",
                           {{"name", "new-reviewer"},
                            {"password", "a-long-enough-password"},
                            {"role", "reviewer"},
                            {"display_name", "新しい確認者"},
                            {"tenant", "beta"}},
                           &admin);
  ASSERT_EQ(added.status, 200) << Describe(added);
  EXPECT_EQ(added.json()["user"].value("tenant", ""), "alpha");
  Result<models::User> stored = store().GetUserByName("new-reviewer");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->tenant_code, "alpha");
  EXPECT_EQ(stored->display_name, "新しい確認者");
  // The new user logs in with the password given.
  EXPECT_EQ(PostLogin("new-reviewer", "a-long-enough-password").status, 200);

  const Json refused[] = {
      {{"name", "short-password"}, {"password", "1234567"}, {"role", "reviewer"}},
      {{"name", "Has Spaces"}, {"password", "a-long-enough-password"}, {"role", "reviewer"}},
      {{"name", ""}, {"password", "a-long-enough-password"}, {"role", "reviewer"}},
  };
  for (const Json& body : refused) {
    const Reply reply = Post("/api/users", body, &admin);
    EXPECT_EQ(reply.status, 400) << body.dump() << ": " << Describe(reply);
  }
  const Reply taken =
      Post("/api/users",
           {{"name", "beta-reviewer"}, {"password", "a-long-enough-password"}, {"role", "admin"}},
           &admin);
  EXPECT_EQ(taken.status, 409) << Describe(taken);
  Result<models::User> untouched = store().GetUserByName("beta-reviewer");
  ASSERT_TRUE(untouched.ok());
  EXPECT_EQ(untouched->role, Role::kReviewer);
  EXPECT_EQ(untouched->tenant_code, "beta");
}

// ---- CSRF ----------------------------------------------------------------------------------

TEST_F(ApiTest, EveryPostWithoutTheSessionsCsrfTokenIsRefusedAndChangesNothing) {
  const Login& reviewer = As("alpha-reviewer");
  const Login& supervisor = As("alpha-supervisor");
  const Login& admin = As("alpha-admin");
  const Login& someone_else = As("alpha-reviewer2");
  const std::int64_t leased = LeaseTo("alpha-reviewer");
  const std::int64_t escalated = EscalatedTask("alpha");
  const std::string task = "/api/review/tasks/" + std::to_string(leased);

  struct Attempt {
    const Login* as;
    std::string path;
    Json body;
  };
  const std::vector<Attempt> posts = {
      {&reviewer, "/api/logout", Json::object()},
      {&reviewer, "/api/review/next", Json::object()},
      {&reviewer, task + "/submit", {{"value", ValidValueFor(Task(leased).field_type)}}},
      {&reviewer, task + "/unreadable", Json::object()},
      {&reviewer, task + "/skip", Json::object()},
      {&reviewer, task + "/escalate", Json::object()},
      {&supervisor,
       "/api/supervisor/tasks/" + std::to_string(escalated) + "/decide",
       {{"value", ValidValueFor(Task(escalated).field_type)}}},
      {&admin,
       "/api/users",
       {{"name", "csrf-victim"}, {"password", "a-long-enough-password"}, {"role", "admin"}}},
  };
  auto queue_depth = [&] {
    Result<std::vector<models::QueueDepth>> depth =
        store().CountQueue({users_["alpha-admin"].tenant_id, users_["beta-reviewer"].tenant_id});
    Json rows = Json::array();
    if (depth.ok()) {
      for (const models::QueueDepth& d : *depth) {
        rows.push_back({d.tenant_code, d.field_type, d.open, d.leased, d.escalated});
      }
    }
    return rows;
  };
  const Json depth_before = queue_depth();
  const models::TaskDetail leased_before = Task(leased);
  const models::TaskDetail escalated_before = Task(escalated);

  for (const Attempt& post : posts) {
    for (const bool foreign : {false, true}) {
      Request request{.method = "POST", .path = post.path, .body = post.body.dump(), .as = post.as};
      if (foreign) {
        request.csrf = someone_else.csrf;  // a real token, of another session
      } else {
        request.send_csrf = false;
      }
      const Reply reply = Send(port(), request);
      const std::string what =
          post.path + (foreign ? " with another session's token" : " without a token");
      EXPECT_EQ(reply.status, 403) << what << ": " << Describe(reply);
      EXPECT_EQ(reply.ErrorCode(), "permission_denied") << what;
    }
  }
  // An empty token is no token either.
  EXPECT_EQ(
      Send(
          port(),
          {.method = "POST", .path = "/api/review/next", .body = "{}", .as = &reviewer, .csrf = ""})
          .status,
      403);

  EXPECT_EQ(queue_depth(), depth_before) << "a task was leased or settled";
  const models::TaskDetail leased_after = Task(leased);
  EXPECT_EQ(leased_after.task.state, TaskState::kLeased);
  EXPECT_EQ(leased_after.lease_owner, leased_before.lease_owner);
  EXPECT_EQ(leased_after.entries.size(), leased_before.entries.size());
  const models::TaskDetail escalated_after = Task(escalated);
  EXPECT_EQ(escalated_after.task.state, TaskState::kEscalated);
  EXPECT_EQ(escalated_after.entries.size(), escalated_before.entries.size());
  EXPECT_EQ(store().GetUserByName("csrf-victim").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Get("/api/me", &reviewer).status, 200) << "the refused logout ended the session";

  // And the same requests with the token do go through (the refusals were for the token).
  EXPECT_EQ(Post(task + "/submit", posts[2].body, &reviewer).status, 200);
}

// ---- login throttling ----------------------------------------------------------------------

TEST_F(ApiTest, FiveWrongPasswordsRefuseTheSixthAttemptEvenWithTheRightPassword) {
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(PostLogin("alpha-reviewer", "wrong-password-" + std::to_string(i)).status, 401);
  }
  const Reply refused = PostLogin("alpha-reviewer", kPassword);
  EXPECT_EQ(refused.status, 429) << Describe(refused);
  const std::string retry_after = refused.headers.get("Retry-After", "");
  ASSERT_FALSE(retry_after.empty()) << "no Retry-After";
  EXPECT_GT(std::stoi(retry_after), 0);
  EXPECT_TRUE(refused.cookies.empty()) << "a session was made";
  EXPECT_EQ(refused.ErrorCode(), "resource_exhausted");

  // Another name is not held back by this one.
  EXPECT_EQ(PostLogin("alpha-reviewer2", kPassword).status, 200);
}

TEST_F(ApiTest, AWrongNameAndAWrongPasswordGetTheSameAnswer) {
  const Reply wrong_password = PostLogin("alpha-reviewer", "not-the-password");
  const Reply wrong_name = PostLogin("no-such-user", "not-the-password");
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(wrong_name.status, 401);
  EXPECT_EQ(wrong_password.body, wrong_name.body);
  EXPECT_TRUE(wrong_password.cookies.empty());
}

TEST_F(ApiTest, ASuccessfulLoginClearsTheNamesFailedAttempts) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(PostLogin("alpha-reviewer", "wrong").status, 401);
  EXPECT_EQ(PostLogin("alpha-reviewer", kPassword).status, 200);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(PostLogin("alpha-reviewer", "wrong").status, 401) << "attempt " << i + 1;
  }
  EXPECT_EQ(PostLogin("alpha-reviewer", kPassword).status, 200);
}

TEST_F(ApiTest, TwentyFailedLoginsFromOneAddressRefuseEveryName) {
  // Four wrong passwords for each of five names: no name reaches its own limit of five.
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(PostLogin("guess-" + std::to_string(i % 5), "wrong").status, 401);
  }
  const Reply refused = PostLogin("alpha-admin", kPassword);
  EXPECT_EQ(refused.status, 429) << Describe(refused);
  EXPECT_FALSE(refused.headers.get("Retry-After", "").empty());
}

// ---- bad input -----------------------------------------------------------------------------

TEST_F(ApiTest, MalformedJsonIsRefusedWith400) {
  const Login& reviewer = As("alpha-reviewer");
  for (const std::string& body :
       {std::string(R"({"field_type":)"), std::string("{'a': 1}"), std::string("\xff\xfe{}")}) {
    const Reply reply = PostText("/api/review/next", body, &reviewer);
    EXPECT_EQ(reply.status, 400) << body << ": " << Describe(reply);
    EXPECT_EQ(reply.ErrorCode(), "invalid_argument") << body;
  }
  EXPECT_EQ(PostText("/api/login", R"({"name": "alpha-admin", )", nullptr).status, 400);
}

TEST_F(ApiTest, ABodyThatIsNotAnObjectIsRefusedWith400) {
  const Login& reviewer = As("alpha-reviewer");
  for (const char* body : {"[]", "\"date\"", "42", "null", "true"}) {
    const Reply reply = PostText("/api/review/next", body, &reviewer);
    EXPECT_EQ(reply.status, 400) << body << ": " << Describe(reply);
  }
  EXPECT_EQ(PostText("/api/login", "[\"alpha-admin\", \"x\"]", nullptr).status, 400);
}

TEST_F(ApiTest, MembersOfTheWrongTypeAreRefusedWith400AndChangeNothing) {
  const Login& reviewer = As("alpha-reviewer");
  const Login& supervisor = As("alpha-supervisor");
  const Login& admin = As("alpha-admin");
  const std::int64_t leased = LeaseTo("alpha-reviewer");
  const std::int64_t escalated = EscalatedTask("alpha");
  const std::string task = "/api/review/tasks/" + std::to_string(leased);
  const std::string decide = "/api/supervisor/tasks/" + std::to_string(escalated) + "/decide";
  struct Case {
    const Login* as;
    std::string path;
    Json body;
  };
  const std::vector<Case> cases = {
      {nullptr, "/api/login", {{"name", Json::array({"alpha-admin"})}, {"password", kPassword}}},
      {nullptr, "/api/login", {{"name", "alpha-admin"}, {"password", 12345678}}},
      {&reviewer, "/api/review/next", {{"field_type", 7}}},
      {&reviewer, "/api/review/next", {{"field_type", "no-such-type"}}},
      {&reviewer, task + "/submit", {{"value", 3}}},
      {&reviewer, task + "/submit", Json::object()},
      {&reviewer, task + "/submit", {{"value", "3"}, {"confirm", "yes"}}},
      {&reviewer, task + "/unreadable", {{"note", Json::object()}}},
      {&reviewer, task + "/escalate", {{"note", false}}},
      {&supervisor, decide, {{"value", 5}}},
      {&supervisor, decide, {{"unreadable", "true"}}},
      {&supervisor, decide, Json::object()},
      {&admin, "/api/users", {{"name", "typed"}, {"password", 1}, {"role", "reviewer"}}},
      {&admin,
       "/api/users",
       {{"name", "typed"}, {"password", "a-long-enough-password"}, {"role", "emperor"}}},
  };
  for (const Case& c : cases) {
    const Reply reply = Post(c.path, c.body, c.as);
    EXPECT_EQ(reply.status, 400) << c.path << " " << c.body.dump() << ": " << Describe(reply);
    EXPECT_EQ(reply.ErrorCode(), "invalid_argument") << c.path << " " << c.body.dump();
  }
  const models::TaskDetail after = Task(leased);
  EXPECT_EQ(after.task.state, TaskState::kLeased);
  EXPECT_TRUE(after.entries.empty());
  EXPECT_EQ(Task(escalated).task.state, TaskState::kEscalated);
  EXPECT_EQ(store().GetUserByName("typed").status().code(), StatusCode::kNotFound);
}

TEST_F(ApiTest, ABodyOver64KiBIsRefusedWith413) {
  const Login& reviewer = As("alpha-reviewer");
  // A valid object of exactly 64 KiB is accepted; one byte more is not.
  const std::string head = R"({"field_type":null,"padding":")";
  std::string exact = head + std::string(64 * 1024 - head.size() - 2, 'x') + "\"}";
  ASSERT_EQ(exact.size(), 64u * 1024);
  EXPECT_EQ(PostText("/api/review/next", exact, &reviewer).status, 200);
  std::string over = head + std::string(64 * 1024 - head.size() - 1, 'x') + "\"}";
  const Reply too_large = PostText("/api/review/next", over, &reviewer);
  EXPECT_EQ(too_large.status, 413) << Describe(too_large);
  EXPECT_EQ(too_large.ErrorCode(), "resource_exhausted");
  // Without a Content-Length, the body is measured as it arrives.
  const Reply chunked = Send(port(), {.method = "POST",
                                      .path = "/api/review/next",
                                      .body = over,
                                      .as = &reviewer,
                                      .chunked = true});
  EXPECT_EQ(chunked.status, 413) << Describe(chunked);
  // Login reads its body under the same limit.
  EXPECT_EQ(PostText("/api/login", over, nullptr).status, 413);
}

TEST_F(ApiTest, JsonNestedDeeperThan16IsRefusedWith413) {
  const Login& reviewer = As("alpha-reviewer");
  auto nested = [](int depth) {  // an object `depth` deep, counting itself
    return R"({"x":)" + std::string(depth - 1, '[') + std::string(depth - 1, ']') + "}";
  };
  EXPECT_EQ(PostText("/api/review/next", nested(16), &reviewer).status, 200);
  const Reply deep = PostText("/api/review/next", nested(17), &reviewer);
  EXPECT_EQ(deep.status, 413) << Describe(deep);
  EXPECT_EQ(PostText("/api/review/next", nested(30000), &reviewer).status, 413);
  // Brackets inside a string are text, not nesting.
  EXPECT_EQ(
      PostText("/api/review/next", R"({"x":")" + std::string(40, '[') + R"("})", &reviewer).status,
      200);
}

TEST_F(ApiTest, UnknownPathsAndMethodsAnswer404) {
  const Login& admin = As("alpha-admin");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/nothing"},
           {"GET", "/api/review/next"},
           {"POST", "/api/me"},
           {"GET", "/api/review/tasks/1"},
           {"POST", "/api/review/tasks/1/approve"},
           {"GET", "/api/documents/1/fields"},
           {"DELETE", "/api/users"},
           {"PUT", "/api/me"},
           {"GET", "/no-such-page"},
       }) {
    const Reply reply = Send(port(), {.method = method, .path = path, .as = &admin});
    EXPECT_EQ(reply.status, 404) << method << " " << path << ": " << Describe(reply);
  }
}

TEST_F(ApiTest, ATaskOrDocumentIdThatIsNotAPositiveNumberAnswers404) {
  const Login& reviewer = As("alpha-reviewer");
  const Login& frontdesk = As("alpha-frontdesk");
  for (const char* id :
       {"abc", "0", "-1", "1.5", "1e3", "+1", "0x10", "99999999999999999999", ""}) {
    const std::string task = std::string("/api/review/tasks/") + id;
    EXPECT_EQ(Post(task + "/submit", {{"value", "3"}}, &reviewer).status, 404) << id;
    EXPECT_EQ(Get(task + "/snippet.png", &reviewer).status, 404) << id;
    EXPECT_EQ(Get(std::string("/api/documents/") + id, &frontdesk).status, 404) << id;
  }
  // A number that names nothing is as unknown.
  EXPECT_EQ(Post("/api/review/tasks/999999/submit", {{"value", "3"}}, &reviewer).status, 404);
  EXPECT_EQ(Get("/api/documents/999999", &frontdesk).status, 404);
}

TEST_F(ApiTest, AnInvalidValueIsRefusedWithTheReasonAndTheTaskStaysWithTheReviewer) {
  const Login& reviewer = As("alpha-reviewer");
  const Reply next = Post("/api/review/next", {{"field_type", "integer"}}, &reviewer);
  ASSERT_EQ(next.status, 200) << Describe(next);
  const Json task = next.json()["task"];
  ASSERT_TRUE(task.is_object()) << next.body;
  ASSERT_EQ(task.value("label_en", ""), "copies");
  const std::int64_t id = task.value("id", std::int64_t{0});
  const std::string submit = "/api/review/tasks/" + std::to_string(id) + "/submit";

  for (const char* value : {"abc", "25", "-1"}) {
    const Reply refused = Post(submit, {{"value", value}}, &reviewer);
    EXPECT_EQ(refused.status, 400) << value << ": " << Describe(refused);
    const Json body = refused.json();
    EXPECT_EQ(body.value("can_confirm", true), false) << value;
    EXPECT_FALSE(body["error"].value("message", "").empty()) << value;
    EXPECT_FALSE(body["error"].value("message_en", "").empty()) << value;
    // Confirming does not help where the form does not allow it.
    EXPECT_EQ(Post(submit, {{"value", value}, {"confirm", true}}, &reviewer).status, 400);
  }
  const models::TaskDetail held = Task(id);
  EXPECT_EQ(held.task.state, TaskState::kLeased);
  EXPECT_EQ(held.lease_owner, users_["alpha-reviewer"].id);
  EXPECT_TRUE(held.entries.empty());

  const Reply corrected = Post(submit, {{"value", "３"}}, &reviewer);  // full-width, normalised
  ASSERT_EQ(corrected.status, 200) << Describe(corrected);
  EXPECT_EQ(corrected.json().value("result", ""), "verified");
  const models::TaskDetail done = Task(id);
  EXPECT_EQ(done.task.state, TaskState::kDone);
  EXPECT_EQ(done.value, "3");
  // A second submit of a settled task is a conflict, not a success.
  EXPECT_EQ(Post(submit, {{"value", "4"}}, &reviewer).status, 409);
}

// ---- the full path -------------------------------------------------------------------------

TEST_F(ApiTest, AReviewerWorksThroughADocumentOverHttpAndTheFrontDeskSeesItVerified) {
  const std::int64_t document = AddReviewDocument("alpha", /*my_number_needs_review=*/false);
  const Login& reviewer = As("alpha-reviewer");
  std::map<std::string, std::string> entered;  // by field, for `document`
  std::vector<std::string> states;             // document_state after each of its submits
  int submits = 0;
  for (int i = 0; i < 20; ++i) {
    const Reply next = Post("/api/review/next", Json::object(), &reviewer);
    ASSERT_EQ(next.status, 200) << Describe(next);
    const Json task = next.json()["task"];
    if (task.is_null()) break;
    const std::int64_t id = task.value("id", std::int64_t{0});
    const std::string value = ValidValueFor(task.value("type", ""));
    const Reply done =
        Post("/api/review/tasks/" + std::to_string(id) + "/submit", {{"value", value}}, &reviewer);
    ASSERT_EQ(done.status, 200) << Describe(done);
    EXPECT_EQ(done.json().value("result", ""), "verified");
    ++submits;
    if (Task(id).task.document_id == document) {
      entered[task.value("label_en", "")] = value;
      states.push_back(done.json().value("document_state", ""));
    }
  }
  ASSERT_EQ(states.size(), 3u) << "the document's three fields were not all handed out";
  EXPECT_EQ(states, (std::vector<std::string>{"in_review", "in_review", "verified"}));

  const Reply seen = Get("/api/documents/" + std::to_string(document), &As("alpha-frontdesk"));
  ASSERT_EQ(seen.status, 200) << Describe(seen);
  EXPECT_EQ(seen.json()["document"].value("state", ""), "verified");
  std::map<std::string, Json> fields = FieldsByName(seen.json());
  for (const auto& [field, value] : entered) {
    EXPECT_EQ(fields[field].value("value", ""), value) << field;
    EXPECT_EQ(fields[field].value("state", ""), "verified") << field;
  }
  const Reply verified = Get("/api/documents?state=verified", &As("alpha-frontdesk"));
  ASSERT_EQ(verified.status, 200);
  ASSERT_EQ(verified.json()["documents"].size(), 1u) << verified.body;
  EXPECT_EQ(verified.json()["documents"][0].value("id", std::int64_t{0}), document);
  // The other alpha document still waits for its on-site field.
  Result<models::Document> waiting = store().GetDocument(alpha_document_);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->state, models::DocumentState::kInReview);

  const Reply me = Get("/api/me", &reviewer);
  EXPECT_EQ(me.json()["today"].value("entries", 0), submits);
}

TEST_F(ApiTest, AFieldAReviewerEscalatesIsSettledByTheSupervisorOverHttp) {
  const Login& reviewer = As("alpha-reviewer");
  const Login& supervisor = As("alpha-supervisor");
  const Reply next = Post("/api/review/next", {{"field_type", "date"}}, &reviewer);
  ASSERT_EQ(next.status, 200) << Describe(next);
  const std::int64_t id = next.json()["task"].value("id", std::int64_t{0});
  const std::string task = std::to_string(id);
  const std::string decide = "/api/supervisor/tasks/" + task + "/decide";

  // Not escalated yet: nothing for the supervisor to decide.
  EXPECT_EQ(Post(decide, {{"value", "1950-04-01"}}, &supervisor).status, 409);

  const Reply escalated =
      Post("/api/review/tasks/" + task + "/escalate", {{"note", "かすれて読めない"}}, &reviewer);
  ASSERT_EQ(escalated.status, 200) << Describe(escalated);
  EXPECT_EQ(escalated.json().value("result", ""), "escalated");

  const Reply list = Get("/api/supervisor/escalations", &supervisor);
  ASSERT_EQ(list.status, 200) << Describe(list);
  Json tasks = list.json()["tasks"];
  ASSERT_EQ(tasks.size(), 1u) << list.body;
  EXPECT_EQ(tasks[0].value("id", std::int64_t{0}), id);
  EXPECT_EQ(tasks[0].value("label", ""), "生年月日");
  EXPECT_EQ(tasks[0].value("ocr_value", ""), "1950-04-01");
  ASSERT_EQ(tasks[0]["entries"].size(), 1u);
  EXPECT_EQ(tasks[0]["entries"][0].value("user", ""), "alpha-reviewer");
  EXPECT_EQ(tasks[0]["entries"][0].value("action", ""), "escalate");
  EXPECT_EQ(tasks[0]["entries"][0].value("note", ""), "かすれて読めない");
  const std::string snippet_url = tasks[0].value("snippet_url", "");
  EXPECT_EQ(snippet_url, "/api/supervisor/tasks/" + task + "/snippet.png");
  EXPECT_EQ(Get(snippet_url, &supervisor).status, 200);
  // The reviewer let it go: it is no longer theirs to see or enter.
  EXPECT_EQ(Get("/api/review/tasks/" + task + "/snippet.png", &reviewer).status, 404);
  EXPECT_EQ(
      Post("/api/review/tasks/" + task + "/submit", {{"value", "1950-04-01"}}, &reviewer).status,
      409);

  // An era date is normalised like any entry; a value that fails is refused with the reason.
  EXPECT_EQ(Post(decide, {{"value", "平成31年5月1日"}}, &supervisor).status, 400);
  const Reply decided = Post(decide, {{"value", "昭和25年4月1日"}}, &supervisor);
  ASSERT_EQ(decided.status, 200) << Describe(decided);
  EXPECT_EQ(decided.json().value("result", ""), "verified");
  EXPECT_EQ(Task(id).value, "1950-04-01");
  EXPECT_EQ(Get("/api/supervisor/escalations", &supervisor).json()["tasks"].size(), 0u);
  EXPECT_EQ(Post(decide, {{"value", "1950-04-01"}}, &supervisor).status, 409);
}

// Found by the http_api fuzz target: the refusal's audit entry quoted the path, and a path that
// is not UTF-8 made writing it throw outside the request's handling, ending the whole server.
TEST_F(ApiTest, APathThatIsNotUtf8IsRefusedAndTheServerKeepsServing) {
  const Login& reviewer = As("alpha-reviewer");
  const Reply refused =
      Send(port(), {.path = "/api/documents/1\xec\xec/pages/0/preview.png", .as = &reviewer});
  EXPECT_EQ(refused.status, 404) << Describe(refused);
  const Reply me = Send(port(), {.path = "/api/me", .as = &reviewer});
  EXPECT_EQ(me.status, 200) << Describe(me);
}

}  // namespace
}  // namespace adbridge::server
