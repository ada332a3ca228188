#include "output/letters.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

namespace adbridge::output {
namespace {

constexpr double kMmPerPt = 25.4 / 72.0;

// IPAex's ascent is 0.88 of the type size (descent 0.12): a line whose glyph box starts at
// `top` has its baseline there plus the ascent.
double AscentMm(double pt) { return 0.88 * pt * kMmPerPt; }

// Type sizes and spacing. Large print is for older residents: the body at 16 pt (10.5 pt in a
// normal letter), lines further apart, and everything else larger in proportion.
struct Style {
  double body_pt;
  double body_leading;   // line pitch as a multiple of the type size
  double paragraph_gap;  // extra space after a paragraph, in lines
  double title_pt;
  double date_pt;
  double sender_name_pt;
  double sender_pt;
  double postal_pt;
  double address_pt;
  double name_pt;
  double item_pt;
  double label_width_mm;  // the items table's label column
  double cell_padding_mm;
  double contact_pt;
  double continued_pt;  // the header of a continuation page
  double page_number_pt;
};

constexpr Style kNormalStyle{
    .body_pt = 10.5,
    .body_leading = 1.75,
    .paragraph_gap = 0.25,
    .title_pt = 16,
    .date_pt = 10.5,
    .sender_name_pt = 10.5,
    .sender_pt = 9,
    .postal_pt = 10.5,
    .address_pt = 11,
    .name_pt = 14,
    .item_pt = 10.5,
    .label_width_mm = 38,
    .cell_padding_mm = 1.8,
    .contact_pt = 9.5,
    .continued_pt = 9,
    .page_number_pt = 9,
};

constexpr Style kLargeStyle{
    .body_pt = 16,
    .body_leading = 1.9,
    .paragraph_gap = 0.35,
    .title_pt = 22,
    .date_pt = 14,
    .sender_name_pt = 13,
    .sender_pt = 11,
    .postal_pt = 13,
    .address_pt = 14,
    .name_pt = 20,
    .item_pt = 16,
    .label_width_mm = 52,
    .cell_padding_mm = 2.8,
    .contact_pt = 13,
    .continued_pt = 12,
    .page_number_pt = 12,
};

// The page: A4 portrait with 20 mm side margins.
constexpr double kLeftMm = 20;
constexpr double kRightMm = kA4WidthMm - 20;
constexpr double kContentWidthMm = kRightMm - kLeftMm;
constexpr double kCentreMm = kA4WidthMm / 2;
constexpr double kTopMm = 15;
// The sender block's left bound: clear of the window (which ends at 113 mm) with a margin.
constexpr double kSenderLeftMm = kEnvelopeWindowMm.x + kEnvelopeWindowMm.width + 5;
// The items table sits 10 mm in from each margin.
constexpr double kTableLeftMm = kLeftMm + 10;
constexpr double kTableRightMm = kRightMm - 10;
// The foot: the QR code's bottom edge and the contact's last line end here; the page number
// is below, inside what every office printer prints.
constexpr double kFootMm = 284;
constexpr double kPageNumberBaselineMm = 291;
constexpr double kQrModuleMm = 0.6;
// Address lines are set 1.3 of their size apart: tight enough for three lines and a large name
// in the window, loose enough to read.
constexpr double kAddressLeading = 1.3;
constexpr double kAddressNameGapMm = 1.5;
// When the address block does not fit the window at its own sizes it is set smaller, step by
// step, while the address stays at least this large; smaller would be hard to read and hard to
// deliver, so such a record is refused instead.
constexpr double kSmallestAddressPt = 8;
constexpr double kHairlineMm = 0.25;

// Measures text in mm as the PDF will set it.
using Measure = std::function<double(std::string_view utf8, Typeface face, double size_pt)>;

// A page's drawing, replayed onto a PdfPage once the letter's pages are counted.
using PageDrawing = std::vector<std::function<void(PdfPage&)>>;

// Every text of one letter, filled from its record.
struct FilledLetter {
  std::int64_t document_id = 0;
  std::string qr_payload;
  std::string postal_code;  // "〒399-0738"
  std::string address;
  std::string name;  // "山田 太郎 様"
  std::string reference;
  std::string date;
  std::vector<std::string> sender;  // name first
  std::string title;
  std::vector<std::string> body;
  std::vector<std::pair<std::string, std::string>> items;
  std::string contact;
};

Result<FilledLetter> Fill(const LetterTemplate& letter, const RecordValues& record,
                          const std::string& tenant_code) {
  const Template& t = letter.common;
  auto fill = [&](const TemplateText& text) { return ExpandText(t, text, record); };
  FilledLetter filled;
  filled.document_id = record.document_id;
  filled.qr_payload = RecordQrPayload(tenant_code, record.document_id);
  ADB_ASSIGN_OR_RETURN(filled.postal_code, fill(letter.recipient.postal_code));
  ADB_ASSIGN_OR_RETURN(filled.address, fill(letter.recipient.address));
  ADB_ASSIGN_OR_RETURN(filled.name, fill(letter.recipient.name));
  ADB_ASSIGN_OR_RETURN(filled.reference, fill(letter.reference));
  ADB_ASSIGN_OR_RETURN(filled.date, fill(letter.date));
  ADB_ASSIGN_OR_RETURN(filled.title, fill(t.title));
  const LetterTemplate::Sender& s = letter.sender;
  ADB_ASSIGN_OR_RETURN(std::string sender_name, fill(s.name));
  ADB_ASSIGN_OR_RETURN(std::string department, fill(s.department));
  ADB_ASSIGN_OR_RETURN(std::string postal, fill(s.postal_code));
  ADB_ASSIGN_OR_RETURN(std::string address, fill(s.address));
  ADB_ASSIGN_OR_RETURN(std::string phone, fill(s.phone));
  ADB_ASSIGN_OR_RETURN(std::string hours, fill(s.hours));
  filled.sender = {sender_name, department, "〒" + postal + " " + address, "電話 " + phone};
  if (!hours.empty()) filled.sender.push_back(hours);
  for (const TemplateText& paragraph : letter.body) {
    ADB_ASSIGN_OR_RETURN(std::string text, fill(paragraph));
    filled.body.push_back(std::move(text));
  }
  for (const LetterTemplate::Item& item : letter.items) {
    ADB_ASSIGN_OR_RETURN(std::string label, fill(item.label));
    ADB_ASSIGN_OR_RETURN(std::string value, fill(item.value));
    filled.items.emplace_back(std::move(label), std::move(value));
  }
  ADB_ASSIGN_OR_RETURN(filled.contact, fill(letter.contact));
  return filled;
}

// Lays one letter out page by page. The pages are counted before anything is drawn, so that
// "1/2" can be printed on the first.
class LetterLayout {
 public:
  LetterLayout(const FilledLetter& letter, const Style& style, const Measure& measure)
      : letter_(letter), style_(style), measure_(measure) {}

