#include "output/internal/placeholders.h"

namespace adbridge::output::internal {
namespace {

std::string_view Trimmed(std::string_view text) {
  const size_t first = text.find_first_not_of(' ');
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(' ');
  return text.substr(first, last - first + 1);
}

bool IsName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Status Malformed(std::string_view written, std::string_view why_ja, std::string_view why_en) {
  return Status::InvalidArgument(
      "差し込み " + std::string(written) + " が読めません（" + std::string(why_ja) + "）",
      "cannot read the placeholder " + std::string(written) + " (" + std::string(why_en) + ")");
}

}  // namespace

Result<std::vector<TextPiece>> SplitPlaceholders(std::string_view text) {
  std::vector<TextPiece> pieces;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("{{", pos);
    const size_t stray_close = text.substr(0, open).find("}}", pos);
    if (stray_close != std::string_view::npos) {
      return Malformed("}}", "対応する {{ がありません", "no {{ before it");
    }
    if (open == std::string_view::npos) {
      pieces.push_back({false, std::string(text.substr(pos)), "", ""});
      break;
    }
    if (open > pos) pieces.push_back({false, std::string(text.substr(pos, open - pos)), "", ""});
    const size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      return Malformed(text.substr(open, 24), "}} で閉じていません", "not closed with }}");
    }
    const std::string_view written = text.substr(open, close + 2 - open);
    const std::string_view inside = text.substr(open + 2, close - open - 2);
    if (inside.find("{{") != std::string_view::npos) {
      return Malformed(written, "}} で閉じていません", "not closed with }}");
    }
    const size_t bar = inside.find('|');
    TextPiece piece{true, std::string(written), std::string(Trimmed(inside.substr(0, bar))), ""};
    if (!IsName(piece.name)) {
      return Malformed(written, "名前は英小文字・数字・_ です", "a name is [a-z][a-z0-9_]*");
    }
    if (bar != std::string_view::npos) {
      piece.filter = std::string(Trimmed(inside.substr(bar + 1)));
      if (piece.filter.empty()) {
        return Malformed(written, "| の後にフィルター名がありません", "no filter name after |");
      }
    }
    pieces.push_back(std::move(piece));
    pos = close + 2;
  }
  return pieces;
}

}  // namespace adbridge::output::internal
