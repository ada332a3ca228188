// Image steps of reading a field, apart from Tesseract: separating a resident's writing from the
// form's printing in a field crop, cutting the writing out tight, and measuring marks in boxes.
//
//   FieldInk ink = SeparateWriting(scan_crop, reference_crop, px_per_mm, interior);
//   cv::Mat line = TightCrop(ink, ink.kept, 10);   // what Tesseract gets
//
// Thread-safety: pure functions of their arguments.
#ifndef ADBRIDGE_OCR_INTERNAL_FIELD_IMAGE_H_
#define ADBRIDGE_OCR_INTERNAL_FIELD_IMAGE_H_

#include <vector>

#include <opencv2/core.hpp>

namespace adbridge::ocr::internal {

// Darker than this (0..255) is ink on a scan; paper, its grain and the grey label cells of the
// forms (236) are lighter.
inline constexpr int kInkThreshold = 165;

// One connected piece of writing.
struct InkComponent {
  cv::Rect box;
  int area = 0;          // pixels
  cv::Point2d centroid;  // pixels
  int label = 0;         // in FieldInk::labels
};

// The writing in a field crop once the form's printing is gone.
struct FieldInk {
  cv::Mat grey;    // the crop, white where there is no writing (form lines, noise removed)
  cv::Mat labels;  // CV_32S connected-component labels of the writing
  std::vector<InkComponent> kept;  // writing that belongs to the field, big enough to matter
  int specks = 0;                  // ink pieces too small to be writing, ignored
  bool touches_edge = false;       // kept writing reaches the crop's border
  int printed_pixels_removed = 0;  // ink attributed to the form's printing
};

// Separates writing from printing in `scan` (CV_8UC1 crop of a field with a margin).
// `reference` is the same crop of the blank form (may be empty: then only long straight lines
// are taken for printing). Printing is ink that the reference, dilated by `tolerance_mm` to
// absorb misregistration, has nearby and that is either part of a long straight line or a
// piece lying wholly inside the dilated printing. `field` is the writing area in crop pixels;
// writing must overlap it (a neighbour's overshoot or a stray mark beside it is not kept).
FieldInk SeparateWriting(const cv::Mat& scan, const cv::Mat& reference, double px_per_mm,
                         double tolerance_mm, const cv::Rect& field);

// The bounding box of `components`; empty when there are none.
cv::Rect InkBounds(const std::vector<InkComponent>& components);

// The writing of `components` alone, cut to their bounding box with `border` white pixels
// around it: the image Tesseract reads best.
cv::Mat TightCrop(const FieldInk& ink, const std::vector<InkComponent>& components, int border);

// A mark is at least this much of the interior inked...
inline constexpr double kMarkFill = 0.025;
// ...and spreads across at least this much of it: a speck of dust or a pen tap is compact,
// a tick, a cross, a circle or a filled square is not.
inline constexpr double kMarkExtent = 0.5;

// How much a square box holds a mark.
struct MarkMeasure {
  double fill = 0;    // fraction of the interior that is ink
  double extent = 0;  // longest side of the ink's bounds in the interior / interior side
  // min(fill / kMarkFill, extent / kMarkExtent): >= 1 means marked, and how far from 1 says
  // how clear the decision is.
  double score = 0;
  int rules_found = 0;  // sides of the printed outline located on the scan (0..4)
  cv::Rect interior;    // in crop pixels; empty when the box could not be measured
};

// Measures the square `expected_box` (in pixels of `crop`, which holds it with a margin) for a
// mark. The printed outline is located on the scan itself, within `tolerance_mm` of where
// registration puts it, so the interior starts just past the real rule and not a blind inset
// wide enough for the worst misregistration: a large hand-drawn circle still falls inside.
MarkMeasure MeasureMark(const cv::Mat& crop, const cv::Rect& expected_box, double px_per_mm,
                        double tolerance_mm);

}  // namespace adbridge::ocr::internal

#endif  // ADBRIDGE_OCR_INTERNAL_FIELD_IMAGE_H_
