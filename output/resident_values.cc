#include "output/resident_values.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "models/japanese_era.h"
#include "models/utf8.h"

namespace adbridge::output {
namespace {

using models::FieldDefinition;
using models::FieldType;

// --- Checking values ---

Status NotNormalised(std::string_view what_ja, std::string_view what_en) {
  return Status::InvalidArgument(std::string(what_ja) + "として書ける値ではありません",
                                 "Not a value that can be written as " + std::string(what_en));
}

Status EmptyValue() {
  return Status::InvalidArgument("値が空なので書けません", "The value is empty; nothing to write");
}

bool AllAsciiDigits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The amount without leading zeros ("0" stays), or why it is not one.
Result<std::string> AmountDigits(std::string_view integer) {
  if (integer.empty()) return EmptyValue();
  if (integer.front() == '-') {
    return Status::InvalidArgument("負の金額は書けません", "A negative amount cannot be written");
  }
  if (!AllAsciiDigits(integer)) return NotNormalised("金額（数字のみ）", "an amount (digits only)");
  const size_t first = integer.find_first_not_of('0');
  std::string digits(first == std::string_view::npos ? std::string_view("0")
                                                     : integer.substr(first));
  if (digits.size() > 18) {
    return Status::InvalidArgument("金額が大きすぎます（18桁まで）",
                                   "The amount is too large (18 digits at most)");
  }
  return digits;
}

// "1234567" -> "1,234,567".
std::string GroupThousands(std::string_view digits) {
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

Result<models::CivilDate> ReadDate(std::string_view iso_date) {
  if (iso_date.empty()) return EmptyValue();
  const std::optional<models::CivilDate> date = models::ParseIsoDate(iso_date);
  if (!date) return NotNormalised("日付（YYYY-MM-DD）", "a date (YYYY-MM-DD)");
  return *date;
}

Result<const models::JapaneseEra*> EraFor(const models::CivilDate& date) {
  const models::JapaneseEra* era = models::EraOf(date);
  if (era == nullptr) {
    return Status::InvalidArgument("明治より前の日付は和暦で書けません",
                                   "A date before Meiji (1868-01-25) has no era to write it in");
  }
  return era;
}

// --- Phone numbers ---

// Digit groups by prefix; the longest matching prefix wins (0480 over 048).
struct PhonePlan {
  std::string_view prefix;
  size_t length;  // 10 or 11 digits
  std::array<size_t, 3> groups;
};

constexpr PhonePlan kPhonePlans[] = {
    // Mobile, IP and pager numbers; 0800 free dial.
    {"020", 11, {3, 4, 4}},
    {"050", 11, {3, 4, 4}},
    {"060", 11, {3, 4, 4}},
    {"070", 11, {3, 4, 4}},
    {"080", 11, {3, 4, 4}},
    {"090", 11, {3, 4, 4}},
    {"0800", 11, {4, 3, 4}},
    // Free dial, navi dial and information services.
    {"0120", 10, {4, 3, 3}},
    {"0570", 10, {4, 3, 3}},
    {"0990", 10, {4, 3, 3}},
    // Two-digit area codes.
    {"03", 10, {2, 4, 4}},
    {"06", 10, {2, 4, 4}},
    // Three-digit area codes of large cities, and the four-digit codes that begin like them.
    {"011", 10, {3, 3, 4}},
    {"044", 10, {3, 3, 4}},
    {"045", 10, {3, 3, 4}},
    {"048", 10, {3, 3, 4}},
    {"0480", 10, {4, 2, 4}},
    {"052", 10, {3, 3, 4}},
    {"075", 10, {3, 3, 4}},
    {"078", 10, {3, 3, 4}},
    {"092", 10, {3, 3, 4}},
    {"0920", 10, {4, 2, 4}},
    {"0222", 10, {3, 3, 4}},
    {"0262", 10, {3, 3, 4}},
    // Every other number: a four-digit area code.
    {"0", 10, {4, 2, 4}},
};

// 10 digits beginning 0A0 (A = 1..9) outside the table: a mobile or IP number missing a digit.
bool IsMobileStyleTenDigits(std::string_view digits) {
  return digits.size() == 10 && digits[1] != '0' && digits[2] == '0' &&
         !digits.starts_with("0120") && !digits.starts_with("0570") && !digits.starts_with("0990");
}

Result<std::vector<std::string_view>> SplitPhone(std::string_view digits) {
  if (digits.empty()) return EmptyValue();
  if (!AllAsciiDigits(digits) || digits.front() != '0' ||
      (digits.size() != 10 && digits.size() != 11)) {
    return NotNormalised("電話番号（0で始まる10桁か11桁の数字）",
                         "a phone number (10 or 11 digits starting with 0)");
  }
  if (IsMobileStyleTenDigits(digits)) {
    return Status::InvalidArgument("携帯電話・IP電話の番号は11桁です。10桁では番号が足りません",
                                   "Mobile and IP phone numbers have 11 digits; this one has 10");
  }
  const PhonePlan* best = nullptr;
  for (const PhonePlan& plan : kPhonePlans) {
    if (plan.length != digits.size() || !digits.starts_with(plan.prefix)) continue;
    if (best == nullptr || plan.prefix.size() > best->prefix.size()) best = &plan;
  }
  if (best == nullptr) {
    return Status::InvalidArgument(
        "11桁の電話番号は携帯電話・IP電話（020 050 060 070 080 090）と0800の番号だけです",
        "Only mobile and IP numbers (020 050 060 070 080 090) and 0800 numbers have 11 digits");
  }
  std::vector<std::string_view> groups;
  size_t pos = 0;
  for (size_t size : best->groups) {
    groups.push_back(digits.substr(pos, size));
    pos += size;
  }
  return groups;
}

// --- Readings ---

constexpr std::array<std::string_view, 10> kDigitReadings = {
    "ぜろ", "いち", "に", "さん", "よん", "ご", "ろく", "なな", "はち", "きゅう"};

// Digits as said on the phone: 2 and 5 lengthened so that they are not lost on the line.
constexpr std::array<std::string_view, 10> kPhoneDigitReadings = {
    "ゼロ", "イチ", "ニー", "サン", "ヨン", "ゴー", "ロク", "ナナ", "ハチ", "キュウ"};

constexpr std::array<std::string_view, 12> kMonthReadings = {
    "いちがつ", "にがつ",   "さんがつ", "しがつ",     "ごがつ",         "ろくがつ",
    "しちがつ", "はちがつ", "くがつ",   "じゅうがつ", "じゅういちがつ", "じゅうにがつ"};

constexpr std::array<std::string_view, 31> kDayReadings = {"ついたち",
                                                           "ふつか",
                                                           "みっか",
                                                           "よっか",
                                                           "いつか",
                                                           "むいか",
                                                           "なのか",
                                                           "ようか",
                                                           "ここのか",
                                                           "とおか",
                                                           "じゅういちにち",
                                                           "じゅうににち",
                                                           "じゅうさんにち",
                                                           "じゅうよっか",
                                                           "じゅうごにち",
                                                           "じゅうろくにち",
                                                           "じゅうしちにち",
                                                           "じゅうはちにち",
                                                           "じゅうくにち",
                                                           "はつか",
                                                           "にじゅういちにち",
                                                           "にじゅうににち",
                                                           "にじゅうさんにち",
                                                           "にじゅうよっか",
                                                           "にじゅうごにち",
                                                           "にじゅうろくにち",
                                                           "にじゅうしちにち",
                                                           "にじゅうはちにち",
                                                           "にじゅうくにち",
                                                           "さんじゅうにち",
                                                           "さんじゅういちにち"};

// 1..9999 in hiragana, with the sound changes of 百 and 千 (さんびゃく, ろっぴゃく, はっぴゃく,
// さんぜん, はっせん) and 十, 百, 千 alone without いち.
std::string ReadBelowTenThousand(int n) {
  std::string out;
  const int thousands = n / 1000;
  const int hundreds = n / 100 % 10;
  const int tens = n / 10 % 10;
  const int ones = n % 10;
  switch (thousands) {
    case 0:
      break;
    case 1:
      out += "せん";
      break;
    case 3:
      out += "さんぜん";
      break;
    case 8:
      out += "はっせん";
      break;
    default:
      out += std::string(kDigitReadings[thousands]) + "せん";
  }
  switch (hundreds) {
    case 0:
      break;
    case 1:
      out += "ひゃく";
      break;
    case 3:
      out += "さんびゃく";
      break;
    case 6:
      out += "ろっぴゃく";
      break;
    case 8:
      out += "はっぴゃく";
      break;
    default:
      out += std::string(kDigitReadings[hundreds]) + "ひゃく";
  }
  if (tens == 1) {
    out += "じゅう";
  } else if (tens > 1) {
    out += std::string(kDigitReadings[tens]) + "じゅう";
  }
  if (ones > 0) out += kDigitReadings[ones];
  return out;
}

// Replaces the last `from` of `reading` by `to` when the reading ends with it.
bool ReplaceEnding(std::string& reading, std::string_view from, std::string_view to) {
  if (!reading.ends_with(from)) return false;
  reading.replace(reading.size() - from.size(), from.size(), to);
  return true;
}

std::string ReadEraYear(int year) {
  if (year == 1) return "がんねん";
  std::string reading = ReadBelowTenThousand(year);
  // 4年 よねん, 9年 くねん (7年 stays ななねん, the reading callers use).
  if (!ReplaceEnding(reading, "よん", "よ")) ReplaceEnding(reading, "きゅう", "く");
  return reading + "ねん";
}

// The four-digit groups of an amount below 1京, highest first: 兆, 億, 万, ones.
constexpr std::array<std::string_view, 4> kUnitNames = {"兆", "億", "万", ""};
constexpr std::array<std::string_view, 4> kUnitReadings = {"ちょう", "おく", "まん", ""};

std::array<int, 4> FourDigitGroups(std::string_view digits) {
  std::array<int, 4> groups = {0, 0, 0, 0};
  long long value = std::stoll(std::string(digits));
  for (int g = 3; g >= 0; --g) {
    groups[g] = static_cast<int>(value % 10000);
    value /= 10000;
  }
  return groups;
}

std::string ReadAmount(const std::array<int, 4>& groups) {
  std::string reading;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g] == 0) continue;
    std::string part = ReadBelowTenThousand(groups[g]);
    if (kUnitNames[g] == "兆") {
      // いっちょう, はっちょう, じゅっちょう.
      if (!ReplaceEnding(part, "いち", "いっ") && !ReplaceEnding(part, "はち", "はっ")) {
        ReplaceEnding(part, "じゅう", "じゅっ");
      }
    }
    reading += part + std::string(kUnitReadings[g]);
  }
  if (reading.empty()) return "ぜろえん";
  // 4円 is よえん.
  if (groups[3] % 10 == 4) ReplaceEnding(reading, "よん", "よ");
  return reading + "えん";
}

