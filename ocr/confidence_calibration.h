// Confidence calibration: turns the field reader's score into the probability that the value is
// right, so that a threshold means what it says (at 0.9, about one accepted value in ten or
// fewer is wrong).
//
//   double p = CalibratedConfidence(models::FieldType::kDate, reading.confidence);
//
// The mapping is fitted by bench/calibration (adbridge-calibrate) on generated scans, printed
// and handwritten, with scanner faults: per field type, an isotonic (monotone) fit of "was the
// reading right" on the score, each step's share of right readings shrunk toward wrong so a
// small step cannot claim certainty. The fitted steps are compiled in from
// ocr/confidence_calibration_table.inc, which the tool writes.
//
// Thread-safety: pure functions over constant data.
#ifndef ADBRIDGE_OCR_CONFIDENCE_CALIBRATION_H_
#define ADBRIDGE_OCR_CONFIDENCE_CALIBRATION_H_

#include "models/form_definition.h"

namespace adbridge::ocr {

// The probability (0..1) that a reading of `type` with reader score `score` is right.
double CalibratedConfidence(models::FieldType type, double score);

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_CONFIDENCE_CALIBRATION_H_
