#include "bench/ocr/ocr_bench.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "models/field_types.h"
#include "models/store.h"

namespace adbridge::bench {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using models::FieldType;

namespace {

Result<std::string> ReadWholeFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Status::NotFound("読めません: " + file.string(), "cannot read " + file.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status BadLine(const fs::path& file, int line, const std::string& why) {
  const std::string where = file.string() + ":" + std::to_string(line) + ": ";
  return Status::InvalidArgument(where + why, where + why);
}

bool IsMark(FieldType type) { return type == FieldType::kCheckbox || type == FieldType::kChoice; }

std::string Percent(double share) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f%%", share * 100);
  return buffer;
}

std::string Fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

// ---- baseline extraction ----

// One UTF-8 code point at `i` (at least one byte, so malformed input still advances).
std::size_t CharLength(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return std::min(n, s.size() - i);
}

// Full-width ASCII (U+FF01..U+FF5E) and the ideographic space to ASCII, as NFKC would: what
// anyone post-processing Japanese OCR text does first.
std::string FoldWidth(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = CharLength(s, i);
    if (n == 3) {
      const auto b0 = static_cast<unsigned char>(s[i]);
      const auto b1 = static_cast<unsigned char>(s[i + 1]);
      const auto b2 = static_cast<unsigned char>(s[i + 2]);
      const unsigned cp = ((b0 & 0x0Fu) << 12) | ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFF01 + 0x21));
        i += n;
        continue;
      }
      if (cp == 0x3000) {
        out.push_back(' ');
        i += n;
        continue;
      }
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

// A line with its spaces taken out, remembering where each byte came from, so a label printed
// as "氏　名" or read as "氏 名" is still found.
struct Squashed {
  std::string text;
  std::vector<std::size_t> end_of;  // for each byte: the offset in the line after its character
};

Squashed Squash(std::string_view line) {
  Squashed s;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t n = CharLength(line, i);
    const char c = line[i];
    if (n == 1 && (c == ' ' || c == '\t')) {
      i += n;
      continue;
    }
    s.text.append(line.substr(i, n));
    for (std::size_t k = 0; k < n; ++k) s.end_of.push_back(i + n);
    i += n;
  }
  return s;
}

// Where the label ends in `line`, or npos.
std::size_t FindAfter(std::string_view line, std::string_view label) {
  const Squashed s = Squash(line);
  const std::string needle = Squash(label).text;
  if (needle.empty()) return std::string_view::npos;
  const std::size_t at = s.text.find(needle);
  if (at == std::string::npos) return std::string_view::npos;
  return s.end_of[at + needle.size() - 1];
}

// Cuts `rest` at the first label of another field of the form.
std::string CutAtOtherLabel(std::string rest, const models::FormDefinition& form,
                            const models::FieldDefinition& self) {
  for (const models::FieldDefinition& other : form.fields) {
    if (other.name == self.name || other.label.size() < 4) continue;  // 2+ Japanese characters
    if (self.label.find(other.label) != std::string::npos) continue;
    const Squashed s = Squash(rest);
    const std::string needle = Squash(FoldWidth(other.label)).text;
    const std::size_t at = s.text.find(needle);
    if (at == std::string::npos) continue;
    // The byte offset where the label's first character starts.
    const std::size_t start = s.end_of[at] - CharLength(s.text, at);
    rest = rest.substr(0, start);
  }
  return rest;
}

bool IsJunk(std::string_view ch) {
  static const std::set<std::string_view> kJunk = {" ",  "\t", "|",  "[",  "]",  ":",  ";",
                                                   "_",  "」", "「", "〒", "】", "【", "丨",
                                                   "｜", "：", "'",  "\"", "`",  "{",  "}"};
  return kJunk.contains(ch);
}

std::string Clean(std::string_view s) {
  std::size_t begin = 0;
  while (begin < s.size() && IsJunk(s.substr(begin, CharLength(s, begin)))) {
    begin += CharLength(s, begin);
  }
  std::size_t end = s.size();
  while (end > begin) {
    std::size_t last = end - 1;
    while (last > begin && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80) --last;
    if (!IsJunk(s.substr(last, end - last))) break;
    end = last;
  }
  return std::string(s.substr(begin, end - begin));
}