  Result<std::vector<PageDrawing>> Run() {
    ADB_ASSIGN_OR_RETURN(qr_, EncodeQrCode(letter_.qr_payload));
    qr_size_mm_ = qr_.size * kQrModuleMm;
    PlanFoot();
    pages_.emplace_back();
    ADB_RETURN_IF_ERROR(AddressBlock());
    y_ = std::max(kEnvelopeWindowMm.y + kEnvelopeWindowMm.height, SenderBlock()) + 8;
    Title();
    Body();
    Items();
    Foot();
    Finish();
    return std::move(pages_);
  }

 private:
  double LineMm(double pt, double leading) const { return pt * kMmPerPt * leading; }

  std::vector<std::string> Lines(const std::string& text, double width_mm, Typeface face,
                                 double pt) const {
    return BreakLines(text, width_mm,
                      [&](std::string_view utf8) { return measure_(utf8, face, pt); });
  }

  // The lines of an address (or a sender line), broken at its spaces where the parts fit, so
  // that a building's name goes to a line of its own rather than being cut in two; a part too
  // long for a line by itself is broken by BreakLines.
  std::vector<std::string> SpacedLines(const std::string& text, double width_mm, double pt) const {
    const auto fits = [&](const std::string& line) {
      return measure_(line, Typeface::kMincho, pt) <= width_mm + 1e-6;
    };
    std::vector<std::string> lines;
    std::string line;  // with the space that followed its last part
    std::size_t line_space = 0;
    const auto flush = [&] {
      line.resize(line.size() - line_space);
      if (!line.empty()) lines.push_back(line);
      line.clear();
      line_space = 0;
    };
    std::size_t at = 0;
    while (at < text.size()) {
      // The next part and the space after it (ASCII or full-width).
      std::size_t end = at;
      std::size_t space = 0;
      while (end < text.size() && space == 0) {
        if (text[end] == ' ') {
          space = 1;
        } else if (text.compare(end, 3, "　") == 0) {
          space = 3;
        } else {
          ++end;
        }
      }
      const std::string part = text.substr(at, end - at);
      const std::string after = text.substr(end, space);
      at = end + space;
      if (part.empty()) continue;
      if (line.empty() || !fits(line + part)) {
        flush();
        if (!fits(part)) {
          std::vector<std::string> broken = Lines(part, width_mm, Typeface::kMincho, pt);
          lines.insert(lines.end(), broken.begin(), broken.end() - 1);
          line = broken.back();
        } else {
          line = part;
        }
      } else {
        line += part;
      }
      line += after;
      line_space = after.size();
    }
    flush();
    return lines;
  }

