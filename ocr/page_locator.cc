#include "ocr/page_locator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include <opencv2/aruco.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "ocr/internal/page_geometry.h"
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
// RANSAC reprojection threshold of the feature homography, in working pixels.
constexpr double kRansacWorkPx = 3.0;
// Refinement searches this far around the coarse transform, then again closer around its own.
constexpr double kCoarseSearchMm = 2.0;
constexpr double kFineSearchMm = 0.6;
// Dark enough to count as ink for the blank-page test.
constexpr int kBlankInk = 128;
// The border of a scan often carries the scanner lid's shadow; the blank test ignores it.
constexpr double kBlankBorderMm = 5.0;
// A QR code found at working resolution is decoded from the scan at about this resolution, so
// its modules are several pixels wide.
constexpr double kQrDecodeDpi = 200;

const std::map<std::string, int, std::less<>>& ArucoDictionaries() {
  static const std::map<std::string, int, std::less<>> kDictionaries = {
      {"DICT_4X4_50", cv::aruco::DICT_4X4_50},
      {"DICT_4X4_100", cv::aruco::DICT_4X4_100},
      {"DICT_4X4_250", cv::aruco::DICT_4X4_250},
      {"DICT_4X4_1000", cv::aruco::DICT_4X4_1000},
      {"DICT_5X5_50", cv::aruco::DICT_5X5_50},
      {"DICT_5X5_100", cv::aruco::DICT_5X5_100},
      {"DICT_5X5_250", cv::aruco::DICT_5X5_250},
      {"DICT_5X5_1000", cv::aruco::DICT_5X5_1000},
      {"DICT_6X6_50", cv::aruco::DICT_6X6_50},
      {"DICT_6X6_100", cv::aruco::DICT_6X6_100},
      {"DICT_6X6_250", cv::aruco::DICT_6X6_250},
      {"DICT_6X6_1000", cv::aruco::DICT_6X6_1000},
      {"DICT_7X7_50", cv::aruco::DICT_7X7_50},
      {"DICT_7X7_100", cv::aruco::DICT_7X7_100},
      {"DICT_7X7_250", cv::aruco::DICT_7X7_250},
      {"DICT_7X7_1000", cv::aruco::DICT_7X7_1000},
      {"DICT_ARUCO_ORIGINAL", cv::aruco::DICT_ARUCO_ORIGINAL},
  };
  return kDictionaries;
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
  std::vector<cv::Point2f> keys_mm;  // ORB keypoints of the reference, in form mm
  cv::Mat descriptors;
  std::vector<RefinePatch> patches;
  std::vector<cv::Point2f> ink_mm;
  int dictionary = -1;  // cv::aruco predefined dictionary of its markers, -1 without
};

std::string_view PageOutcomeName(PageOutcome outcome) {
  switch (outcome) {
    case PageOutcome::kIdentified: return "identified";
    case PageOutcome::kBlank: return "blank";
    case PageOutcome::kUnknown: return "unknown";
    case PageOutcome::kAmbiguous: return "ambiguous";
    case PageOutcome::kUnregistrable: return "unregistrable";
  }
  return "unknown";
}

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
      const auto it = ArucoDictionaries().find(r.markers->dictionary);
      if (it == ArucoDictionaries().end()) {
        return Status::InvalidArgument(
            PageNameJa(r) + " の ArUco 辞書に対応していません: " + r.markers->dictionary,
            name + ": unsupported ArUco dictionary " + r.markers->dictionary);
      }
      p.dictionary = it->second;
    }
    const double ref_dpi = r.image.cols / r.width_mm * kMmPerInch;
    const cv::Mat work = Resample(r.image, ref_dpi, options.work_dpi);
    std::vector<cv::KeyPoint> keys;
    MakeOrb(options.orb_features)->detectAndCompute(work, cv::noArray(), keys, p.descriptors);
    if (static_cast<int>(keys.size()) < kMinReferenceFeatures) {
      return Status::InvalidArgument(
          PageNameJa(r) + " は印刷が少なすぎて照合に使えません",
          name + ": the reference page has too little print to match scans against");
    }
    const cv::Matx33d work_to_mm = PixelsToMm(options.work_dpi);
    for (const cv::KeyPoint& k : keys) p.keys_mm.emplace_back(Apply(work_to_mm, k.pt));
    p.ink_mm = internal::InkSamples(work, options.work_dpi, kInkSamples);
    p.patches = internal::ChoosePatches(Resample(r.image, ref_dpi, options.refine_dpi),
                                        options.refine_dpi);
    prepared.push_back(std::move(p));
  }
  return PageLocator(std::move(references), options, std::move(prepared));
}