std::string DigitsOnly(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

std::optional<std::string> TryNormalize(FieldType type, std::string_view raw) {
  Result<std::string> v = models::Normalize(type, raw);
  if (!v.ok()) return std::nullopt;
  return *v;
}

std::optional<std::string> FirstMatch(const std::string& text, const std::regex& re) {
  std::smatch m;
  if (!std::regex_search(text, m, re)) return std::nullopt;
  return m.str(0);
}

// What a person post-processing the OCR text would accept as the field's value.
std::string ValueFrom(const models::FieldDefinition& field, std::string rest) {
  // Byte-wise regular expressions: Japanese characters go in alternations, never in brackets.
  static const std::regex kEraDate(
      "(令和|平成|昭和|大正|明治)\\s*(元|[0-9]{1,2})\\s*年\\s*[0-9]{1,2}\\s*月\\s*[0-9]{1,2}\\s*日");
  static const std::regex kWesternDate(
      "(19|20)[0-9]{2}\\s*(/|\\.|-|年)\\s*[0-9]{1,2}\\s*(/|\\.|-|月)\\s*[0-9]{1,2}(\\s*日)?");
  static const std::regex kPostal("[0-9]{3}\\s*-?\\s*[0-9]{4}");
  static const std::regex kPhone("0[0-9()\\- ]{8,16}[0-9]");
  static const std::regex kInteger("[0-9]+");
  // The form's hints in brackets after a box ("(日中に連絡のとれる番号)", "(例 SJ-0123)").
  if (const std::size_t paren = rest.find('('); paren != std::string::npos && paren > 0) {
    rest = Clean(rest.substr(0, paren));
  }
  const bool numeric = field.type == FieldType::kPhone || field.type == FieldType::kPostalCode ||
                       field.type == FieldType::kDigits || field.type == FieldType::kInteger;
  if (numeric) std::replace_if(rest.begin(), rest.end(), [](char c) { return c == 'o' || c == 'O'; }, '0');
  if (field.pattern.has_value()) {
    // A value with a known shape (SJ-0123): the first run of the text that has it.
    std::string unanchored = *field.pattern;
    if (unanchored.starts_with('^')) unanchored.erase(0, 1);
    if (unanchored.ends_with('$')) unanchored.pop_back();
    try {
      if (auto m = FirstMatch(rest, std::regex(unanchored))) {
        if (auto v = TryNormalize(field.type, *m)) return *v;
      }
    } catch (const std::regex_error&) {
      // The form's own validation reports a bad pattern; here it just does not help.
    }
  }
  switch (field.type) {
    case FieldType::kDate: {
      for (const std::regex* re : {&kEraDate, &kWesternDate}) {
        if (auto m = FirstMatch(rest, *re)) {
          if (auto v = TryNormalize(field.type, *m)) return *v;
        }
      }
      break;
    }
    case FieldType::kPostalCode: {
      const std::string digits = DigitsOnly(rest);
      if (digits.size() == 7) return digits.substr(0, 3) + "-" + digits.substr(3);
      if (auto m = FirstMatch(rest, kPostal)) {
        if (auto v = TryNormalize(field.type, *m)) return *v;
      }
      break;
    }
    case FieldType::kPhone: {
      if (auto m = FirstMatch(rest, kPhone)) {
        if (auto v = TryNormalize(field.type, *m)) return *v;
      }
      const std::string digits = DigitsOnly(rest);
      if ((digits.size() == 10 || digits.size() == 11) && digits[0] == '0') return digits;
      break;
    }
    case FieldType::kDigits: {
      const std::string digits = DigitsOnly(rest);
      if (!field.length.has_value() || static_cast<int>(digits.size()) == *field.length) {
        return digits;
      }
      break;
    }
    case FieldType::kInteger: {
      if (auto m = FirstMatch(rest, kInteger)) {
        if (auto v = TryNormalize(field.type, *m)) return *v;
      }
      break;
    }
    default:
      break;
  }
  if (auto v = TryNormalize(field.type, rest)) return *v;
  return rest;  // unusable, and counted wrong unless it happens to be right
}

std::vector<std::string> Lines(std::string_view text) {
  std::vector<std::string> lines;
  std::string current;
  for (char c : text) {
    if (c == '\n' || c == '\f') {
      lines.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) lines.push_back(current);
  return lines;
}

}  // namespace

std::string DocumentKey(const fs::path& path) {
  const fs::path parent = path.parent_path().filename();
  if (parent.empty()) return path.filename().string();
  return parent.string() + "/" + path.filename().string();
}

Result<std::vector<TruthDoc>> LoadTruth(const std::vector<fs::path>& files) {
  std::vector<TruthDoc> docs;
  for (const fs::path& file : files) {
    ADB_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
    std::istringstream in(text);
    std::string line;
    int number = 0;
    const fs::path dir = fs::absolute(file).parent_path();
    while (std::getline(in, line)) {
      ++number;
      if (line.empty()) continue;
      const Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded() || !j.is_object()) return BadLine(file, number, "not a JSON object");
      if (!j.contains("file") || !j["file"].is_string() || !j.contains("fields") ||
          !j["fields"].is_object() || !j.contains("form") || !j.contains("style")) {
        return BadLine(file, number, "needs file, form, style and fields");
      }
      TruthDoc doc;
      doc.file = j["file"].get<std::string>();
      doc.key = DocumentKey(dir / doc.file);
      doc.form = j["form"].get<std::string>();
      doc.style = j["style"].get<std::string>();
      doc.pages = j.value("pages", 1);
      for (const auto& [name, value] : j["fields"].items()) {
        if (!value.is_string()) return BadLine(file, number, "field " + name + " is not a string");
        doc.fields[name] = value.get<std::string>();
      }
      docs.push_back(std::move(doc));
    }
  }
  return docs;
}

