#include "models/json_reader.h"

#include <cstdint>
#include <limits>
#include <utility>

namespace adbridge::models {

using Json = nlohmann::json;

Text JsonTypeName(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      return {"オブジェクト", "an object"};
    case Json::value_t::array:
      return {"配列", "an array"};
    case Json::value_t::string:
      return {"文字列", "a string"};
    case Json::value_t::boolean:
      return {"真偽値", "a boolean"};
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      return {"整数", "an integer"};
    case Json::value_t::number_float:
      return {"小数 (" + value.dump() + ")", "the number " + value.dump()};
    case Json::value_t::null:
      return {"null", "null"};
    case Json::value_t::binary:
    case Json::value_t::discarded:
      break;
  }
  return {"不明な値", "an unknown value"};
}

JsonObjectReader::JsonObjectReader(const Json& object, JsonPlace place)
    : object_(object), place_(std::move(place)) {}

Status JsonObjectReader::ExpectObject(const Json& value, const JsonPlace& place) {
  if (value.is_object()) return Status::Ok();
  const Text got = JsonTypeName(value);
  return Status::InvalidArgument(
      place.ja + ": JSON オブジェクト {…} でなければなりません (" + got.ja + "が書かれています)",
      place.en + ": must be a JSON object {…}, not " + got.en);
}

Status JsonObjectReader::Fail(std::string_view ja, std::string_view en) const {
  return Status::InvalidArgument(place_.ja + ": " + std::string(ja),
                                 place_.en + ": " + std::string(en));
}

Status JsonObjectReader::RejectUnknownKeys(std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : object_.items()) {
    bool is_known = false;
    for (std::string_view k : known) is_known = is_known || k == key;
    if (is_known) continue;
    std::string list;
    for (std::string_view k : known) {
      if (!list.empty()) list += ", ";
      list += k;
    }
    return Fail("不明なキー \"" + key + "\" があります (使えるキー: " + list + ")",
                "unknown key \"" + key + "\" (known keys: " + list + ")");
  }
  return Status::Ok();
}

const Json* JsonObjectReader::Find(std::string_view key) const {
  const auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

Status JsonObjectReader::Lookup(std::string_view key, Presence presence, const Json** found) const {
  *found = Find(key);
  if (*found == nullptr && presence == Presence::kRequired) {
    const std::string k(key);
    return Fail(k + " がありません (必須です)", k + " is missing (it is required)");
  }
  return Status::Ok();
}

Status JsonObjectReader::WrongType(std::string_view key, const Json& value,
                                   std::string_view want_ja, std::string_view want_en) const {
  const Text got = JsonTypeName(value);
  const std::string k(key);
  return Fail(
      k + " は" + std::string(want_ja) + "でなければなりません (" + got.ja + "が書かれています)",
      k + " must be " + std::string(want_en) + ", not " + got.en);
}

Status JsonObjectReader::String(std::string_view key, Presence presence, std::string* out) const {
  const Json* value = nullptr;
  ADB_RETURN_IF_ERROR(Lookup(key, presence, &value));
  if (value == nullptr) return Status::Ok();
  if (!value->is_string()) return WrongType(key, *value, "文字列", "a string");
  const std::string& text = value->get_ref<const std::string&>();
  if (presence == Presence::kRequired && text.empty()) {
    const std::string k(key);
    return Fail(k + " が空です", k + " must not be empty");
  }
  *out = text;
  return Status::Ok();
}

Status JsonObjectReader::Integer(std::string_view key, Presence presence,
                                 std::optional<long long>* out) const {
  const Json* value = nullptr;
  ADB_RETURN_IF_ERROR(Lookup(key, presence, &value));
  if (value == nullptr) return Status::Ok();
  if (value->is_number_unsigned()) {
    const auto n = value->get<std::uint64_t>();
    if (n > static_cast<std::uint64_t>(std::numeric_limits<long long>::max())) {
      const std::string k(key);
      return Fail(k + " が大きすぎます (" + value->dump() + ")",
                  k + " is too large (" + value->dump() + ")");
    }
    *out = static_cast<long long>(n);
    return Status::Ok();
  }
  if (value->is_number_integer()) {
    *out = value->get<std::int64_t>();
    return Status::Ok();
  }
  return WrongType(key, *value, "整数", "an integer");
}

Status JsonObjectReader::Number(std::string_view key, Presence presence,
                                std::optional<double>* out) const {
  const Json* value = nullptr;
  ADB_RETURN_IF_ERROR(Lookup(key, presence, &value));
  if (value == nullptr) return Status::Ok();
  if (!value->is_number()) return WrongType(key, *value, "数値", "a number");
  *out = value->get<double>();
  return Status::Ok();
}

Status JsonObjectReader::Bool(std::string_view key, bool* out) const {
  const Json* value = nullptr;
  ADB_RETURN_IF_ERROR(Lookup(key, Presence::kOptional, &value));
  if (value == nullptr) return Status::Ok();
  if (!value->is_boolean()) return WrongType(key, *value, " true か false ", "true or false");
  *out = value->get<bool>();
  return Status::Ok();
}

Status JsonObjectReader::Array(std::string_view key, Presence presence, const Json** out) const {
  ADB_RETURN_IF_ERROR(Lookup(key, presence, out));
  if (*out != nullptr && !(*out)->is_array()) {
    return WrongType(key, **out, "配列 […]", "an array […]");
  }
  return Status::Ok();
}

Status JsonObjectReader::Object(std::string_view key, Presence presence, const Json** out) const {
  ADB_RETURN_IF_ERROR(Lookup(key, presence, out));
  if (*out != nullptr && !(*out)->is_object()) {
    return WrongType(key, **out, "オブジェクト {…}", "an object {…}");
  }
  return Status::Ok();
}

}  // namespace adbridge::models