namespace {

// The scan as every stage sees it, made once per Locate.
struct Scene {
  const cv::Mat* scan = nullptr;
  double dpi = 0;
  cv::Mat work;  // at options.work_dpi
  cv::Mat ink;   // `work` with dark spread by one pixel, for the agreement check
  cv::Matx33d work_to_scan;
};

bool IsBlank(const Scene& scene, double work_dpi, double max_share) {
  const int border = static_cast<int>(std::lround(kBlankBorderMm * work_dpi / kMmPerInch));
  const cv::Rect inner = cv::Rect(border, border, scene.work.cols - 2 * border,
                                  scene.work.rows - 2 * border) &
                         cv::Rect(0, 0, scene.work.cols, scene.work.rows);
  if (inner.area() <= 0) return true;
  // The median drops isolated specks of dust and toner, which are not content.
  cv::Mat clean;
  cv::medianBlur(scene.work(inner), clean, 3);
  const int ink = cv::countNonZero(clean < kBlankInk);
  return ink < max_share * inner.area();
}

// The payload of a QR code on the page, or empty. Found on the working copy (cheap: the
// detector only scans for finder patterns there), then decoded from the scan itself around
// where it was found, so small modules still resolve.
std::string ReadQr(const Scene& scene, double work_dpi) {
  cv::QRCodeDetector detector;
  std::vector<cv::Point2f> corners;
  if (!detector.detect(scene.work, corners) || corners.size() != 4) return {};
  std::vector<cv::Point2f> on_scan;
  for (const cv::Point2f& c : corners) on_scan.emplace_back(Apply(scene.work_to_scan, c));
  cv::Rect box = cv::boundingRect(on_scan);
  const int margin = std::max(box.width, box.height) / 3;
  box = cv::Rect(box.x - margin, box.y - margin, box.width + 2 * margin,
                 box.height + 2 * margin) &
        cv::Rect(0, 0, scene.scan->cols, scene.scan->rows);
  if (box.area() <= 0) return {};
  const cv::Mat crop = Resample((*scene.scan)(box), scene.dpi,
                                std::min(scene.dpi, std::max(kQrDecodeDpi, work_dpi)));
  std::string payload = detector.detectAndDecode(crop);
  return payload;
}

// A form-to-scan transform and what found it.
struct Candidate {
  int reference = -1;
  cv::Matx33d coarse;
  double score = 0;
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
  scene.work = Resample(scan, scene.dpi, options_.work_dpi);
  scene.work_to_scan = Rescale(options_.work_dpi, scene.dpi);

  if (IsBlank(scene, options_.work_dpi, options_.blank_ink_share)) {
    loc.outcome = PageOutcome::kBlank;
    loc.reason = {"白紙のページです（記入も印刷もありません）",
                  "the page is blank (no print or writing)"};
    return loc;
  }
  cv::erode(scene.work, scene.ink, cv::Mat());