Result<Forms> LoadForms(const std::vector<fs::path>& files) {
  Forms forms;
  for (const fs::path& file : files) {
    ADB_ASSIGN_OR_RETURN(models::FormDefinition form, models::LoadFormDefinition(file));
    forms[form.id] = std::move(form);
  }
  return forms;
}

Result<Readings> LoadStoreReadings(const fs::path& data_dir) {
  const fs::path db = data_dir / "adbridge.db";
  if (!fs::exists(db)) {
    return Status::NotFound("データベースがありません: " + db.string(), "no database at " + db.string());
  }
  ADB_ASSIGN_OR_RETURN(std::unique_ptr<models::Store> store, models::OpenSqliteStore(db));
  ADB_ASSIGN_OR_RETURN(std::vector<models::Document> docs, store->ListDocuments(std::nullopt));
  Readings readings;
  for (const models::Document& doc : docs) {
    ADB_ASSIGN_OR_RETURN(std::vector<models::FieldRecord> fields, store->ListFields(doc.id));
    auto& out = readings[DocumentKey(doc.source_name)];
    for (const models::FieldRecord& f : fields) {
      if (!f.ocr_value.has_value()) continue;  // not a machine reading
      FieldReading r;
      r.value = *f.ocr_value;
      r.confidence = f.confidence;
      r.auto_accepted = f.state == models::FieldState::kAutoAccepted;
      out[f.name] = std::move(r);
    }
  }
  return readings;
}

Result<Readings> LoadBaselineReadings(const fs::path& file) {
  ADB_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
  std::istringstream in(text);
  std::string line;
  int number = 0;
  Readings readings;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty()) continue;
    const Json j = Json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("key") || !j["key"].is_string() ||
        !j.contains("fields") || !j["fields"].is_object()) {
      return BadLine(file, number, "needs key and fields");
    }
    auto& out = readings[j["key"].get<std::string>()];
    for (const auto& [name, value] : j["fields"].items()) {
      if (value.is_string()) out[name].value = value.get<std::string>();
    }
  }
  return readings;
}

std::map<std::string, std::string> ExtractBaseline(const models::FormDefinition& form,
                                                   std::string_view page_text) {
  const std::vector<std::string> lines = Lines(FoldWidth(page_text));
  std::map<std::string, std::string> values;
  for (const models::FieldDefinition& field : form.fields) {
    if (IsMark(field.type)) continue;
    const std::string label = FoldWidth(field.label);
    // Prefer a line that starts with the label (a label cell) over one that mentions it.
    std::optional<std::size_t> line_index;
    std::size_t after = 0;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::size_t end = FindAfter(lines[i], label);
      if (end == std::string_view::npos) continue;
      const bool starts = Squash(Clean(lines[i])).text.starts_with(Squash(label).text);
      if (!line_index.has_value() || starts) {
        line_index = i;
        after = end;
        if (starts) break;
      }
    }
    if (!line_index.has_value()) continue;  // label not found: nothing read
    std::string rest = Clean(CutAtOtherLabel(lines[*line_index].substr(after), form, field));
    if (rest.empty() && field.required) {
      for (std::size_t i = *line_index + 1; i < lines.size(); ++i) {
        const std::string next = Clean(lines[i]);
        if (next.empty()) continue;
        rest = Clean(CutAtOtherLabel(next, form, field));
        break;
      }
    }
    values[field.name] = rest.empty() ? TryNormalize(field.type, "").value_or("")
                                      : ValueFrom(field, rest);
  }
  return values;
}

