#include "tests/scangen/faults.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace adbridge::scangen {
namespace {

double Draw(const Range& r, Random& rng) { return r.lo == r.hi ? r.lo : rng.Uniform(r.lo, r.hi); }

// Rounds to `decimals` places so truth.jsonl reads 0.699, not 0.6990000000000001.
double Round(double v, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

// Dust and toner specks, and the odd dropout in the ink.
void Speckle(cv::Mat& img, double noise, Random& rng) {
  const double area = static_cast<double>(img.total());
  const int specks = static_cast<int>(area * noise * 2e-6);
  for (int i = 0; i < specks; ++i) {
    const cv::Point p(rng.Int(0, img.cols - 1), rng.Int(0, img.rows - 1));
    const int radius = rng.Chance(0.8) ? 1 : 2;
    const int grey = rng.Chance(0.85) ? rng.Int(0, 140) : 255;
    cv::circle(img, p, radius, cv::Scalar(grey), cv::FILLED, cv::LINE_AA);
  }
}

}  // namespace

Faults SampleFaults(const FaultSpec& spec, Random& rng) {
  Faults f;
  f.dpi = static_cast<int>(std::lround(Draw(spec.dpi, rng)));
  f.rotation_deg = Round(rng.Uniform(-spec.rotate_max_deg, spec.rotate_max_deg), 3);
  f.scale = Round(rng.Uniform(1 - spec.scale_jitter, 1 + spec.scale_jitter), 4);
  f.offset_x_mm = Round(rng.Uniform(-spec.offset_max_mm, spec.offset_max_mm), 2);
  f.offset_y_mm = Round(rng.Uniform(-spec.offset_max_mm, spec.offset_max_mm), 2);
  f.blur = Round(Draw(spec.blur, rng), 2);
  f.noise = Round(Draw(spec.noise, rng), 2);
  if (spec.jpeg_quality.has_value()) {
    f.jpeg_quality = static_cast<int>(std::lround(Draw(*spec.jpeg_quality, rng)));
  }
  f.turned_180 = spec.turn180_rate > 0 && rng.Chance(spec.turn180_rate);
  return f;
}

Faults FixedFaults(int dpi, double rotation_deg, double offset_mm, double noise, bool turned_180) {
  Faults f;
  f.dpi = dpi;
  f.rotation_deg = rotation_deg;
  f.offset_x_mm = offset_mm;
  f.offset_y_mm = -offset_mm / 2;
  f.noise = noise;
  f.blur = noise > 0 ? 0.5 : 0;
  f.turned_180 = turned_180;
  return f;
}

cv::Mat ApplyFaults(const cv::Mat& page, double render_dpi, double width_mm, double height_mm,
                    const Faults& faults, bool simulate_jpeg, Random& rng) {
  const cv::Size out_size(static_cast<int>(std::lround(width_mm * faults.dpi / 25.4)),
                          static_cast<int>(std::lround(height_mm * faults.dpi / 25.4)));
  // The scanner's resolution first: every later fault is in its pixels.
  cv::Mat scan;
  if (out_size == page.size()) {
    scan = page.clone();
  } else {
    const bool shrinking = faults.dpi < render_dpi;
    cv::resize(page, scan, out_size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
  }

  const bool moved = faults.rotation_deg != 0 || faults.scale != 1 || faults.offset_x_mm != 0 ||
                     faults.offset_y_mm != 0;
  if (moved) {
    const cv::Point2f centre(out_size.width / 2.0f, out_size.height / 2.0f);
    cv::Mat m = cv::getRotationMatrix2D(centre, faults.rotation_deg, faults.scale);
    m.at<double>(0, 2) += faults.offset_x_mm * faults.dpi / 25.4;
    m.at<double>(1, 2) += faults.offset_y_mm * faults.dpi / 25.4;
    cv::Mat warped;
    cv::warpAffine(scan, warped, m, out_size, cv::INTER_LINEAR, cv::BORDER_CONSTANT,
                   cv::Scalar(255));
    scan = warped;
  }
  if (faults.turned_180) cv::rotate(scan, scan, cv::ROTATE_180);
  if (faults.blur > 0) cv::GaussianBlur(scan, scan, cv::Size(0, 0), faults.blur);
  if (faults.noise > 0) {
    cv::Mat noise(scan.size(), CV_16SC1);
    cv::RNG cv_rng(rng.Next());
    cv_rng.fill(noise, cv::RNG::NORMAL, 0, faults.noise);
    cv::Mat noisy;
    scan.convertTo(noisy, CV_16SC1);
    noisy += noise;
    // Scanners clip the paper to white (background removal), so noise shows on the ink and
    // its edges, not as a grey haze over the whole page.
    const double white_point = 255 - std::max(6.0, 2.5 * faults.noise);
    cv::Mat clipped;
    noisy.convertTo(clipped, CV_8UC1);
    clipped.setTo(255, clipped >= white_point);
    scan = clipped;
    Speckle(scan, faults.noise, rng);
  }
  if (simulate_jpeg && faults.jpeg_quality.has_value()) {
    std::vector<std::uint8_t> bytes;
    cv::imencode(".jpg", scan, bytes, {cv::IMWRITE_JPEG_QUALITY, *faults.jpeg_quality});
    scan = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
  }
  return scan;
}

}  // namespace adbridge::scangen
