// What goes wrong between paper and file: the page skewed, scaled and shifted on the glass,
// fed upside down, resampled to the scanner's resolution, blurred, noisy and speckled, and
// squeezed through JPEG.
//
//   FaultSpec spec;  spec.rotate_max_deg = 2;  spec.dpi = {200, 200};
//   Faults faults = SampleFaults(spec, rng);
//   cv::Mat scan = ApplyFaults(page_at_300dpi, 300, 210, 297, faults, rng);
//
// Thread-safety: pure functions of their arguments.
#ifndef ADBRIDGE_TESTS_SCANGEN_FAULTS_H_
#define ADBRIDGE_TESTS_SCANGEN_FAULTS_H_

#include <optional>

#include <opencv2/core.hpp>

#include "tests/scangen/random.h"

namespace adbridge::scangen {

// A closed interval; lo == hi for a fixed value.
struct Range {
  double lo = 0;
  double hi = 0;
};

// The spread of faults a run asks for.
struct FaultSpec {
  Range dpi{300, 300};
  double rotate_max_deg = 0;   // rotation uniform in [-max, max]
  double scale_jitter = 0;     // scale uniform in [1 - j, 1 + j]
  double offset_max_mm = 0;    // each offset uniform in [-max, max]
  Range blur{0, 0};            // gaussian sigma, px at the output resolution
  Range noise{0, 0};           // gaussian noise sigma, grey levels; also drives speckle
  std::optional<Range> jpeg_quality;
  double turn180_rate = 0;
};

// The faults of one document, as truth.jsonl records them.
struct Faults {
  int dpi = 300;
  double rotation_deg = 0;  // counter-clockwise as the image is viewed
  double scale = 1;
  double offset_x_mm = 0;   // content moved right
  double offset_y_mm = 0;   // content moved down
  double blur = 0;
  double noise = 0;
  std::optional<int> jpeg_quality;  // the JPEG quality the pixels went through, if any
  bool turned_180 = false;
};

Faults SampleFaults(const FaultSpec& spec, Random& rng);

// One scan's faults, chosen by a test: at `dpi`, rotated, the content moved right by
// `offset_mm` and up by half of it, noisy (and then slightly blurred), perhaps upside down.
Faults FixedFaults(int dpi, double rotation_deg = 0, double offset_mm = 0, double noise = 0,
                   bool turned_180 = false);

// Turns a clean page drawn at `render_dpi` into the scan of a `width_mm` x `height_mm` page
// at faults.dpi: the output is exactly that page size in pixels. JPEG artefacts are applied
// here only when `simulate_jpeg` (files written as JPEG get them from the encoder instead).
// `rng` drives the noise pattern.
cv::Mat ApplyFaults(const cv::Mat& page, double render_dpi, double width_mm, double height_mm,
                    const Faults& faults, bool simulate_jpeg, Random& rng);

}  // namespace adbridge::scangen

#endif  // ADBRIDGE_TESTS_SCANGEN_FAULTS_H_
