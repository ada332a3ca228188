#include "ocr/document_reader.h"

#include <cstdio>
#include <map>
#include <set>

#include "models/cross_checks.h"
#include "ocr/confidence_calibration.h"
#include "ocr/registered_page.h"

namespace adbridge::ocr {
namespace {

std::string Number(double value) {
  char text[16];
  std::snprintf(text, sizeof(text), "%.2f", value);
  return text;
}

std::string PageName(int page_index) { return std::to_string(page_index + 1); }

}  // namespace

DocumentReader::DocumentReader(const FormLibrary& library, Recognizer& recognizer)
    : library_(library), field_reader_(recognizer) {}

Result<DocumentResult> DocumentReader::Read(const std::vector<ingest::GreyPage>& pages,
                                            const std::optional<std::string>& form_hint,
                                            const std::string& today) {
  if (pages.empty()) {
    return Status::InvalidArgument("ページのない文書は読めません", "a document without pages");
  }
  DocumentResult result;

  // 1. Where each page is: which form page, and how it lies on the scan.
  std::vector<cv::Mat> scans;
  std::vector<PageLocation> locations;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const ingest::GreyPage& page = pages[i];
    // A view, not a copy: the decoded pixels outlive the reading.
    cv::Mat scan(page.height, page.width, CV_8UC1,
                 const_cast<std::uint8_t*>(page.pixels.data()));
    scans.push_back(scan);
    PageResult page_result;
    page_result.page_index = static_cast<int>(i);
    Result<PageLocation> location = library_.locator().Locate(scan, page.dpi, form_hint);
    if (!location.ok()) {
      page_result.outcome = models::PageOutcome::kUnknown;
      page_result.note = {location.status().message(Lang::kJa),
                          location.status().message(Lang::kEn)};
      locations.emplace_back();
    } else {
      page_result.outcome = location->outcome;
      page_result.note = location->reason;
      page_result.method = location->method;
      page_result.quarter_turns = location->quarter_turns;
      page_result.skew_deg = location->skew_deg;
      locations.push_back(*location);
    }
    result.pages.push_back(std::move(page_result));
  }

  // 2. The document's form: the one most of its pages belong to (the first such page breaks a
  // tie). Only identified pages count; an unregistrable page still says which form it is.
  std::map<const LoadedForm*, int> votes;
  const LoadedForm* form = nullptr;
  for (const PageLocation& location : locations) {
    if (location.reference < 0) continue;
    if (location.outcome != PageOutcome::kIdentified &&
        location.outcome != PageOutcome::kUnregistrable) {
      continue;
    }
    const LoadedForm* candidate = &library_.FormOfReference(location.reference);
    if (++votes[candidate] > (form ? votes[form] : 0)) form = candidate;
  }
  result.form = form;
  if (form == nullptr) {
    std::string ja = "どの様式か判定できません:", en = "the form could not be told:";
    for (const PageResult& page : result.pages) {
      ja += " " + PageName(page.page_index) + "枚目 " + page.note.ja;
      en += " sheet " + PageName(page.page_index) + ": " + page.note.en;
      ja += "。";
      en += ";";
    }
    result.classification.push_back({ja, en});
    return result;
  }