// "3万5千", "120万", "1兆2千億": each group in figures, a group of whole thousands below a
// larger unit as "5千".
std::string WriteAmount(const std::array<int, 4>& groups) {
  std::string written;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (groups[g] == 0) continue;
    if (!written.empty() && groups[g] % 1000 == 0) {
      written += std::to_string(groups[g] / 1000) + "千";
    } else {
      written += std::to_string(groups[g]);
    }
    written += kUnitNames[g];
  }
  return written + "円";
}

// --- Filters ---

Status WrongFieldType(const ValueFilter& filter, const FieldDefinition& field) {
  std::string expected;
  for (FieldType type : filter.field_types) {
    if (!expected.empty()) expected += ", ";
    expected += models::FieldTypeName(type);
  }
  const std::string type(models::FieldTypeName(field.type));
  return Status::InvalidArgument(
      "フィルター「" + std::string(filter.name) + "」は " + expected + " の項目に使います。項目「" +
          field.label + "」(" + field.name + ") は " + type + " です",
      "The filter \"" + std::string(filter.name) + "\" applies to " + expected +
          " fields; field \"" + field.label + "\" (" + field.name + ") is " + type);
}

// Refuses a field whose type the filter with function `self` does not write.
Status CheckFieldType(ValueFilterFunction self, const FieldDefinition& field);

