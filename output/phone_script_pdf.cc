#include "output/phone_script_pdf.h"

#include <optional>
#include <string_view>

namespace adbridge::output {
namespace {

// The page, in millimetres from the top-left corner of A4 portrait.
constexpr double kLeft = 16;
constexpr double kRight = 194;
constexpr double kBottom = 287;
// The column left of a line read aloud, holding its 【読】 mark.
constexpr double kMarkColumn = 12;
// How far answers and expected answers sit in from the item they belong to.
constexpr double kIndent = 8;

// Sizes in points and line pitches in millimetres.
constexpr double kSaySize = 10;
constexpr double kSayPitch = 5.0;
constexpr double kNoteSize = 8.5;
constexpr double kNotePitch = 4.2;
constexpr double kSectionSize = 11;
constexpr double kItemGap = 0.8;
constexpr double kSectionHeight = 8.5;  // a section's heading, the space above it and its rule

// Gothic on a grey ground: what the caller must not read out.
constexpr double kNoteGrey = 0.9;
constexpr double kNotePadding = 1.2;  // above and below the text on its grey ground

// Prints one script, starting on a new page and adding pages as it runs on.
class ScriptPrinter {
 public:
  ScriptPrinter(PdfDocument& pdf, const PhoneScript& script) : pdf_(pdf), script_(script) {}

  void Print() {
    StartFirstPage();
    int number = 0;
    for (const ScriptSection& section : script_.sections) {
      if (section.items.empty()) continue;
      Section(SectionHeading(++number, section.id), section.items.front());
      for (const ScriptItem& item : section.items) Item(item, 0);
    }
  }

 private:
  PdfPage& Page() { return *page_; }

  std::vector<std::string> Lines(std::string_view text, double width, Typeface face, double size) {
    return BreakLines(text, width, Page().Measure(face, size));
  }

  void StartFirstPage() {
    page_ = pdf_.AddPage();
    Page().Text(kLeft, 16, "電話台本　" + script_.title, Typeface::kGothic, 9);
    const std::string record = RecordLabel(script_.document_id);
    Page().Text(kLeft, 26, record, Typeface::kGothic, 16);
    const double after_record = kLeft + Page().TextWidthMm(record, Typeface::kGothic, 16) + 5;
    double baseline = 26;
    for (const std::string& line :
         Lines("お相手: " + script_.heading, kRight - after_record, Typeface::kGothic, 13)) {
      Page().Text(after_record, baseline, line, Typeface::kGothic, 13);
      baseline += 6;
    }
    if (!script_.dial.empty()) {
      Page().Text(after_record, baseline, "発信先: " + script_.dial, Typeface::kGothic, 13);
      baseline += 6;
    }
    Page().Line(kLeft, baseline - 3, kRight, baseline - 3, 0.4);
    y_ = baseline;
    NoteBlock(kLegend, kLeft, kRight - kLeft);
    y_ += 2;
  }

  void StartNextPage() {
    page_ = pdf_.AddPage();
    Page().Text(kLeft, 18,
                RecordLabel(script_.document_id) + "（続き）　お相手: " + script_.heading,
                Typeface::kGothic, 9);
    Page().Line(kLeft, 21, kRight, 21, 0.3);
    y_ = 26;
  }

  // Starts a new page unless `height` more millimetres fit on this one.
  void Room(double height) {
    if (y_ + height > kBottom) StartNextPage();
  }

  double SayHeight(std::string_view text, double indent) {
    const double width = kRight - kLeft - kMarkColumn - indent;
    return Lines(text, width, Typeface::kMincho, kSaySize).size() * kSayPitch + kItemGap;
  }

  double NoteHeight(std::string_view text, double width) {
    return Lines(text, width - 2, Typeface::kGothic, kNoteSize).size() * kNotePitch + kNotePadding +
           kItemGap;
  }