  // 3. Which sheet is which page of the form; other forms' pages and second copies are extra.
  const models::FormDefinition& definition = form->definition;
  std::map<int, int> sheet_of_page;  // form page (1-based) -> page index
  for (std::size_t i = 0; i < pages.size(); ++i) {
    PageResult& page = result.pages[i];
    const PageLocation& location = locations[i];
    if (location.reference < 0 || (page.outcome != models::PageOutcome::kIdentified &&
                                   page.outcome != models::PageOutcome::kUnregistrable)) {
      continue;
    }
    const LoadedForm& owner = library_.FormOfReference(location.reference);
    const int form_page = library_.PageOfReference(location.reference);
    if (&owner != form) {
      page.outcome = models::PageOutcome::kExtra;
      page.note = {"別の様式 (" + owner.definition.id + ") のページです",
                   "a page of another form (" + owner.definition.id + ")"};
      result.classification.push_back(
          {PageName(page.page_index) + "枚目は別の様式 (" + owner.definition.id + ") です",
           "sheet " + PageName(page.page_index) + " is of another form (" + owner.definition.id +
               ")"});
      continue;
    }
    if (sheet_of_page.count(form_page)) {
      page.outcome = models::PageOutcome::kExtra;
      page.note = {std::to_string(form_page) + " ページ目がもう 1 枚あります",
                   "a second copy of page " + std::to_string(form_page)};
      result.classification.push_back(
          {PageName(page.page_index) + "枚目は " + std::to_string(form_page) +
               " ページ目の 2 枚目です",
           "sheet " + PageName(page.page_index) + " is a second copy of page " +
               std::to_string(form_page)});
      continue;
    }
    page.form_page = form_page;
    sheet_of_page[form_page] = static_cast<int>(i);
    if (page.outcome == models::PageOutcome::kUnregistrable) {
      result.classification.push_back(
          {PageName(page.page_index) + "枚目 (" + std::to_string(form_page) +
               " ページ目) を様式に合わせられません: " + page.note.ja,
           "sheet " + PageName(page.page_index) + " (page " + std::to_string(form_page) +
               ") cannot be aligned to the form: " + page.note.en});
    }
  }
  for (std::size_t p = 1; p <= definition.pages.size(); ++p) {
    if (!sheet_of_page.count(static_cast<int>(p))) {
      result.classification.push_back(
          {definition.id + " の " + std::to_string(p) + " ページ目がありません",
           "page " + std::to_string(p) + " of " + definition.id + " is missing"});
    }
  }
  for (const PageResult& page : result.pages) {
    if (page.outcome == models::PageOutcome::kUnknown ||
        page.outcome == models::PageOutcome::kAmbiguous) {
      result.classification.push_back(
          {PageName(page.page_index) + "枚目: " + page.note.ja,
           "sheet " + PageName(page.page_index) + ": " + page.note.en});
    }
  }

  // 4. Read every field of every page that was aligned.
  std::map<std::string, std::string> valid_values;
  for (const models::FieldDefinition& field : definition.fields) {
    auto sheet = sheet_of_page.find(field.page);
    if (sheet == sheet_of_page.end()) continue;
    const int index = sheet->second;
    if (result.pages[index].outcome != models::PageOutcome::kIdentified) continue;
    const RegisteredPage registered(scans[index], locations[index].mm_to_scan);
    // The blank page the sheet is: adbridge's own print when its QR code said so.
    const std::size_t p = static_cast<std::size_t>(field.page - 1);
    const bool printed = locations[index].printed && p < form->printed.size();
    ADB_ASSIGN_OR_RETURN(
        FieldReading reading,
        field_reader_.Read(registered, printed ? form->printed[p] : form->references[p],
                           printed ? kPrintedPageDpi : form->reference_dpi[p], field));
    result.tesseract_seconds += reading.tesseract_seconds;
    if (reading.validation.ok()) valid_values[field.name] = reading.value;
    FieldResult field_result;
    field_result.field = &field;
    field_result.confidence = CalibratedConfidence(field.type, reading.confidence);
    field_result.reading = std::move(reading);
    result.fields.push_back(std::move(field_result));
  }

  // 5. Cross-field checks, then the routing of each field.
  std::map<std::string, Text> cross_reasons;
  for (const models::CrossCheckIssue& issue :
       models::CheckCrossFields(definition, valid_values, today)) {
    for (const std::string& name : issue.fields) cross_reasons.emplace(name, issue.reason);
  }
  for (FieldResult& f : result.fields) {
    const double threshold = definition.AcceptConfidenceFor(*f.field);
    const FieldReading& r = f.reading;
    f.task_kind = f.field->double_entry ? models::TaskKind::kDoubleEntry : models::TaskKind::kField;
    if (!r.validation.ok()) {
      f.review_reason = {"検証で不合格: " + r.validation.message(Lang::kJa),
                         "fails validation: " + r.validation.message(Lang::kEn)};
    } else if (auto cross = cross_reasons.find(f.field->name); cross != cross_reasons.end()) {
      f.review_reason = cross->second;
    } else if (f.confidence < threshold) {
      f.review_reason = {"確信度 " + Number(f.confidence) + " が基準 " + Number(threshold) +
                             " に届きません",
                         "confidence " + Number(f.confidence) + " is below the threshold " +
                             Number(threshold)};
    } else if (f.field->double_entry) {
      f.review_reason = {"二重入力の項目です (2 人の入力が一致して確定します)",
                         "a double-entry field (two people's entries must agree)"};
    } else {
      f.auto_accept = true;
    }
  }
  return result;
}

}  // namespace adbridge::ocr
