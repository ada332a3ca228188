// Exports: the records of one form, written as CSV or JSON Lines for a department's own
// systems (spec/cli.md, "Export, JSON Lines"; docs/exports.md says what a department gets).
//
//   ADB_ASSIGN_OR_RETURN(ExportBatch batch, SelectForExport(store, {.tenant_code = "shiojiri",
//                                                                  .form_id =
//                                                                  "juminhyo-request"}));
//   ADB_ASSIGN_OR_RETURN(ExportWriter writer, ExportWriter::Create(batch.versions, options));
//   for (const Unmappable& u : writer.FindUnmappable(batch.documents)) { ...report... }
//   ADB_ASSIGN_OR_RETURN(std::vector<Unmappable> replaced, writer.Write(batch.documents, out));
//
// CSV: a header row `document,source_name,<field names>`, then one row per document holding
// each field's value (empty when unreadable), quoted as RFC 4180 says, lines ending in CRLF.
// JSON Lines: one object per document with each field's value, machine reading, confidence and
// state; always UTF-8 without a BOM.
//
// Thread-safety: an ExportWriter is used by one thread at a time (it holds an ICU converter).
// SelectForExport is as thread-safe as the Store.
#ifndef ADBRIDGE_OUTPUT_EXPORT_H_
#define ADBRIDGE_OUTPUT_EXPORT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"

namespace adbridge::output {

// Which documents an export takes.
struct ExportSelection {
  std::string tenant_code{models::kDefaultTenant};
  std::string form_id;
  models::ExportStatus status = models::ExportStatus::kVerified;
  // Only documents no earlier export of the form in the municipality delivered (see
  // Store::ListExportedDocumentIds for which earlier exports count).
  bool only_new = false;
};

struct ExportBatch {
  // Every registered version of the form, newest first: the columns of a CSV come from them.
  std::vector<models::FormDefinition> versions;
  std::vector<models::DocumentWithFields> documents;  // in id order
};

// Reads what an export of `selection` holds. Returns NotFound for an unknown tenant or a form
// that is not registered, DataLoss when a registered definition no longer parses.
Result<ExportBatch> SelectForExport(models::Store& store, const ExportSelection& selection);

struct ExportOptions {
  models::ExportFormat format = models::ExportFormat::kCsv;
  models::ExportEncoding encoding = models::ExportEncoding::kUtf8;
  // Write 〓 (U+3013, GETA MARK) for a character CP932 cannot hold, instead of refusing.
  bool replace_unmappable = false;
};

// Returns InvalidArgument, saying why, for JSON Lines in CP932 or with a BOM: JSON text is
// UTF-8 and carries no byte order mark (RFC 8259, section 8.1).
Status CheckExportOptions(const ExportOptions& options);

// What Store::RecordExport keeps of an export of `selection` with `options` that was written
// whole with `documents`, asked for by `requested_by` (a login name or "os:<login>"), with
// `replaced` characters written as 〓.
models::NewExport ExportToRecord(const ExportSelection& selection,
                                 const ExportOptions& options,
                                 const std::vector<models::DocumentWithFields>& documents,
                                 std::string requested_by, std::optional<std::int64_t> user_id,
                                 int replaced);

// A character the export's encoding cannot hold, and where it is.
struct Unmappable {
  std::int64_t document_id = 0;
  std::string column;  // "source_name" or a field name
  char32_t character = 0;

  bool operator==(const Unmappable&) const = default;
};

// "document 17, field applicant_name: 𠮷 (U+20BB7) cannot be written in CP932", or, when
// `replaced`, "... was written as 〓 (U+3013)".
Text DescribeUnmappable(const Unmappable& unmappable, bool replaced);

class ExportWriter {
 public:
  // `versions`: the form's registered versions (any order). Returns InvalidArgument for
  // options CheckExportOptions refuses, or when `versions` is empty or mixes forms; Internal
  // when ICU has no CP932 converter.
  static Result<ExportWriter> Create(std::vector<models::FormDefinition> versions,
                                     ExportOptions options);

  ExportWriter(ExportWriter&&) noexcept;
  ExportWriter& operator=(ExportWriter&&) noexcept;
  ~ExportWriter();

  // The CSV columns after `document` and `source_name`: the newest version's fields in its
  // order, then any field only an older version has (newer versions first), so no reading is
  // dropped and the header stays the same from one export to the next.
  const std::vector<std::string>& field_columns() const { return field_columns_; }

  // Every character of the documents' cells that the encoding cannot hold, in document and
  // column order, each (document, column, character) once. Always empty for UTF-8.
  std::vector<Unmappable> FindUnmappable(const std::vector<models::DocumentWithFields>& documents);

  // Writes the export of `documents` to `out`, calling `on_document` after each document.
  // Returns the characters written as 〓 (only with replace_unmappable). Returns
  // InvalidArgument, having written nothing, when a character cannot be encoded and
  // replace_unmappable is off (FindUnmappable names each one); Unavailable when `out` fails;
  // Internal when ICU fails to convert a cell.
  // Text that is not valid UTF-8 (a file name in another encoding) is written with U+FFFD in
  // place of the bad bytes.
  Result<std::vector<Unmappable>> Write(const std::vector<models::DocumentWithFields>& documents,
                                        std::ostream& out,
                                        const std::function<void()>& on_document = {});

 private:
  struct Cp932;  // the ICU converter and what it could not convert

  ExportWriter(std::vector<models::FormDefinition> versions, ExportOptions options,
               std::unique_ptr<Cp932> cp932);

  // Appends `utf8` to `out` in the export's encoding; characters CP932 cannot hold are
  // written as 〓 and appended to `unmappable`. Returns false when ICU fails to convert.
  bool Encode(std::string_view utf8, std::string& out, std::vector<char32_t>& unmappable);
  // The cells of a CSV row, or the line of JSON, as UTF-8.
  std::vector<std::pair<std::string, std::string>> Cells(
      const models::DocumentWithFields& document) const;
  std::string JsonLine(const models::DocumentWithFields& document) const;
  const models::FormDefinition* VersionOf(const models::Document& document) const;

  std::vector<models::FormDefinition> versions_;  // newest first
  ExportOptions options_;
  std::vector<std::string> field_columns_;
  std::unique_ptr<Cp932> cp932_;  // only for the CP932 encoding
};

// The CSV form of one cell, as the file will hold it before encoding: a value that Excel would
// take for a formula (it begins with = + - @, a tab or a carriage return, and is not a plain
// number such as -5) gets a leading ' so it is shown as text and never run; a value with a
// comma, a double quote, CR or LF is put in double quotes with its double quotes doubled.
std::string CsvCell(std::string_view value);

}  // namespace adbridge::output

#endif  // ADBRIDGE_OUTPUT_EXPORT_H_