// A filter that writes the value alone, after checking the field's type.
template <Result<std::string> (*kWrite)(std::string_view)>
Result<std::string> Typed(std::string_view value, const FieldDefinition* field) {
  if (field != nullptr) ADB_RETURN_IF_ERROR(CheckFieldType(&Typed<kWrite>, *field));
  return kWrite(value);
}

Result<std::string> MaskedFour(std::string_view value) { return Masked(value, 4); }

Result<std::string> ApplyChoice(std::string_view value, const FieldDefinition* field) {
  if (field == nullptr) {
    return Status::InvalidArgument("フィルター「choice」は選択肢の項目の値にだけ使えます",
                                   "The filter \"choice\" applies only to a choice field's value");
  }
  return ChoiceLabel(value, *field);
}

constexpr FieldType kDateTypes[] = {FieldType::kDate};
constexpr FieldType kIntegerTypes[] = {FieldType::kInteger};
constexpr FieldType kNameTypes[] = {FieldType::kText, FieldType::kKana};
constexpr FieldType kPostalTypes[] = {FieldType::kPostalCode};
constexpr FieldType kPhoneTypes[] = {FieldType::kPhone};
constexpr FieldType kMaskableTypes[] = {
    FieldType::kText, FieldType::kKana,       FieldType::kDigits, FieldType::kInteger,
    FieldType::kDate, FieldType::kPostalCode, FieldType::kPhone};