  // The verdict on a coarse transform: refined, checked, and its print found on the scan.
  // Returns the reason when it fails.
  const auto register_page = [&](int ref, const cv::Matx33d& coarse,
                                 PageLocation& out) -> std::optional<Text> {
    const ReferencePage& r = references_[static_cast<std::size_t>(ref)];
    const Prepared& p = prepared_[static_cast<std::size_t>(ref)];
    // A coarse transform that is far off (a mirror, a tenth of the size) is not worth refining;
    // the scale tolerance is doubled here because the coarse scale is the least exact part.
    if (std::optional<Text> why = internal::CheckTransform(
            coarse, r.width_mm, r.height_mm, scan.size(), scene.dpi,
            2 * options_.scale_tolerance, 3 * options_.max_shear_deg)) {
      return why;
    }
    cv::Matx33d fine = coarse;
    for (double search : {kCoarseSearchMm, kFineSearchMm}) {
      std::optional<internal::Refinement> refined =
          internal::RefineTransform(scan, fine, p.patches, options_.refine_dpi, search);
      if (!refined.has_value()) {
        out.agreement = internal::InkAgreement(scene.ink, options_.work_dpi, scene.dpi,
                                               p.ink_mm, fine);
        return Text{"様式の罫線や文字を用紙の上で十分に見つけられません（欠けや汚れ）",
                    "too little of the form's print was found on the page (torn, covered or "
                    "missing parts)"};
      }
      fine = refined->mm_to_scan;
    }
    out.agreement =
        internal::InkAgreement(scene.ink, options_.work_dpi, scene.dpi, p.ink_mm, fine);
    if (std::optional<Text> why =
            internal::CheckTransform(fine, r.width_mm, r.height_mm, scan.size(), scene.dpi,
                                     options_.scale_tolerance, options_.max_shear_deg)) {
      return why;
    }
    if (out.agreement < options_.min_agreement) {
      const std::string share = Fixed(100 * out.agreement, 0);
      return Text{"様式の印刷の " + share +
                      "% しか用紙の上で重なりません（欠け・破れ・折れ、または別の様式）",
                  "only " + share +
                      "% of the form's print lines up with the page (missing, torn or folded "
                      "parts, or another form)"};
    }
    out.mm_to_scan = fine;
    const internal::TransformShape shape =
        internal::DescribeTransform(fine, {r.width_mm / 2, r.height_mm / 2});
    out.quarter_turns = shape.quarter_turns;
    out.skew_deg = shape.skew_deg;
    return std::nullopt;
  };
  // Sets `loc` to the outcome of registering `ref` from `coarse`.
  const auto finish = [&](int ref, const cv::Matx33d& coarse) {
    loc.reference = ref;
    if (std::optional<Text> why = register_page(ref, coarse, loc)) {
      const ReferencePage& r = references_[static_cast<std::size_t>(ref)];
      loc.outcome = PageOutcome::kUnregistrable;
      loc.reason = {PageNameJa(r) + " と判定しましたが、位置を合わせられません: " + why->ja,
                    "matched " + PageName(r) + " but cannot register it: " + why->en};
    } else {
      loc.outcome = PageOutcome::kIdentified;
    }
  };

  // 1. A QR code names the page outright.
  if (options_.use_qr) {
    const std::string payload = ReadQr(scene, options_.work_dpi);
    if (std::optional<QrForm> qr = ParseQrPayload(payload)) {
      const std::string named = qr->form_id + " (v" + std::to_string(qr->version) + ") p" +
                                std::to_string(qr->page);
      const std::string named_ja = "様式 " + qr->form_id + "（第" + std::to_string(qr->version) +
                                   "版）の " + std::to_string(qr->page) + " ページ";
      if (only_form.has_value() && qr->form_id != *only_form) {
        loc.outcome = PageOutcome::kUnknown;
        loc.method = "qr";
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
        loc.method = "qr";
        loc.reason = {"QR コードの " + named_ja + " は登録されていません",
                      "the QR code names " + named + ", which is not registered"};
        return loc;
      }
      candidates = {found};
      loc.method = "qr";
    }
  }

