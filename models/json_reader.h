// Typed, checked reads of the members of one JSON object, with errors for people. Every file
// people write in JSON (form definitions, letter and phone-script templates) is read with it, so
// that each reports a missing, mistyped or unknown key the same way.
//
//   JsonObjectReader field(json, {"juminhyo.json: 項目 \"copies\"", "juminhyo.json: field
//   \"copies\""}); ADB_RETURN_IF_ERROR(field.RejectUnknownKeys({"name", "min", "max"}));
//   std::optional<long long> min;
//   ADB_RETURN_IF_ERROR(field.Integer("min", Presence::kOptional, &min));
//
// Every error is InvalidArgument "<place>: <reason>" in Japanese and English, the reason naming
// the key. The reader keeps a reference to the object, which must outlive it.
// Thread-safety: const methods only; safe to share while the object is not modified.
#ifndef ADBRIDGE_MODELS_JSON_READER_H_
#define ADBRIDGE_MODELS_JSON_READER_H_

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "models/status.h"

namespace adbridge::models {

// Where something is in a document, as it is put in front of a reason:
// {"juminhyo.json: ページ 1", "juminhyo.json: page 1"}.
struct JsonPlace {
  std::string ja;
  std::string en;
};

enum class Presence { kRequired, kOptional };

// How a JSON value's type is called in messages ("a string" / "文字列").
Text JsonTypeName(const nlohmann::json& value);

class JsonObjectReader {
 public:
  // `object` must be a JSON object (callers check with ExpectObject first).
  JsonObjectReader(const nlohmann::json& object, JsonPlace place);

  // Returns InvalidArgument naming `place` unless `value` is an object.
  static Status ExpectObject(const nlohmann::json& value, const JsonPlace& place);

  const JsonPlace& place() const { return place_; }

  // InvalidArgument "<place>: <reason>".
  Status Fail(std::string_view ja, std::string_view en) const;

  // Fails on the first key of the object that is not in `known`, listing the known ones.
  Status RejectUnknownKeys(std::initializer_list<std::string_view> known) const;

  // The member, or nullptr when absent.
  const nlohmann::json* Find(std::string_view key) const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }

  // A string; a required one must also be non-empty. `out` is left alone when an optional key
  // is absent.
  Status String(std::string_view key, Presence presence, std::string* out) const;
  // A JSON integer (no fraction, no exponent form that parses as a float) that fits long long.
  Status Integer(std::string_view key, Presence presence, std::optional<long long>* out) const;
  // Any JSON number.
  Status Number(std::string_view key, Presence presence, std::optional<double>* out) const;
  // true or false; `out` keeps its default when absent.
  Status Bool(std::string_view key, bool* out) const;
  // An array (possibly empty); `out` is nullptr when an optional key is absent.
  Status Array(std::string_view key, Presence presence, const nlohmann::json** out) const;
  // An object; `out` is nullptr when an optional key is absent.
  Status Object(std::string_view key, Presence presence, const nlohmann::json** out) const;

 private:
  // Finds `key`; a missing required key is an error, a missing optional one leaves *found null.
  Status Lookup(std::string_view key, Presence presence, const nlohmann::json** found) const;
  Status WrongType(std::string_view key, const nlohmann::json& value, std::string_view want_ja,
                   std::string_view want_en) const;

  const nlohmann::json& object_;
  JsonPlace place_;
};

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_JSON_READER_H_
