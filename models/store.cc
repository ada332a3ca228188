// The parts of store.h that do not depend on the database behind it.
#include "models/store.h"

#include <array>

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

namespace {

// Each enum's names, in declaration order, as the database and exports spell them.
template <typename Enum, std::size_t N>
std::string_view NameOf(Enum value, const std::array<std::string_view, N>& names) {
  const auto index = static_cast<std::size_t>(value);
  return index < N ? names[index] : std::string_view("unknown");
}

template <typename Enum, std::size_t N>
std::optional<Enum> Parse(std::string_view name, const std::array<std::string_view, N>& names) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kFieldStateNames = {"auto_accepted", "needs_review",
                                                               "verified", "unreadable"};
constexpr std::array<std::string_view, 4> kTaskKindNames = {"field", "classification",
                                                             "double_entry", "gold"};
constexpr std::array<std::string_view, 4> kTaskStateNames = {"open", "leased", "done",
                                                              "escalated"};
constexpr std::array<std::string_view, 6> kPageOutcomeNames = {
    "identified", "blank", "unknown", "ambiguous", "unregistrable", "extra"};
constexpr std::array<std::string_view, 5> kRoleNames = {"admin", "supervisor", "frontdesk",
                                                        "reviewer", "department"};
constexpr std::array<std::string_view, 5> kEntryActionNames = {"submit", "unreadable", "skip",
                                                               "escalate", "decide"};
constexpr std::array<std::string_view, 2> kExportFormatNames = {"csv", "jsonl"};
constexpr std::array<std::string_view, 3> kExportEncodingNames = {"utf-8", "utf-8-bom", "cp932"};
constexpr std::array<std::string_view, 2> kExportStatusNames = {"verified", "any"};

}  // namespace

std::string_view FieldStateName(FieldState state) { return NameOf(state, kFieldStateNames); }
std::optional<FieldState> ParseFieldState(std::string_view name) {
  return Parse<FieldState>(name, kFieldStateNames);
}
std::string_view TaskKindName(TaskKind kind) { return NameOf(kind, kTaskKindNames); }
std::optional<TaskKind> ParseTaskKind(std::string_view name) {
  return Parse<TaskKind>(name, kTaskKindNames);
}
std::string_view TaskStateName(TaskState state) { return NameOf(state, kTaskStateNames); }
std::optional<TaskState> ParseTaskState(std::string_view name) {
  return Parse<TaskState>(name, kTaskStateNames);
}
std::string_view PageOutcomeName(PageOutcome outcome) {
  return NameOf(outcome, kPageOutcomeNames);
}
std::optional<PageOutcome> ParsePageOutcome(std::string_view name) {
  return Parse<PageOutcome>(name, kPageOutcomeNames);
}
std::string_view RoleName(Role role) { return NameOf(role, kRoleNames); }
std::optional<Role> ParseRole(std::string_view name) { return Parse<Role>(name, kRoleNames); }
std::string_view EntryActionName(EntryAction action) { return NameOf(action, kEntryActionNames); }
std::optional<EntryAction> ParseEntryAction(std::string_view name) {
  return Parse<EntryAction>(name, kEntryActionNames);
}
std::string_view ExportFormatName(ExportFormat format) {
  return NameOf(format, kExportFormatNames);
}
std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  return Parse<ExportFormat>(name, kExportFormatNames);
}
std::string_view ExportEncodingName(ExportEncoding encoding) {
  return NameOf(encoding, kExportEncodingNames);
}
std::optional<ExportEncoding> ParseExportEncoding(std::string_view name) {
  return Parse<ExportEncoding>(name, kExportEncodingNames);
}
std::string_view ExportStatusName(ExportStatus status) {
  return NameOf(status, kExportStatusNames);
}
std::optional<ExportStatus> ParseExportStatus(std::string_view name) {
  return Parse<ExportStatus>(name, kExportStatusNames);
}

// Documents still being received or read have no readings to export, and a failed one has
// none at all; "any" adds the documents whose readings wait for people.
std::vector<DocumentState> ExportedStates(ExportStatus status) {
  if (status == ExportStatus::kAny) return {DocumentState::kInReview, DocumentState::kVerified};
  return {DocumentState::kVerified};
}

}  // namespace adbridge::models