  // 2. ArUco markers register a page that carries them from their corners.
  std::map<int, std::pair<std::vector<int>, std::vector<std::vector<cv::Point2f>>>> detected;
  std::vector<Candidate> by_markers;
  for (int i : candidates) {
    const Prepared& p = prepared_[static_cast<std::size_t>(i)];
    if (p.dictionary < 0) continue;
    auto it = detected.find(p.dictionary);
    if (it == detected.end()) {
      auto& [ids, corners] = detected[p.dictionary];
      cv::Ptr<cv::aruco::DetectorParameters> params = cv::aruco::DetectorParameters::create();
      params->cornerRefinementMethod = cv::aruco::CORNER_REFINE_SUBPIX;
      cv::aruco::detectMarkers(scene.work, cv::aruco::getPredefinedDictionary(p.dictionary),
                               corners, ids, params);
      it = detected.find(p.dictionary);
    }
    const auto& [ids, corners] = it->second;
    std::vector<cv::Point2f> form_mm, on_scan;
    int markers = 0;
    for (const models::MarkerItem& item : references_[static_cast<std::size_t>(i)].markers->items) {
      const auto at = std::find(ids.begin(), ids.end(), item.id);
      if (at == ids.end()) continue;
      const auto& c = corners[static_cast<std::size_t>(at - ids.begin())];
      const models::BoxMm& b = item.box;
      // detectMarkers gives the corners clockwise from the marker's own top-left, which is the
      // box's top-left as printed, whatever way the page lay.
      const cv::Point2f box[4] = {{static_cast<float>(b.x), static_cast<float>(b.y)},
                                  {static_cast<float>(b.x + b.width), static_cast<float>(b.y)},
                                  {static_cast<float>(b.x + b.width),
                                   static_cast<float>(b.y + b.height)},
                                  {static_cast<float>(b.x), static_cast<float>(b.y + b.height)}};
      for (int k = 0; k < 4; ++k) {
        form_mm.push_back(box[k]);
        on_scan.emplace_back(Apply(scene.work_to_scan, cv::Point2d(c[static_cast<std::size_t>(k)])));
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
  std::vector<Candidate> by_features;
  if (!descriptors.empty()) {
    cv::BFMatcher matcher(cv::NORM_HAMMING);
    for (int i : candidates) {
      const Prepared& p = prepared_[static_cast<std::size_t>(i)];
      std::vector<std::vector<cv::DMatch>> knn;
      matcher.knnMatch(descriptors, p.descriptors, knn, 2);
      std::vector<cv::Point2f> form_mm, on_scan;
      for (const auto& m : knn) {
        if (m.size() < 2 || m[0].distance >= options_.match_ratio * m[1].distance) continue;
        form_mm.push_back(p.keys_mm[static_cast<std::size_t>(m[0].trainIdx)]);
        on_scan.emplace_back(
            Apply(scene.work_to_scan, cv::Point2d(keys[static_cast<std::size_t>(m[0].queryIdx)].pt)));
      }
      Candidate c{i, cv::Matx33d::eye(), 0};
      if (form_mm.size() >= 8) {
        std::vector<unsigned char> inlier;
        const double threshold = kRansacWorkPx * scene.dpi / options_.work_dpi;
        const cv::Mat h =
            cv::findHomography(form_mm, on_scan, cv::RANSAC, threshold, inlier, 2000, 0.995);
        if (!h.empty()) {
          c.coarse = cv::Matx33d(h);
          c.score = cv::countNonZero(inlier);
        }
      }
      by_features.push_back(c);
    }
  }
  std::sort(by_features.begin(), by_features.end(),
            [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  const Candidate best = by_features.empty() ? Candidate{} : by_features.front();
  loc.score = best.score;
  loc.runner_up = by_features.size() > 1 ? by_features[1].score : 0;
  const bool named_by_qr = loc.method == "qr";
  if (best.reference < 0 || best.score < options_.min_inliers) {
    if (named_by_qr) {
      // The QR code said which page this is, but the page itself cannot be found on the scan.
      loc.reference = candidates.front();
      loc.outcome = PageOutcome::kUnregistrable;
      const ReferencePage& r = references_[static_cast<std::size_t>(loc.reference)];
      loc.reason = {"QR コードは " + PageNameJa(r) + " を示していますが、様式の印刷が見つかりません",
                    "the QR code names " + PageName(r) + " but its print is not found on the page"};
      return loc;
    }
    loc.outcome = PageOutcome::kUnknown;
    if (only_form.has_value()) {
      loc.reason = {"指定された様式 " + *only_form + " と一致しません",
                    "does not match the form given, " + *only_form};
    } else {
      loc.reason = {"登録されたどの様式とも一致しません", "matches no registered form"};
    }
    return loc;
  }
  if (!named_by_qr && loc.runner_up * options_.clear_margin > best.score) {
    const ReferencePage& a = references_[static_cast<std::size_t>(best.reference)];
    const ReferencePage& b = references_[static_cast<std::size_t>(by_features[1].reference)];
    loc.outcome = PageOutcome::kAmbiguous;
    loc.method = "features";
    loc.reason = {PageNameJa(a) + " と " + PageNameJa(b) + " のどちらとも区別できません",
                  "cannot tell " + PageName(a) + " from " + PageName(b)};
    return loc;
  }
  if (!named_by_qr) loc.method = "features";
  finish(best.reference, best.coarse);
  return loc;
}

}  // namespace adbridge::ocr