constexpr FieldType kChoiceTypes[] = {FieldType::kChoice};
constexpr FieldType kCheckboxTypes[] = {FieldType::kCheckbox};

constexpr ValueFilter kFilters[] = {
    {"era", Typed<EraDate>, kDateTypes},
    {"yen", Typed<Yen>, kIntegerTypes},
    {"sama", Typed<WithSama>, kNameTypes},
    {"postal", Typed<PostalCodeWithMark>, kPostalTypes},
    {"phone", Typed<PhoneGroups>, kPhoneTypes},
    {"masked4", Typed<MaskedFour>, kMaskableTypes, /*masks=*/true},
    {"choice", ApplyChoice, kChoiceTypes},
    {"check", Typed<YesNo>, kCheckboxTypes},
    {"era_spoken", Typed<EraDateSpoken>, kDateTypes, false, /*spoken=*/true},
    {"phone_spoken", Typed<PhoneSpoken>, kPhoneTypes, false, /*spoken=*/true},
    {"yen_spoken", Typed<YenSpoken>, kIntegerTypes, false, /*spoken=*/true},
};

Status CheckFieldType(ValueFilterFunction self, const FieldDefinition& field) {
  for (const ValueFilter& filter : kFilters) {
    if (filter.apply != self) continue;
    if (std::find(filter.field_types.begin(), filter.field_types.end(), field.type) ==
        filter.field_types.end()) {
      return WrongFieldType(filter, field);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> EraDate(std::string_view iso_date) {
  ADB_ASSIGN_OR_RETURN(const models::CivilDate date, ReadDate(iso_date));
  ADB_ASSIGN_OR_RETURN(const models::JapaneseEra* era, EraFor(date));
  return std::string(era->name) + models::EraYearText(models::EraYear(*era, date.year)) +
         std::to_string(date.month) + "月" + std::to_string(date.day) + "日";
}

Result<std::string> Yen(std::string_view integer) {
  ADB_ASSIGN_OR_RETURN(const std::string digits, AmountDigits(integer));
  return GroupThousands(digits) + "円";
}

Result<std::string> WithSama(std::string_view name) {
  const std::optional<std::u32string> characters = models::DecodeUtf8(name);
  if (!characters) return NotNormalised("氏名", "a name");
  if (std::all_of(characters->begin(), characters->end(),
                  [](char32_t c) { return c == U' ' || c == U'\t' || c == U'　'; })) {
    return EmptyValue();
  }
  return std::string(name) + " 様";
}

Result<std::string> PostalCodeWithMark(std::string_view postal_code) {
  if (postal_code.empty()) return EmptyValue();
  if (postal_code.size() != 8 || postal_code[3] != '-' ||
      !AllAsciiDigits(postal_code.substr(0, 3)) || !AllAsciiDigits(postal_code.substr(4))) {
    return NotNormalised("郵便番号（NNN-NNNN）", "a postal code (NNN-NNNN)");
  }
  return "〒" + std::string(postal_code);
}

Result<std::string> PhoneGroups(std::string_view digits) {
  ADB_ASSIGN_OR_RETURN(const std::vector<std::string_view> groups, SplitPhone(digits));
  std::string out;
  for (std::string_view group : groups) {
    if (!out.empty()) out += '-';
    out += group;
  }
  return out;
}

Result<std::string> Masked(std::string_view value, int keep_last) {
  if (value.empty()) return EmptyValue();
  const std::optional<std::u32string> characters = models::DecodeUtf8(value);
  if (!characters) return NotNormalised("文字列（UTF-8）", "text (UTF-8)");
  const size_t count = characters->size();
  const size_t keep =
      keep_last > 0 && static_cast<size_t>(keep_last) < count ? static_cast<size_t>(keep_last) : 0;
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i < count - keep) {
      out += "＊";
    } else {
      models::AppendUtf8(out, (*characters)[i]);
    }
  }
  return out;
}

Result<std::string> ChoiceLabel(std::string_view value, const FieldDefinition& field) {
  if (field.type != FieldType::kChoice) {
    return WrongFieldType(*FindValueFilter("choice"), field);
  }
  if (value.empty()) return EmptyValue();
  for (const models::ChoiceOption& option : field.options) {
    if (option.value == value) return option.label;
  }
  return Status::InvalidArgument(
      "項目「" + field.label + "」の選択肢にない値です",
      "Not one of the options of field \"" + field.label + "\" (" + field.name + ")");
}

Result<std::string> YesNo(std::string_view checkbox_value) {
  if (checkbox_value == "true") return std::string("はい");
  if (checkbox_value == "false") return std::string("いいえ");
  if (checkbox_value.empty()) return EmptyValue();
  return NotNormalised("チェック欄（true/false）", "a checkbox (true/false)");
}

Result<std::string> EraDateSpoken(std::string_view iso_date) {
  ADB_ASSIGN_OR_RETURN(const std::string written, EraDate(iso_date));
  ADB_ASSIGN_OR_RETURN(const models::CivilDate date, ReadDate(iso_date));
  ADB_ASSIGN_OR_RETURN(const models::JapaneseEra* era, EraFor(date));
  return written + "（" + std::string(era->reading) + " " +
         ReadEraYear(models::EraYear(*era, date.year)) + " " +
         std::string(kMonthReadings[date.month - 1]) + " " +
         std::string(kDayReadings[date.day - 1]) + "）";
}

Result<std::string> PhoneSpoken(std::string_view digits) {
  ADB_ASSIGN_OR_RETURN(const std::vector<std::string_view> groups, SplitPhone(digits));
  std::string out;
  for (std::string_view group : groups) {
    if (!out.empty()) out += "、";
    for (size_t i = 0; i < group.size(); ++i) {
      if (i > 0) out += "・";
      out += kPhoneDigitReadings[group[i] - '0'];
    }
  }
  return out;
}

Result<std::string> YenSpoken(std::string_view integer) {
  ADB_ASSIGN_OR_RETURN(const std::string digits, AmountDigits(integer));
  if (digits.size() > 16) {
    return Status::InvalidArgument("読み上げられる金額は兆の位までです",
                                   "Amounts are read aloud up to the trillions (兆)");
  }
  const std::array<int, 4> groups = FourDigitGroups(digits);
  std::string written;
  if (digits.size() <= 4) {
    written = GroupThousands(digits) + "円";
  } else {
    written = WriteAmount(groups);
  }
  return written + "（" + ReadAmount(groups) + "）";
}

std::span<const ValueFilter> ValueFilters() { return kFilters; }

const ValueFilter* FindValueFilter(std::string_view name) {
  for (const ValueFilter& filter : kFilters) {
    if (filter.name == name) return &filter;
  }
  return nullptr;
}

}  // namespace adbridge::output