  void Draw(std::function<void(PdfPage&)> op) { pages_.back().push_back(std::move(op)); }

  void DrawText(double x, double top, std::string text, Typeface face, double pt) {
    Draw([=](PdfPage& page) { page.Text(x, top + AscentMm(pt), text, face, pt); });
  }
  void DrawTextRight(double right, double top, std::string text, Typeface face, double pt) {
    Draw([=](PdfPage& page) { page.TextRight(right, top + AscentMm(pt), text, face, pt); });
  }
  void DrawTextCentred(double centre, double top, std::string text, Typeface face, double pt) {
    Draw([=](PdfPage& page) { page.TextCentred(centre, top + AscentMm(pt), text, face, pt); });
  }

  // The contact's lines and where the foot begins; the body stops above it on every page.
  void PlanFoot() {
    contact_width_mm_ = kRightMm - qr_size_mm_ - 6 - kLeftMm;
    contact_lines_ =
        Lines(letter_.contact, contact_width_mm_, Typeface::kMincho, style_.contact_pt);
    const double contact_height =
        static_cast<double>(contact_lines_.size()) * LineMm(style_.contact_pt, 1.4);
    foot_top_mm_ = kFootMm - std::max(contact_height, qr_size_mm_) - 4;
    bottom_mm_ = foot_top_mm_ - 3;
  }

  // The postal code, address and name inside the window, set smaller when they do not fit.
  Status AddressBlock() {
    const double x = kEnvelopeWindowMm.x + kWindowInsetMm;
    const double top = kEnvelopeWindowMm.y + kWindowInsetMm;
    const double width = kEnvelopeWindowMm.width - 2 * kWindowInsetMm;
    const double height = kEnvelopeWindowMm.height - 2 * kWindowInsetMm;
    for (double scale = 1.0; style_.address_pt * scale >= kSmallestAddressPt - 1e-9;
         scale -= 0.05) {
      const double postal_pt = style_.postal_pt * scale;
      const double address_pt = style_.address_pt * scale;
      const double name_pt = style_.name_pt * scale;
      const std::vector<std::string> address = SpacedLines(letter_.address, width, address_pt);
      const std::vector<std::string> name = Lines(letter_.name, width, Typeface::kMincho, name_pt);
      const double needed =
          LineMm(postal_pt, kAddressLeading) +
          static_cast<double>(address.size()) * LineMm(address_pt, kAddressLeading) +
          kAddressNameGapMm + static_cast<double>(name.size()) * LineMm(name_pt, kAddressLeading);
      if (needed > height || measure_(letter_.postal_code, Typeface::kMincho, postal_pt) > width) {
        continue;
      }
      double y = top;
      DrawText(x, y, letter_.postal_code, Typeface::kMincho, postal_pt);
      y += LineMm(postal_pt, kAddressLeading);
      for (const std::string& line : address) {
        DrawText(x, y, line, Typeface::kMincho, address_pt);
        y += LineMm(address_pt, kAddressLeading);
      }
      y += kAddressNameGapMm;
      for (const std::string& line : name) {
        DrawText(x, y, line, Typeface::kMincho, name_pt);
        y += LineMm(name_pt, kAddressLeading);
      }
      return Status::Ok();
    }
    const std::string document = std::to_string(letter_.document_id);
    return Status::InvalidArgument(
        "文書 " + document + ": 宛先の住所と氏名が長すぎて封筒の窓に収まりません",
        "document " + document + ": the address and name are too long for the envelope window");
  }

