// Tables of realistic Japanese data for filled-in test scans: names with their katakana
// readings, Nagano towns with postal codes and telephone area codes, banks and branches,
// demand-bus stops. Written for adbridge, not downloaded; the people are invented.
//
// Thread-safety: the tables are immutable after first use.
#ifndef ADBRIDGE_TESTS_SCANGEN_VALUE_TABLES_H_
#define ADBRIDGE_TESTS_SCANGEN_VALUE_TABLES_H_

#include <string>
#include <vector>

namespace adbridge::scangen {

struct NameEntry {
  std::string kanji;
  std::string kana;  // full-width katakana
};

// How a town writes the rest of an address after its name.
enum class AddressStyle {
  kChome,   // 中央2丁目5-12
  kBanchi,  // 広丘野村1234-5
};

struct Town {
  std::string city;    // 塩尻市
  std::string town;    // 大門一番町
  std::string postal;  // 3990738, seven digits
  AddressStyle style;
  int chome_max;       // kChome only
  // Landline prefixes of the area without the subscriber digits, e.g. "0263-52".
  std::vector<std::string> phone_prefixes;
};

struct Branch {
  std::string name;  // 塩尻支店
  std::string code;  // three digits
};

struct Bank {
  std::string name;  // 八十二銀行
  std::string code;  // four digits
  std::vector<Branch> branches;
};

const std::vector<NameEntry>& Surnames();
const std::vector<NameEntry>& GivenNames();
const std::vector<Town>& Towns();
const std::vector<std::string>& BuildingNames();
const std::vector<Bank>& Banks();
const std::vector<std::string>& BusStops();
const std::vector<std::string>& BusNotes();
const std::vector<std::string>& OtherPurposes();

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_VALUE_TABLES_H_
