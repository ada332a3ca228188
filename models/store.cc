// The parts of store.h that do not depend on the database behind it.
#include "models/store.h"

namespace adbridge::models {

std::string_view DocumentStateName(DocumentState state) {
  switch (state) {
    case DocumentState::kReceived:
      return "received";
    case DocumentState::kProcessing:
      return "processing";
    case DocumentState::kInReview:
      return "in_review";
    case DocumentState::kVerified:
      return "verified";
    case DocumentState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::optional<DocumentState> ParseDocumentState(std::string_view name) {
  for (DocumentState state :
       {DocumentState::kReceived, DocumentState::kProcessing, DocumentState::kInReview,
        DocumentState::kVerified, DocumentState::kFailed}) {
    if (DocumentStateName(state) == name) return state;
  }
  return std::nullopt;
}

std::string_view DocumentSourceName(DocumentSource source) {
  switch (source) {
    case DocumentSource::kScan:
      return "scan";
    case DocumentSource::kPhone:
      return "phone";
  }
  return "unknown";
}

}  // namespace adbridge::models
