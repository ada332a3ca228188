// Field values as a resident reads them on a letter or hears them on the phone.
//
// Each function takes a normalised value (../shared/spec/form-definition.md, "Types": dates
// YYYY-MM-DD, phone digits only, postal code NNN-NNNN, integer decimal, checkbox true/false,
// choice the option's value) and writes it the way a municipal letter prints it, or the way a
// caller says it aloud:
//
//   EraDate("2025-04-01")        // "令和7年4月1日"
//   PhoneGroups("0263520280")    // "0263-52-0280"
//   YenSpoken("35000")           // "3万5千円（さんまんごせんえん）"
//
// Templates reach the same functions by name, as filters: `{{birth_date|era_spoken}}`.
//
//   const ValueFilter* filter = FindValueFilter("phone");
//   Result<std::string> text = filter->apply("0263520280", &field);
//
// A value a function cannot write (not in normal form, out of range, empty) is refused with
// InvalidArgument in Japanese and English. Messages never quote the value: it may be personal
// data.
//
// Pure and thread-safe; the filter table is a constant.
#ifndef ADBRIDGE_OUTPUT_RESIDENT_VALUES_H_
#define ADBRIDGE_OUTPUT_RESIDENT_VALUES_H_

#include <span>
#include <string>
#include <string_view>

#include "models/form_definition.h"
#include "models/status.h"

namespace adbridge::output {

// --- Written forms ---

// "2025-04-01" -> "令和7年4月1日"; the first year of an era is 元年 ("2019-05-01" ->
// "令和元年5月1日"). Era boundaries are models/japanese_era.h's. Refuses a value that is not
// exactly YYYY-MM-DD naming a calendar day, and a date before 明治 (1868-01-25).
Result<std::string> EraDate(std::string_view iso_date);

// "30000" -> "30,000円"; leading zeros are dropped ("0500" -> "500円", "0" -> "0円"). Refuses a
// sign (a negative amount), anything but ASCII digits, and more than 18 digits.
Result<std::string> Yen(std::string_view integer);

// "山田 太郎" -> "山田 太郎 様". Refuses an empty or blank name and invalid UTF-8.
Result<std::string> WithSama(std::string_view name);

// "399-0786" -> "〒399-0786". Refuses anything but NNN-NNNN.
Result<std::string> PostalCodeWithMark(std::string_view postal_code);

// A phone number (10 or 11 ASCII digits starting with 0) in digit groups as printed. Japan's
// area codes have 2 to 5 digits and only the carriers' full table says which, so the rule is:
//   11 digits  020 050 060 070 080 090 (mobile, IP): 3-4-4  090-1234-5678
//              0800 (free dial): 4-3-4                      0800-123-4567
//              anything else is refused (no other Japanese number has 11 digits)
//   10 digits  0120 0570 0990 (free dial, navi dial): 4-3-3  0120-123-456
//              a table of common 2- and 3-digit area codes: 03 (Tokyo) and 06 (Osaka) 2-4-4;
//              011 044 045 052 075 078 092 048, 022-2 (Sendai) and 026-2 (Nagano) 3-3-4,
//              where the longer codes 0480 and 0920 stay 4-2-4
//              any other area: 4-2-4 (0263-52-0280), the most common length
//              0A0 (A = 1..9) other than the above is refused (mobile and IP numbers have 11)
Result<std::string> PhoneGroups(std::string_view digits);

// All but the last `keep_last` characters replaced by the full-width asterisk ＊
// ("1234567", 4 -> "＊＊＊4567"). A value no longer than `keep_last` is masked whole, so the
// result never shows a value in full. Refuses an empty value and invalid UTF-8.
Result<std::string> Masked(std::string_view value, int keep_last);

// The label of the option whose value is `value` ("futsu" -> "普通"). Refuses a field that is
// not a choice and a value that is none of its options.
Result<std::string> ChoiceLabel(std::string_view value, const models::FieldDefinition& field);

// "true" -> "はい", "false" -> "いいえ". Refuses anything else.
Result<std::string> YesNo(std::string_view checkbox_value);

// --- Spoken forms, for a caller reading aloud ---

// The era date followed by its reading in hiragana:
// "2025-04-01" -> "令和7年4月1日（れいわ ななねん しがつ ついたち）". Month and day readings are
// the spoken ones (しがつ, しちがつ, くがつ; ついたち, ふつか, .. とおか, はつか, にじゅうよっか);
// 元年 is がんねん, year 4 よねん, 7 ななねん, 9 くねん. Refuses what EraDate refuses.
Result<std::string> EraDateSpoken(std::string_view iso_date);

// The phone number's digit groups (as PhoneGroups), each digit in katakana as said on the
// phone, "・" between digits and "、" (a pause) between groups:
// "0263520280" -> "ゼロ・ニー・ロク・サン、ゴー・ニー、ゼロ・ニー・ハチ・ゼロ" (2 ニー and 5 ゴー
// lengthened, 4 ヨン, 7 ナナ, 9 キュウ). Refuses what PhoneGroups refuses.
Result<std::string> PhoneSpoken(std::string_view digits);

// An amount in 万/億/兆 as it is said, then its reading:
// "35000" -> "3万5千円（さんまんごせんえん）", "1200000" -> "120万円（ひゃくにじゅうまんえん）".
// Readings carry the sound changes (さんびゃく, ろっぴゃく, はっぴゃく, さんぜん, はっせん,
// いっちょう; 千 alone is せん, 4円 よえん). Below 1万 the figure is written as Yen writes it
// ("1,200円"). Refuses what Yen refuses and amounts of 1京 (17 digits) or more.
Result<std::string> YenSpoken(std::string_view integer);

// --- Filters for templates ---

// A filter's function. `field` is the definition of the field the value comes from, or
// nullptr when the value is not a field's; filters that need it (choice) refuse nullptr.
using ValueFilterFunction = Result<std::string> (*)(std::string_view value,
                                                    const models::FieldDefinition* field);

struct ValueFilter {
  std::string_view name;  // as written in a template: era, yen, sama, ...
  ValueFilterFunction apply;
  // The field types it writes; applied to a field of another type it refuses, naming both.
  std::span<const models::FieldType> field_types;
  // The text shows only part of the value (masked4). Only such a filter may put a field
  // marked `sensitive` into a line read aloud to whoever answers the phone.
  bool masks = false;
  // Written for reading aloud (era_spoken, phone_spoken, yen_spoken).
  bool spoken = false;
};

// The filters: era, yen, sama, postal, phone, masked4 (last 4 kept), choice, check (はい/いいえ),
// era_spoken, phone_spoken, yen_spoken.
std::span<const ValueFilter> ValueFilters();

// The filter of that name, or nullptr.
const ValueFilter* FindValueFilter(std::string_view name);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_RESIDENT_VALUES_H_