  // The reference, date and sender, right-aligned top right; returns where the block ends.
  double SenderBlock() {
    const double width = kRightMm - kSenderLeftMm;
    double y = kTopMm;
    auto right_lines = [&](const std::string& text, double pt, double leading) {
      for (const std::string& line : SpacedLines(text, width, pt)) {
        DrawTextRight(kRightMm, y, line, Typeface::kMincho, pt);
        y += LineMm(pt, leading);
      }
    };
    if (!letter_.reference.empty()) right_lines(letter_.reference, style_.date_pt, 1.4);
    right_lines(letter_.date, style_.date_pt, 1.4);
    y += LineMm(style_.date_pt, 0.8);
    right_lines(letter_.sender.front(), style_.sender_name_pt, 1.4);
    for (std::size_t i = 1; i < letter_.sender.size(); ++i) {
      right_lines(letter_.sender[i], style_.sender_pt, 1.35);
    }
    return y;
  }

  void Title() {
    for (const std::string& line :
         Lines(letter_.title, kContentWidthMm, Typeface::kGothic, style_.title_pt)) {
      NeedRoom(LineMm(style_.title_pt, 1.4));
      DrawTextCentred(kCentreMm, y_, line, Typeface::kGothic, style_.title_pt);
      y_ += LineMm(style_.title_pt, 1.4);
    }
    y_ += LineMm(style_.body_pt, 0.8);
  }

  // Paragraphs begin indented by one character (字下げ), as Japanese letters do.
  void Body() {
    const double pitch = LineMm(style_.body_pt, style_.body_leading);
    for (const std::string& paragraph : letter_.body) {
      for (const std::string& line :
           Lines("　" + paragraph, kContentWidthMm, Typeface::kMincho, style_.body_pt)) {
        NeedRoom(pitch);
        DrawText(kLeftMm, y_, line, Typeface::kMincho, style_.body_pt);
        y_ += pitch;
      }
      y_ += pitch * style_.paragraph_gap;
    }
  }

  // 記, the table of the record's key facts, 以上.
  void Items() {
    if (letter_.items.empty()) return;
    const double pitch = LineMm(style_.item_pt, 1.5);
    NeedRoom(pitch * 3);
    DrawTextCentred(kCentreMm, y_, "記", Typeface::kMincho, style_.item_pt);
    y_ += pitch * 1.3;
    const double label_right = kTableLeftMm + style_.label_width_mm;
    const double pad = style_.cell_padding_mm;
    for (const auto& [label, value] : letter_.items) {
      const std::vector<std::string> label_lines =
          Lines(label, style_.label_width_mm - 2 * pad, Typeface::kGothic, style_.item_pt);
      const std::vector<std::string> value_lines =
          Lines(value, kTableRightMm - label_right - 2 * pad, Typeface::kMincho, style_.item_pt);
      const double row =
          static_cast<double>(std::max(label_lines.size(), value_lines.size())) * pitch - pitch +
          style_.item_pt * kMmPerPt + 2 * pad;
      NeedRoom(row);
      const double top = y_;
      const models::BoxMm label_box{kTableLeftMm, top, style_.label_width_mm, row};
      const models::BoxMm value_box{label_right, top, kTableRightMm - label_right, row};
      Draw([=](PdfPage& page) {
        page.FillRect(label_box, 0.92);
        page.Rect(label_box, kHairlineMm);
        page.Rect(value_box, kHairlineMm);
      });
      double y = top + pad;
      for (const std::string& line : label_lines) {
        DrawText(kTableLeftMm + pad, y, line, Typeface::kGothic, style_.item_pt);
        y += pitch;
      }
      y = top + pad;
      for (const std::string& line : value_lines) {
        DrawText(label_right + pad, y, line, Typeface::kMincho, style_.item_pt);
        y += pitch;
      }
      y_ += row;
    }
    y_ += pitch * 0.5;
    NeedRoom(pitch);
    DrawTextRight(kTableRightMm, y_, "以上", Typeface::kMincho, style_.item_pt);
    y_ += pitch;
  }

