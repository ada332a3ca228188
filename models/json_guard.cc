#include "models/json_guard.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace adbridge::models {
namespace {

using Json = nlohmann::json;

std::string DescribePosition(const TextPosition& at, Lang lang) {
  if (lang == Lang::kJa) {
    return std::to_string(at.line) + " 行 " + std::to_string(at.column) + " 列 (先頭から " +
           std::to_string(at.byte) + " バイト)";
  }
  return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) +
         " (byte offset " + std::to_string(at.byte) + ")";
}

// nlohmann's what() reads "[json.exception.parse_error.101] parse error at line 1, column 2:
// syntax error while parsing value - …"; we report the position ourselves, so keep only the
// part after the first ": ", which says what was wrong.
std::string ParserDetail(const std::string& what) {
  const std::size_t colon = what.find(": ");
  if (colon == std::string::npos) return what;
  return what.substr(colon + 2);
}

// Counts depth and remembers the keys of each open object; stops the parse at the first
// problem so that nothing after it is read.
class GuardSax : public nlohmann::json_sax<Json> {
 public:
  GuardSax(std::string_view text, int max_depth) : text_(text), max_depth_(max_depth) {}

  const Status& status() const { return status_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }

  bool start_object(std::size_t) override {
    if (!Enter()) return false;
    keys_.emplace_back();
    return true;
  }
  bool key(string_t& name) override {
    if (keys_.back().insert(name).second) return true;
    status_ =
        Status::InvalidArgument("キー \"" + name + "\" が同じオブジェクトに 2 回書かれています",
                                "key \"" + name + "\" appears twice in the same object");
    return false;
  }
  bool end_object() override {
    keys_.pop_back();
    --depth_;
    return true;
  }
  bool start_array(std::size_t) override { return Enter(); }
  bool end_array() override {
    --depth_;
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& error) override {
    // `position` counts the bytes read, the offending one included.
    const TextPosition at = PositionOf(text_, position == 0 ? 0 : position - 1);
    const std::string detail = ParserDetail(error.what());
    status_ = Status::InvalidArgument(
        "JSON の構文エラー: " + DescribePosition(at, Lang::kJa) + " (" + detail + ")",
        "malformed JSON at " + DescribePosition(at, Lang::kEn) + ": " + detail);
    return false;
  }

 private:
  bool Enter() {
    if (++depth_ <= max_depth_) return true;
    status_ = Status::ResourceExhausted(
        "JSON の入れ子が深すぎます (上限 " + std::to_string(max_depth_) + " 段)",
        "JSON nests deeper than the limit of " + std::to_string(max_depth_) + " levels");
    return false;
  }

  std::string_view text_;
  int max_depth_;
  int depth_ = 0;
  std::vector<std::set<std::string>> keys_;
  Status status_;
};

}  // namespace

TextPosition PositionOf(std::string_view text, std::size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition at;
  at.byte = offset;
  const std::string_view before = text.substr(0, offset);
  at.line = 1 + static_cast<std::size_t>(std::count(before.begin(), before.end(), '\n'));
  const std::size_t last_newline = before.rfind('\n');
  at.column = last_newline == std::string_view::npos ? offset + 1 : offset - last_newline;
  return at;
}

Status CheckJsonText(std::string_view text, int max_depth) {
  GuardSax sax(text, max_depth);
  const bool parsed =
      Json::sax_parse(text.begin(), text.end(), &sax, nlohmann::json::input_format_t::json,
                      /*strict=*/true, /*ignore_comments=*/false);
  if (!sax.status().ok()) return sax.status();
  if (!parsed) {
    // Every way sax_parse can fail goes through the handler above; keep a message regardless.
    return Status::InvalidArgument("JSON を読めません", "unreadable JSON");
  }
  return Status::Ok();
}

}  // namespace adbridge::models
