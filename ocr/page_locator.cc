#include "ocr/page_locator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <opencv2/aruco.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/wechat_qrcode.hpp>
#include <tuple>
#include <utility>

#include "models/form_layout.h"
#include "ocr/internal/aruco_dictionaries.h"
#include "ocr/internal/page_geometry.h"
#include "ocr/internal/page_matcher.h"
#include "ocr/internal/page_refiner.h"

namespace adbridge::ocr {

using internal::Apply;
using internal::PixelsToMm;
using internal::RefinePatch;
using internal::Rescale;

namespace {

constexpr double kMmPerInch = 25.4;
constexpr std::string_view kQrPrefix = "adbridge-form:";
// Ink samples per reference for the agreement check: plenty for a stable share, cheap to map.
constexpr int kInkSamples = 6000;
// A reference with fewer ORB features than this has too little print to be told apart.
constexpr int kMinReferenceFeatures = 100;
// RANSAC reprojection threshold of the feature fit, in working pixels.
constexpr double kRansacWorkPx = 3.0;
// Refinement searches this far around the coarse transform, then again closer around its own.
constexpr double kCoarseSearchMm = 2.0;
constexpr double kFineSearchMm = 0.6;
// Dark enough to count as ink for the blank-page test.
constexpr int kBlankInk = 128;
// The border of a scan often carries the scanner lid's shadow; the blank test ignores it.
constexpr double kBlankBorderMm = 5.0;
// adbridge prints its QR code near a corner of the page (models::kQrCornerMm); only those
// corners are searched, as the detector costs up to 200 ms on a whole page full of boxes.
using models::kQrCornerMm;
// At most this many scan features go into the exhaustive match (the slow path for pages that
// do not fill the scan), which compares each with every feature of every reference.
constexpr int kExhaustiveFeatures = 800;
// Missed print counts as missing paper when no scan ink lies within this distance of it.
constexpr double kNearInkMm = 4;
// When two form pages match by features about equally, the one whose print agrees with the
// scan by this much more (as a share of its ink) is taken.
constexpr double kAgreementMargin = 0.15;
// Of the form's print not found on the scan, the share that must lie on empty paper for the
// page to count as this form with parts missing rather than as another document.
constexpr double kMissingShare = 0.6;

// The scan reduced by a whole factor when the resolutions allow one (200 -> 100, 300 -> 100):
// that path of cv::resize is several times faster than a fractional one. Returns the image and
// its resolution.
std::pair<cv::Mat, double> ReduceScan(const cv::Mat& scan, double dpi, double work_dpi) {
  const double ratio = dpi / work_dpi;
  const int factor = static_cast<int>(std::lround(ratio));
  if (factor >= 2 && std::abs(ratio / factor - 1) < 0.15) {
    // Whole blocks only: dropping the last factor-1 pixels keeps pixel centres aligned.
    const cv::Size size(scan.cols / factor, scan.rows / factor);
    cv::Mat out;
    cv::resize(scan(cv::Rect(0, 0, size.width * factor, size.height * factor)), out, size, 0, 0,
               cv::INTER_AREA);
    return {out, dpi / factor};
  }
  cv::Mat out;
  const cv::Size size(std::max(1, static_cast<int>(std::lround(scan.cols * work_dpi / dpi))),
                      std::max(1, static_cast<int>(std::lround(scan.rows * work_dpi / dpi))));
  cv::resize(scan, out, size, 0, 0, work_dpi < dpi ? cv::INTER_AREA : cv::INTER_LINEAR);
  // The effective resolution of a fractional resize is the ratio of the sizes.
  return {out, dpi * size.width / scan.cols};
}

cv::Mat Resample(const cv::Mat& image, double from_dpi, double to_dpi) {
  const cv::Size size(std::max(1, static_cast<int>(std::lround(image.cols * to_dpi / from_dpi))),
                      std::max(1, static_cast<int>(std::lround(image.rows * to_dpi / from_dpi))));
  if (size == image.size()) return image;
  cv::Mat out;
  cv::resize(image, out, size, 0, 0, to_dpi < from_dpi ? cv::INTER_AREA : cv::INTER_LINEAR);
  return out;
}

cv::Ptr<cv::ORB> MakeOrb(int features) {
  // Scans arrive normalised to the working resolution, so scale varies only by the dpi
  // inference and the ±2 % of the glass: three pyramid levels cover it and keep the features
  // at the scale the text is legible.
  return cv::ORB::create(features, 1.3f, 3, 21, 0, 2, cv::ORB::HARRIS_SCORE, 21, 12);
}

std::string PageName(const ReferencePage& r) {
  return r.form_id + " (v" + std::to_string(r.form_version) + ") p" + std::to_string(r.page);
}
std::string PageNameJa(const ReferencePage& r) {
  return "様式 " + r.form_id + "（第" + std::to_string(r.form_version) + "版）の " +
         std::to_string(r.page) + " ページ";
}

std::string Fixed(double v, int decimals) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

struct PageLocator::Prepared {
  // What Create derived from one image of the page: what scans are matched and checked against.
  struct Look {
    internal::ReferenceFeatures features;
    std::vector<RefinePatch> patches;
    std::vector<cv::Point2f> ink_mm;
  };
  Look registered;              // from ReferencePage::image
  std::optional<Look> printed;  // from ReferencePage::printed, when there is one
  int dictionary = -1;  // cv::aruco predefined dictionary of its markers, -1 without
};

namespace {

using Look = PageLocator::Prepared::Look;

// The features, refinement patches and ink samples of `image`, a picture of page `r`.
Result<Look> PrepareLook(const ReferencePage& r, const cv::Mat& image,
                         const LocatorOptions& options) {
  // The resolutions the image is actually resampled to (sizes are whole pixels), so that its
  // features and patches sit at their exact place on the form.
  const double ref_dpi = image.cols / r.width_mm * kMmPerInch;
  const cv::Mat work = Resample(image, ref_dpi, options.work_dpi);
  const double work_dpi = ref_dpi * work.cols / image.cols;
  const cv::Mat fine = Resample(image, ref_dpi, options.refine_dpi);
  const double fine_dpi = ref_dpi * fine.cols / image.cols;
  std::vector<cv::KeyPoint> keys;
  cv::Mat descriptors;
  MakeOrb(options.orb_features)->detectAndCompute(work, cv::noArray(), keys, descriptors);
  if (static_cast<int>(keys.size()) < kMinReferenceFeatures) {
    return Status::InvalidArgument(
        PageNameJa(r) + " は印刷が少なすぎて照合に使えません",
        PageName(r) + ": the reference page has too little print to match scans against");
  }
  const cv::Matx33d work_to_mm = PixelsToMm(work_dpi);
  std::vector<cv::Point2f> keys_mm;
  for (const cv::KeyPoint& k : keys) keys_mm.emplace_back(Apply(work_to_mm, k.pt));
  Look look;
  look.features =
      internal::IndexFeatures(std::move(keys_mm), std::move(descriptors), r.width_mm, r.height_mm);
  look.ink_mm = internal::InkSamples(work, work_dpi, kInkSamples);
  look.patches = internal::ChoosePatches(fine, fine_dpi);
  return look;
}

}  // namespace

std::string QrPayload(std::string_view form_id, int version, int page) {
  return std::string(kQrPrefix) + std::string(form_id) + ":" + std::to_string(version) + ":" +
         std::to_string(page);
}

std::optional<QrForm> ParseQrPayload(std::string_view payload) {
  if (!payload.starts_with(kQrPrefix)) return std::nullopt;
  payload.remove_prefix(kQrPrefix.size());
  // From the right: the id is whatever precedes the last two numbers.
  const auto last = payload.rfind(':');
  if (last == std::string_view::npos || last == 0) return std::nullopt;
  const auto middle = payload.rfind(':', last - 1);
  if (middle == std::string_view::npos || middle == 0) return std::nullopt;
  QrForm f;
  f.form_id = std::string(payload.substr(0, middle));
  const auto number = [](std::string_view s, int& out) {
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && end == s.data() + s.size() && out >= 1;
  };
  if (!number(payload.substr(middle + 1, last - middle - 1), f.version) ||
      !number(payload.substr(last + 1), f.page)) {
    return std::nullopt;
  }
  return f;
}

PageLocator::PageLocator(std::vector<ReferencePage> references, LocatorOptions options,
                         std::vector<Prepared> prepared)
    : references_(std::move(references)), options_(options), prepared_(std::move(prepared)) {}
PageLocator::PageLocator(PageLocator&&) noexcept = default;
PageLocator& PageLocator::operator=(PageLocator&&) noexcept = default;
PageLocator::~PageLocator() = default;

Result<PageLocator> PageLocator::Create(std::vector<ReferencePage> references,
                                        LocatorOptions options) {
  if (references.empty()) {
    return Status::InvalidArgument("照合する様式のページがありません",
                                   "no reference pages to match scans against");
  }
  if (!(options.work_dpi >= 50 && options.work_dpi <= 600 && options.refine_dpi >= 50 &&
        options.refine_dpi <= 600)) {
    return Status::InvalidArgument("照合の解像度は 50〜600 dpi にしてください",
                                   "the locator's resolutions must be within 50..600 dpi");
  }
  std::vector<Prepared> prepared;
  for (const ReferencePage& r : references) {
    const std::string name = PageName(r);
    if (r.image.empty() || r.image.type() != CV_8UC1) {
      return Status::InvalidArgument(PageNameJa(r) + " の画像が 8 ビットのグレー画像ではありません",
                                     name + ": the reference image is not 8-bit grey");
    }
    if (!(r.width_mm > 0) || !(r.height_mm > 0)) {
      return Status::InvalidArgument(PageNameJa(r) + " の用紙の大きさが正しくありません",
                                     name + ": the page size must be positive");
    }
    Prepared p;
    if (r.markers.has_value()) {
      const std::optional<int> dictionary = internal::ArucoDictionaryId(r.markers->dictionary);
      if (!dictionary.has_value()) {
        return Status::InvalidArgument(
            PageNameJa(r) + " の ArUco 辞書に対応していません: " + r.markers->dictionary,
            name + ": unsupported ArUco dictionary " + r.markers->dictionary);
      }
      p.dictionary = *dictionary;
    }
    ADB_ASSIGN_OR_RETURN(p.registered, PrepareLook(r, r.image, options));
    if (!r.printed.empty()) {
      if (r.printed.type() != CV_8UC1) {
        return Status::InvalidArgument(
            PageNameJa(r) + " の印刷用の画像が 8 ビットのグレー画像ではありません",
            name + ": the printed page image is not 8-bit grey");
      }
      // A print with too little on it to match against keeps to the registered image.
      if (Result<Look> printed = PrepareLook(r, r.printed, options); printed.ok()) {
        p.printed = *std::move(printed);
      }
    }
    prepared.push_back(std::move(p));
  }
  return PageLocator(std::move(references), options, std::move(prepared));
}

namespace {

// The scan as every stage sees it, made once per Locate.
struct Scene {
  const cv::Mat* scan = nullptr;
  double dpi = 0;
  cv::Mat work;         // the scan reduced to about options.work_dpi
  double work_dpi = 0;  // its exact resolution
  cv::Mat ink;          // `work` with dark spread by one pixel, for the agreement check
  cv::Matx33d work_to_scan;
};

bool IsBlank(const Scene& scene, double max_share) {
  const int border = static_cast<int>(std::lround(kBlankBorderMm * scene.work_dpi / kMmPerInch));
  const cv::Rect inner =
      cv::Rect(border, border, scene.work.cols - 2 * border, scene.work.rows - 2 * border) &
      cv::Rect(0, 0, scene.work.cols, scene.work.rows);
  if (inner.area() <= 0) return true;
  // The median drops isolated specks of dust and toner, which are not content.
  cv::Mat clean;
  cv::medianBlur(scene.work(inner), clean, 3);
  const int ink = cv::countNonZero(clean < kBlankInk);
  return ink < max_share * inner.area();
}

// The payload of a QR code near a corner of the page, or empty. The four corners of the
// working copy go to the decoder as one 2 x 2 mosaic: one call, a sixth of the page's pixels.
// WeChat's decoder (OpenCV contrib, without its CNN models) does the work because Debian's
// OpenCV is built without quirc, so cv::QRCodeDetector can find a code but not read it, and
// its finder search also missed a code on a page fed upside down that WeChat's reads.
std::string ReadQr(const Scene& scene) {
  const int side =
      std::min({static_cast<int>(std::lround(kQrCornerMm * scene.work_dpi / kMmPerInch)),
                scene.work.cols / 2, scene.work.rows / 2});
  const cv::Rect corners[4] = {{0, 0, side, side},
                               {scene.work.cols - side, 0, side, side},
                               {0, scene.work.rows - side, side, side},
                               {scene.work.cols - side, scene.work.rows - side, side, side}};
  cv::Mat mosaic(2 * side, 2 * side, CV_8UC1);
  for (int i = 0; i < 4; ++i) {
    scene.work(corners[i]).copyTo(mosaic(cv::Rect((i % 2) * side, (i / 2) * side, side, side)));
  }
  cv::wechat_qrcode::WeChatQRCode decoder;
  for (const std::string& payload : decoder.detectAndDecode(mosaic)) {
    if (!payload.empty()) return payload;
  }
  return {};
}

// Where on the working copy the markers of `markers` can be: around each marker box as a page
// filling the scan would put it, for each quarter turn the scan's shape allows. Searching only
// there costs a fraction of a millisecond instead of ~15 ms for the page.
std::vector<cv::Rect> MarkerRegions(const models::PageMarkers& markers, double width_mm,
                                    double height_mm, const Scene& scene) {
  const double k = scene.work_dpi / kMmPerInch;
  const bool page_portrait = height_mm > width_mm;
  const bool scan_portrait = scene.work.rows > scene.work.cols;
  std::vector<cv::Rect> regions;
  for (const models::MarkerItem& item : markers.items) {
    const models::BoxMm& b = item.box;
    for (int turns = 0; turns < 4; ++turns) {
      if ((turns % 2 == 0) != (page_portrait == scan_portrait)) continue;
      // The box's centre on the page turned `turns` quarters counter-clockwise.
      const double cx = b.x + b.width / 2, cy = b.y + b.height / 2;
      cv::Point2d at;
      switch (turns) {
        case 1:
          at = {cy, width_mm - cx};
          break;
        case 2:
          at = {width_mm - cx, height_mm - cy};
          break;
        case 3:
          at = {height_mm - cy, cx};
          break;
        default:
          at = {cx, cy};
      }
      // Room for the skew, scale and offset a page lies with (as the feature gate allows).
      const double half = std::max(b.width, b.height) / 2 + 15;
      const cv::Rect r =
          cv::Rect(
              cv::Point(static_cast<int>((at.x - half) * k), static_cast<int>((at.y - half) * k)),
              cv::Point(static_cast<int>((at.x + half) * k), static_cast<int>((at.y + half) * k))) &
          cv::Rect(0, 0, scene.work.cols, scene.work.rows);
      if (r.area() > 0 && std::find(regions.begin(), regions.end(), r) == regions.end()) {
        regions.push_back(r);
      }
    }
  }
  return regions;
}

// A form-to-scan transform and what found it.
struct Candidate {
  int reference = -1;
  cv::Matx33d coarse = cv::Matx33d::eye();
  double score = 0;
};

// Why a coarse transform did not register: the page's shape, or its print not found.
struct Failure {
  Text why;
  bool print_not_found = false;
};

}  // namespace

Result<PageLocation> PageLocator::Locate(const cv::Mat& scan, int dpi,
                                         std::optional<std::string> only_form) const {
  if (scan.empty()) {
    return Status::InvalidArgument("画像が空です", "the scan is empty");
  }
  if (scan.type() != CV_8UC1) {
    return Status::InvalidArgument("画像が 8 ビットのグレー画像ではありません",
                                   "the scan is not an 8-bit grey image");
  }
  if (dpi != 0 && (dpi < 50 || dpi > 1200)) {
    return Status::InvalidArgument("解像度が範囲外です: " + std::to_string(dpi) + " dpi",
                                   "resolution out of range: " + std::to_string(dpi) + " dpi");
  }
  std::vector<int> candidates;
  for (int i = 0; i < static_cast<int>(references_.size()); ++i) {
    if (!only_form.has_value() || references_[static_cast<std::size_t>(i)].form_id == *only_form) {
      candidates.push_back(i);
    }
  }
  if (candidates.empty()) {
    return Status::NotFound("様式 " + *only_form + " は登録されていません",
                            "form " + *only_form + " is not registered");
  }

  PageLocation loc;
  Scene scene;
  scene.scan = &scan;
  if (dpi > 0) {
    scene.dpi = dpi;
  } else {
    // Unknown resolution: the page is taken to be the candidates' paper size, long side to
    // long side (so a page turned a quarter reads the same).
    const ReferencePage& r = references_[static_cast<std::size_t>(candidates.front())];
    scene.dpi = std::max(scan.cols, scan.rows) / std::max(r.width_mm, r.height_mm) * kMmPerInch;
  }
  loc.dpi = scene.dpi;
  std::tie(scene.work, scene.work_dpi) = ReduceScan(scan, scene.dpi, options_.work_dpi);
  scene.work_to_scan = Rescale(scene.work_dpi, scene.dpi);

  if (IsBlank(scene, options_.blank_ink_share)) {
    loc.outcome = PageOutcome::kBlank;
    loc.reason = {"白紙のページです（記入も印刷もありません）",
                  "the page is blank (no print or writing)"};
    return loc;
  }
  cv::erode(scene.work, scene.ink, cv::Mat());

  // What page `ref` is matched against: the image of adbridge's own print of it once its QR
  // code named it, else its registered reference.
  const auto look = [&](int ref) -> const Look& {
    const Prepared& p = prepared_[static_cast<std::size_t>(ref)];
    return loc.printed && p.printed.has_value() ? *p.printed : p.registered;
  };

  const auto no_match = [&]() -> Text {
    if (only_form.has_value()) {
      return {"指定された様式 " + *only_form + " と一致しません",
              "does not match the form given, " + *only_form};
    }
    return {"登録されたどの様式とも一致しません", "matches no registered form"};
  };

  // Refines a coarse transform, checks it and finds the form's print on the scan under it.
  // Fills out.mm_to_scan and the pose when it registers; returns why when it does not.
  const auto register_page = [&](int ref, const cv::Matx33d& coarse,
                                 PageLocation& out) -> std::optional<Failure> {
    const ReferencePage& r = references_[static_cast<std::size_t>(ref)];
    const Look& p = look(ref);
    out.mm_to_scan = coarse;
    // A coarse transform that is far off (a mirror, a tenth of the size) is not worth refining;
    // the tolerances are wider here because the coarse fit is the least exact part.
    if (std::optional<Text> why =
            internal::CheckTransform(coarse, r.width_mm, r.height_mm, scan.size(), scene.dpi,
                                     2 * options_.scale_tolerance, 3 * options_.max_shear_deg)) {
      return Failure{*why, false};
    }
    cv::Matx33d fine = coarse;
    for (double search : {kCoarseSearchMm, kFineSearchMm}) {
      std::optional<internal::Refinement> refined =
          internal::RefineTransform(scan, fine, p.patches, options_.refine_dpi, search);
      if (!refined.has_value()) {
        out.agreement =
            internal::InkAgreement(scene.ink, scene.work_dpi, scene.dpi, p.ink_mm, fine);
        return Failure{{"様式の罫線や文字を用紙の上で十分に見つけられません",
                        "too little of the form's print was found on the page"},
                       true};
      }
      fine = refined->mm_to_scan;
    }
    out.mm_to_scan = fine;
    out.agreement = internal::InkAgreement(scene.ink, scene.work_dpi, scene.dpi, p.ink_mm, fine);
    if (std::optional<Text> why =
            internal::CheckTransform(fine, r.width_mm, r.height_mm, scan.size(), scene.dpi,
                                     options_.scale_tolerance, options_.max_shear_deg)) {
      return Failure{*why, false};
    }
    if (out.agreement < options_.min_agreement) {
      const std::string share = Fixed(100 * out.agreement, 0);
      return Failure{{"様式の印刷の " + share + "% しか用紙の上に見つかりません",
                      "only " + share + "% of the form's print is found on the page"},
                     true};
    }
    const internal::TransformShape shape =
        internal::DescribeTransform(fine, {r.width_mm / 2, r.height_mm / 2});
    out.quarter_turns = shape.quarter_turns;
    out.skew_deg = shape.skew_deg;
    return std::nullopt;
  };

  // Sets the outcome of registering `ref` from `coarse`. A page whose print is largely not
  // found is this form with parts missing (kUnregistrable) when the missing print falls on
  // empty paper, and another document (kUnknown) when it falls on other ink.
  const auto conclude = [&](int ref, const cv::Matx33d& coarse) {
    std::optional<Failure> failure = register_page(ref, coarse, loc);
    if (!failure.has_value()) {
      loc.outcome = PageOutcome::kIdentified;
      loc.reference = ref;
      return;
    }
    const ReferencePage& r = references_[static_cast<std::size_t>(ref)];
    if (failure->print_not_found) {
      const int radius = static_cast<int>(std::lround(kNearInkMm * scene.work_dpi / kMmPerInch));
      cv::Mat near;
      cv::erode(scene.work, near,
                cv::getStructuringElement(cv::MORPH_RECT, {2 * radius + 1, 2 * radius + 1}));
      const double missing = internal::MissingShare(scene.ink, near, scene.work_dpi, scene.dpi,
                                                    look(ref).ink_mm, loc.mm_to_scan);
      if (missing < kMissingShare && loc.method != "qr") {
        loc.outcome = PageOutcome::kUnknown;
        loc.reference = -1;
        loc.method.clear();
        loc.reason = no_match();
        return;
      }
      failure->why.ja += "（用紙の欠け・破れ・折れ・汚れ）";
      failure->why.en += " (torn, folded, covered or missing parts)";
    }
    loc.outcome = PageOutcome::kUnregistrable;
    loc.reference = ref;
    loc.reason = {PageNameJa(r) + " と判定しましたが、位置を合わせられません: " + failure->why.ja,
                  "matched " + PageName(r) + " but cannot register it: " + failure->why.en};
  };

  // 1. A QR code names the page outright.
  if (options_.use_qr) {
    if (std::optional<QrForm> qr = ParseQrPayload(ReadQr(scene))) {
      const std::string named =
          qr->form_id + " (v" + std::to_string(qr->version) + ") p" + std::to_string(qr->page);
      const std::string named_ja = "様式 " + qr->form_id + "（第" + std::to_string(qr->version) +
                                   "版）の " + std::to_string(qr->page) + " ページ";
      loc.method = "qr";
      if (only_form.has_value() && qr->form_id != *only_form) {
        loc.outcome = PageOutcome::kUnknown;
        loc.reason = {"QR コードは " + named_ja + " を示していますが、指定された様式は " +
                          *only_form + " です",
                      "the QR code names " + named + ", but the form given is " + *only_form};
        return loc;
      }
      int found = -1;
      for (int i : candidates) {
        const ReferencePage& r = references_[static_cast<std::size_t>(i)];
        if (r.form_id == qr->form_id && r.form_version == qr->version && r.page == qr->page) {
          found = i;
        }
      }
      if (found < 0) {
        loc.outcome = PageOutcome::kUnknown;
        loc.reason = {"QR コードの " + named_ja + " は登録されていません",
                      "the QR code names " + named + ", which is not registered"};
        return loc;
      }
      candidates = {found};
      loc.printed = prepared_[static_cast<std::size_t>(found)].printed.has_value();
    }
  }

  // 2. ArUco markers register a page that carries them from their corners.
  std::vector<Candidate> by_markers;
  for (int i : candidates) {
    const Prepared& p = prepared_[static_cast<std::size_t>(i)];
    if (p.dictionary < 0) continue;
    const ReferencePage& ref = references_[static_cast<std::size_t>(i)];
    std::vector<int> ids;
    std::vector<std::vector<cv::Point2f>> corners;
    cv::Ptr<cv::aruco::DetectorParameters> params = cv::aruco::DetectorParameters::create();
    params->cornerRefinementMethod = cv::aruco::CORNER_REFINE_SUBPIX;
    const cv::Ptr<cv::aruco::Dictionary> dictionary =
        cv::aruco::getPredefinedDictionary(p.dictionary);
    for (const cv::Rect& region : MarkerRegions(*ref.markers, ref.width_mm, ref.height_mm, scene)) {
      std::vector<int> found_ids;
      std::vector<std::vector<cv::Point2f>> found;
      cv::aruco::detectMarkers(scene.work(region), dictionary, found, found_ids, params);
      for (std::size_t m = 0; m < found_ids.size(); ++m) {
        // Regions overlap on small pages: a marker seen twice counts once.
        if (std::find(ids.begin(), ids.end(), found_ids[m]) != ids.end()) continue;
        for (cv::Point2f& c : found[m]) c += cv::Point2f(region.tl());
        ids.push_back(found_ids[m]);
        corners.push_back(found[m]);
      }
    }
    std::vector<cv::Point2f> form_mm, on_scan;
    int markers = 0;
    for (const models::MarkerItem& item : references_[static_cast<std::size_t>(i)].markers->items) {
      const auto at = std::find(ids.begin(), ids.end(), item.id);
      if (at == ids.end()) continue;
      const auto& c = corners[static_cast<std::size_t>(at - ids.begin())];
      const models::BoxMm& b = item.box;
      // detectMarkers gives the corners clockwise from the marker's own top-left, which is the
      // box's top-left as printed, whatever way the page lay.
      const double box[4][2] = {
          {b.x, b.y}, {b.x + b.width, b.y}, {b.x + b.width, b.y + b.height}, {b.x, b.y + b.height}};
      for (int k = 0; k < 4; ++k) {
        form_mm.emplace_back(static_cast<float>(box[k][0]), static_cast<float>(box[k][1]));
        on_scan.emplace_back(
            Apply(scene.work_to_scan, cv::Point2d(c[static_cast<std::size_t>(k)])));
      }
      ++markers;
    }
    if (markers < options_.min_markers) continue;
    const cv::Mat h = cv::findHomography(form_mm, on_scan, 0);
    if (h.empty()) continue;
    by_markers.push_back({i, cv::Matx33d(h), static_cast<double>(markers)});
  }
  // Marker ids are few and forms may share them, so a marker fit counts only when the form's
  // print is also found where it puts it.
  std::vector<std::pair<Candidate, PageLocation>> marker_fits;
  for (const Candidate& c : by_markers) {
    PageLocation trial = loc;
    if (!register_page(c.reference, c.coarse, trial).has_value()) {
      trial.reference = c.reference;
      trial.outcome = PageOutcome::kIdentified;
      marker_fits.emplace_back(c, trial);
    }
  }
  if (marker_fits.size() == 1) {
    const auto& [c, trial] = marker_fits.front();
    const std::string method = loc.method.empty() ? "aruco" : loc.method;
    loc = trial;
    loc.method = method;
    loc.score = c.score;
    loc.runner_up = 0;
    for (const Candidate& other : by_markers) {
      if (other.reference != c.reference) loc.runner_up = std::max(loc.runner_up, other.score);
    }
    return loc;
  }
  if (marker_fits.size() > 1) {
    const ReferencePage& a = references_[static_cast<std::size_t>(marker_fits[0].first.reference)];
    const ReferencePage& b = references_[static_cast<std::size_t>(marker_fits[1].first.reference)];
    loc.outcome = PageOutcome::kAmbiguous;
    loc.method = loc.method.empty() ? "aruco" : loc.method;
    loc.score = marker_fits[0].first.score;
    loc.runner_up = marker_fits[1].first.score;
    loc.reason = {PageNameJa(a) + " と " + PageNameJa(b) + " のどちらにも一致します",
                  "the page matches both " + PageName(a) + " and " + PageName(b)};
    return loc;
  }

  // 3. Features: ORB on the working copy, matched against every candidate.
  std::vector<cv::KeyPoint> keys;
  cv::Mat descriptors;
  MakeOrb(options_.orb_features)->detectAndCompute(scene.work, cv::noArray(), keys, descriptors);
  std::vector<cv::Point2f> keys_px;
  for (const cv::KeyPoint& k : keys) keys_px.emplace_back(Apply(scene.work_to_scan, k.pt));
  const double px_per_mm = scene.dpi / kMmPerInch;
  const double ransac_px = kRansacWorkPx * scene.dpi / scene.work_dpi;
  std::vector<Candidate> by_features;
  for (int i : candidates) {
    const internal::FeatureMatch m =
        internal::MatchGated(look(i).features, keys_px, descriptors, px_per_mm, scan.size(),
                             options_.match_ratio, ransac_px);
    by_features.push_back({i, m.mm_to_scan, static_cast<double>(m.inliers)});
  }
  const auto by_score = [](const Candidate& a, const Candidate& b) { return a.score > b.score; };
  std::sort(by_features.begin(), by_features.end(), by_score);
  // A page that fills the scan lies where the gated match looks. Otherwise (an A4 sheet on an
  // A3 scan, a photo of a page) try every pairing, with a sample of the scan's features to
  // bound the cost; only then, so that an unknown document costs no more than a form.
  const auto fills_scan = [&](const ReferencePage& r) {
    const double long_mm = std::max(scan.cols, scan.rows) / px_per_mm;
    const double short_mm = std::min(scan.cols, scan.rows) / px_per_mm;
    return std::abs(long_mm / std::max(r.width_mm, r.height_mm) - 1) < 0.08 &&
           std::abs(short_mm / std::min(r.width_mm, r.height_mm) - 1) < 0.08;
  };
  if (!by_features.empty() && by_features.front().score < options_.min_inliers &&
      !descriptors.empty()) {
    const int step = std::max(1, descriptors.rows / kExhaustiveFeatures);
    cv::Mat sample;
    std::vector<cv::Point2f> sample_px;
    for (int q = 0; q < descriptors.rows; q += step) {
      sample.push_back(descriptors.row(q));
      sample_px.push_back(keys_px[static_cast<std::size_t>(q)]);
    }
    for (Candidate& c : by_features) {
      if (fills_scan(references_[static_cast<std::size_t>(c.reference)])) continue;
      const internal::FeatureMatch m = internal::MatchExhaustive(
          look(c.reference).features, sample_px, sample, options_.match_ratio, ransac_px);
      if (m.inliers > c.score) c = {c.reference, m.mm_to_scan, static_cast<double>(m.inliers)};
    }
    std::sort(by_features.begin(), by_features.end(), by_score);
  }
  const Candidate best = by_features.empty() ? Candidate{} : by_features.front();
  loc.score = best.score;
  loc.runner_up = by_features.size() > 1 ? by_features[1].score : 0;
  const bool named_by_qr = loc.method == "qr";
  if (!named_by_qr) loc.method = "features";
  if (best.reference < 0 || best.score < options_.min_inliers) {
    if (named_by_qr) {
      // The QR code said which page this is, but the page itself cannot be found on the scan.
      loc.reference = candidates.front();
      loc.outcome = PageOutcome::kUnregistrable;
      const ReferencePage& r = references_[static_cast<std::size_t>(loc.reference)];
      loc.reason = {
          "QR コードは " + PageNameJa(r) + " を示していますが、様式の印刷が見つかりません",
          "the QR code names " + PageName(r) + " but its print is not found on the page"};
      return loc;
    }
    loc.outcome = PageOutcome::kUnknown;
    loc.method.clear();
    loc.reason = no_match();
    return loc;
  }
  if (loc.runner_up * options_.clear_margin > best.score) {
    // Two pages match about equally by features (pages of one form share their header and
    // table; a torn page keeps only what they share). The one whose print actually lies on
    // the scan decides; if both lie equally well, the page is ambiguous.
    const Candidate& second = by_features[1];
    PageLocation a = loc, b = loc;
    const bool a_ok = !register_page(best.reference, best.coarse, a).has_value();
    const bool b_ok = !register_page(second.reference, second.coarse, b).has_value();
    const Candidate* winner = nullptr;
    if (a.agreement >= b.agreement + kAgreementMargin) winner = &best;
    if (b.agreement >= a.agreement + kAgreementMargin) winner = &second;
    if (winner == nullptr && (a_ok || b_ok)) {
      const ReferencePage& ra = references_[static_cast<std::size_t>(best.reference)];
      const ReferencePage& rb = references_[static_cast<std::size_t>(second.reference)];
      loc.outcome = PageOutcome::kAmbiguous;
      loc.reason = {PageNameJa(ra) + " と " + PageNameJa(rb) + " のどちらとも区別できません",
                    "cannot tell " + PageName(ra) + " from " + PageName(rb)};
      return loc;
    }
    if (winner != nullptr) {
      loc.score = winner->score;
      loc.runner_up = (winner == &best ? second : best).score;
      conclude(winner->reference, winner->coarse);
      return loc;
    }
  }
  conclude(best.reference, best.coarse);
  return loc;
}

}  // namespace adbridge::ocr