Result<Perf> LoadPerf(const fs::path& file) {
  ADB_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(file));
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return BadLine(file, 1, "not a JSON object");
  Perf perf;
  perf.date = j.value("date", "");
  perf.machine = j.value("machine", "");
  perf.scans = j.value("scans", "");
  for (auto [name, run] : {std::pair{"jobs1", &perf.jobs1}, std::pair{"jobs2", &perf.jobs2}}) {
    if (!j.contains(name) || !j[name].is_object()) continue;
    const Json& r = j[name];
    run->present = true;
    run->jobs = r.value("jobs", 0);
    run->wall_seconds = r.value("wall_seconds", 0.0);
    const Json s = r.contains("summary") && r["summary"].is_object() ? r["summary"] : Json::object();
    run->documents = s.value("documents", 0);
    run->pages = s.value("pages", 0);
    run->seconds = s.value("seconds", 0.0);
    run->tesseract_seconds = s.value("tesseract_seconds", 0.0);
    run->peak_rss_mb = s.value("peak_rss_mb", 0.0);
    run->failed = s.value("failed", 0);
  }
  if (j.contains("baseline") && j["baseline"].is_object()) {
    const Json& b = j["baseline"];
    perf.baseline.present = true;
    perf.baseline.processes = b.value("processes", 0);
    perf.baseline.pages = b.value("pages", 0);
    perf.baseline.wall_seconds = b.value("wall_seconds", 0.0);
    perf.baseline.peak_rss_mb = b.value("peak_rss_mb", 0.0);
  }
  return perf;
}

std::string_view BinLabel(int bin) {
  static constexpr std::string_view kLabels[kBins] = {"0–0.5",    "0.5–0.7",  "0.7–0.8",
                                                      "0.8–0.9",  "0.9–0.95", "0.95–1"};
  return kLabels[std::clamp(bin, 0, kBins - 1)];
}

int BinOf(double c) {
  if (c < 0.5) return 0;
  if (c < 0.7) return 1;
  if (c < 0.8) return 2;
  if (c < 0.9) return 3;
  if (c < 0.95) return 4;
  return 5;
}

std::string Ratio(int part, int whole) {
  if (whole == 0) return std::to_string(part) + "/0";
  return std::to_string(part) + "/" + std::to_string(whole) + " = " +
         Percent(static_cast<double>(part) / whole);
}

namespace {

void Count(Tally& t, const FieldReading* r, const std::string& truth) {
  ++t.total;
  if (r == nullptr) {
    ++t.missing;
    return;
  }
  const bool right = r->value == truth;
  if (right) ++t.correct;
  if (r->auto_accepted) {
    ++t.auto_accepted;
    if (!right) ++t.auto_wrong;
  }
}

const FieldReading* Find(const Readings* readings, const std::string& key, const std::string& name) {
  if (readings == nullptr) return nullptr;
  const auto doc = readings->find(key);
  if (doc == readings->end()) return nullptr;
  const auto field = doc->second.find(name);
  return field == doc->second.end() ? nullptr : &field->second;
}

void Add(Tally& into, const Tally& t) {
  into.total += t.total;
  into.correct += t.correct;
  into.missing += t.missing;
  into.auto_accepted += t.auto_accepted;
  into.auto_wrong += t.auto_wrong;
}

void Merge(StyleReport& all, const StyleReport& s) {
  all.documents += s.documents;
  all.documents_read += s.documents_read;
  Add(all.adbridge, s.adbridge);
  Add(all.baseline, s.baseline);
  Add(all.adbridge_text, s.adbridge_text);
  Add(all.baseline_text, s.baseline_text);
  for (const auto& [type, pair] : s.by_type) {
    Add(all.by_type[type].first, pair.first);
    Add(all.by_type[type].second, pair.second);
  }
  for (int b = 0; b < kBins; ++b) {
    all.bin_count[b] += s.bin_count[b];
    all.bin_wrong[b] += s.bin_wrong[b];
  }
  all.high_count += s.high_count;
  all.high_wrong += s.high_wrong;
}

}  // namespace

