#include "tests/scangen/scangen.h"

#include <cmath>
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/scangen/blank_form.h"

namespace adbridge::scangen {
namespace {

namespace fs = std::filesystem;

ImageFormat ResolveFormat(FormatChoice choice, const models::FormDefinition& form, Random& rng) {
  // A multi-page form is one document, and only TIFF holds several pages.
  if (form.pages.size() > 1) return ImageFormat::kTiff;
  switch (choice) {
    case FormatChoice::kPng: return ImageFormat::kPng;
    case FormatChoice::kJpeg: return ImageFormat::kJpeg;
    case FormatChoice::kTiff: return ImageFormat::kTiff;
    case FormatChoice::kMixed: break;
  }
  const int r = rng.Int(0, 2);
  return r == 0 ? ImageFormat::kPng : r == 1 ? ImageFormat::kJpeg : ImageFormat::kTiff;
}

std::string FileName(int index, const std::string& form_id, ImageFormat format) {
  char number[16];
  std::snprintf(number, sizeof number, "%04d", index + 1);
  return std::string(number) + "-" + form_id + "." + std::string(ImageFormatExtension(format));
}

}  // namespace

Result<ScanGenerator> ScanGenerator::Create() {
  ADB_ASSIGN_OR_RETURN(Fonts fonts, Fonts::Load());
  return ScanGenerator(std::move(fonts));
}

Document ScanGenerator::Plan(const models::FormDefinition& form, const FillOptions& options,
                             int index) const {
  Random rng(DocumentSeed(options.seed, static_cast<std::uint64_t>(index)));
  Document doc;
  doc.form = &form;
  doc.index = index;
  switch (options.style) {
    case StyleChoice::kPrinted: doc.style = Style::kPrinted; break;
    case StyleChoice::kHandwriting: doc.style = Style::kHandwriting; break;
    case StyleChoice::kMixed:
      doc.style = rng.Chance(0.5) ? Style::kPrinted : Style::kHandwriting;
      break;
  }
  doc.values = GenerateValues(form, doc.style, rng);
  doc.pen = ChoosePen(doc.style, rng);
  doc.faults = SampleFaults(options.faults, rng);
  doc.format = ResolveFormat(options.format, form, rng);
  if (doc.format == ImageFormat::kJpeg && !doc.faults.jpeg_quality.has_value()) {
    doc.faults.jpeg_quality = kDefaultJpegQuality;
  }
  doc.ink_seed = rng.Next();
  doc.noise_seed = rng.Next();
  doc.file = FileName(index, form.id, doc.format);
  return doc;
}

Result<cv::Mat> ScanGenerator::Blank(const models::FormDefinition& form, int page_index,
                                     int dpi) {
  const auto key = std::make_tuple(form.id + "@" + std::to_string(form.version), page_index, dpi);
  const auto it = blanks_.find(key);
  if (it != blanks_.end()) return it->second;
  ADB_ASSIGN_OR_RETURN(cv::Mat page, DrawBlankPage(form, page_index, dpi, fonts_));
  blanks_.emplace(key, page);
  return page;
}

Result<std::vector<cv::Mat>> ScanGenerator::Render(const Document& doc) {
  const models::FormDefinition& form = *doc.form;
  // Draw at no less than the reference resolution, then let the "scanner" resample.
  const int render_dpi = std::max(kReferenceDpi, doc.faults.dpi);
  std::vector<cv::Mat> paper;
  for (int p = 0; p < static_cast<int>(form.pages.size()); ++p) {
    ADB_ASSIGN_OR_RETURN(cv::Mat blank, Blank(form, p, render_dpi));
    paper.push_back(blank);
  }
  return RenderOn(doc, paper, render_dpi);
}

Result<std::vector<cv::Mat>> ScanGenerator::RenderOn(const Document& doc,
                                                     const std::vector<cv::Mat>& paper,
                                                     int paper_dpi) {
  const models::FormDefinition& form = *doc.form;
  if (paper.size() != form.pages.size()) {
    return Status::InvalidArgument("用紙の枚数が様式 " + form.id + " のページ数と違います",
                                   "the paper has " + std::to_string(paper.size()) +
                                       " pages, form " + form.id + " has " +
                                       std::to_string(form.pages.size()));
  }
  std::vector<cv::Mat> pages;
  for (int p = 0; p < static_cast<int>(form.pages.size()); ++p) {
    const models::PageDefinition& page = form.pages[static_cast<std::size_t>(p)];
    const cv::Mat& sheet = paper[static_cast<std::size_t>(p)];
    if (sheet.type() != CV_8UC1 || std::abs(sheet.cols - page.width_mm * paper_dpi / 25.4) > 2 ||
        std::abs(sheet.rows - page.height_mm * paper_dpi / 25.4) > 2) {
      return Status::InvalidArgument(
          "用紙が様式 " + form.id + " のページの大きさと違います",
          "the paper is not the size of page " + std::to_string(p + 1) + " of " + form.id);
    }
    Canvas canvas(sheet.clone(), paper_dpi);
    Random ink(doc.ink_seed + static_cast<std::uint64_t>(p));
    FillPage(canvas, form, p + 1, doc.values, doc.pen, fonts_, ink);
    Random noise(doc.noise_seed + static_cast<std::uint64_t>(p));
    pages.push_back(ApplyFaults(canvas.image(), paper_dpi, page.width_mm, page.height_mm,
                                doc.faults, doc.format != ImageFormat::kJpeg, noise));
  }
  return pages;
}

Status ScanGenerator::Write(const Document& doc, const std::vector<cv::Mat>& pages,
                            const fs::path& dir) const {
  return WriteImage(dir / doc.file, doc.format, pages, doc.faults.dpi,
                    doc.faults.jpeg_quality.value_or(kDefaultJpegQuality));
}

Status ScanGenerator::Fill(const std::vector<models::FormDefinition>& forms,
                           const FillOptions& options, std::ostream* progress) {
  if (forms.empty() || options.count < 1) {
    return Status::InvalidArgument("フォームと枚数を指定してください",
                                   "give at least one form and a count of at least 1");
  }
  std::error_code ec;
  fs::create_directories(options.out_dir, ec);
  if (ec) {
    return Status::Internal("出力先を作れません: " + options.out_dir.string(),
                            "cannot create " + options.out_dir.string() + ": " + ec.message());
  }
  const fs::path truth_path = options.out_dir / "truth.jsonl";
  std::ofstream truth(truth_path, std::ios::app | std::ios::binary);
  if (!truth) {
    return Status::Internal("書き込めません: " + truth_path.string(),
                            "cannot write " + truth_path.string());
  }
  for (int i = 0; i < options.count; ++i) {
    const models::FormDefinition& form = forms[static_cast<std::size_t>(i) % forms.size()];
    const Document doc = Plan(form, options, i);
    ADB_ASSIGN_OR_RETURN(std::vector<cv::Mat> pages, Render(doc));
    ADB_RETURN_IF_ERROR(Write(doc, pages, options.out_dir));
    truth << TruthLine(doc) << '\n';
    truth.flush();
    if (!truth) {
      return Status::Internal("書き込めません: " + truth_path.string(),
                              "cannot write " + truth_path.string());
    }
    if (progress != nullptr) {
      *progress << "[" << i + 1 << "/" << options.count << "] " << doc.file << "\n" << std::flush;
    }
  }
  return Status::Ok();
}

std::string TruthLine(const Document& doc) {
  using Json = nlohmann::ordered_json;
  const Faults& f = doc.faults;
  Json faults = {
      {"rotation_deg", f.rotation_deg},
      {"scale", f.scale},
      {"offset_mm", Json::array({f.offset_x_mm, f.offset_y_mm})},
      {"blur", f.blur},
      {"noise", f.noise},
      {"jpeg_quality", f.jpeg_quality.has_value() ? Json(*f.jpeg_quality) : Json(nullptr)},
      {"turned_180", f.turned_180},
  };
  Json fields = Json::object();
  Json written = Json::object();
  for (const FieldValue& v : doc.values) {
    fields[v.name] = v.normalized;
    written[v.name] = v.written;
  }
  const Json line = {
      {"file", doc.file},
      {"form", doc.form->id},
      {"version", doc.form->version},
      {"pages", doc.form->pages.size()},
      {"style", std::string(StyleName(doc.style))},
      {"dpi", f.dpi},
      {"format", std::string(ImageFormatName(doc.format))},
      {"faults", faults},
      {"fields", fields},
      {"written", written},
  };
  return line.dump();
}

Result<std::vector<fs::path>> WriteBlankImages(const models::FormDefinition& form, int dpi,
                                               const fs::path& out_dir, const Fonts& fonts) {
  std::vector<fs::path> written;
  for (int p = 0; p < static_cast<int>(form.pages.size()); ++p) {
    ADB_ASSIGN_OR_RETURN(cv::Mat page, DrawBlankPage(form, p, dpi, fonts));
    const fs::path file = out_dir / (form.id + ".p" + std::to_string(p + 1) + ".png");
    ADB_RETURN_IF_ERROR(WriteImage(file, ImageFormat::kPng, {page}, dpi, 0));
    written.push_back(file);
  }
  return written;
}

}  // namespace adbridge::scangen
