// Status and Result<T>: how every adbridge module reports an error across its boundary.
//
// A Status carries a specific code (an unreadable scan is kInvalidArgument, a busy database is
// kUnavailable) and a message for people in Japanese and English. The message is written once,
// in both languages, where the error is found; the code that shows it picks the language.
//
//   Result<FormDefinition> form = LoadFormDefinition(path);
//   if (!form.ok()) return form.status();
//   Use(*form);
//
// Status and Result live in namespace adbridge (not adbridge::models) because every module
// speaks them; they are the one vocabulary type shared that way.
//
// Thread-safety: values; a const Status or Result may be read from several threads. The process
// default language is set once at start-up, before threads start.
#ifndef ADBRIDGE_MODELS_STATUS_H_
#define ADBRIDGE_MODELS_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace adbridge {

// The languages adbridge speaks to people. Japanese is the default.
enum class Lang { kJa, kEn };

// The language for messages where no request says otherwise. Chosen at start-up from
// ADBRIDGE_LANG, then LANG ("en*" picks English); Japanese otherwise.
Lang DefaultLang();
void SetDefaultLang(Lang lang);
// Reads ADBRIDGE_LANG and LANG and sets the default language accordingly.
void SetDefaultLangFromEnvironment();

// A text for people in both languages.
struct Text {
  std::string ja;
  std::string en;
  const std::string& In(Lang lang) const { return lang == Lang::kJa ? ja : en; }
};

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the input is malformed or fails a rule; retrying will not help
  kNotFound,            // the named thing does not exist (or is not visible to the caller)
  kAlreadyExists,       // creating something that exists with different content
  kFailedPrecondition,  // the system is not in a state that allows the operation
  kPermissionDenied,    // the caller may not do this
  kResourceExhausted,   // a size or count limit was exceeded
  kUnavailable,         // a transient condition (busy database); retrying may help
  kDataLoss,            // stored data is missing or corrupt
  kInternal,            // a bug or an unexpected library failure
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, Text message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string ja, std::string en) {
    return Status(StatusCode::kInvalidArgument, {std::move(ja), std::move(en)});
  }
  static Status NotFound(std::string ja, std::string en) {
    return Status(StatusCode::kNotFound, {std::move(ja), std::move(en)});
  }
  static Status AlreadyExists(std::string ja, std::string en) {
    return Status(StatusCode::kAlreadyExists, {std::move(ja), std::move(en)});
  }
  static Status FailedPrecondition(std::string ja, std::string en) {
    return Status(StatusCode::kFailedPrecondition, {std::move(ja), std::move(en)});
  }
  static Status PermissionDenied(std::string ja, std::string en) {
    return Status(StatusCode::kPermissionDenied, {std::move(ja), std::move(en)});
  }
  static Status ResourceExhausted(std::string ja, std::string en) {
    return Status(StatusCode::kResourceExhausted, {std::move(ja), std::move(en)});
  }
  static Status Unavailable(std::string ja, std::string en) {
    return Status(StatusCode::kUnavailable, {std::move(ja), std::move(en)});
  }
  static Status DataLoss(std::string ja, std::string en) {
    return Status(StatusCode::kDataLoss, {std::move(ja), std::move(en)});
  }
  static Status Internal(std::string ja, std::string en) {
    return Status(StatusCode::kInternal, {std::move(ja), std::move(en)});
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // The message in the process default language.
  const std::string& message() const { return message_.In(DefaultLang()); }
  const std::string& message(Lang lang) const { return message_.In(lang); }
  const Text& text() const { return message_; }

  // The same error with context put in front of both messages ("scan.tif: " + message).
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  Text message_;
};

// A value of T, or the Status that says why there is none.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, like StatusOr
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result needs a value or an error");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when there is a value.
  Status status() const { return ok() ? Status() : std::get<Status>(v_); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace adbridge

#define ADB_CONCAT_INNER_(a, b) a##b
#define ADB_CONCAT_(a, b) ADB_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define ADB_RETURN_IF_ERROR(expr)                       \
  do {                                                  \
    ::adbridge::Status adb_status_ = (expr);            \
    if (!adb_status_.ok()) return adb_status_;          \
  } while (false)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, else moves the value into `lhs`.
//   ADB_ASSIGN_OR_RETURN(auto form, LoadFormDefinition(path));
#define ADB_ASSIGN_OR_RETURN(lhs, rexpr) \
  ADB_ASSIGN_OR_RETURN_IMPL_(ADB_CONCAT_(adb_result_, __LINE__), lhs, rexpr)
#define ADB_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                               \
  if (!result.ok()) return result.status();            \
  lhs = std::move(result).value()

#endif  // ADBRIDGE_MODELS_STATUS_H_