BenchReport Compare(const Forms& forms, const std::vector<TruthDoc>& truth,
                    const Readings* adbridge, const Readings* baseline, const Perf& perf,
                    int examples_per_style) {
  BenchReport report;
  report.have_adbridge = adbridge != nullptr;
  report.have_baseline = baseline != nullptr;
  report.perf = perf;
  std::map<std::string, StyleReport> by_style;
  std::set<std::string> truth_keys;
  std::set<std::string> unknown;
  for (const TruthDoc& doc : truth) {
    truth_keys.insert(doc.key);
    const auto form = forms.find(doc.form);
    if (form == forms.end()) {
      unknown.insert(doc.form);
      continue;
    }
    StyleReport& s = by_style[doc.style];
    s.style = doc.style;
    ++s.documents;
    if (adbridge != nullptr && adbridge->contains(doc.key) && !adbridge->at(doc.key).empty()) {
      ++s.documents_read;
    }
    for (const models::FieldDefinition& field : form->second.fields) {
      const auto t = doc.fields.find(field.name);
      if (t == doc.fields.end()) continue;  // the generator did not fill it: nothing to check
      const std::string type(models::FieldTypeName(field.type));
      const FieldReading* mine = Find(adbridge, doc.key, field.name);
      const FieldReading* theirs = Find(baseline, doc.key, field.name);
      Count(s.adbridge, mine, t->second);
      Count(s.baseline, theirs, t->second);
      Count(s.by_type[type].first, mine, t->second);
      Count(s.by_type[type].second, theirs, t->second);
      if (!IsMark(field.type)) {
        Count(s.adbridge_text, mine, t->second);
        Count(s.baseline_text, theirs, t->second);
      }
      if (mine != nullptr && mine->confidence.has_value()) {
        const bool wrong = mine->value != t->second;
        const int bin = BinOf(*mine->confidence);
        ++s.bin_count[bin];
        if (wrong) ++s.bin_wrong[bin];
        if (*mine->confidence >= 0.9) {
          ++s.high_count;
          if (wrong) ++s.high_wrong;
        }
      }
      if (adbridge != nullptr && (mine == nullptr || mine->value != t->second)) {
        Example e;
        e.key = doc.key;
        e.field = doc.form + "." + field.name;
        e.type = type;
        e.truth = t->second;
        e.read = mine == nullptr ? "(none)" : mine->value;
        if (mine != nullptr) {
          e.confidence = mine->confidence;
          e.auto_accepted = mine->auto_accepted;
        }
        s.worst.push_back(std::move(e));
      }
    }
  }
  if (adbridge != nullptr) {
    for (const auto& [key, fields] : *adbridge) {
      if (!truth_keys.contains(key)) ++report.unmatched_documents;
    }
  }
  report.unknown_forms.assign(unknown.begin(), unknown.end());
  for (const char* style : {"printed", "handwriting"}) {
    if (auto it = by_style.find(style); it != by_style.end()) {
      report.styles.push_back(std::move(it->second));
      by_style.erase(it);
    }
  }
  for (auto& [name, s] : by_style) report.styles.push_back(std::move(s));
  report.all.style = "all";
  for (StyleReport& s : report.styles) {
    std::stable_sort(s.worst.begin(), s.worst.end(), [](const Example& a, const Example& b) {
      if (a.auto_accepted != b.auto_accepted) return a.auto_accepted;
      return a.confidence.value_or(-1) > b.confidence.value_or(-1);
    });
    if (static_cast<int>(s.worst.size()) > examples_per_style) s.worst.resize(examples_per_style);
    Merge(report.all, s);
  }
  return report;
}

// ---- rendering ----