  double ItemHeight(const ScriptItem& item, double indent) {
    const double width = kRight - kLeft - indent;
    switch (item.kind) {
      case ScriptItemKind::kSay:
        return SayHeight(item.text, indent);
      case ScriptItemKind::kNote:
        return NoteHeight(std::string(kNoteMark) + item.text, width);
      case ScriptItemKind::kAsk:
        return SayHeight(item.text, indent) +
               NoteHeight(std::string(kExpectMark) + item.expect, width - kIndent);
      case ScriptItemKind::kQuestion: {
        double height = NoteHeight(std::string(kQuestionMark) + item.text, width);
        if (!item.answer.empty()) height += ItemHeight(item.answer.front(), indent + kIndent);
        return height;
      }
    }
    return 0;
  }

  // A section's heading, kept on the page of its first item.
  void Section(const std::string& heading, const ScriptItem& first) {
    Room(kSectionHeight + ItemHeight(first, 0));
    Page().Text(kLeft, y_ + 5.2, heading, Typeface::kGothic, kSectionSize);
    Page().Line(kLeft, y_ + 6.7, kRight, y_ + 6.7, 0.25);
    y_ += kSectionHeight;
  }

  void Say(std::string_view text, double indent) {
    Room(SayHeight(text, indent));
    const double x = kLeft + indent;
    Page().Text(x, y_ + kSayPitch * 0.72, kSayMark, Typeface::kGothic, kNoteSize);
    for (const std::string& line :
         Lines(text, kRight - x - kMarkColumn, Typeface::kMincho, kSaySize)) {
      Page().Text(x + kMarkColumn, y_ + kSayPitch * 0.72, line, Typeface::kMincho, kSaySize);
      y_ += kSayPitch;
    }
    y_ += kItemGap;
  }

  // Gothic text for the caller only, on a grey ground when `grey`.
  void NoteBlock(std::string_view text, double x, double width, bool grey = true) {
    Room(NoteHeight(text, width));
    const std::vector<std::string> lines = Lines(text, width - 2, Typeface::kGothic, kNoteSize);
    if (grey) {
      Page().FillRect({x, y_, width, lines.size() * kNotePitch + kNotePadding}, kNoteGrey);
    }
    double baseline = y_ + kNotePadding / 2 + kNotePitch * 0.74;
    for (const std::string& line : lines) {
      Page().Text(x + 1, baseline, line, Typeface::kGothic, kNoteSize);
      baseline += kNotePitch;
    }
    y_ += lines.size() * kNotePitch + kNotePadding + kItemGap;
  }

  void Item(const ScriptItem& item, double indent) {
    const double x = kLeft + indent;
    const double width = kRight - x;
    switch (item.kind) {
      case ScriptItemKind::kSay:
        Say(item.text, indent);
        break;
      case ScriptItemKind::kNote:
        NoteBlock(std::string(kNoteMark) + item.text, x, width);
        break;
      case ScriptItemKind::kAsk:
        // The answer stays on the page of its question.
        Room(ItemHeight(item, indent));
        Say(item.text, indent);
        NoteBlock(std::string(kExpectMark) + item.expect, x + kIndent, width - kIndent,
                  /*grey=*/false);
        break;
      case ScriptItemKind::kQuestion:
        Room(ItemHeight(item, indent));
        NoteBlock(std::string(kQuestionMark) + item.text, x, width, /*grey=*/false);
        for (const ScriptItem& line : item.answer) Item(line, indent + kIndent);
        break;
    }
  }

  PdfDocument& pdf_;
  const PhoneScript& script_;
  std::optional<PdfPage> page_;
  double y_ = 0;  // the top of what is drawn next
};

}  // namespace

Result<std::string> PhoneScriptsPdf(const std::vector<PhoneScript>& scripts,
                                    const FontFiles& fonts) {
  ADB_ASSIGN_OR_RETURN(PdfDocument pdf, PdfDocument::Create(fonts));
  pdf.SetInfo("電話台本", "adbridge");
  for (const PhoneScript& script : scripts) ScriptPrinter(pdf, script).Print();
  return pdf.Save();
}

}  // namespace adbridge::output
