// Letters to residents: one A4 letter per verified record, all in one PDF for the print room.
//
//   std::vector<RecordValues> records = ...;            // verified records of the template's form
//   SortForPrintRoom(letter, records);                  // postal code, address, document
//   Result<LetterBatchPdf> batch = RenderLetterBatch(letter, records, {.large_print = false});
//   // batch->pdf, batch->letters (where each record's letter is), batch->skipped
//
// The page is laid out for an A4 sheet folded in three into a 長形3号 window envelope: the
// recipient's postal code, address and name (with 様) inside the window and nothing else there;
// the reference, date and sender top right; the title centred in Gothic; the body in Mincho,
// broken by the rules of Japanese typesetting (BreakLines); the record's key facts as a table
// under 記; the contact line at the foot of the last page. A letter too long for one page flows
// onto the next, and such pages are numbered "1/2". Each page carries a QR code naming its
// record ("adbridge-record:<tenant>:<document>"), outside the window, so a page found loose in
// the print room can be traced.
//
// IPAex Mincho and Gothic are embedded once per PDF, as subsets: a batch of 500 letters costs
// the fonts once, a PDF per letter would cost them 500 times.
//
// Thread-safety: plain functions; separate batches may be rendered on separate threads.
#ifndef ADBRIDGE_OUTPUT_LETTERS_H_
#define ADBRIDGE_OUTPUT_LETTERS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"
#include "output/pdf_document.h"
#include "output/template.h"

namespace adbridge::output {

// The window of a 長形3号 (120 × 235 mm) window envelope on the A4 sheet, in mm from the sheet's
// top-left corner. Makers cut the common 長3 window 90 × 45 mm, 23 mm from the left and 13 mm
// from the top edge of the envelope held landscape (window top left), and A4 folded in three
// (three 210 × 99 mm panels) goes in with its top panel behind the window and its top edge to
// the envelope's top; so on the sheet the window is the same rectangle. Everything printed in
// this rectangle on the first page is the recipient's postal code, address and name.
inline constexpr models::BoxMm kEnvelopeWindowMm{23, 13, 90, 45};
// The folded sheet is 25 mm narrower and 21 mm lower than the envelope and moves in it; the
// address block keeps this far inside the window on every side so that it is still whole in
// the window when the sheet has slid a little.
inline constexpr double kWindowInsetMm = 3;

// What a QR code on a letter says: "adbridge-record:<tenant>:<document id>".
std::string RecordQrPayload(std::string_view tenant_code, std::int64_t document_id);

// Orders records as the print room wants them: by the recipient's postal code, then address,
// then document id (records without a postal code first: they will be skipped anyway).
void SortForPrintRoom(const LetterTemplate& letter, std::vector<RecordValues>& records);

struct LetterOptions {
  // For older residents: body 16 pt (10.5 pt otherwise) with wider line spacing; every other
  // type size grows too, and the address block still fits the window.
  bool large_print = false;
  std::string tenant_code{models::kDefaultTenant};  // named by each page's QR code
  // Called after each record, drawn or skipped (progress on a terminal).
  std::function<void()> on_record{};
};

// Where one record's letter is in the batch's PDF.
struct LetterPages {
  std::int64_t document_id = 0;
  int first_page = 1;  // 1-based
  int page_count = 1;
};

// A record that got no letter, and why (names the document and the field; never a value).
struct SkippedRecord {
  std::int64_t document_id = 0;
  Status reason;
};

struct LetterBatchPdf {
  std::string pdf;  // empty when every record was skipped (no PDF is made for nothing)
  int page_count = 0;
  std::vector<LetterPages> letters;  // in page order
  std::vector<SkippedRecord> skipped;
};

// Draws letters into PDFs: the layout of one template in one style, with the fonts measured
// once. RenderLetterBatch is what the letters command uses; a renderer on its own can also draw
// each letter into a PDF of its own (what the benchmark compares a batch with).
class LetterRenderer {
 public:
  // `letter` must outlive the renderer. Returns NotFound when a font file is missing, Internal
  // when libharu cannot start.
  static Result<LetterRenderer> Create(const LetterTemplate& letter, const LetterOptions& options,
                                       const FontFiles& fonts = {});

  LetterRenderer(LetterRenderer&&) noexcept;
  LetterRenderer& operator=(LetterRenderer&&) noexcept;
  ~LetterRenderer();

  // Appends the record's letter to `pdf` and returns its number of pages. Returns
  // InvalidArgument naming the document (and field) for a record that cannot have a letter
  // (see RenderLetterBatch); `pdf` is then unchanged.
  Result<int> Draw(const RecordValues& record, PdfDocument& pdf);

 private:
  struct State;
  explicit LetterRenderer(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// Draws one letter per record, in the order given, into one PDF. A record whose text cannot be
// filled (ExpandText's errors: an empty or unreadable field the letter needs) or whose address
// does not fit the envelope window even in smaller type is skipped and listed, and the others
// are drawn. Returns NotFound when a font file is missing, Internal when libharu fails.
Result<LetterBatchPdf> RenderLetterBatch(const LetterTemplate& letter,
                                         std::span<const RecordValues> records,
                                         const LetterOptions& options, const FontFiles& fonts = {});

// The verified records of the tenant's form that have had no letter yet, as templates read
// them (an unreadable field is nullopt), with `today` (YYYY-MM-DD) for {{today}}. Errors are
// the store's.
Result<std::vector<RecordValues>> RecordsAwaitingLetter(models::Store& store,
                                                        const std::string& tenant_code,
                                                        const std::string& form_id,
                                                        const std::string& today);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_LETTERS_H_
