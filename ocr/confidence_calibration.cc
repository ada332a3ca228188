#include "ocr/confidence_calibration.h"

#include <algorithm>
#include <vector>

namespace adbridge::ocr {
namespace {

// A step of a fitted mapping: scores from `from` up to the next step's `from` are right with
// probability `p`.
struct Step {
  double from;
  double p;
};

struct TypeCalibration {
  models::FieldType type;
  std::vector<Step> steps;  // ascending `from`; the first starts at 0
};

const std::vector<TypeCalibration>& Table() {
  using models::FieldType;
  static const std::vector<TypeCalibration> kTable = {
#include "ocr/confidence_calibration_table.inc"
  };
  return kTable;
}

}  // namespace

double CalibratedConfidence(models::FieldType type, double score) {
  for (const TypeCalibration& calibration : Table()) {
    if (calibration.type != type || calibration.steps.empty()) continue;
    double p = calibration.steps.front().p;
    for (const Step& step : calibration.steps) {
      if (score >= step.from) p = step.p;
    }
    return std::clamp(p, 0.0, 1.0);
  }
  // A type the fit has not seen: no evidence the score means anything, so it cannot clear a
  // threshold on its own.
  return std::clamp(score, 0.0, 1.0) * 0.5;
}

}  // namespace adbridge::ocr
