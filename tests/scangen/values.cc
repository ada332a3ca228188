#include "tests/scangen/values.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>

#include "tests/scangen/utf8_chars.h"
#include "tests/scangen/value_tables.h"

namespace adbridge::scangen {
namespace {

using models::FieldDefinition;
using models::FieldType;
namespace chrono = std::chrono;

struct Date {
  int year = 0;
  int month = 0;
  int day = 0;
};

Date FromDays(chrono::sys_days days) {
  const chrono::year_month_day ymd(days);
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

chrono::sys_days ToDays(int year, int month, int day) {
  return chrono::sys_days(chrono::year(year) / chrono::month(static_cast<unsigned>(month)) /
                          chrono::day(static_cast<unsigned>(day)));
}

Date RandomDate(Random& rng, chrono::sys_days first, chrono::sys_days last) {
  const int span = static_cast<int>((last - first).count());
  return FromDays(first + chrono::days(rng.Int(0, span)));
}

std::string IsoDate(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

struct Era {
  const char* kanji;
  char letter;
  int year, month, day;  // first day
};

// Newest first, so the first era whose first day is not after the date is its era.
constexpr Era kEras[] = {
    {"令和", 'R', 2019, 5, 1},
    {"平成", 'H', 1989, 1, 8},
    {"昭和", 'S', 1926, 12, 25},
    {"大正", 'T', 1912, 7, 30},
    {"明治", 'M', 1868, 1, 25},
};

std::string Digits(Random& rng, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + rng.Int(0, 9)));
  return out;
}

std::string Str(int n) { return std::to_string(n); }

// How one resident fills in a form, the same in every field: printed forms sometimes carry
// full-width digits (a PC form), which the `text` type makes half-width.
struct Habits {
  Style style;
  bool fullwidth_digits;   // printed only
  bool hiragana_reading;   // handwriting only
  std::string mark;        // "✓", "■" or "○"
};

struct Person {
  NameEntry surname;
  NameEntry given;
  Date birth;
  const Town* town = nullptr;
  std::string address;      // half-width, as normalised
  std::string phone_digits;
  std::string phone_written;
};

std::string WriteAddress(const Town& town, Random& rng) {
  std::string address;
  if (rng.Chance(0.45)) address += "長野県";
  address += town.city + town.town;
  if (town.style == AddressStyle::kChome) {
    const int chome = rng.Int(1, town.chome_max);
    const int ban = rng.Int(1, 25);
    const int go = rng.Int(1, 30);
    switch (rng.Int(0, 2)) {
      case 0: address += Str(chome) + "丁目" + Str(ban) + "-" + Str(go); break;
      case 1: address += Str(chome) + "-" + Str(ban) + "-" + Str(go); break;
      default: address += Str(chome) + "丁目" + Str(ban) + "番" + Str(go) + "号"; break;
    }
  } else {
    const int banchi = rng.Chance(0.6) ? rng.Int(1, 999) : rng.Int(1000, 4999);
    const int edaban = rng.Int(1, 40);
    switch (rng.Int(0, 3)) {
      case 0: address += Str(banchi); break;
      case 1: address += Str(banchi) + "-" + Str(edaban); break;
      case 2: address += Str(banchi) + "番地"; break;
      default: address += Str(banchi) + "番地" + Str(edaban); break;
    }
  }
  if (rng.Chance(0.25)) {
    const int room = rng.Int(1, 3) * 100 + rng.Int(1, 8);
    address += " " + rng.Pick(BuildingNames()) + Str(room);
    if (rng.Chance(0.3)) address += "号室";
  }
  return address;
}

void DrawPhone(Person& p, Random& rng) {
  std::string parts[3];
  if (rng.Chance(0.55)) {
    static const std::vector<std::string> kMobile = {"090", "080", "070"};
    parts[0] = rng.Pick(kMobile);
    parts[1] = Digits(rng, 4);
    parts[2] = Digits(rng, 4);
  } else {
    const std::string& prefix = rng.Pick(p.town->phone_prefixes);
    const auto dash = prefix.find('-');
    parts[0] = prefix.substr(0, dash);
    parts[1] = prefix.substr(dash + 1);
    parts[2] = Digits(rng, 4);
  }
  p.phone_digits = parts[0] + parts[1] + parts[2];
  const int variant = rng.Int(0, 19);
  if (variant < 12) {
    p.phone_written = parts[0] + "-" + parts[1] + "-" + parts[2];
  } else if (variant < 14) {
    p.phone_written = parts[0] + "(" + parts[1] + ")" + parts[2];
  } else if (variant < 16) {
    p.phone_written = "(" + parts[0] + ")" + parts[1] + "-" + parts[2];
  } else if (variant < 18) {
    p.phone_written = p.phone_digits;
  } else {
    p.phone_written = parts[0] + " " + parts[1] + " " + parts[2];
  }
}

Person DrawPerson(Random& rng) {
  Person p;
  p.surname = rng.Pick(Surnames());
  p.given = rng.Pick(GivenNames());
  if (rng.Chance(0.05)) {
    // Born in 平成元年, which residents write as 元年.
    p.birth = RandomDate(rng, ToDays(1989, 1, 8), ToDays(1989, 12, 31));
  } else {
    p.birth = RandomDate(rng, ToDays(1933, 1, 1), ToDays(2006, 12, 31));
  }
  // 塩尻 first: the bundled forms are its forms, most residents live there.
  const auto& towns = Towns();
  std::size_t shiojiri = 0;
  while (shiojiri < towns.size() && towns[shiojiri].city == "塩尻市") ++shiojiri;
  p.town = rng.Chance(0.6) ? &towns[static_cast<std::size_t>(rng.Int(0, static_cast<int>(shiojiri) - 1))]
                           : &rng.Pick(towns);
  p.address = WriteAddress(*p.town, rng);
  DrawPhone(p, rng);
  return p;
}

std::string WriteDateLikeAResident(const Date& d, Random& rng) {
  // Era and Western forms both common; ISO mostly from PCs.
  const int r = rng.Int(0, 99);
  const int variant = r < 45 ? 0 : r < 60 ? 1 : r < 80 ? 2 : r < 95 ? 3 : 4;
  return WriteDate(d.year, d.month, d.day, variant);
}

std::string WriteInteger(long long n, const Habits& habits, Random& rng) {
  static const char* kKanji[] = {"〇", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
  if (habits.style == Style::kHandwriting && n >= 1 && n <= 10 && rng.Chance(0.08)) {
    return kKanji[n];
  }
  std::string s = std::to_string(n);
  return habits.fullwidth_digits ? AsciiToFullWidth(s) : s;
}

bool Contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

const FieldValue* Find(const std::vector<FieldValue>& values, std::string_view name) {
  for (const FieldValue& v : values) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

class ValueMaker {
 public:
  ValueMaker(const Habits& habits, Random& rng)
      : habits_(habits), rng_(rng), person_(DrawPerson(rng)) {
    const Bank& bank = rng.Pick(Banks());
    bank_ = &bank;
    branch_ = &rng.Pick(bank.branches);
  }

  FieldValue Make(const FieldDefinition& f, const std::vector<FieldValue>& before) {
    FieldValue v;
    v.name = f.name;
    if (!f.required && f.type != FieldType::kCheckbox && LeftEmpty(f, before)) return v;
    switch (f.type) {
      case FieldType::kText: Text(f, v); break;
      case FieldType::kKana: Kana(v); break;
      case FieldType::kDigits: DigitsField(f, v); break;
      case FieldType::kInteger: Integer(f, v); break;
      case FieldType::kDate: DateField(f, v); break;
      case FieldType::kPostalCode: Postal(f, v); break;
      case FieldType::kPhone:
        v.normalized = person_.phone_digits;
        v.written = person_.phone_written;
        break;
      case FieldType::kCheckbox: Checkbox(f, v); break;
      case FieldType::kChoice: Choice(f, v); break;
    }
    return v;
  }

 private:
  // Optional fields residents skip; some depend on an earlier answer.
  bool LeftEmpty(const FieldDefinition& f, const std::vector<FieldValue>& before) {
    if (f.name == "purpose_note") {
      const FieldValue* purpose = Find(before, "purpose");
      if (purpose != nullptr) return purpose->normalized != "other";
    }
    if (f.check == models::CheckRule::kMyNumber) {
      const FieldValue* wanted = Find(before, "needs_mynumber");
      if (wanted != nullptr) return wanted->normalized != "true";
    }
    if (f.name == "notes") return rng_.Chance(0.6);
    return rng_.Chance(0.1);
  }

  void Text(const FieldDefinition& f, FieldValue& v) {
    const std::string& n = f.name;
    std::string value;
    if (Contains(n, "bank")) {
      value = bank_->name;
    } else if (Contains(n, "branch")) {
      value = branch_->name;
    } else if (Contains(n, "stop") || Contains(n, "pickup") || Contains(n, "dropoff")) {
      // Nobody books a ride from a stop to itself.
      do {
        value = rng_.Pick(BusStops());
      } while (value == last_stop_);
      last_stop_ = value;
    } else if (Contains(n, "registration")) {
      static const std::vector<std::string> kAreas = {"SJ", "HR", "KT", "SG", "NR", "KO"};
      value = rng_.Pick(kAreas) + "-" + Digits(rng_, 4);
    } else if (Contains(n, "address")) {
      value = person_.address;
    } else if (Contains(n, "name")) {
      value = person_.surname.kanji + " " + person_.given.kanji;
    } else if (Contains(n, "note") && Contains(n, "purpose")) {
      value = rng_.Pick(OtherPurposes());
    } else if (Contains(n, "note")) {
      value = rng_.Pick(BusNotes());
    } else {
      value = rng_.Pick(OtherPurposes());
    }
    v.normalized = value;
    v.written = habits_.fullwidth_digits && Contains(n, "address") ? AsciiToFullWidth(value) : value;
  }

  void Kana(FieldValue& v) {
    v.normalized = person_.surname.kana + " " + person_.given.kana;
    v.written = habits_.hiragana_reading ? KatakanaToHiragana(v.normalized) : v.normalized;
  }

  void DigitsField(const FieldDefinition& f, FieldValue& v) {
    const int length = f.length.value_or(8);
    if (f.check == models::CheckRule::kMyNumber) {
      const std::string body = Digits(rng_, 11);
      v.normalized = body + static_cast<char>('0' + MyNumberCheckDigit(body));
    } else if (Contains(f.name, "bank") && length == 4) {
      v.normalized = bank_->code;
    } else if (Contains(f.name, "branch") && length == 3) {
      v.normalized = branch_->code;
    } else {
      v.normalized = Digits(rng_, length);
    }
    if (f.comb.has_value()) {
      v.written = v.normalized;  // one digit per cell
    } else if (f.check == models::CheckRule::kMyNumber && rng_.Chance(0.5)) {
      v.written = v.normalized.substr(0, 4) + " " + v.normalized.substr(4, 4) + " " +
                  v.normalized.substr(8);
    } else {
      v.written = habits_.fullwidth_digits ? AsciiToFullWidth(v.normalized) : v.normalized;
    }
  }

  void Integer(const FieldDefinition& f, FieldValue& v) {
    const long long lo = f.min.value_or(0);
    const long long hi = f.max.value_or(lo + 9);
    // Most people ask for one or two of anything.
    long long n = lo;
    const double r = rng_.Unit();
    if (r < 0.5) {
      n = lo;
    } else if (r < 0.8) {
      n = lo + 1;
    } else {
      n = lo + rng_.Int(0, static_cast<int>(std::min<long long>(hi - lo, 5)));
    }
    n = std::min(n, hi);
    v.normalized = std::to_string(n);
    v.written = WriteInteger(n, habits_, rng_);
  }

  void DateField(const FieldDefinition& f, FieldValue& v) {
    const Date d = Contains(f.name, "birth")
                       ? person_.birth
                       : RandomDate(rng_, ToDays(2024, 4, 1), ToDays(2025, 12, 26));
    v.normalized = IsoDate(d);
    v.written = WriteDateLikeAResident(d, rng_);
  }

  void Postal(const FieldDefinition& f, FieldValue& v) {
    const std::string& p = person_.town->postal;
    v.normalized = p.substr(0, 3) + "-" + p.substr(3);
    if (f.comb.has_value()) {
      v.written = p;
    } else {
      v.written = rng_.Chance(0.3) ? "〒" + v.normalized : rng_.Chance(0.8) ? v.normalized : p;
    }
  }

  void Checkbox(const FieldDefinition& f, FieldValue& v) {
    const double p = f.name.starts_with("consent") ? 0.95 : 0.35;
    const bool checked = rng_.Chance(p);
    v.normalized = checked ? "true" : "false";
    v.mark = habits_.mark;
    v.written = checked ? habits_.mark : "";
  }

  void Choice(const FieldDefinition& f, FieldValue& v) {
    if (f.options.empty()) return;
    int index = rng_.Int(0, static_cast<int>(f.options.size()) - 1);
    if (f.name == "account_type" && rng_.Chance(0.85)) index = 0;  // 普通 is the usual account
    v.marked_option = index;
    v.normalized = f.options[static_cast<std::size_t>(index)].value;
    v.written = f.options[static_cast<std::size_t>(index)].label;
    v.mark = habits_.mark;
  }

  const Habits& habits_;
  Random& rng_;
  Person person_;
  const Bank* bank_ = nullptr;
  const Branch* branch_ = nullptr;
  std::string last_stop_;
};

}  // namespace

std::string_view StyleName(Style style) {
  return style == Style::kPrinted ? "printed" : "handwriting";
}

std::vector<FieldValue> GenerateValues(const models::FormDefinition& form, Style style,
                                       Random& rng) {
  Habits habits;
  habits.style = style;
  habits.fullwidth_digits = style == Style::kPrinted && rng.Chance(0.3);
  habits.hiragana_reading = style == Style::kHandwriting && rng.Chance(0.25);
  if (style == Style::kPrinted) {
    habits.mark = rng.Chance(0.6) ? "■" : "✓";
  } else {
    const int r = rng.Int(0, 9);
    habits.mark = r < 7 ? "✓" : r < 9 ? "○" : "■";
  }
  ValueMaker maker(habits, rng);
  std::vector<FieldValue> values;
  values.reserve(form.fields.size());
  for (const FieldDefinition& field : form.fields) values.push_back(maker.Make(field, values));
  return values;
}

int MyNumberCheckDigit(std::string_view eleven_digits) {
  int sum = 0;
  for (int n = 1; n <= 11; ++n) {
    const int p = eleven_digits[static_cast<std::size_t>(11 - n)] - '0';
    const int q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const int r = sum % 11;
  return r <= 1 ? 0 : 11 - r;
}

bool IsValidMyNumberDigits(std::string_view digits) {
  if (digits.size() != 12) return false;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
  }
  return MyNumberCheckDigit(digits.substr(0, 11)) == digits[11] - '0';
}

std::string WriteDate(int year, int month, int day, int variant) {
  const std::string m = Str(month);
  const std::string d = Str(day);
  if (variant == 0 || variant == 1) {
    const auto days = ToDays(year, month, day);
    for (const Era& era : kEras) {
      if (days < ToDays(era.year, era.month, era.day)) continue;
      const int era_year = year - era.year + 1;
      if (variant == 1) return std::string(1, era.letter) + Str(era_year) + "." + m + "." + d;
      return std::string(era.kanji) + (era_year == 1 ? "元" : Str(era_year)) + "年" + m + "月" +
             d + "日";
    }
  }
  switch (variant) {
    case 3: return Str(year) + "年" + m + "月" + d + "日";
    case 4: return IsoDate({year, month, day});
    default: return Str(year) + "/" + m + "/" + d;
  }
}

std::string KatakanaToHiragana(std::string_view katakana) {
  std::string out;
  for (const std::string& c : SplitUtf8Chars(katakana)) {
    const char32_t cp = CodePoint(c);
    AppendCodePoint(out, cp >= U'ァ' && cp <= U'ヶ' ? cp - 0x60 : cp);
  }
  return out;
}

std::string AsciiToFullWidth(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    if (c > ' ' && c <= '~') {
      AppendCodePoint(out, static_cast<char32_t>(c) - 0x21 + 0xff01);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace adbridge::scangen
