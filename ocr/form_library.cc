#include "ocr/form_library.h"

#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <opencv2/imgcodecs.hpp>

#include "ingest/form_registry.h"
#include "ocr/form_printer.h"

namespace adbridge::ocr {

Result<std::unique_ptr<FormLibrary>> FormLibrary::Load(models::Store& store,
                                                       const models::BlobStore& blobs) {
  ADB_ASSIGN_OR_RETURN(std::vector<models::FormRecord> records, store.ListForms());
  std::map<std::string, int> newest;
  for (const models::FormRecord& record : records) {
    int& version = newest[record.id];
    version = std::max(version, record.version);
  }
  std::vector<models::FormDefinition> definitions;
  for (const auto& [id, version] : newest) {
    ADB_ASSIGN_OR_RETURN(models::FormDefinition definition,
                         ingest::LoadRegisteredForm(store, blobs, id, version));
    definitions.push_back(std::move(definition));
  }
  // From the blob's bytes, wherever the blob store keeps them (a folder or the database), and
  // checked against its name on the way.
  auto read_blob = [&blobs](const models::PageDefinition& page) -> Result<cv::Mat> {
    ADB_ASSIGN_OR_RETURN(std::vector<std::uint8_t> bytes, blobs.Get(page.reference_sha256));
    return cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
  };
  return Build(std::move(definitions), read_blob);
}

Result<std::unique_ptr<FormLibrary>> FormLibrary::FromDefinitions(
    std::vector<models::FormDefinition> definitions) {
  auto read_file = [](const models::PageDefinition& page) -> Result<cv::Mat> {
    return cv::imread(page.reference_path.string(), cv::IMREAD_GRAYSCALE);
  };
  return Build(std::move(definitions), read_file);
}

Result<std::unique_ptr<FormLibrary>> FormLibrary::Build(
    std::vector<models::FormDefinition> definitions,
    const std::function<Result<cv::Mat>(const models::PageDefinition&)>& read_reference) {
  std::unique_ptr<FormLibrary> library(new FormLibrary());
  ADB_ASSIGN_OR_RETURN(const FormPrinter printer, FormPrinter::Create());
  std::vector<ReferencePage> references;
  for (models::FormDefinition& definition : definitions) {
    LoadedForm form;
    const int form_index = static_cast<int>(library->forms_.size());
    // A form whose layout fails (no corner free for its QR code) cannot have been printed by
    // adbridge, so there is no print of it to match.
    if (Result<std::vector<models::PageLayout>> layouts = printer.Layouts(definition);
        layouts.ok()) {
      for (const models::PageLayout& layout : *layouts) {
        form.printed.push_back(printer.Draw(layout, kPrintedPageDpi));
      }
    }
    for (std::size_t p = 0; p < definition.pages.size(); ++p) {
      const models::PageDefinition& page = definition.pages[p];
      const std::string name = definition.id + " p" + std::to_string(p + 1);
      // Registration checked the image as a scan; failing now means the blob was damaged.
      const std::string where =
          page.reference_sha256.empty() ? page.reference_path.string() : page.reference_sha256;
      Result<cv::Mat> read = read_reference(page);
      if (!read.ok()) {
        const Status& error = read.status();
        return Status(error.code(),
                      {"様式 " + name + " の参照画像: " + error.message(Lang::kJa),
                       "the reference image of form " + name + ": " + error.message(Lang::kEn)});
      }
      cv::Mat image = std::move(read).value();
      if (image.empty()) {
        return Status::DataLoss("様式 " + name + " の参照画像を読めません: " + where,
                                "cannot read the reference image of form " + name + ": " + where);
      }
      form.reference_dpi.push_back(image.cols / (page.width_mm / 25.4));
      form.references.push_back(image);
      ReferencePage reference;
      reference.form_id = definition.id;
      reference.form_version = definition.version;
      reference.page = static_cast<int>(p) + 1;
      reference.width_mm = page.width_mm;
      reference.height_mm = page.height_mm;
      reference.image = image;
      if (!form.printed.empty()) reference.printed = form.printed[p];
      reference.markers = page.markers;
      references.push_back(std::move(reference));
      library->reference_owner_.emplace_back(form_index, static_cast<int>(p) + 1);
    }
    form.definition = std::move(definition);
    library->forms_.push_back(std::move(form));
  }
  ADB_ASSIGN_OR_RETURN(PageLocator locator, PageLocator::Create(std::move(references)));
  library->locator_ = std::make_unique<PageLocator>(std::move(locator));
  return library;
}

const LoadedForm& FormLibrary::FormOfReference(int index) const {
  return forms_[reference_owner_[index].first];
}

int FormLibrary::PageOfReference(int index) const { return reference_owner_[index].second; }

const LoadedForm* FormLibrary::Find(const std::string& id) const {
  for (const LoadedForm& form : forms_) {
    if (form.definition.id == id) return &form;
  }
  return nullptr;
}

}  // namespace adbridge::ocr
