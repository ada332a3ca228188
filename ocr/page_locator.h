// PageLocator: which registered form page a scanned page is, and where the form's millimetre
// coordinates fall on it.
//
//   std::vector<ReferencePage> refs = ...;        // the blank pages of the registered forms
//   Result<PageLocator> locator = PageLocator::Create(std::move(refs));
//   Result<PageLocation> where = locator->Locate(scan, /*dpi=*/300);
//   if (where.ok() && where->outcome == PageOutcome::kIdentified) {
//     RegisteredPage page(scan, where->mm_to_scan);
//     cv::Mat crop = page.Crop(field.box, 300, 1.0);
//   } else if (where.ok()) {
//     Show(where->reason.In(lang));                 // why the page was not read
//   }
//
// The page is identified, cheapest evidence first:
//   1. a page with (almost) no ink is kBlank, before any feature work;
//   2. a QR code carrying QrPayload(...) names the form page outright ("qr"); from then on the
//      page is matched against the image of adbridge's own print of it (ReferencePage::printed);
//   3. ArUco markers printed on a reference register it from their corners ("aruco");
//   4. otherwise ORB features matched against every candidate reference (each scan feature
//      only against reference features near where the page can lie), a RANSAC similarity
//      each, and the clear winner by inlier count ("features"); two pages close in count are
//      settled by how much of each one's print lies on the scan's ink.
// Whatever found the coarse transform, it is then refined to a full homography by matching
// small patches of the reference (box corners, characters) on the full-resolution scan, and
// checked: a scale that fits the resolution, square axes, no mirror, the page on the scan, and
// at least 85 % of the form's print lying on ink. A page that matched a form but fails those
// checks is kUnregistrable (its fields cannot be cut out reliably, so it goes back to the
// front desk) when its missing print falls on empty paper (torn off, covered, cut off) or its
// size is wrong; when the missing print falls on other ink, it is another document: kUnknown.
//
// adbridge's QR code is looked for within 50 mm of a page corner, at the working resolution
// (its modules should be at least 0.6 mm); markers near where the form definition puts them
// (within 15 mm, any quarter turn).
//
// Ownership: the locator owns copies of the reference pages and what it derived from them.
// Thread-safety: immutable after Create; Locate is const and keeps no shared mutable state, so
// several worker threads may call it at once.
#ifndef ADBRIDGE_OCR_PAGE_LOCATOR_H_
#define ADBRIDGE_OCR_PAGE_LOCATOR_H_

#include <memory>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::ocr {

// The blank page of a registered form, as the locator matches scans against it.
struct ReferencePage {
  std::string form_id;
  int form_version = 1;
  int page = 1;  // 1-based page number of the form
  double width_mm = 210, height_mm = 297;
  cv::Mat image;  // CV_8UC1 blank form page at any resolution (bundled ones are 300 dpi)
  // The page as adbridge prints it (FormPrinter: its own layout, with a QR code naming the
  // page), CV_8UC1 at any resolution; a scan whose QR code names this page is matched against
  // it instead of `image`, which may look quite different (a municipality's own print). Empty
  // when the form cannot be printed by adbridge.
  cv::Mat printed;
  std::optional<models::PageMarkers> markers;  // ArUco markers printed on the page, if any
};

// The store's page outcomes (models/store.h), so what the locator finds is what is recorded.
// Locate returns kIdentified (the page is `reference`, and mm_to_scan is valid), kBlank (no ink
// to speak of), kUnknown (no registered form page matches, or the QR names an unregistered
// one), kAmbiguous (two or more form pages match about equally well) or kUnregistrable
// (matched `reference`, but the transform fails the sanity checks); never kExtra, which only
// the document's other pages can decide.
using models::PageOutcome;
using models::PageOutcomeName;

struct PageLocation {
  PageOutcome outcome = PageOutcome::kUnknown;
  int reference = -1;  // index into references() when identified or unregistrable
  std::string method;  // "qr", "aruco" or "features"; empty when nothing matched
  // The QR code named a page adbridge printed, so the scan was matched against that page's
  // ReferencePage::printed, not its registered image.
  bool printed = false;
  // Form mm -> scan pixel: valid when identified; when unregistrable, the best estimate.
  cv::Matx33d mm_to_scan = cv::Matx33d::eye();
  int quarter_turns = 0;  // 0..3: counter-clockwise quarter turns the page lay at
  double skew_deg = 0;    // residual counter-clockwise rotation beyond the quarter turns
  // Match scores of the best and second-best form page: RANSAC inliers of the feature fit for
  // "features" (a form's own scan scores several hundred), the markers found for "aruco"; for
  // "qr" the score of the method that registered the page.
  double score = 0, runner_up = 0;
  // The share (0..1) of the reference's printed ink that lies on the scan's ink once
  // registered; low when the transform is wrong or part of the page is missing.
  double agreement = 0;
  double dpi = 0;  // the resolution used: the caller's, or inferred from the page size
  Text reason;     // for every outcome but kIdentified, in words for front-desk staff
};

