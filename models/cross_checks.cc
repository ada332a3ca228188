#include "models/cross_checks.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <optional>

#include "models/internal/unicode_text.h"
#include "models/utf8.h"

namespace adbridge::models {
namespace {

// The first two digits of the postal codes of each prefecture (the national numbering gives
// each prefecture its own leading pairs). 東京都 runs from 100 to 208.
struct PrefecturePostal {
  std::string_view prefecture;
  std::string_view leading_pairs;  // two-digit prefixes, space-separated
};
constexpr std::array<PrefecturePostal, 47> kPrefectures = {{
    {"北海道", "00 04 05 06 07 08 09"}, {"青森県", "03"}, {"岩手県", "02"},
    {"宮城県", "98"}, {"秋田県", "01"}, {"山形県", "99"}, {"福島県", "96 97"},
    {"茨城県", "30 31"}, {"栃木県", "32"}, {"群馬県", "37"}, {"埼玉県", "33 34 35 36"},
    {"千葉県", "26 27 28 29"}, {"東京都", "10 11 12 13 14 15 16 17 18 19 20"},
    {"神奈川県", "21 22 23 24 25"}, {"新潟県", "94 95"}, {"富山県", "93"}, {"石川県", "92"},
    {"福井県", "91"}, {"山梨県", "40"}, {"長野県", "38 39"}, {"岐阜県", "50"},
    {"静岡県", "41 42 43"}, {"愛知県", "44 45 46 47 48 49"}, {"三重県", "51 49"},
    {"滋賀県", "52"}, {"京都府", "60 61 62"}, {"大阪府", "53 54 55 56 57 58 59"},
    {"兵庫県", "65 66 67"}, {"奈良県", "63"}, {"和歌山県", "64"}, {"鳥取県", "68"},
    {"島根県", "69"}, {"岡山県", "70 71"}, {"広島県", "72 73"}, {"山口県", "74 75"},
    {"徳島県", "77"}, {"香川県", "76"}, {"愛媛県", "79"}, {"高知県", "78"},
    {"福岡県", "80 81 82 83"}, {"佐賀県", "84"}, {"長崎県", "85"}, {"熊本県", "86"},
    {"大分県", "87"}, {"宮崎県", "88"}, {"鹿児島県", "89"}, {"沖縄県", "90"},
}};

std::u32string Decode(std::string_view text) {
  return DecodeUtf8(text).value_or(std::u32string());
}

// Words separated by spaces, as the normalisers leave them (one space between words).
std::vector<std::u32string> Words(std::string_view text) {
  std::vector<std::u32string> words(1);
  for (char32_t cp : Decode(text)) {
    if (internal::IsSpace(cp)) {
      if (!words.back().empty()) words.emplace_back();
    } else {
      words.back().push_back(cp);
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// Every character of a name takes at least one kana to read, and no kanji takes more than
// five (承 うけたまわる is the long end of name readings, 6 with a small kana; allow slack).
bool PlausibleReading(std::size_t kana_length, std::size_t name_length) {
  return kana_length >= name_length && kana_length <= name_length * 6;
}

std::optional<CrossCheckIssue> CheckKanaReading(const std::string& kana_field,
                                                const std::string& kana,
                                                const std::string& name_field,
                                                const std::string& name) {
  const std::vector<std::u32string> kana_words = Words(kana);
  const std::vector<std::u32string> name_words = Words(name);
  CrossCheckIssue issue{CrossCheckRule::kKanaReading, {kana_field, name_field}, {}};
  if (kana_words.size() > 1 && name_words.size() > 1 && kana_words.size() != name_words.size()) {
    issue.reason = {"フリガナと氏名の区切り (姓・名) の数が合いません",
                    "the kana and the name are not split into the same number of words"};
    return issue;
  }
  std::size_t kana_length = 0, name_length = 0;
  for (const std::u32string& w : kana_words) kana_length += w.size();
  for (const std::u32string& w : name_words) name_length += w.size();
  bool plausible = PlausibleReading(kana_length, name_length);
  if (plausible && kana_words.size() == name_words.size()) {
    for (std::size_t i = 0; i < kana_words.size(); ++i) {
      plausible = plausible && PlausibleReading(kana_words[i].size(), name_words[i].size());
    }
  }
  if (plausible) return std::nullopt;
  issue.reason = {"フリガナの長さが氏名の読みとして合いません (" + std::to_string(kana_length) +
                      " 字と " + std::to_string(name_length) + " 字)",
                  "the kana is not a plausible length for reading the name (" +
                      std::to_string(kana_length) + " against " + std::to_string(name_length) +
                      " characters)"};
  return issue;
}

}  // namespace

std::string PrefectureOf(std::string_view address) {
  for (const PrefecturePostal& p : kPrefectures) {
    if (address.substr(0, p.prefecture.size()) == p.prefecture) return std::string(p.prefecture);
  }
  return "";
}

bool PostalCodeFitsPrefecture(std::string_view postal_code, std::string_view prefecture) {
  if (postal_code.size() < 2) return false;
  const std::string_view pair = postal_code.substr(0, 2);
  for (const PrefecturePostal& p : kPrefectures) {
    if (p.prefecture != prefecture) continue;
    for (std::size_t i = 0; i + 2 <= p.leading_pairs.size(); i += 3) {
      if (p.leading_pairs.substr(i, 2) == pair) return true;
    }
    return false;
  }
  return true;
}

std::string TodayInJapan() {
  const auto now = std::chrono::system_clock::now() + std::chrono::hours(9);
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(now)};
  char text[16];
  std::snprintf(text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

std::vector<CrossCheckIssue> CheckCrossFields(const FormDefinition& form,
                                              const std::map<std::string, std::string>& values,
                                              std::string_view today) {
  std::vector<CrossCheckIssue> issues;
  for (const CrossCheck& check : form.cross_checks) {
    std::vector<std::string> v;
    for (const std::string& name : check.fields) {
      auto found = values.find(name);
      if (found == values.end() || found->second.empty()) break;
      v.push_back(found->second);
    }
    if (v.size() != check.fields.size()) continue;
    switch (check.rule) {
      case CrossCheckRule::kKanaReading:
        if (std::optional<CrossCheckIssue> issue =
                CheckKanaReading(check.fields[0], v[0], check.fields[1], v[1])) {
          issues.push_back(*std::move(issue));
        }
        break;
      case CrossCheckRule::kPostalArea: {
        const std::string prefecture = PrefectureOf(v[1]);
        if (!prefecture.empty() && !PostalCodeFitsPrefecture(v[0], prefecture)) {
          issues.push_back({check.rule,
                            check.fields,
                            {"郵便番号 " + v[0] + " は" + prefecture + "の番号ではありません",
                             "postal code " + v[0] + " is not one of " + prefecture}});
        }
        break;
      }
      case CrossCheckRule::kPastDate:
        // ISO dates compare as strings.
        if (v[0] > today) {
          issues.push_back({check.rule,
                            check.fields,
                            {"日付 " + v[0] + " が今日 (" + std::string(today) + ") より後です",
                             "the date " + v[0] + " is after today (" + std::string(today) +
                                 ")"}});
        }
        break;
    }
  }
  return issues;
}

}  // namespace adbridge::models