namespace {

std::string Accuracy(const Tally& t) { return Ratio(t.correct, t.total); }
std::string AutoShare(const Tally& t) { return Ratio(t.auto_accepted, t.total); }
std::string AutoWrong(const Tally& t) { return Ratio(t.auto_wrong, t.auto_accepted); }

double Share(int part, int whole) { return whole == 0 ? 0 : static_cast<double>(part) / whole; }

// "✓" / "✗" against a target, "" when there is nothing to judge.
std::string Mark(bool measured, bool met) {
  if (!measured) return "";
  return met ? " ✓" : " ✗";
}

const StyleReport* FindStyle(const BenchReport& r, std::string_view style) {
  for (const StyleReport& s : r.styles) {
    if (s.style == style) return &s;
  }
  return nullptr;
}

double PagesPerMinute(int pages, double seconds) { return seconds > 0 ? pages * 60.0 / seconds : 0; }

// The share of worker time spent outside Tesseract: 1 - T / (S × jobs).
std::optional<double> OutsideTesseract(const ProcessRun& run) {
  if (!run.present || run.seconds <= 0 || run.jobs <= 0) return std::nullopt;
  return 1.0 - run.tesseract_seconds / (run.seconds * run.jobs);
}

struct Row {
  std::vector<std::string> cells;
};

std::string MarkdownTable(const std::vector<std::string>& head, const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "|";
  for (const std::string& h : head) out << " " << h << " |";
  out << "\n|";
  for (std::size_t i = 0; i < head.size(); ++i) out << (i == 0 ? "---|" : "---:|");
  out << "\n";
  for (const Row& r : rows) {
    out << "|";
    for (const std::string& c : r.cells) out << " " << c << " |";
    out << "\n";
  }
  return out.str();
}

std::string TextTable(const std::vector<std::string>& head, const std::vector<Row>& rows) {
  // Column widths by display columns: count a UTF-8 lead byte of a 3-byte character as two.
  auto width = [](const std::string& s) {
    int w = 0;
    for (std::size_t i = 0; i < s.size();) {
      const std::size_t n = CharLength(s, i);
      const bool wide = n == 3 && !(s.compare(i, 3, "–") == 0 || s.compare(i, 3, "✓") == 0 ||
                                    s.compare(i, 3, "✗") == 0 || s.compare(i, 3, "—") == 0 ||
                                    s.compare(i, 3, "≥") == 0 || s.compare(i, 3, "≤") == 0 ||
                                    s.compare(i, 3, "×") == 0);
      w += wide ? 2 : 1;
      i += n;
    }
    return w;
  };
  std::vector<int> widths(head.size(), 0);
  auto grow = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], width(cells[i]));
    }
  };
  grow(head);
  for (const Row& r : rows) grow(r.cells);
  std::ostringstream out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      out << (i == 0 ? "  " : "  ") << cells[i] << std::string(widths[i] - width(cells[i]), ' ');
    }
    out << "\n";
  };
  line(head);
  for (const Row& r : rows) line(r.cells);
  return out.str();
}

using TableFn = std::string (*)(const std::vector<std::string>&, const std::vector<Row>&);

