#include "ocr/form_printer.h"

#include <algorithm>
#include <cmath>
#include <opencv2/aruco.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <string>
#include <utility>
#include <variant>

#include "models/utf8.h"
#include "ocr/internal/aruco_dictionaries.h"
#include "ocr/internal/glyph_painter.h"
#include "ocr/page_locator.h"

namespace adbridge::ocr {
namespace {

constexpr double kMmPerInch = 25.4;

// The grey pixels of a page being drawn, addressed in millimetres.
class Sheet {
 public:
  Sheet(double width_mm, double height_mm, double dpi)
      : image_(Px(height_mm, dpi), Px(width_mm, dpi), CV_8UC1, cv::Scalar(255)),
        k_(dpi / kMmPerInch) {}

  cv::Mat& image() { return image_; }
  double k() const { return k_; }

  // Darkens the pixels covering [x0, x1) x [y0, y1) mm to at most `grey`; at least one pixel
  // each way, so that a hairline never vanishes.
  void Cover(double x0, double y0, double x1, double y1, int grey) {
    int a = static_cast<int>(std::lround(x0 * k_)), b = static_cast<int>(std::lround(x1 * k_));
    int c = static_cast<int>(std::lround(y0 * k_)), d = static_cast<int>(std::lround(y1 * k_));
    b = std::max(b, a + 1);
    d = std::max(d, c + 1);
    const cv::Rect r =
        cv::Rect(cv::Point(a, c), cv::Point(b, d)) & cv::Rect(0, 0, image_.cols, image_.rows);
    if (r.area() <= 0) return;
    cv::Mat roi = image_(r);
    cv::min(roi, cv::Scalar(grey), roi);
  }

 private:
  static int Px(double mm, double dpi) {
    return static_cast<int>(std::lround(mm * dpi / kMmPerInch));
  }