  // The contact at the foot of the last page, under a rule.
  void Foot() {
    const double pitch = LineMm(style_.contact_pt, 1.4);
    double y = kFootMm - static_cast<double>(contact_lines_.size()) * pitch;
    const double rule_right = kLeftMm + contact_width_mm_;
    Draw([=, top = foot_top_mm_](PdfPage& page) {
      page.Line(kLeftMm, top + 1, rule_right, top + 1, kHairlineMm);
    });
    for (const std::string& line : contact_lines_) {
      DrawText(kLeftMm, y, line, Typeface::kMincho, style_.contact_pt);
      y += pitch;
    }
  }

  // Every page: the QR code bottom right; when there are several, "n/N" and, from the second
  // on, whose letter it is.
  void Finish() {
    const int count = static_cast<int>(pages_.size());
    for (int i = 0; i < count; ++i) {
      PageDrawing& page = pages_[static_cast<std::size_t>(i)];
      const double qr_x = kRightMm - qr_size_mm_;
      const double qr_y = kFootMm - qr_size_mm_;
      page.push_back(
          [qr = qr_, qr_x, qr_y](PdfPage& p) { p.Modules(qr, qr_x, qr_y, kQrModuleMm); });
      if (count == 1) continue;
      const std::string number = std::to_string(i + 1) + "/" + std::to_string(count);
      const double pt = style_.page_number_pt;
      page.push_back([number, pt](PdfPage& p) {
        p.TextCentred(kCentreMm, kPageNumberBaselineMm, number, Typeface::kGothic, pt);
      });
      if (i == 0) continue;
      const std::string continued = letter_.name + "（続き）";
      const double continued_pt = style_.continued_pt;
      page.push_back([continued, continued_pt](PdfPage& p) {
        p.Text(kLeftMm, kTopMm + AscentMm(continued_pt), continued, Typeface::kGothic,
               continued_pt);
      });
    }
  }

  // Starts a new page when `height` more does not fit above the foot.
  void NeedRoom(double height) {
    if (y_ + height <= bottom_mm_) return;
    pages_.emplace_back();
    y_ = kTopMm + LineMm(style_.continued_pt, 1.4) + LineMm(style_.body_pt, 1.0);
  }

