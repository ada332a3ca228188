// DocumentReader: reads one scanned document — every page identified and registered, every
// field of its form read, scored, cross-checked and routed — without touching the store.
//
//   DocumentReader reader(library, recognizer);   // one per worker thread
//   Result<DocumentResult> result = reader.Read(pages, /*form_hint=*/std::nullopt, today);
//
// Routing: a field is auto-accepted only when it validates, its confidence reaches the field's
// threshold (FormDefinition::AcceptConfidenceFor), no cross-field check it takes part in is
// broken, and it is not a double-entry field (those always need two people). Everything else
// gets a review task with the reason. Pages that are not a page of the document's form, and
// form pages that are missing or could not be aligned, become a classification task for the
// front desk instead of a guess.
//
// Thread-safety: none; one per worker thread (it uses that thread's Recognizer). The library is
// shared.
#ifndef ADBRIDGE_OCR_DOCUMENT_READER_H_
#define ADBRIDGE_OCR_DOCUMENT_READER_H_

#include <optional>
#include <string>
#include <vector>

#include "ingest/image_probe.h"
#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"
#include "ocr/field_reader.h"
#include "ocr/form_library.h"
#include "ocr/recognizer.h"

namespace adbridge::ocr {

struct PageResult {
  int page_index = 0;                // 0-based among the pages given to Read
  std::optional<int> form_page;      // 1-based, when it is a page of the document's form
  models::PageOutcome outcome = models::PageOutcome::kUnknown;
  Text note;                         // why, for every page not read
  std::string method;                // how it was identified ("qr", "aruco", "features")
  int quarter_turns = 0;
  double skew_deg = 0;
};

struct FieldResult {
  const models::FieldDefinition* field = nullptr;  // into the library's definition
  FieldReading reading;       // reading.confidence is the reader's own score
  double confidence = 0;      // the calibrated probability that reading.value is right
  bool auto_accept = false;
  models::TaskKind task_kind = models::TaskKind::kField;
  Text review_reason;  // empty when auto-accepted
};

struct DocumentResult {
  const LoadedForm* form = nullptr;  // null when no page was identified
  std::vector<PageResult> pages;
  std::vector<FieldResult> fields;   // the form's order; fields of unread pages are absent
  std::vector<Text> classification;  // one per thing the front desk must settle
  double tesseract_seconds = 0;
};

class DocumentReader {
 public:
  DocumentReader(const FormLibrary& library, Recognizer& recognizer);

  // `form_hint` restricts identification to one form (the front desk named it at ingest).
  // `today` (YYYY-MM-DD) is what dates of birth are checked against. Returns InvalidArgument for
  // a document with no pages; errors of one page become that page's outcome, not a failure.
  Result<DocumentResult> Read(const std::vector<ingest::GreyPage>& pages,
                              const std::optional<std::string>& form_hint,
                              const std::string& today);

 private:
  const FormLibrary& library_;
  FieldReader field_reader_;
};

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_DOCUMENT_READER_H_
