#include "models/field_types.h"

#include <array>
#include <charconv>
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "models/internal/japanese_date.h"
#include "models/internal/kana.h"
#include "models/internal/kanji_numeral.h"
#include "models/internal/unicode_text.h"
#include "models/utf8.h"

namespace adbridge::models {
namespace {



using internal::IsAsciiDigit;
using internal::IsDash;
using internal::IsSpace;
using internal::TrimSpaces;

// Longest value quoted in a message, in characters; OCR of a text box can be a paragraph.
constexpr size_t kMaxQuotedChars = 40;
// An integer field holds counts and amounts; 18 digits always fit in a long long.
constexpr size_t kMaxIntegerDigits = 18;

Status InvalidUtf8() {
  return Status::InvalidArgument("文字コードが正しくありません（UTF-8として読めません）",
                                 "The text is not valid UTF-8");
}

Status NfkcFailed() {
  return Status::Internal("文字の正規化に失敗しました（ICU）",
                          "Unicode normalisation failed (ICU)");
}

// NFKC of `text`, as a Result so that callers can pass ICU's failure up.
Result<std::u32string> Fold(std::u32string_view text) {
  std::optional<std::u32string> folded = internal::Nfkc(text);
  if (!folded) return NfkcFailed();
  return std::move(*folded);
}

// text: spaces folded to one ASCII space, full-width ASCII made half-width, the rest kept.
std::string NormalizeText(std::u32string_view text) {
  std::u32string out;
  bool pending_space = false;
  for (char32_t cp : text) {
    if (IsSpace(cp)) {
      pending_space = true;
      continue;
    }
    if (pending_space) out.push_back(U' ');
    pending_space = false;
    out.push_back(internal::FoldFullwidthAscii(cp));
  }
  return EncodeUtf8(out);
}

Status HyphenOutsideDigits() {
  return Status::InvalidArgument("ハイフンは数字と数字の間にだけ書けます",
                                 "A hyphen may only stand between digits");
}

// The ASCII digits of `text` (NFKC-folded), dropping spaces and the dashes people write
// between groups of digits. A dash before the first digit or after the last is refused: "-5" is
// a negative number, not a code.
Result<std::string> DigitsOnly(std::u32string_view text) {
  std::string digits;
  bool dash_after_last_digit = false;
  for (char32_t cp : text) {
    if (IsAsciiDigit(cp)) {
      digits.push_back(static_cast<char>(cp));
      dash_after_last_digit = false;
    } else if (IsDash(cp)) {
      if (digits.empty()) return HyphenOutsideDigits();
      dash_after_last_digit = true;
    } else if (!IsSpace(cp)) {
      return Status::InvalidArgument("数字以外の文字が含まれています",
                                     "Contains characters other than digits");
    }
  }
  if (dash_after_last_digit) return HyphenOutsideDigits();
  return digits;
}

Result<std::string> NormalizeDigits(std::u32string_view text) {
  ADB_ASSIGN_OR_RETURN(const std::u32string folded, Fold(text));
  return DigitsOnly(folded);
}

Status NotANumber() {
  return Status::InvalidArgument("数として読めません（例：12、１２、十二）",
                                 "Cannot read this as a number (e.g. 12, １２, 十二)");
}

// "1,234" → "1234"; a comma must separate groups of three digits.
std::optional<std::string> DigitsWithGrouping(std::u32string_view text) {
  std::string digits;
  int group = 0;  // digits since the last comma
  bool seen_comma = false;
  for (char32_t cp : text) {
    if (IsAsciiDigit(cp)) {
      digits.push_back(static_cast<char>(cp));
      ++group;
    } else if (cp == U',') {
      if (group == 0 || (seen_comma && group != 3) || (!seen_comma && group > 3)) {
        return std::nullopt;
      }
      seen_comma = true;
      group = 0;
    } else {
      return std::nullopt;
    }
  }
  if (digits.empty() || (seen_comma && group != 3)) return std::nullopt;
  return digits;
}

Result<std::string> NormalizeInteger(std::u32string_view text) {
  ADB_ASSIGN_OR_RETURN(const std::u32string folded, Fold(text));
  const std::u32string_view number = folded;
  if (number.starts_with(U'-') || number.starts_with(U'\u2212') || number.starts_with(U'▲')) {
    return Status::InvalidArgument("負の数は入力できません", "Negative numbers are not allowed");
  }
  if (number.find(U'.') != std::u32string_view::npos) {
    return Status::InvalidArgument("小数は入力できません。整数で入力してください",
                                   "Enter a whole number, without a decimal point");
  }
  std::string digits;
  if (std::optional<std::string> ascii = DigitsWithGrouping(number)) {
    digits = std::move(*ascii);
  } else {
    const std::optional<long long> kanji = internal::ParseKanjiNumeral(number);
    if (!kanji) return NotANumber();
    digits = std::to_string(*kanji);
  }
  const size_t first_nonzero = digits.find_first_not_of('0');
  if (first_nonzero == std::string::npos) return std::string("0");
  digits.erase(0, first_nonzero);
  if (digits.size() > kMaxIntegerDigits) {
    return Status::InvalidArgument("数が大きすぎます", "The number is too large");
  }
  return digits;
}

Result<std::string> NormalizeDate(std::u32string_view text) {
  ADB_ASSIGN_OR_RETURN(const std::u32string folded, Fold(text));
  // NFKC keeps the dash variants apart; a date separator is any of them.
  std::u32string dashes_unified = folded;
  for (char32_t& cp : dashes_unified) {
    if (IsDash(cp)) cp = U'-';
  }
  ADB_ASSIGN_OR_RETURN(const CivilDate date, internal::ParseJapaneseDate(dashes_unified));
  return internal::FormatIsoDate(date);
}

Result<std::string> NormalizePostalCode(std::u32string_view text) {
  ADB_ASSIGN_OR_RETURN(const std::u32string folded, Fold(text));  // 〶 becomes 〒
  std::u32string_view rest = folded;
  if (rest.starts_with(U'〒')) rest.remove_prefix(1);
  ADB_ASSIGN_OR_RETURN(const std::string digits, DigitsOnly(rest));
  if (digits.size() != 7) {
    return Status::InvalidArgument(
        "郵便番号は7桁の数字です（入力は" + std::to_string(digits.size()) + "桁）",
        "A postal code has 7 digits (got " + std::to_string(digits.size()) + ")");
  }
  return digits.substr(0, 3) + "-" + digits.substr(3);
}

bool IsPhoneBracket(char32_t cp) { return cp == U'(' || cp == U')'; }

Result<std::string> NormalizePhone(std::u32string_view text) {
  ADB_ASSIGN_OR_RETURN(const std::u32string folded, Fold(text));
  std::u32string_view rest = folded;
  bool international = false;
  if (rest.starts_with(U'+')) {
    if (!rest.starts_with(U"+81")) {
      return Status::InvalidArgument("日本の電話番号を入力してください（国番号は+81のみ）",
                                     "Enter a Japanese number (country code +81 only)");
    }
    rest.remove_prefix(3);
    international = true;
  }
  std::string digits;
  for (char32_t cp : rest) {
    if (IsAsciiDigit(cp)) {
      digits.push_back(static_cast<char>(cp));
    } else if (!IsSpace(cp) && !IsDash(cp) && !IsPhoneBracket(cp)) {
      return Status::InvalidArgument("電話番号に使えない文字が含まれています",
                                     "Contains characters that do not belong in a phone number");
    }
  }
  // +81 263…, and +81 (0)263… as some business cards write it, are both 0263….
  if (international && !digits.starts_with('0')) digits.insert(0, "0");
  if (!digits.starts_with('0') || (digits.size() != 10 && digits.size() != 11)) {
    return Status::InvalidArgument("電話番号は0から始まる10桁または11桁の数字です（入力は" +
                                       std::to_string(digits.size()) + "桁）",
                                   "A phone number has 10 or 11 digits starting with 0 (got " +
                                       std::to_string(digits.size()) + ")");
  }
  return digits;
}

// What people and OCR write for a marked and an unmarked box, after NFKC and ASCII lower case.
constexpr std::array<std::u32string_view, 16> kCheckedWords = {
    U"true", U"1", U"yes", U"on", U"✓",    U"✔",  U"☑", U"☒",
    U"■",    U"レ", U"○",  U"◯",  U"〇", U"はい", U"有", U"あり"};
constexpr std::array<std::u32string_view, 8> kUncheckedWords = {
    U"false", U"0", U"no", U"off", U"☐", U"いいえ", U"無", U"なし"};

Result<std::string> NormalizeCheckbox(std::u32string_view text) {
  ADB_ASSIGN_OR_RETURN(std::u32string folded, Fold(text));
  for (char32_t& cp : folded) {
    if (cp >= U'A' && cp <= U'Z') cp += U'a' - U'A';
  }
  for (std::u32string_view word : kCheckedWords) {
    if (folded == word) return std::string("true");
  }
  for (std::u32string_view word : kUncheckedWords) {
    if (folded == word) return std::string("false");
  }
  return Status::InvalidArgument("チェック欄の値として読めません（例：true／false、レ、○）",
                                 "Cannot read this as a tick box (e.g. true/false, レ, ○)");
}

// The value quoted for a message, or nothing when it cannot be shown (not UTF-8). Long values
// are cut, and control characters are shown as spaces so a message stays on one line.
std::optional<std::string> QuoteForMessage(std::string_view value) {
  std::optional<std::u32string> decoded = DecodeUtf8(value);
  if (!decoded) return std::nullopt;
  const bool cut = decoded->size() > kMaxQuotedChars;
  if (cut) decoded->resize(kMaxQuotedChars);
  for (char32_t& cp : *decoded) {
    if (cp < 0x20 || cp == 0x7F) cp = U' ';
  }
  std::string quoted = EncodeUtf8(*decoded);
  if (cut) quoted += "…";
  return quoted;
}

// `reason` about `field`: its label in front, and the value behind unless the field is
// sensitive (personal data must not reach logs through an error message).
Status AboutField(const FieldDefinition& field, std::string_view value, const Status& reason) {
  if (reason.ok()) return reason;
  const std::string& name = field.label.empty() ? field.name : field.label;
  std::string ja =
      name.empty() ? reason.message(Lang::kJa) : name + "：" + reason.message(Lang::kJa);
  std::string en =
      name.empty() ? reason.message(Lang::kEn) : name + ": " + reason.message(Lang::kEn);
  if (!field.sensitive && !value.empty()) {
    if (std::optional<std::string> quoted = QuoteForMessage(value)) {
      ja += "（入力値「" + *quoted + "」）";
      en += " (value \"" + *quoted + "\")";
    }
  }
  return Status(reason.code(), {std::move(ja), std::move(en)});
}

bool IsAsciiDigits(std::string_view text) {
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

size_t CountChars(std::string_view utf8) {
  size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

Status CheckChoice(const FieldDefinition& field, std::string_view value) {
  std::string values_ja;
  std::string values_en;
  for (const ChoiceOption& option : field.options) {
    if (option.value == value) return Status::Ok();
    values_ja += (values_ja.empty() ? "" : "、") + option.value;
    values_en += (values_en.empty() ? "" : ", ") + option.value;
  }
  return Status::InvalidArgument("選択肢にない値です（選べる値：" + values_ja + "）",
                                 "Not one of the options (" + values_en + ")");
}

Status CheckBounds(const FieldDefinition& field, std::string_view value) {
  long long number = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (error != std::errc() || end != value.data() + value.size()) return NotANumber();
  const bool below = field.min && number < *field.min;
  const bool above = field.max && number > *field.max;
  if (!below && !above) return Status::Ok();
  if (field.min && field.max) {
    const std::string min = std::to_string(*field.min);
    const std::string max = std::to_string(*field.max);
    return Status::InvalidArgument(min + "以上" + max + "以下の数を入力してください",
                                   "Enter a number from " + min + " to " + max);
  }
  if (below) {
    const std::string min = std::to_string(*field.min);
    return Status::InvalidArgument(min + "以上の数を入力してください",
                                   "Enter a number of at least " + min);
  }
  const std::string max = std::to_string(*field.max);
  return Status::InvalidArgument(max + "以下の数を入力してください",
                                 "Enter a number of at most " + max);
}

Status CheckLength(const FieldDefinition& field, std::string_view value) {
  const size_t count = CountChars(value);
  if (count == static_cast<size_t>(*field.length)) return Status::Ok();
  const std::string want = std::to_string(*field.length);
  const std::string got = std::to_string(count);
  if (field.type == FieldType::kDigits) {
    return Status::InvalidArgument(want + "桁で入力してください（入力は" + got + "桁）",
                                   "Enter exactly " + want + " digits (got " + got + ")");
  }
  return Status::InvalidArgument(want + "文字で入力してください（入力は" + got + "文字）",
                                 "Enter exactly " + want + " characters (got " + got + ")");
}

Status CheckDigit(CheckRule rule, std::string_view value) {
  switch (rule) {
    case CheckRule::kMyNumber:
      if (value.size() != 12 || !IsAsciiDigits(value)) {
        return Status::InvalidArgument("個人番号は12桁の数字です",
                                       "An individual number (My Number) has 12 digits");
      }
      if (!IsValidMyNumber(value)) {
        return Status::InvalidArgument(
            "個人番号のチェックデジットが合いません。番号をお確かめください",
            "The check digit of this individual number (My Number) does not match; check the "
            "number");
      }
      return Status::Ok();
    case CheckRule::kCorporateNumber:
      if (value.size() != 13 || !IsAsciiDigits(value)) {
        return Status::InvalidArgument("法人番号は13桁の数字です",
                                       "A corporate number has 13 digits");
      }
      if (!IsValidCorporateNumber(value)) {
        return Status::InvalidArgument(
            "法人番号のチェックデジットが合いません。番号をお確かめください",
            "The check digit of this corporate number does not match; check the number");
      }
      return Status::Ok();
  }
  return Status::Internal("未知のチェックデジット規則です", "Unknown check-digit rule");
}

// The pattern is matched on the UTF-8 bytes (std::regex has no Unicode mode), so "." matches
// one byte of a Japanese character. When the field's own pattern is not a regular expression,
// that is a fault of the form definition: the error names the field (label and name) and does
// not quote the value. std::regex reports both that and a match too complex to finish by
// throwing, which is mapped here because the caller cannot do anything else with it.
Status CheckPattern(const FieldDefinition& field, std::string_view value) {
  bool matched = false;
  try {
    const std::regex pattern(*field.pattern, std::regex::ECMAScript);
    matched = std::regex_match(value.begin(), value.end(), pattern);
  } catch (const std::regex_error&) {
    const std::string where =
        field.label.empty() ? field.name : field.label + "（" + field.name + "）";
    return Status::InvalidArgument(
        where + "：入力規則（pattern）の正規表現が正しくありません。フォーム定義をご確認ください",
        where +
            ": the field's pattern is not a valid regular expression (or is too complex "
            "to match); check the form definition");
  }
  if (matched) return Status::Ok();
  return AboutField(
      field, value,
      Status::InvalidArgument("入力形式が正しくありません",
                              "Does not match the required format (" + *field.pattern + ")"));
}

}  // namespace

Result<std::string> Normalize(FieldType type, std::string_view raw) {
  const std::optional<std::u32string> decoded = DecodeUtf8(raw);
  if (!decoded) return InvalidUtf8();
  const std::u32string_view text = TrimSpaces(*decoded);
  // An unmarked box is a "no", not a missing answer: exports and letters need true or false.
  if (text.empty()) return std::string(type == FieldType::kCheckbox ? "false" : "");

  switch (type) {
    case FieldType::kText:
      return NormalizeText(text);
    case FieldType::kKana:
      return internal::ToKatakanaWords(text);
    case FieldType::kDigits:
      return NormalizeDigits(text);
    case FieldType::kInteger:
      return NormalizeInteger(text);
    case FieldType::kDate:
      return NormalizeDate(text);
    case FieldType::kPostalCode:
      return NormalizePostalCode(text);
    case FieldType::kPhone:
      return NormalizePhone(text);
    case FieldType::kCheckbox:
      return NormalizeCheckbox(text);
    case FieldType::kChoice:
      return EncodeUtf8(text);
  }
  return Status::Internal("未知の項目の種類です", "Unknown field type");
}

Status Validate(const FieldDefinition& field, std::string_view normalized) {
  if (normalized.empty()) {
    if (!field.required) return Status::Ok();
    return AboutField(
        field, normalized,
        Status::InvalidArgument("必須項目です。入力してください", "This field is required"));
  }

  // A value that Normalize would change did not come from Normalize (a reviewer's edit sent
  // as is, a stored value from an older version); refusing it keeps every rule below simple.
  Result<std::string> renormalized = Normalize(field.type, normalized);
  if (!renormalized.ok()) return AboutField(field, normalized, renormalized.status());
  if (*renormalized != normalized) {
    return AboutField(field, normalized,
                      Status::InvalidArgument("値が所定の形式に整えられていません",
                                              "The value is not in normalised form"));
  }

  if (field.type == FieldType::kCheckbox && field.required && normalized == "false") {
    return AboutField(
        field, normalized,
        Status::InvalidArgument("チェックが必要な項目です", "This box must be ticked"));
  }
  if (field.type == FieldType::kChoice) {
    ADB_RETURN_IF_ERROR(AboutField(field, normalized, CheckChoice(field, normalized)));
  }
  if (field.type == FieldType::kInteger && (field.min || field.max)) {
    ADB_RETURN_IF_ERROR(AboutField(field, normalized, CheckBounds(field, normalized)));
  }
  if (field.length) {
    ADB_RETURN_IF_ERROR(AboutField(field, normalized, CheckLength(field, normalized)));
  }
  if (field.check) {
    ADB_RETURN_IF_ERROR(AboutField(field, normalized, CheckDigit(*field.check, normalized)));
  }
  if (field.pattern) ADB_RETURN_IF_ERROR(CheckPattern(field, normalized));
  return Status::Ok();
}

Result<std::string> NormalizeAndValidate(const FieldDefinition& field, std::string_view raw) {
  Result<std::string> normalized = Normalize(field.type, raw);
  if (!normalized.ok()) return AboutField(field, raw, normalized.status());
  ADB_RETURN_IF_ERROR(Validate(field, *normalized));
  return normalized;
}

bool IsValidMyNumber(std::string_view digits) {
  if (digits.size() != 12 || !IsAsciiDigits(digits)) return false;
  int sum = 0;
  for (int n = 1; n <= 11; ++n) {
    const int p = digits[11 - n] - '0';  // n-th digit counting left from the check digit
    const int q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const int remainder = sum % 11;
  const int check = remainder <= 1 ? 0 : 11 - remainder;
  return digits[11] - '0' == check;
}

bool IsValidCorporateNumber(std::string_view digits) {
  if (digits.size() != 13 || !IsAsciiDigits(digits)) return false;
  int sum = 0;
  for (int n = 1; n <= 12; ++n) {
    const int p = digits[13 - n] - '0';  // n-th base digit counting from the lowest
    const int q = n % 2 == 1 ? 1 : 2;
    sum += p * q;
  }
  const int check = 9 - sum % 9;
  return digits[0] - '0' == check;
}

}  // namespace adbridge::models