// Quoted, with a table's column separator escaped (OCR reads box lines as "|").
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string Body(const BenchReport& r, TableFn table, bool markdown) {
  std::ostringstream out;
  auto heading = [&](const std::string& title) {
    out << "\n" << (markdown ? "#### " : "== ") << title << (markdown ? "\n\n" : "\n");
  };
  const std::string na = "—";
  if (!r.perf.date.empty() || !r.perf.machine.empty()) {
    out << (markdown ? "" : "  ") << "Run " << r.perf.date << " on " << r.perf.machine;
    if (!r.perf.scans.empty()) out << "; " << r.perf.scans;
    out << (markdown ? ".\n" : "\n");
  }
  if (r.unmatched_documents > 0 || !r.unknown_forms.empty()) {
    out << (markdown ? "\n" : "  ") << "Note: " << r.unmatched_documents
        << " documents in the store match no truth line";
    for (const std::string& f : r.unknown_forms) out << "; unknown form " << f;
    out << "\n";
  }

  // Accuracy, side by side.
  heading("Accuracy: adbridge vs the tesseract CLI on whole pages");
  {
    std::vector<std::string> head = {"figure"};
    for (const StyleReport& s : r.styles) {
      head.push_back("adbridge " + s.style);
      head.push_back("baseline " + s.style);
    }
    head.push_back("target");
    const StyleReport* printed = FindStyle(r, "printed");
    const StyleReport* hand = FindStyle(r, "handwriting");
    std::vector<Row> rows;
    Row docs{{"documents read / generated"}};
    Row acc{{"field accuracy"}};
    Row text_acc{{"… text fields only (no checkbox/choice)"}};
    Row auto_share{{"auto-accepted"}};
    Row auto_wrong{{"wrong among auto-accepted"}};
    Row high{{"wrong among confidence ≥ 0.9"}};
    for (const StyleReport& s : r.styles) {
      const bool is_printed = s.style == "printed";
      const bool is_hand = s.style == "handwriting";
      if (r.have_adbridge) {
        docs.cells.push_back(std::to_string(s.documents_read) + "/" + std::to_string(s.documents));
        acc.cells.push_back(Accuracy(s.adbridge) +
                            Mark(is_printed, Share(s.adbridge.correct, s.adbridge.total) >= 0.99));
        text_acc.cells.push_back(Accuracy(s.adbridge_text));
        auto_share.cells.push_back(
            AutoShare(s.adbridge) +
            Mark(is_printed, Share(s.adbridge.auto_accepted, s.adbridge.total) >= 0.90));
        auto_wrong.cells.push_back(
            AutoWrong(s.adbridge) +
            Mark(is_printed || is_hand,
                 Share(s.adbridge.auto_wrong, s.adbridge.auto_accepted) <= (is_printed ? 0.005 : 0.01)));
        high.cells.push_back(Ratio(s.high_wrong, s.high_count));
      } else {
        for (Row* row : {&docs, &acc, &text_acc, &auto_share, &auto_wrong, &high}) {
          row->cells.push_back("not measured");
        }
      }
      docs.cells.push_back(std::to_string(s.documents));
      if (r.have_baseline) {
        acc.cells.push_back(Accuracy(s.baseline));
        text_acc.cells.push_back(Accuracy(s.baseline_text));
      } else {
        acc.cells.push_back("not measured");
        text_acc.cells.push_back("not measured");
      }
      auto_share.cells.push_back(na);
      auto_wrong.cells.push_back(na);
      high.cells.push_back(na);
    }
    docs.cells.push_back("");
    acc.cells.push_back("printed ≥ 99%");
    text_acc.cells.push_back("");
    auto_share.cells.push_back("printed ≥ 90%");
    auto_wrong.cells.push_back("printed ≤ 0.5%, handwriting ≤ 1%");
    high.cells.push_back("");
    (void)printed;
    (void)hand;
    rows = {docs, acc, text_acc, auto_share, auto_wrong, high};
    out << table(head, rows);
    out << (markdown ? "\n" : "  ")
        << "The baseline has no confidence, so it has nothing to auto-accept (—); it cannot see "
           "ticks, so every checkbox and choice counts as not read for it.\n";
  }

  // Speed and memory.
  heading("Speed and memory");
  {
    const Perf& p = r.perf;
    const double base_ppm = p.baseline.present ? PagesPerMinute(p.baseline.pages, p.baseline.wall_seconds) : 0;
    std::vector<std::string> head = {"figure", "adbridge --jobs 1", "adbridge --jobs 2",
                                     "tesseract CLI, " + std::to_string(p.baseline.processes) + " processes",
                                     "target"};
    auto ppm = [&](const ProcessRun& run) {
      if (!run.present) return std::string("not measured");
      return Fixed(PagesPerMinute(run.pages, run.wall_seconds), 1);
    };
    auto ratio = [&](const ProcessRun& run) {
      if (!run.present || base_ppm <= 0) return na;
      return Fixed(PagesPerMinute(run.pages, run.wall_seconds) / base_ppm, 2) + "×";
    };
    auto outside = [&](const ProcessRun& run) {
      const auto o = OutsideTesseract(run);
      if (!o.has_value()) return std::string(run.present ? na : "not measured");
      return Percent(*o) + " (Tesseract " + Fixed(run.tesseract_seconds, 1) + " s of " +
             Fixed(run.seconds * run.jobs, 1) + " worker-s)";
    };
    auto mem = [&](const ProcessRun& run) {
      return run.present ? Fixed(run.peak_rss_mb, 0) + " MB" : std::string("not measured");
    };
    std::vector<Row> rows;
    rows.push_back({{"pages", p.jobs1.present ? std::to_string(p.jobs1.pages) : na,
                     p.jobs2.present ? std::to_string(p.jobs2.pages) : na,
                     p.baseline.present ? std::to_string(p.baseline.pages) : na, ""}});
    rows.push_back({{"wall clock", p.jobs1.present ? Fixed(p.jobs1.wall_seconds, 1) + " s" : na,
                     p.jobs2.present ? Fixed(p.jobs2.wall_seconds, 1) + " s" : na,
                     p.baseline.present ? Fixed(p.baseline.wall_seconds, 1) + " s" : na, ""}});
    const auto j2_ppm = PagesPerMinute(p.jobs2.pages, p.jobs2.wall_seconds);
    rows.push_back({{"pages/min", ppm(p.jobs1), ppm(p.jobs2) + Mark(p.jobs2.present, j2_ppm >= 60),
                     p.baseline.present ? Fixed(base_ppm, 1) : std::string("not measured"),
                     "≥ 60 with --jobs 2"}});
    rows.push_back({{"speed vs baseline", ratio(p.jobs1), ratio(p.jobs2), "1.00×", ""}});
    const auto o2 = OutsideTesseract(p.jobs2);
    rows.push_back({{"time outside Tesseract", outside(p.jobs1),
                     outside(p.jobs2) + Mark(o2.has_value(), o2.value_or(1) <= 0.25), "—", "≤ 25%"}});
    rows.push_back({{"peak memory (RSS)", mem(p.jobs1), mem(p.jobs2),
                     p.baseline.present ? Fixed(p.baseline.peak_rss_mb, 0) + " MB per process" : na, ""}});
    rows.push_back({{"failed documents", p.jobs1.present ? std::to_string(p.jobs1.failed) : na,
                     p.jobs2.present ? std::to_string(p.jobs2.failed) : na, na, ""}});
    out << table(head, rows);
    out << (markdown ? "\n" : "  ")
        << "pages/min = pages ÷ wall clock around the whole command; time outside Tesseract = "
           "1 − tesseract_seconds ÷ (seconds × jobs), from the command's summary line.\n";
  }

  // Per field type.
  if (r.have_adbridge || r.have_baseline) {
    for (const StyleReport& s : r.styles) {
      heading("By field type, " + s.style);
      std::vector<Row> rows;
      for (const auto& [type, pair] : s.by_type) {
        const Tally& a = pair.first;
        const Tally& b = pair.second;
        rows.push_back({{type, std::to_string(a.total),
                         r.have_adbridge ? Accuracy(a) : "not measured",
                         r.have_adbridge ? AutoShare(a) : na, r.have_adbridge ? AutoWrong(a) : na,
                         r.have_baseline ? Accuracy(b) : "not measured"}});
      }
      out << table({"type", "fields", "adbridge correct", "auto-accepted", "wrong among auto",
                    "baseline correct"},
                   rows);
    }
  }

  // Calibration.
  if (r.have_adbridge) {
    heading("Calibration of adbridge's confidence (share wrong per bin)");
    std::vector<std::string> head = {"confidence"};
    for (const StyleReport& s : r.styles) head.push_back(s.style);
    head.push_back("all");
    std::vector<Row> rows;
    for (int b = 0; b < kBins; ++b) {
      Row row{{std::string(BinLabel(b))}};
      for (const StyleReport& s : r.styles) row.cells.push_back(Ratio(s.bin_wrong[b], s.bin_count[b]));
      row.cells.push_back(Ratio(r.all.bin_wrong[b], r.all.bin_count[b]));
      rows.push_back(row);
    }
    Row high{{"≥ 0.9"}};
    for (const StyleReport& s : r.styles) high.cells.push_back(Ratio(s.high_wrong, s.high_count));
    high.cells.push_back(Ratio(r.all.high_wrong, r.all.high_count));
    rows.push_back(high);
    out << table(head, rows);
  }

  // Worst examples.
  if (r.have_adbridge) {
    for (const StyleReport& s : r.styles) {
      heading("Worst readings, " + s.style + " (wrong auto-accepted first, then by confidence)");
      std::vector<Row> rows;
      for (const Example& e : s.worst) {
        rows.push_back({{e.field, Quote(e.truth), e.read == "(none)" ? e.read : Quote(e.read),
                         e.confidence.has_value() ? Fixed(*e.confidence, 3) : na,
                         e.read == "(none)" ? "not read" : e.auto_accepted ? "auto-accepted" : "review",
                         e.key}});
      }
      if (rows.empty()) {
        out << (markdown ? "" : "  ") << "none wrong\n";
      } else {
        out << table({"field", "truth", "read", "confidence", "state", "scan"}, rows);
      }
    }
  }
  return out.str();
}

}  // namespace

std::string RenderText(const BenchReport& report) { return Body(report, TextTable, false); }

std::string RenderMarkdown(const BenchReport& report) { return Body(report, MarkdownTable, true); }

}  // namespace adbridge::bench
