// FormLibrary: every registered form as the readers need it — the definition, each page's
// blank reference image and the image of adbridge's own print of it (FormPrinter, for scans of
// `adbridge forms render`), and a PageLocator built over all of them — loaded once and shared.
//
//   Result<std::unique_ptr<FormLibrary>> library = FormLibrary::Load(store, blobs);
//   const PageLocator& locator = (*library)->locator();
//
// The newest version of each form is what scans are identified against: a municipality prints
// its newest form, and two versions of one form look alike, so matching against both would only
// make every page ambiguous.
//
// Thread-safety: immutable after Load; share one library between worker threads.
#ifndef ADBRIDGE_OCR_FORM_LIBRARY_H_
#define ADBRIDGE_OCR_FORM_LIBRARY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "models/blob_store.h"
#include "models/form_definition.h"
#include "models/status.h"
#include "models/store.h"
#include "ocr/page_locator.h"

namespace adbridge::ocr {

// The resolution the printed pages are drawn at, as the bundled reference images are.
inline constexpr double kPrintedPageDpi = 300;

struct LoadedForm {
  models::FormDefinition definition;
  std::vector<cv::Mat> references;    // blank page images, CV_8UC1, in page order
  std::vector<double> reference_dpi;  // the resolution of each, from its size in millimetres
  // Each page as adbridge prints it, CV_8UC1 at kPrintedPageDpi, in page order; empty when the
  // form cannot be printed (a page with no free corner for its QR code).
  std::vector<cv::Mat> printed;
};

class FormLibrary {
 public:
  // Loads the newest version of every registered form, the reference images from the blob
  // store (files or database alike). Returns the store's errors, the blob store's (NotFound for
  // a missing reference image, DataLoss for a damaged one), DataLoss when a reference image
  // cannot be decoded, or NotFound
  // when the font forms are printed in (IPAex Gothic) is not installed.
  static Result<std::unique_ptr<FormLibrary>> Load(models::Store& store,
                                                   const models::BlobStore& blobs);

  // The same from definitions already in memory (tests, tools), whose reference_path point at
  // the images.
  static Result<std::unique_ptr<FormLibrary>> FromDefinitions(
      std::vector<models::FormDefinition> definitions);

  const std::vector<LoadedForm>& forms() const { return forms_; }
  const PageLocator& locator() const { return *locator_; }

  // The form whose page the locator's reference `index` is, and that page (1-based).
  const LoadedForm& FormOfReference(int index) const;
  int PageOfReference(int index) const;

  // Returns nullptr when no form has that id.
  const LoadedForm* Find(const std::string& id) const;

 private:
  FormLibrary() = default;

  // The library of `definitions`, each page's blank image from `read_reference` (an empty
  // image when it cannot be decoded).
  static Result<std::unique_ptr<FormLibrary>> Build(
      std::vector<models::FormDefinition> definitions,
      const std::function<Result<cv::Mat>(const models::PageDefinition&)>& read_reference);

  std::vector<LoadedForm> forms_;
  std::vector<std::pair<int, int>> reference_owner_;  // locator reference -> (form, page)
  std::unique_ptr<PageLocator> locator_;
};

}  // namespace adbridge::ocr

#endif  // ADBRIDGE_OCR_FORM_LIBRARY_H_
