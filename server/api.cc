#include "server/api.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/URI.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <exception>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "review/watermark.h"
#include "server/credentials.h"
#include "server/frontdesk_api.h"
#include "server/department_api.h"
#include "server/http_exchange.h"
#include "server/intake_api.h"
#include "server/web_assets.h"

namespace adbridge::server {
namespace {

using Poco::Net::HTTPResponse;
using Json = nlohmann::json;

constexpr char kSessionCookie[] = "adbridge_session";
// What is left unread of a refused request's body is read and dropped up to this much; past it
// the connection is closed instead of kept alive.
constexpr std::streamsize kMaxUnreadBodyBytes = 1 << 20;





// Reads what the handler left of the request's body, so that the next request on a kept-alive
// connection starts where it should: a refusal (401, 403, 413) answers without reading the body,
// and so does logout. Returns false when more than kMaxUnreadBodyBytes were left or the body
// could not be read; the connection must then be closed.
bool DiscardRestOfBody(Poco::Net::HTTPServerRequest& request) {
  // Without a length or chunks a body runs to the end of the connection, which then ends.
  if (!request.hasContentLength() && !request.getChunkedTransferEncoding()) return true;
  std::istream& in = request.stream();
  char buffer[4096];
  std::streamsize dropped = 0;
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    dropped += in.gcount();
    if (dropped > kMaxUnreadBodyBytes) return false;
  }
  return !in.bad();
}

// Midnight today in Japan, as the store's ISO 8601 UTC text: "today" for counts and rates.
std::string StartOfTodayInJapan() {
  using namespace std::chrono;
  const auto japan_offset = hours(9);
  const auto now_japan = system_clock::now() + japan_offset;
  const auto midnight_utc = floor<days>(now_japan) - japan_offset;
  const std::time_t t = system_clock::to_time_t(midnight_utc);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return text;
}

Json UserJson(const models::User& user) {
  return {{"id", user.id},
          {"name", user.name},
          {"display_name", user.display_name},
          {"role", models::RoleName(user.role)},
          {"tenant", user.tenant_code}};
}

double Round(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

Json ResultJson(const review::EntryResult& result) {
  return {{"result", review::OutcomeName(result.outcome)},
          {"document_state", models::DocumentStateName(result.document_state)}};
}

// An entry's outcome; a refused value is a 400 that says whether it may be confirmed.
void SendEntry(Exchange& ex, const review::EntryResult& result) {
  if (result.outcome != review::Outcome::kRefused) return ex.Ok(ResultJson(result));
  Json error = ErrorJson(Status(StatusCode::kInvalidArgument, result.refusal));
  error["can_confirm"] = result.can_confirm;
  ex.Send(HTTPResponse::HTTP_BAD_REQUEST, error);
}

// A real hash of a password nobody has, so a login with an unknown name takes as long as one
// with a wrong password.
std::string DummyHash() {
  Result<std::string> hash = HashPassword(RandomToken());
  return hash.ok() ? *hash : std::string();
}

}  // namespace


Api::Api(models::Store& store, const models::BlobStore& blobs, ApiOptions options)
    : store_(store),
      blobs_(blobs),
      options_(options),
      queue_(store, options.queue),
      dummy_hash_(DummyHash()) {
  groups_.push_back(std::make_unique<FrontdeskApi>(store, blobs, options.upload_limits));
  groups_.push_back(std::make_unique<DepartmentApi>(store, blobs));
  groups_.push_back(std::make_unique<IntakeApi>(store, blobs, options_.max_upload_bytes));
  endpoints_ = {"POST /api/login",
                "POST /api/logout",
                "GET /api/me",
                "POST /api/review/next",
                "GET /api/review/tasks/ID/snippet.png",
                "POST /api/review/tasks/ID/submit",
                "POST /api/review/tasks/ID/unreadable",
                "POST /api/review/tasks/ID/skip",
                "POST /api/review/tasks/ID/escalate",
                "GET /api/supervisor/queue",
                "GET /api/supervisor/escalations",
                "POST /api/supervisor/tasks/ID/decide",
                "GET /api/supervisor/tasks/ID/snippet.png",
                "GET /api/supervisor/reviewers",
                "GET /api/documents",
                "GET /api/documents/ID",
                "GET /api/users",
                "POST /api/users"};
  for (const std::unique_ptr<RouteGroup>& group : groups_) {
    for (std::string& endpoint : group->Endpoints()) endpoints_.push_back(std::move(endpoint));
  }
  std::sort(endpoints_.begin(), endpoints_.end());
}

std::string Api::EndpointOf(const std::string& method, const std::vector<std::string>& parts) {
  auto digits = [](std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  std::string endpoint = method + " ";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    endpoint += "/";
    if (digits(part)) {
      endpoint += i > 0 && parts[i - 1] == "pages" ? "N" : "ID";
    } else if (part.size() > 4 && part.ends_with(".pdf") &&
               digits(std::string_view(part).substr(0, part.size() - 4))) {
      endpoint += "ID.pdf";
    } else {
      endpoint += part;
    }
  }
  return endpoint;
}

void Api::Handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  Exchange exchange{request, response, request.getMethod(), "", Poco::URI(), {}, {}, false};
  response.set("X-Content-Type-Options", "nosniff");
  response.set("Referrer-Policy", "no-referrer");
  response.set("X-Frame-Options", "DENY");
  response.set("Content-Security-Policy",
               "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
  try {
    exchange.uri = Poco::URI(request.getURI());
    exchange.path = exchange.uri.getPath();
    // Decoded once here, so that a malformed query ("%ZZ") is the caller's fault, answered 400,
    // and not a fault found halfway through a handler.
    (void)exchange.uri.getQueryParameters();
  } catch (const Poco::SyntaxException&) {
    exchange.Fail(Status::InvalidArgument("アドレス (URL) の書き方が正しくありません",
                                          "the address (URL) is malformed"));
  }
  try {
    if (!exchange.answered) Route(exchange);
  } catch (const std::exception& e) {
    if (!exchange.answered) {
      exchange.Fail(
          Status::Internal("サーバーで予期しない誤りがありました",
                           std::string("an unexpected fault in the server: ") + e.what()));
    }
  }
  if (exchange.answered && exchange.user &&
      (response.getStatus() == HTTPResponse::HTTP_FORBIDDEN ||
       response.getStatus() == HTTPResponse::HTTP_NOT_FOUND)) {
    models::AuditEvent refused;
    refused.user_id = exchange.user->id;
    refused.action = "access.refused";
    // The path is the caller's bytes, not always UTF-8: dumping it must not throw.
    refused.detail_json = Json({{"method", exchange.method},
                                {"path", exchange.path},
                                {"status", static_cast<int>(response.getStatus())}})
                              .dump(-1, ' ', false, Json::error_handler_t::replace);
    (void)store_.AppendAudit(refused);  // the refusal stands even if the audit cannot be written
  }
  bool drained = false;
  try {
    drained = DiscardRestOfBody(request);
  } catch (const std::exception&) {
    drained = false;
  }
  if (!drained) response.setKeepAlive(false);
}

void Api::Route(Exchange& ex) {
  const std::vector<std::string> parts = SplitPath(ex.path);
  const bool api = !parts.empty() && parts[0] == "api";
  if (!api) {
    if (ex.method != "GET" && ex.method != "HEAD") {
      ex.Fail(Status::NotFound("そのページはありません", "there is no such page"));
      return;
    }
    std::optional<WebAsset> asset = FindWebAsset(ex.path);
    if (!asset) {
      ex.Fail(Status::NotFound("そのページはありません", "there is no such page"));
      return;
    }
    ex.response.setStatus(HTTPResponse::HTTP_OK);
    ex.response.setContentType(std::string(asset->content_type));
    ex.response.set("Cache-Control", "no-cache");
    ex.response.setContentLength(static_cast<std::streamsize>(asset->body.size()));
    std::ostream& out = ex.response.send();
    if (ex.method == "GET") out.write(asset->body.data(), asset->body.size());
    ex.answered = true;
    return;
  }

  const std::string route = ex.method + " " + ex.path;
  if (route == "POST /api/login") return Login(ex);

  // Everything else needs a session.
  Poco::Net::NameValueCollection cookies;
  ex.request.getCookies(cookies);
  const std::string token = cookies.get(kSessionCookie, "");
  if (!token.empty() && token.size() <= 128) {
    Result<std::optional<std::pair<models::Session, models::User>>> found =
        store_.FindSession(Sha256Hex(token));
    if (!found.ok()) return ex.Fail(found.status());
    if (*found) {
      ex.session = (*found)->first;
      ex.user = (*found)->second;
    }
  }
  if (!ex.user) {
    return ex.Send(HTTPResponse::HTTP_UNAUTHORIZED,
                   ErrorJson(Status(StatusCode::kPermissionDenied,
                                    {"ログインしてください", "please log in"})));
  }
  if (ex.method == "POST") {
    const std::string sent = ex.request.get("X-CSRF-Token", "");
    if (!ConstantTimeEquals(sent, ex.session->csrf_token)) {
      return ex.Fail(Status::PermissionDenied(
          "要求を確認できません (CSRF トークンがありません)。ページを読み込み直してください",
          "the request cannot be verified (missing CSRF token); reload the page"));
    }
  } else if (ex.method != "GET") {
    return ex.Fail(Status::NotFound("その操作はありません", "there is no such operation"));
  }

  // Only what the permission matrix lists is answered (Endpoints).
  if (!std::binary_search(endpoints_.begin(), endpoints_.end(), EndpointOf(ex.method, parts))) {
    return ex.Fail(Status::NotFound("その API はありません", "there is no such API"));
  }

  if (route == "POST /api/logout") return Logout(ex);
  if (route == "GET /api/me") return Me(ex);
  if (route == "POST /api/review/next") return NextTask(ex);
  if (route == "GET /api/supervisor/queue") return SupervisorQueue(ex);
  if (route == "GET /api/supervisor/escalations") return SupervisorEscalations(ex);
  if (route == "GET /api/supervisor/reviewers") return SupervisorReviewers(ex);
  if (route == "GET /api/documents") return ListDocuments(ex);
  if (route == "GET /api/users") return ListUsers(ex);
  if (route == "POST /api/users") return AddUser(ex);

  // /api/review/tasks/ID/ACTION, /api/supervisor/tasks/ID/decide, /api/documents/ID
  if (parts.size() == 5 && parts[1] == "review" && parts[2] == "tasks") {
    if (std::optional<std::int64_t> id = ParseId(parts[3])) {
      if (ex.method == "GET" && parts[4] == "snippet.png") return Snippet(ex, *id);
      if (ex.method == "POST" && (parts[4] == "submit" || parts[4] == "unreadable" ||
                                  parts[4] == "skip" || parts[4] == "escalate")) {
        return TaskAction(ex, *id, parts[4]);
      }
    }
  }
  if (parts.size() == 5 && parts[1] == "supervisor" && parts[2] == "tasks") {
    if (std::optional<std::int64_t> id = ParseId(parts[3])) {
      if (ex.method == "GET" && parts[4] == "snippet.png") return SupervisorSnippet(ex, *id);
      if (ex.method == "POST" && parts[4] == "decide") return SupervisorDecide(ex, *id);
    }
  }
  if (parts.size() == 3 && parts[1] == "documents" && ex.method == "GET") {
    if (std::optional<std::int64_t> id = ParseId(parts[2])) return GetDocument(ex, *id);
  }
  for (const std::unique_ptr<RouteGroup>& group : groups_) {
    if (group->Route(ex, parts)) return;
  }
  ex.Fail(Status::NotFound("その API はありません", "there is no such API"));
}


void Api::Login(Exchange& ex) {
  Result<Json> body = ReadJsonBody(ex.request, options_.max_body_bytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<std::optional<std::string>> name = StringMember(*body, "name");
  if (!name.ok()) return ex.Fail(name.status());
  Result<std::optional<std::string>> password = StringMember(*body, "password");
  if (!password.ok()) return ex.Fail(password.status());
  if (!*name || !*password || (*name)->empty() || (*name)->size() > 200 ||
      (*password)->size() > 1024) {
    return ex.Fail(Status::InvalidArgument("名前とパスワードを入れてください",
                                           "enter your name and password"));
  }
  const std::string name_key = "name:" + **name;
  const std::string address_key = "address:" + ex.request.clientAddress().host().toString();
  Result<int> by_name = store_.CountLoginFailures(name_key, options_.login_window_seconds);
  if (!by_name.ok()) return ex.Fail(by_name.status());
  Result<int> by_address = store_.CountLoginFailures(address_key, options_.login_window_seconds);
  if (!by_address.ok()) return ex.Fail(by_address.status());
  if (*by_name >= options_.login_failures_per_name ||
      *by_address >= options_.login_failures_per_address) {
    const int minutes = options_.login_window_seconds / 60;
    ex.response.set("Retry-After", std::to_string(options_.login_window_seconds));
    return ex.Send(HTTPResponse::HTTP_TOO_MANY_REQUESTS,
                   ErrorJson(Status(StatusCode::kResourceExhausted,
                                    {"ログインの失敗が続いたため、" + std::to_string(minutes) +
                                         " 分ほど待ってからやり直してください",
                                     "too many failed logins; wait about " +
                                         std::to_string(minutes) + " minutes and try again"})));
  }

  Result<models::User> user = store_.GetUserByName(**name);
  if (!user.ok() && user.status().code() != StatusCode::kNotFound) {
    return ex.Fail(user.status());
  }
  // An unknown name costs the same time as a wrong password, so names cannot be probed.
  const bool matches = user.ok() ? VerifyPassword(user->password_hash, **password)
                                 : (VerifyPassword(dummy_hash_, **password), false);
  if (!matches || user->disabled) {
    Status recorded = store_.RecordLoginFailure(name_key);
    if (recorded.ok()) recorded = store_.RecordLoginFailure(address_key);
    if (!recorded.ok()) return ex.Fail(recorded);
    models::AuditEvent failed;
    failed.action = "user.login_failed";
    if (user.ok()) failed.user_id = user->id;
    (void)store_.AppendAudit(failed);
    return ex.Send(
        HTTPResponse::HTTP_UNAUTHORIZED,
        ErrorJson(Status(StatusCode::kPermissionDenied,
                         {"名前かパスワードが違います", "the name or password is wrong"})));
  }
  Status cleared = store_.ClearLoginFailures(name_key);
  if (!cleared.ok()) return ex.Fail(cleared);

  const std::string token = RandomToken();
  models::Session session;
  session.token_sha256 = Sha256Hex(token);
  session.user_id = user->id;
  session.csrf_token = RandomToken();
  Status created = store_.CreateSession(session, options_.session_seconds);
  if (!created.ok()) return ex.Fail(created);
  models::AuditEvent login;
  login.user_id = user->id;
  login.action = "user.login";
  (void)store_.AppendAudit(login);

  Poco::Net::HTTPCookie cookie(kSessionCookie, token);
  cookie.setPath("/");
  cookie.setHttpOnly(true);
  cookie.setSecure(options_.secure_cookies);
  cookie.setMaxAge(options_.session_seconds);
  cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_STRICT);
  ex.response.addCookie(cookie);
  ex.Ok({{"user", UserJson(*user)}, {"csrf_token", session.csrf_token}});
}

void Api::Logout(Exchange& ex) {
  Status deleted = store_.DeleteSession(ex.session->token_sha256);
  if (!deleted.ok()) return ex.Fail(deleted);
  models::AuditEvent logout;
  logout.user_id = ex.user->id;
  logout.action = "user.logout";
  (void)store_.AppendAudit(logout);
  Poco::Net::HTTPCookie cookie(kSessionCookie, "");
  cookie.setPath("/");
  cookie.setHttpOnly(true);
  cookie.setSecure(options_.secure_cookies);
  cookie.setMaxAge(0);
  cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_STRICT);
  ex.response.addCookie(cookie);
  ex.Ok(Json::object());
}