struct LocatorOptions {
  // Resolution of the coarse stage (blank test, QR, markers, ORB). Form labels are ~4 mm high,
  // so 100 dpi still gives them 15 px: enough for ORB, and cheap.
  double work_dpi = 100;
  // Resolution at which reference patches are matched to refine the transform. The patch
  // peaks are located to a fraction of a pixel, so 150 dpi gives ~0.05 mm.
  double refine_dpi = 150;
  // A page is blank when less than this share of its area (ignoring a 5 mm border) is ink.
  double blank_ink_share = 0.002;
  // ORB features per page at work_dpi.
  int orb_features = 2500;
  // Lowe's ratio test for descriptor matches.
  double match_ratio = 0.8;
  // A form page is identified by features only with at least this many RANSAC inliers (the
  // bundled forms score 400-1100 on their own scans, 20-60 on each other's)...
  int min_inliers = 80;
  // ...and at least this many times the inliers of the best other form page; otherwise the
  // page whose print lies clearly better on the scan wins, and failing that the page is
  // ambiguous.
  double clear_margin = 1.5;
  // Markers found of a reference's expected ids needed to register by them.
  int min_markers = 3;
  // Sanity: the scale must be within this share of the resolution, ...
  double scale_tolerance = 0.10;
  // ... the mapped axes square to within this many degrees, ...
  double max_shear_deg = 2.0;
  // ... and at least this share of the reference's ink must land on scan ink. A registered
  // scan of the page scores 0.97-1.0; another form sharing its box layout up to ~0.55.
  double min_agreement = 0.85;
  // Whether to look for a QR code (adbridge's own printed forms carry one).
  bool use_qr = true;
};

class PageLocator {
 public:
  // Precomputes each reference's features, refinement patches and ink samples once, for its
  // registered image and its printed one. Returns InvalidArgument when `references` is empty,
  // an image is empty or not CV_8UC1 (a printed one may be empty), a page size is not
  // positive, a marker dictionary is not supported, a registered image has too little print to
  // be recognised by (a printed one that has is simply not used), or the options' resolutions
  // are not within 50..600 dpi.
  static Result<PageLocator> Create(std::vector<ReferencePage> references,
                                    LocatorOptions options = {});

  // Identifies and registers `scan` (CV_8UC1). `dpi` is the scan's recorded resolution, 0 when
  // unknown (it is then inferred from the page size in pixels, taking the references' size).
  // `only_form`, when set, restricts the candidates to that form's pages (a QR code naming
  // another form then makes the page kUnknown). The outcome says what was found; an error is
  // returned only for bad input: InvalidArgument for an empty image, one that is not CV_8UC1,
  // or a dpi outside 0 or 50..1200; NotFound when `only_form` names no registered form.
  Result<PageLocation> Locate(const cv::Mat& scan, int dpi,
                              std::optional<std::string> only_form = std::nullopt) const;

  const std::vector<ReferencePage>& references() const { return references_; }
  const LocatorOptions& options() const { return options_; }

  // What Create derived from one reference; defined in page_locator.cc.
  struct Prepared;

  PageLocator(PageLocator&&) noexcept;
  PageLocator& operator=(PageLocator&&) noexcept;
  ~PageLocator();

 private:
  PageLocator(std::vector<ReferencePage> references, LocatorOptions options,
              std::vector<Prepared> prepared);

  std::vector<ReferencePage> references_;
  LocatorOptions options_;
  std::vector<Prepared> prepared_;
};

// The payload of the QR code adbridge prints on its own forms:
// "adbridge-form:<id>:<version>:<page>".
std::string QrPayload(std::string_view form_id, int version, int page);

// The parts of a QrPayload, or nullopt when `payload` is not one.
struct QrForm {
  std::string form_id;
  int version = 0;
  int page = 0;
};
std::optional<QrForm> ParseQrPayload(std::string_view payload);

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_PAGE_LOCATOR_H_
