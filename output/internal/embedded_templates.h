// The templates of models/templates/ as compiled into the program: a source generated at build
// time by cmake/embed_files.cmake defines EmbeddedTemplates(). Read through ReadTemplateSource
// (output/template.h); nothing else should need this.
#ifndef ADBRIDGE_OUTPUT_INTERNAL_EMBEDDED_TEMPLATES_H_
#define ADBRIDGE_OUTPUT_INTERNAL_EMBEDDED_TEMPLATES_H_

#include <span>
#include <string_view>

namespace adbridge::output::internal {

struct EmbeddedTemplate {
  std::string_view name;  // the file's name in models/templates/, e.g. "kyufukin-decision.json"
  std::span<const unsigned char> bytes;
};

// Every bundled template, in the order output/CMakeLists.txt lists them. Static storage.
std::span<const EmbeddedTemplate> EmbeddedTemplates();

}  // namespace adbridge::output::internal

#endif  // ADBRIDGE_OUTPUT_INTERNAL_EMBEDDED_TEMPLATES_H_