void Api::Me(Exchange& ex) {
  Result<std::vector<models::ReviewerActivity>> today =
      store_.CountActivity(ex.user->review_tenant_ids, StartOfTodayInJapan(), ex.user->id);
  if (!today.ok()) return ex.Fail(today.status());
  int entries = 0;
  double seconds = 0;
  for (const models::ReviewerActivity& activity : *today) {
    entries += activity.entries;
    seconds += activity.seconds;
  }
  ex.Ok({{"user", UserJson(*ex.user)},
         {"csrf_token", ex.session->csrf_token},
         {"today", {{"entries", entries}, {"seconds", Round(seconds, 1)}}}});
}

void Api::NextTask(Exchange& ex) {
  Result<Json> body = ReadJsonBody(ex.request, options_.max_body_bytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<std::optional<std::string>> field_type = StringMember(*body, "field_type");
  if (!field_type.ok()) return ex.Fail(field_type.status());
  if (*field_type && (*field_type)->empty()) field_type->reset();
  if (*field_type && !models::ParseFieldType(**field_type)) {
    return ex.Fail(Status::InvalidArgument("項目の種類 " + **field_type + " はありません",
                                           "there is no field type " + **field_type));
  }
  Result<std::optional<review::ReviewItem>> item = queue_.Next(*ex.user, *field_type);
  if (!item.ok()) return ex.Fail(item.status());
  if (!*item) return ex.Ok({{"task", nullptr}});
  const review::ReviewItem& task = **item;
  Json options = Json::array();
  for (const review::ReviewItem::Option& option : task.options) {
    options.push_back({{"value", option.value}, {"label", option.label}});
  }
  const std::string id = std::to_string(task.task_id);
  ex.Ok({{"task",
          {{"id", task.task_id},
           {"label", task.label},
           {"label_en", task.field_name},
           {"type", task.field_type},
           {"form_title", task.form_title},
           {"prefill", task.prefill},
           {"blind", task.blind},
           {"options", options},
           {"reason", task.reason},
           {"lease_expires_at", task.lease_expires_at},
           {"snippet_url",
            task.snippet_sha256 ? Json("/api/review/tasks/" + id + "/snippet.png") : Json(nullptr)},
           {"note", OptionalText(task.note)}}}});
}

void Api::Snippet(Exchange& ex, std::int64_t task_id) {
  Result<models::TaskDetail> task = queue_.TaskForSnippet(*ex.user, task_id);
  if (!task.ok()) return ex.Fail(task.status());
  if (!task->snippet_sha256) {
    return ex.Fail(
        Status::NotFound("この項目には切り出し画像がありません", "this field has no snippet"));
  }
  Result<std::vector<std::uint8_t>> png = blobs_.Get(*task->snippet_sha256);
  if (!png.ok()) return ex.Fail(png.status());
  Result<std::string> marked = review::WatermarkSnippet(
      std::string_view(reinterpret_cast<const char*>(png->data()), png->size()),
      ex.user->name + " #" + std::to_string(ex.user->id));
  if (!marked.ok()) return ex.Fail(marked.status());
  ex.response.setStatus(HTTPResponse::HTTP_OK);
  ex.response.setContentType("image/png");
  ex.response.set("Cache-Control", "no-store");
  ex.response.setContentLength(static_cast<std::streamsize>(marked->size()));
  ex.response.send().write(marked->data(), static_cast<std::streamsize>(marked->size()));
  ex.answered = true;
}

void Api::TaskAction(Exchange& ex, std::int64_t task_id, const std::string& action) {
  Result<Json> body = ReadJsonBody(ex.request, options_.max_body_bytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<std::optional<std::string>> note = StringMember(*body, "note");
  if (!note.ok()) return ex.Fail(note.status());
  // Every branch below replaces it; a Result may not hold an OK status without a value.
  Result<review::EntryResult> result =
      Status::Internal("その操作はありません", "there is no such action on a task");
  if (action == "submit") {
    Result<std::optional<std::string>> value = StringMember(*body, "value");
    if (!value.ok()) return ex.Fail(value.status());
    if (!*value) {
      return ex.Fail(Status::InvalidArgument("値 (value) がありません", "\"value\" is missing"));
    }
    Result<bool> confirm = BoolMember(*body, "confirm");
    if (!confirm.ok()) return ex.Fail(confirm.status());
    result = queue_.Submit(*ex.user, task_id, **value, *confirm);
  } else if (action == "unreadable") {
    result = queue_.MarkUnreadable(*ex.user, task_id, note->value_or(""));
  } else if (action == "skip") {
    result = queue_.Skip(*ex.user, task_id);
  } else {
    result = queue_.Escalate(*ex.user, task_id, note->value_or(""));
  }
  if (!result.ok()) return ex.Fail(result.status());
  SendEntry(ex, *result);
}

std::string Api::FormTitle(const std::string& form_id, int version) {
  Result<models::FormRecord> form =
      store_.GetForm(form_id, version > 0 ? std::optional<int>(version) : std::nullopt);
  return form.ok() ? form->title : form_id;
}

void Api::SupervisorQueue(Exchange& ex) {
  if (!HasRole(*ex.user, {models::Role::kSupervisor})) return ex.Fail(RoleRefused());
  Result<std::vector<models::QueueDepth>> depth = store_.CountQueue(ex.user->review_tenant_ids);
  if (!depth.ok()) return ex.Fail(depth.status());
  Json rows = Json::array();
  for (const models::QueueDepth& row : *depth) {
    rows.push_back({{"tenant", row.tenant_code},
                    {"form_id", row.form_id},
                    {"form_title", FormTitle(row.form_id, 0)},
                    {"field_type", row.field_type},
                    {"open", row.open},
                    {"leased", row.leased},
                    {"escalated", row.escalated}});
  }
  ex.Ok({{"queue", rows}});
}

void Api::SupervisorEscalations(Exchange& ex) {
  Result<std::vector<review::Escalation>> escalations = queue_.Escalations(*ex.user);
  if (!escalations.ok()) return ex.Fail(escalations.status());
  Json tasks = Json::array();
  for (const review::Escalation& escalation : *escalations) {
    const models::TaskDetail& detail = escalation.detail;
    Json entries = Json::array();
    for (const models::TaskEntry& entry : detail.entries) {
      entries.push_back({{"user", entry.user_name},
                         {"action", models::EntryActionName(entry.action)},
                         {"value", OptionalText(entry.value)},
                         {"note", entry.note},
                         {"at", entry.created_at}});
    }
    const std::string id = std::to_string(detail.task.id);
    tasks.push_back({{"id", detail.task.id},
                     {"label", escalation.label},
                     {"type", detail.field_type},
                     {"form_title", escalation.form_title},
                     {"ocr_value", OptionalText(detail.ocr_value)},
                     {"reason", detail.task.reason},
                     {"entries", entries},
                     {"snippet_url", detail.snippet_sha256
                                         ? Json("/api/supervisor/tasks/" + id + "/snippet.png")
                                         : Json(nullptr)}});
  }
  ex.Ok({{"tasks", tasks}});
}

void Api::SupervisorDecide(Exchange& ex, std::int64_t task_id) {
  if (!HasRole(*ex.user, {models::Role::kSupervisor})) return ex.Fail(RoleRefused());
  Result<Json> body = ReadJsonBody(ex.request, options_.max_body_bytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<std::optional<std::string>> value = StringMember(*body, "value");
  if (!value.ok()) return ex.Fail(value.status());
  Result<bool> unreadable = BoolMember(*body, "unreadable");
  if (!unreadable.ok()) return ex.Fail(unreadable.status());
  Result<bool> confirm = BoolMember(*body, "confirm");
  if (!confirm.ok()) return ex.Fail(confirm.status());
  if (*unreadable == value->has_value()) {
    return ex.Fail(
        Status::InvalidArgument("値 (value) か判読不能 (unreadable) のどちらかを送ってください",
                                "send either \"value\" or \"unreadable\": true"));
  }
  Result<review::EntryResult> result = queue_.Decide(*ex.user, task_id, *value, *confirm);
  if (!result.ok()) return ex.Fail(result.status());
  SendEntry(ex, *result);
}

// The supervisors' path to a snippet (the escalations list links to it): supervisors only, like
// every other /api/supervisor/ path; a reviewer has /api/review/tasks/ID/snippet.png.
void Api::SupervisorSnippet(Exchange& ex, std::int64_t task_id) {
  if (!HasRole(*ex.user, {models::Role::kSupervisor})) return ex.Fail(RoleRefused());
  Snippet(ex, task_id);
}

void Api::SupervisorReviewers(Exchange& ex) {
  if (!HasRole(*ex.user, {models::Role::kSupervisor})) return ex.Fail(RoleRefused());
  Result<std::vector<models::ReviewerActivity>> activity =
      store_.CountActivity(ex.user->review_tenant_ids, StartOfTodayInJapan(), std::nullopt);
  if (!activity.ok()) return ex.Fail(activity.status());
  Json rows = Json::array();
  for (const models::ReviewerActivity& a : *activity) {
    const double hours = a.seconds / 3600.0;
    rows.push_back(
        {{"name", a.name},
         {"display_name", a.display_name},
         {"entries", a.entries},
         {"hours", Round(hours, 2)},
         // A rate over less than a minute of work says nothing yet.
         {"tasks_per_hour", a.seconds >= 60 ? Json(Round(a.entries / hours, 1)) : Json(nullptr)},
         {"gold_total", a.gold_total},
         {"gold_correct", a.gold_correct},
         {"gold_accuracy", a.gold_total > 0 ? Json(Round(double(a.gold_correct) / a.gold_total, 3))
                                            : Json(nullptr)}});
  }
  ex.Ok({{"reviewers", rows}});
}

namespace {

bool SeesDocuments(const models::User& user) {
  return HasRole(user, {models::Role::kAdmin, models::Role::kSupervisor, models::Role::kFrontdesk,
                        models::Role::kDepartment});
}

Json DocumentJson(const models::Document& d) {
  return {{"id", d.id},
          {"state", models::DocumentStateName(d.state)},
          {"form_id", OptionalText(d.form_id)},
          {"source", models::DocumentSourceName(d.source)},
          {"source_name", d.source_name},
          {"failure_reason", d.failure_reason},
          {"pages", d.page_count},
          {"created_at", d.created_at},
          {"updated_at", d.updated_at}};
}

}  // namespace

void Api::ListDocuments(Exchange& ex) {
  if (!SeesDocuments(*ex.user)) return ex.Fail(RoleRefused());
  std::optional<models::DocumentState> state;
  for (const auto& [key, value] : ex.uri.getQueryParameters()) {
    if (key != "state" || value.empty()) continue;
    state = models::ParseDocumentState(value);
    if (!state) {
      return ex.Fail(Status::InvalidArgument("文書の状態 " + value + " はありません",
                                             "there is no document state " + value));
    }
  }
  Result<std::vector<models::Document>> documents = store_.ListDocuments(state);
  if (!documents.ok()) return ex.Fail(documents.status());
  Json rows = Json::array();
  for (const models::Document& d : *documents) {
    if (d.tenant_code == ex.user->tenant_code) rows.push_back(DocumentJson(d));
  }
  ex.Ok({{"documents", rows}});
}

void Api::GetDocument(Exchange& ex, std::int64_t id) {
  if (!SeesDocuments(*ex.user)) return ex.Fail(RoleRefused());
  Result<models::Document> document = store_.GetDocument(id);
  const Status not_found = Status::NotFound("文書 " + std::to_string(id) + " はありません",
                                            "there is no document " + std::to_string(id));
  if (!document.ok()) {
    return ex.Fail(document.status().code() == StatusCode::kNotFound ? not_found
                                                                     : document.status());
  }
  if (document->tenant_code != ex.user->tenant_code) return ex.Fail(not_found);
  Result<std::vector<models::FieldRecord>> fields = store_.ListFields(id);
  if (!fields.ok()) return ex.Fail(fields.status());
  const bool sees_on_site = SeesOnSiteOnly(*ex.user);
  std::shared_ptr<const models::FormDefinition> definition;
  if (document->form_id && !sees_on_site) {
    Result<std::shared_ptr<const models::FormDefinition>> found =
        queue_.Definition(*document->form_id, document->form_version.value_or(1));
    if (found.ok()) definition = *found;
  }
  Json rows = Json::array();
  for (const models::FieldRecord& f : *fields) {
    bool masked = false;
    if (!sees_on_site) {
      const models::FieldDefinition* field = definition ? definition->FindField(f.name) : nullptr;
      // Without the definition nothing says a field may be shown: mask it.
      masked = field == nullptr || field->on_site_only;
    }
    Json row = {{"name", f.name},
                {"state", models::FieldStateName(f.state)},
                {"confidence", f.confidence ? Json(Round(*f.confidence, 3)) : Json(nullptr)}};
    row["value"] = masked ? Json(kMaskedValue) : OptionalText(f.value);
    row["ocr_value"] = masked ? Json(kMaskedValue) : OptionalText(f.ocr_value);
    rows.push_back(row);
  }
  ex.Ok({{"document", DocumentJson(*document)}, {"fields", rows}});
}

void Api::ListUsers(Exchange& ex) {
  if (!HasRole(*ex.user, {models::Role::kAdmin})) return ex.Fail(RoleRefused());
  Result<std::vector<models::User>> users = store_.ListUsers(ex.user->tenant_id);
  if (!users.ok()) return ex.Fail(users.status());
  Json rows = Json::array();
  for (const models::User& user : *users) rows.push_back(UserJson(user));
  ex.Ok({{"users", rows}});
}

void Api::AddUser(Exchange& ex) {
  if (!HasRole(*ex.user, {models::Role::kAdmin})) return ex.Fail(RoleRefused());
  Result<Json> body = ReadJsonBody(ex.request, options_.max_body_bytes);
  if (!body.ok()) return ex.Fail(body.status());
  Result<std::optional<std::string>> name = StringMember(*body, "name");
  if (!name.ok()) return ex.Fail(name.status());
  Result<std::optional<std::string>> password = StringMember(*body, "password");
  if (!password.ok()) return ex.Fail(password.status());
  Result<std::optional<std::string>> role_name = StringMember(*body, "role");
  if (!role_name.ok()) return ex.Fail(role_name.status());
  Result<std::optional<std::string>> display_name = StringMember(*body, "display_name");
  if (!display_name.ok()) return ex.Fail(display_name.status());
  if (!*name || !*password || !*role_name) {
    return ex.Fail(Status::InvalidArgument("name, password, role が必要です",
                                           "name, password and role are required"));
  }
  std::optional<models::Role> role = models::ParseRole(**role_name);
  if (!role) {
    return ex.Fail(Status::InvalidArgument("役割 " + **role_name + " はありません",
                                           "there is no role " + **role_name));
  }
  if (Status checked = CheckUserName(**name); !checked.ok()) return ex.Fail(checked);
  Result<std::string> hash = HashPassword(**password);
  if (!hash.ok()) return ex.Fail(hash.status());
  models::NewUser user;
  user.name = **name;
  user.display_name = display_name->value_or("");
  user.role = *role;
  user.tenant_code = ex.user->tenant_code;
  user.password_hash = std::move(*hash);
  Result<models::User> added = store_.AddUser(user);
  if (!added.ok()) return ex.Fail(added.status());
  ex.Ok({{"user", UserJson(*added)}});
}

}  // namespace adbridge::server
