// adbridge-letters-seed: a data directory of verified records for the letters benchmark.
//
//   adbridge-letters-seed --data DIR --form FILE.json [--records N] [--seed S] [--tenant T]
//
// Prints one JSON line: {"documents": N, "first": ID, "last": ID, "seconds": S}.
#include <charconv>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "bench/letters/seeding.h"

namespace {

int Usage() {
  std::cerr << "usage: adbridge-letters-seed --data DIR --form FILE.json [--records N] "
               "[--seed S] [--tenant T]\n";
  return 2;
}

template <typename T>
bool ParseNumber(const std::string& text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> options;
  for (int i = 1; i + 1 < argc; i += 2) options[argv[i]] = argv[i + 1];
  if (argc % 2 == 0 || !options.count("--data") || !options.count("--form")) return Usage();
  adbridge::bench::LetterSeedOptions seed;
  seed.data_dir = options["--data"];
  seed.form = options["--form"];
  if (options.count("--tenant")) seed.tenant = options["--tenant"];
  if ((options.count("--records") && !ParseNumber(options["--records"], &seed.records)) ||
      (options.count("--seed") && !ParseNumber(options["--seed"], &seed.seed)) ||
      seed.records < 1) {
    return Usage();
  }
  for (const auto& [name, value] : options) {
    if (name != "--data" && name != "--form" && name != "--records" && name != "--seed" &&
        name != "--tenant") {
      return Usage();
    }
  }
  adbridge::Result<adbridge::bench::LetterSeedSummary> seeded =
      adbridge::bench::SeedVerifiedRecords(seed);
  if (!seeded.ok()) {
    std::cerr << "adbridge-letters-seed: " << seeded.status().message() << "\n";
    return 1;
  }
  std::cout << nlohmann::json{{"documents", seeded->documents.size()},
                              {"first", seeded->documents.front()},
                              {"last", seeded->documents.back()},
                              {"seconds", seeded->seconds}}
                   .dump()
            << "\n";
  return 0;
}