  cv::Mat image_;
  double k_;
};

// The characters of a layout's text. Definitions are valid UTF-8 (their JSON parser checks), so
// nothing is lost to the fallback.
std::u32string CodePoints(std::string_view text) {
  return models::DecodeUtf8(text).value_or(std::u32string());
}

// A grid from an image with one pixel per module (dark below 128).
models::ModuleGrid GridOf(const cv::Mat& modules) {
  models::ModuleGrid grid;
  grid.size = modules.rows;
  grid.dark.reserve(static_cast<std::size_t>(modules.total()));
  for (int y = 0; y < modules.rows; ++y) {
    for (int x = 0; x < modules.cols; ++x)
      grid.dark.push_back(modules.at<std::uint8_t>(y, x) < 128);
  }
  return grid;
}

}  // namespace

FormPrinter::FormPrinter(std::unique_ptr<internal::GlyphPainter> painter)
    : painter_(std::move(painter)) {}
FormPrinter::FormPrinter(FormPrinter&&) noexcept = default;
FormPrinter& FormPrinter::operator=(FormPrinter&&) noexcept = default;
FormPrinter::~FormPrinter() = default;

Result<FormPrinter> FormPrinter::Create() {
  ADB_ASSIGN_OR_RETURN(internal::GlyphPainter painter,
                       internal::GlyphPainter::Load(models::kLayoutFontFile));
  return FormPrinter(std::make_unique<internal::GlyphPainter>(std::move(painter)));
}

Result<std::vector<models::PageLayout>> FormPrinter::Layouts(
    const models::FormDefinition& form) const {
  std::vector<models::PageLayout> pages;
  for (int p = 0; p < static_cast<int>(form.pages.size()); ++p) {
    models::LayoutOptions options;
    options.qr_payload = QrPayload(form.id, form.version, p + 1);
    options.qr_module_mm = kPrintedQrModuleMm;
    options.checkbox_row_heading = "該当するものに✓";
    ADB_ASSIGN_OR_RETURN(models::PageLayout page, models::BuildPageLayout(form, p, *this, options));
    pages.push_back(std::move(page));
  }
  return pages;
}

double FormPrinter::TextWidthMm(std::string_view text, double size_mm) const {
  return painter_->AdvanceEm(CodePoints(text)) * size_mm;
}

Result<models::ModuleGrid> FormPrinter::QrCode(std::string_view payload) const {
  cv::QRCodeEncoder::Params params;
  // Level M: a smudge or a stroke of a pen across up to 15 % of the code still reads.
  params.correction_level = cv::QRCodeEncoder::CORRECT_LEVEL_M;
  cv::Mat code;
  try {
    cv::QRCodeEncoder::create(params)->encode(std::string(payload), code);
  } catch (const cv::Exception&) {
    code.release();
  }
  // The encoder leaves a light border; the finder patterns mark the modules' corners.
  const cv::Rect modules = code.empty() ? cv::Rect() : cv::boundingRect(code < 128);
  if (modules.empty() || modules.width != modules.height) {
    return Status::InvalidArgument("QR コードにできません: " + std::string(payload),
                                   "cannot encode a QR code of " + std::string(payload));
  }
  return GridOf(code(modules));
}

Result<models::ModuleGrid> FormPrinter::ArucoMarker(std::string_view dictionary, int id) const {
  const std::optional<int> known = internal::ArucoDictionaryId(dictionary);
  if (!known.has_value()) {
    return Status::InvalidArgument("未対応の ArUco 辞書です: " + std::string(dictionary),
                                   "unsupported ArUco dictionary " + std::string(dictionary));
  }
  const cv::Ptr<cv::aruco::Dictionary> d = cv::aruco::getPredefinedDictionary(*known);
  if (id < 0 || id >= d->bytesList.rows) {
    return Status::InvalidArgument(
        "ArUco 辞書 " + std::string(dictionary) + " にマーカー " + std::to_string(id) +
            " はありません",
        "ArUco dictionary " + std::string(dictionary) + " has no marker " + std::to_string(id));
  }
  cv::Mat marker;
  cv::aruco::drawMarker(d, id, d->markerSize + 2, marker, 1);
  return GridOf(marker);
}

cv::Mat FormPrinter::Draw(const models::PageLayout& page, double dpi) const {
  Sheet sheet(page.width_mm, page.height_mm, dpi);
  struct Visitor {
    Sheet& sheet;
    const internal::GlyphPainter& painter;

    void operator()(const models::LayoutLine& l) const {
      const double h = l.width_mm / 2;
      if (l.x0 == l.x1 || l.y0 == l.y1) {
        const bool vertical = l.x0 == l.x1;
        sheet.Cover(std::min(l.x0, l.x1) - (vertical ? h : 0),
                    std::min(l.y0, l.y1) - (vertical ? 0 : h),
                    std::max(l.x0, l.x1) + (vertical ? h : 0),
                    std::max(l.y0, l.y1) + (vertical ? 0 : h), l.grey);
        return;
      }
      // Slanted: anti-aliased, its ends placed to a sixteenth of a pixel.
      const double k = sheet.k() * 16;
      const auto at = [k](double x, double y) {
        return cv::Point(static_cast<int>(std::lround(x * k)),
                         static_cast<int>(std::lround(y * k)));
      };
      cv::line(sheet.image(), at(l.x0, l.y0), at(l.x1, l.y1), cv::Scalar(l.grey),
               std::max(1, static_cast<int>(std::lround(l.width_mm * sheet.k()))), cv::LINE_AA, 4);
    }
    void operator()(const models::LayoutOutline& o) const {
      // A stroked rectangle: the rules meet in full corners.
      const double h = o.width_mm / 2;
      const models::BoxMm& b = o.box;
      sheet.Cover(b.x - h, b.y - h, b.x + b.width + h, b.y + h, o.grey);
      sheet.Cover(b.x - h, b.y + b.height - h, b.x + b.width + h, b.y + b.height + h, o.grey);
      sheet.Cover(b.x - h, b.y - h, b.x + h, b.y + b.height + h, o.grey);
      sheet.Cover(b.x + b.width - h, b.y - h, b.x + b.width + h, b.y + b.height + h, o.grey);
    }
    void operator()(const models::LayoutFill& f) const {
      sheet.Cover(f.box.x, f.box.y, f.box.x + f.box.width, f.box.y + f.box.height, f.grey);
    }
    void operator()(const models::LayoutText& t) const {
      const std::u32string text = CodePoints(t.text);
      const models::TextPlacement p = models::PlaceText(t, painter.AdvanceEm(text) * t.size_mm);
      const double k = sheet.k();
      painter.Draw(sheet.image(), text, p.left_mm * k, t.baseline_mm * k, p.size_mm * k, t.grey);
    }
    void operator()(const models::LayoutCode& c) const {
      const int n = c.modules.size;
      const double w = c.box.width / n, h = c.box.height / n;
      for (int y = 0; y < n; ++y) {
        for (int x = 0; x < n; ++x) {
          if (!c.modules.At(y, x)) continue;
          sheet.Cover(c.box.x + x * w, c.box.y + y * h, c.box.x + (x + 1) * w,
                      c.box.y + (y + 1) * h, models::kLayoutInk);
        }
      }
    }
  };
  const Visitor visitor{sheet, *painter_};
  for (const models::LayoutItem& item : page.items) std::visit(visitor, item);
  return sheet.image();
}

}  // namespace adbridge::ocr
