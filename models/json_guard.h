// A first pass over JSON text, before anything builds a document from it: checks the syntax
// (reporting where it breaks), bounds the nesting depth and rejects repeated keys in an object.
//
// Why a separate pass: nlohmann::json builds, copies and destroys documents recursively in
// places, so a hostile "[[[[…" nested 100k deep must be refused before a DOM exists; and a key
// written twice ({"required": false, …, "required": true}) would otherwise silently keep the
// last one.
//
// Thread-safety: a free function over its arguments.
#ifndef ADBRIDGE_MODELS_JSON_GUARD_H_
#define ADBRIDGE_MODELS_JSON_GUARD_H_

#include <cstddef>
#include <string_view>

#include "models/status.h"

namespace adbridge::models {

// A place in a text: 1-based line and column (in bytes), and the 0-based byte offset.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
  std::size_t byte = 0;
};

// The line and column of byte `offset` of `text` (an offset past the end names the end).
TextPosition PositionOf(std::string_view text, std::size_t offset);

// Returns OK when `text` is one well-formed JSON value (UTF-8) whose arrays and objects nest at
// most `max_depth` deep and whose objects name each key once. Otherwise returns:
// InvalidArgument naming the line, column and byte of a syntax error, or naming a repeated key;
// ResourceExhausted when the nesting is deeper than `max_depth`.
// The messages carry no source name; callers put it in front (Status::WithPrefix).
Status CheckJsonText(std::string_view text, int max_depth);

}  // namespace adbridge::models

#endif  // ADBRIDGE_MODELS_JSON_GUARD_H_