  const FilledLetter& letter_;
  const Style& style_;
  const Measure& measure_;
  ModuleGrid qr_;
  double qr_size_mm_ = 0;
  std::vector<std::string> contact_lines_;
  double contact_width_mm_ = 0;
  double foot_top_mm_ = 0;
  double bottom_mm_ = 0;
  double y_ = 0;
  std::vector<PageDrawing> pages_;
};

}  // namespace

std::string RecordQrPayload(std::string_view tenant_code, std::int64_t document_id) {
  return "adbridge-record:" + std::string(tenant_code) + ":" + std::to_string(document_id);
}

void SortForPrintRoom(const LetterTemplate& letter, std::vector<RecordValues>& records) {
  auto value = [](const RecordValues& record, const std::string& field) {
    const auto found = record.fields.find(field);
    return found == record.fields.end() || !found->second ? std::string() : *found->second;
  };
  const std::string& postal = letter.recipient.postal_code_field;
  const std::string& address = letter.recipient.address_field;
  std::stable_sort(records.begin(), records.end(),
                   [&](const RecordValues& a, const RecordValues& b) {
                     return std::make_tuple(value(a, postal), value(a, address), a.document_id) <
                            std::make_tuple(value(b, postal), value(b, address), b.document_id);
                   });
}

// The ruler: layout measures text before a letter's pages exist, so a document of its own,
// never saved, serves to measure with (the same font files give the same widths).
struct LetterRenderer::State {
  const LetterTemplate* letter = nullptr;
  const Style* style = nullptr;
  std::string tenant_code;
  PdfDocument ruler_document;
  std::optional<PdfPage> ruler;  // a page of ruler_document, made once it has its place here
  Measure measure;
};

LetterRenderer::LetterRenderer(std::unique_ptr<State> state) : state_(std::move(state)) {}
LetterRenderer::LetterRenderer(LetterRenderer&&) noexcept = default;
LetterRenderer& LetterRenderer::operator=(LetterRenderer&&) noexcept = default;
LetterRenderer::~LetterRenderer() = default;

Result<LetterRenderer> LetterRenderer::Create(const LetterTemplate& letter,
                                              const LetterOptions& options,
                                              const FontFiles& fonts) {
  ADB_ASSIGN_OR_RETURN(PdfDocument ruler_document, PdfDocument::Create(fonts));
  auto state = std::unique_ptr<State>(new State{&letter,
                                                options.large_print ? &kLargeStyle : &kNormalStyle,
                                                options.tenant_code,
                                                std::move(ruler_document),
                                                std::nullopt,
                                                {}});
  // A page points to its document, so it is made where the document stays.
  state->ruler.emplace(state->ruler_document.AddPage());
  state->measure = [page = &*state->ruler](std::string_view utf8, Typeface face, double pt) {
    return page->TextWidthMm(utf8, face, pt);
  };
  return LetterRenderer(std::move(state));
}

Result<int> LetterRenderer::Draw(const RecordValues& record, PdfDocument& pdf) {
  const State& s = *state_;
  ADB_ASSIGN_OR_RETURN(FilledLetter filled, Fill(*s.letter, record, s.tenant_code));
  ADB_ASSIGN_OR_RETURN(std::vector<PageDrawing> pages,
                       LetterLayout(filled, *s.style, s.measure).Run());
  for (const PageDrawing& drawing : pages) {
    PdfPage page = pdf.AddPage();
    for (const auto& op : drawing) op(page);
  }
  return static_cast<int>(pages.size());
}

Result<LetterBatchPdf> RenderLetterBatch(const LetterTemplate& letter,
                                         std::span<const RecordValues> records,
                                         const LetterOptions& options, const FontFiles& fonts) {
  ADB_ASSIGN_OR_RETURN(LetterRenderer renderer, LetterRenderer::Create(letter, options, fonts));
  ADB_ASSIGN_OR_RETURN(PdfDocument pdf, PdfDocument::Create(fonts));
  pdf.SetInfo(letter.common.id, "adbridge");
  LetterBatchPdf batch;
  for (const RecordValues& record : records) {
    const int first_page = pdf.page_count() + 1;
    Result<int> pages = renderer.Draw(record, pdf);
    if (pages.ok()) {
      batch.letters.push_back(
          {.document_id = record.document_id, .first_page = first_page, .page_count = *pages});
    } else {
      batch.skipped.push_back({record.document_id, pages.status()});
    }
    if (options.on_record) options.on_record();
  }
  if (batch.letters.empty()) return batch;
  ADB_ASSIGN_OR_RETURN(batch.pdf, pdf.Save());
  batch.page_count = pdf.page_count();
  return batch;
}

Result<std::vector<RecordValues>> RecordsAwaitingLetter(models::Store& store,
                                                        const std::string& tenant_code,
                                                        const std::string& form_id,
                                                        const std::string& today) {
  ADB_ASSIGN_OR_RETURN(std::vector<models::Document> documents,
                       store.ListDocumentsAwaitingLetter(tenant_code, form_id));
  std::vector<RecordValues> records;
  records.reserve(documents.size());
  for (const models::Document& document : documents) {
    ADB_ASSIGN_OR_RETURN(std::vector<models::FieldRecord> fields, store.ListFields(document.id));
    records.push_back(RecordValuesOf(document.id, std::move(fields), today));
  }
  return records;
}

}  // namespace adbridge::output
