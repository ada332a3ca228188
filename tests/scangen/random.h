// A seeded random source whose sequence is the same on every platform and standard library
// (std::uniform_*_distribution is not), so a seed names one exact set of scans.
//
//   Random rng(DocumentSeed(seed, 3));
//   int copies = rng.Int(1, 3);
//
// Thread-safety: none; one Random per document.
#ifndef ADBRIDGE_TESTS_SCANGEN_RANDOM_H_
#define ADBRIDGE_TESTS_SCANGEN_RANDOM_H_

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace adbridge::scangen {

class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t Next() { return engine_(); }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform in [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Unit(); }
  // Uniform in [lo, hi], both ends included.
  int Int(int lo, int hi) {
    const std::uint64_t span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<int>(engine_() % span);
  }
  bool Chance(double p) { return Unit() < p; }
  // Normally distributed (Box–Muller), deterministic unlike std::normal_distribution.
  double Normal(double mean, double stddev) {
    const double u1 = 1.0 - Unit();
    const double u2 = Unit();
    return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(Int(0, static_cast<int>(items.size()) - 1))];
  }

 private:
  std::mt19937_64 engine_;
};

// The seed of document `index` of a run seeded with `seed`: documents do not share a stream,
// so adding a form to a run does not change the documents before it.
inline std::uint64_t DocumentSeed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);  // splitmix64
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_RANDOM_H_
