// The permission matrix of README.md ("Guarantees", "Access control"), read from README.md itself
// and checked cell by cell against a server started in the test: every endpoint, every role,
// the caller's own municipality and another's, and nobody logged in. The table and the server
// cannot drift: an endpoint the server answers that the table lacks, or one the table lists
// that the server does not answer, fails the test.
//
// Each cell sends a request that would succeed (a task leased to the caller, a document still
// at the front desk, a form and template that exist), so that a refusal can only be the role
// or the municipality. A refusal must change nothing and be audited.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "api_fixture.h"
#include "server/api.h"
#include "tests/output/verified_records.h"

namespace adbridge::server {
namespace {

constexpr char kBenefit[] = "kyufukin-application";
constexpr char kCertificate[] = "juminhyo-request";

// A day's calls typed at the front desk: one residence-certificate request.
constexpr char kPhoneCsv[] =
    "form,request_date,applicant_name,applicant_kana,birth_date,postal_code,address,phone,copies,"
    "include_honseki,needs_mynumber,my_number,purpose,purpose_note,received_at,operator,note,"
    "uncertain\r\n"
    "juminhyo-request,2026/11/21,松本 一郎,マツモト イチロウ,1962-07-15,390-0811,"
    "長野県松本市中央1-2-3,090-1234-5678,2,,,,employment,,2026-11-21 10:05,suzuki,,\r\n";

const std::vector<std::string> kRoleColumns = {"admin",    "supervisor", "frontdesk",
                                               "reviewer", "department", "not logged in"};

// One row of the table: the endpoint and, by column, the expected status on the own
// municipality's resource and on another's (0 where the endpoint names no resource).
struct Row {
  std::string method;
  std::string path;  // ID, N as in the table
  std::map<std::string, std::pair<int, int>> cells;
};

std::string ReadReadme() {
  std::ifstream in(std::string(ADBRIDGE_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The rows of the table under the header "| endpoint | admin | …", or an empty list (and a
// failed test) when the table is missing or a cell cannot be read.
std::vector<Row> ReadMatrix() {
  std::istringstream in(ReadReadme());
  std::string line;
  bool inside = false;
  std::vector<Row> rows;
  const std::regex row_pattern(R"(^\| `(GET|POST) (/api/[^`]*)` \|(.*)\|\s*$)");
  const std::regex cell_pattern(R"(^\s*(\d{3})(?:\s*/\s*(\d{3}))?\s*$)");
  while (std::getline(in, line)) {
    if (line.starts_with("| endpoint | admin | supervisor | frontdesk | reviewer | department |")) {
      inside = true;
      continue;
    }
    if (!inside || line.starts_with("|---")) continue;
    if (!line.starts_with("|")) break;
    std::smatch match;
    if (!std::regex_match(line, match, row_pattern)) {
      ADD_FAILURE() << "a row of the permission matrix that cannot be read: " << line;
      continue;
    }
    Row row{match[1], match[2], {}};
    std::vector<std::string> cells;
    std::stringstream rest(match[3].str());
    for (std::string cell; std::getline(rest, cell, '|');) cells.push_back(cell);
    if (cells.size() != kRoleColumns.size()) {
      ADD_FAILURE() << "not one cell per column: " << line;
      continue;
    }
    for (std::size_t i = 0; i < cells.size(); ++i) {
      std::smatch codes;
      if (!std::regex_match(cells[i], codes, cell_pattern)) {
        ADD_FAILURE() << "a cell that is not \"CODE\" or \"CODE / CODE\": " << line;
        continue;
      }
      row.cells[kRoleColumns[i]] = {std::stoi(codes[1]),
                                    codes[2].matched ? std::stoi(codes[2]) : 0};
    }
    rows.push_back(row);
  }
  EXPECT_FALSE(rows.empty()) << "README.md has no permission matrix";
  return rows;
}

std::string Text(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

class AccessMatrixTest : public ApiTest {
 protected:
  AccessMatrixTest() {
    {
      // The bundled forms the department's templates and the phone intake's sample are for,
      // with verified records in both municipalities.
      adbridge::testing::VerifiedRecords records(dir_);
      records.RegisterBundledForm(kBenefit);
      records.RegisterBundledForm(kCertificate);
      for (const char* tenant : {"alpha", "beta"}) {
        records.Add(kBenefit, adbridge::testing::KyufukinValues(), 1, true, tenant);
      }
    }
    for (const char* name : {"beta-frontdesk", "beta-department", "beta-admin"}) AddUser(name);
    // A kept batch of letters in each municipality.
    for (const char* tenant : {"alpha", "beta"}) {
      const Reply made = Post("/api/department/letters", {{"template", "kyufukin-decision"}},
                              &As(std::string(tenant) + "-department"));
      EXPECT_EQ(made.status, 200) << Describe(made);
      batch_[tenant] = made.json()["batch"].value("id", std::int64_t{0});
      EXPECT_NE(batch_[tenant], 0) << "no batch of letters in " << tenant << ": " << made.body;
    }
  }

  // A scan uploaded by `tenant`'s front desk, with `pages` pages; returns its id.
  std::int64_t Uploaded(const std::string& tenant, int pages = 1) {
    const Login& desk = As(tenant + "-frontdesk");
    std::int64_t first = 0;
    for (int page = 0; page < pages; ++page) {
      const int seed = ++uploads_ + 1000;
      const Reply reply =
          Send(port(), {.method = "POST",
                        .path = "/api/documents/upload?name=scan-" + std::to_string(seed) + ".png",
                        .body = Text(SnippetPng(seed)),
                        .as = &desk});
      EXPECT_EQ(reply.status, 200) << Describe(reply);
      const std::int64_t id = reply.json()["document"].value("id", std::int64_t{0});
      if (page == 0) {
        first = id;
        continue;
      }
      const Reply merged =
          Post("/api/documents/" + std::to_string(first) + "/merge", {{"from", id}}, &desk);
      EXPECT_EQ(merged.status, 200) << Describe(merged);
    }
    return first;
  }

  // What a cell's request acts on, made for it; its id replaces ID in the path.
  struct Target {
    std::int64_t id = 0;
    enum class Kind { kNone, kTask, kDocument } kind = Kind::kNone;
  };

  // The request of one cell: `caller` (nullptr: nobody logged in) asks for the endpoint on
  // `tenant`'s resource.
  Request Build(const Row& row, const Login* caller, const std::string& tenant, Target& target) {
    const std::string& p = row.path;
    const std::string name = caller ? caller->user.name : "";
    Json body = Json::object();
    std::string query;
    std::string content_type = "application/json";
    std::optional<std::string> raw;
    if (p.starts_with("/api/review/tasks/")) {
      // Leased to the caller when it is their own municipality's, else to its reviewer.
      target = {LeaseTo(caller && tenant == caller->user.tenant_code ? name : tenant + "-reviewer"),
                Target::Kind::kTask};
      if (p.ends_with("/submit")) body = {{"value", ValidValueFor(Task(target.id).field_type)}};
      if (p.ends_with("/unreadable")) body = {{"note", "かすれて読めない"}};
      if (p.ends_with("/escalate")) body = {{"note", "判断をお願いします"}};
    } else if (p.starts_with("/api/supervisor/tasks/")) {
      target = {EscalatedTask(tenant), Target::Kind::kTask};
      if (p.ends_with("/decide")) body = {{"value", ValidValueFor(Task(target.id).field_type)}};
    } else if (p == "/api/review/next") {
      AddReviewDocument(tenant);
    } else if (p == "/api/documents/ID") {
      target = {tenant == "alpha" ? alpha_document_ : beta_document_, Target::Kind::kDocument};
    } else if (p.starts_with("/api/frontdesk/documents/ID") ||
               (p.starts_with("/api/documents/ID/") && !p.ends_with("/merge"))) {
      const bool two_pages = p.ends_with("/remove") || p.ends_with("/split");
      target = {Uploaded(tenant, two_pages ? 2 : 1), Target::Kind::kDocument};
      if (p.ends_with("/form")) body = {{"form_id", kFormId}};
      if (p.ends_with("/rotate")) body = {{"degrees", 90}};
      if (p.ends_with("/split")) body = {{"first_page", 1}};
    } else if (p.ends_with("/merge")) {
      target = {Uploaded(tenant), Target::Kind::kDocument};
      body = {{"from", Uploaded(tenant)}};
    } else if (p == "/api/documents/upload") {
      query = "?name=desk-" + std::to_string(++uploads_) + ".png";
      raw = Text(SnippetPng(++uploads_ + 1000));
      content_type = "image/png";
    } else if (p == "/api/intake/phone") {
      query = "?name=calls.csv";
      raw = kPhoneCsv;
      content_type = "text/csv";
    } else if (p == "/api/department/records") {
      query = std::string("?form=") + kBenefit;
    } else if (p == "/api/department/letters/batches/ID.pdf") {
      target = {batch_.at(tenant), Target::Kind::kNone};
    } else if (p == "/api/department/exports" && row.method == "POST") {
      body = {{"form", kBenefit}};
    } else if (p == "/api/department/letters") {
      body = {{"template", "kyufukin-decision"}};
    } else if (p == "/api/department/scripts") {
      body = {{"template", "kyufukin-call"}};
    } else if (p == "/api/users" && row.method == "POST") {
      body = {{"name", "added-" + std::to_string(++users_added_)},
              {"password", "a-long-enough-password"},
              {"role", "reviewer"}};
    } else if (p == "/api/login") {
      body = {{"name", caller ? name : "alpha-reviewer"}, {"password", kPassword}};
    }
    std::string path = p;
    if (const std::size_t at = path.find("ID"); at != std::string::npos) {
      path.replace(at, 2, std::to_string(target.id));
    }
    if (const std::size_t at = path.find("/N/"); at != std::string::npos) {
      path.replace(at, 3, "/0/");
    }
    Request request{.method = row.method, .path = path + query, .as = caller};
    if (row.method == "POST") request.body = raw ? *raw : body.dump();
    request.content_type = content_type;
    return request;
  }

  // What a refusal must leave as it was.
  std::string Snapshot(const Target& target) {
    switch (target.kind) {
      case Target::Kind::kNone:
        return "";
      case Target::Kind::kTask: {
        const models::TaskDetail task = Task(target.id);
        return std::to_string(static_cast<int>(task.task.state)) + "/" +
               std::to_string(task.lease_owner.value_or(0)) + "/" +
               std::to_string(task.entries.size());
      }
      case Target::Kind::kDocument: {
        Result<models::Document> document = store().GetDocument(target.id);
        if (!document.ok()) return "gone";
        return std::string(models::DocumentStateName(document->state)) + "/" +
               std::to_string(document->page_count) + "/" + document->updated_at;
      }
    }
    return "";
  }

  std::map<std::string, std::int64_t> batch_;  // a kept batch of letters, by municipality
  int uploads_ = 0;
  int users_added_ = 0;
};

TEST_F(AccessMatrixTest, TheReadmeTableListsExactlyTheEndpointsTheServerAnswers) {
  std::set<std::string> table;
  for (const Row& row : ReadMatrix()) {
    EXPECT_TRUE(table.insert(row.method + " " + row.path).second)
        << "listed twice: " << row.method << " " << row.path;
  }
  const Api api(store(), data_->blobs, ApiOptions{});
  const std::set<std::string> served(api.Endpoints().begin(), api.Endpoints().end());
  for (const std::string& endpoint : served) {
    EXPECT_TRUE(table.count(endpoint))
        << "the server answers " << endpoint << ", which README's permission matrix lacks";
  }
  for (const std::string& endpoint : table) {
    EXPECT_TRUE(served.count(endpoint))
        << "README's permission matrix lists " << endpoint << ", which the server does not answer";
  }
}

TEST_F(AccessMatrixTest, AnApiPathTheServerDoesNotDeclareIsNotFoundForAnyone) {
  EXPECT_EQ(Api::EndpointOf("GET", SplitPath("/api/documents/12/pages/0/preview.png")),
            "GET /api/documents/ID/pages/N/preview.png");
  EXPECT_EQ(Api::EndpointOf("GET", SplitPath("/api/department/letters/batches/3.pdf")),
            "GET /api/department/letters/batches/ID.pdf");
  for (const std::string path : {"/api/admin", "/api/documents/1/pages", "/api/users/1",
                                 "/api/department/letters/batches/x.pdf", "/api/review"}) {
    for (const std::string method : {"GET", "POST"}) {
      const Reply reply = Send(
          port(),
          {.method = method, .path = path, .body = std::string("{}"), .as = &As("alpha-admin")});
      EXPECT_EQ(reply.status, 404) << method << " " << path << ": " << Describe(reply);
    }
  }
}

TEST_F(AccessMatrixTest, EveryCellOfTheReadmeTableIsWhatTheServerAnswers) {
  std::vector<Row> rows = ReadMatrix();
  // Logging out ends the caller's session: those cells go last.
  std::stable_partition(rows.begin(), rows.end(),
                        [](const Row& row) { return row.path != "/api/logout"; });
  const std::map<std::string, std::string> callers = {
      {"admin", "alpha-admin"},           {"supervisor", "alpha-supervisor"},
      {"frontdesk", "alpha-frontdesk"},   {"reviewer", "alpha-reviewer"},
      {"department", "alpha-department"}, {"not logged in", ""}};
  int cells = 0;
  int cells_in_table = 0;
  for (const Row& row : rows) {
    for (const auto& [column, expected_pair] : row.cells) {
      cells_in_table += expected_pair.second == 0 ? 1 : 2;
    }
  }
  for (const Row& row : rows) {
    for (const auto& [column, expected_pair] : row.cells) {
      const std::string& name = callers.at(column);
      const Login* caller = name.empty() ? nullptr : &As(name);
      for (const bool own : {true, false}) {
        const int expected = own ? expected_pair.first : expected_pair.second;
        if (expected == 0) continue;  // the endpoint names nothing of a municipality
        const std::string tenant = own ? "alpha" : "beta";
        Target target;
        const Request request = Build(row, caller, tenant, target);
        const std::string before = Snapshot(target);
        const Reply reply = Send(port(), request);
        ++cells;
        const std::string cell = row.method + " " + request.path + " as " + column + " (" +
                                 (own ? "own municipality" : "another's") + ")";
        if (reply.status != expected) {
          ADD_FAILURE() << cell << ": expected " << expected << ", got " << Describe(reply);
          continue;
        }
        if (expected < 400) continue;
        if (reply.ErrorCode().empty()) {
          ADD_FAILURE() << cell << ": the refusal has no {\"error\"}: " << Describe(reply);
        }
        if (Snapshot(target) != before) ADD_FAILURE() << cell << ": the refusal changed it";
        if (caller && (expected == 403 || expected == 404) &&
            !RefusalAudited(caller->user, request.path.substr(0, request.path.find('?')),
                            expected)) {
          ADD_FAILURE() << cell << ": the refusal is not audited as access.refused";
        }
      }
    }
  }
  EXPECT_EQ(cells, cells_in_table);
  EXPECT_GE(cells, static_cast<int>(rows.size()) * 6);
}

}  // namespace
}  // namespace adbridge::server
