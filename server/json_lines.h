// Machine-readable output: one JSON object per line, UTF-8 kept readable (not \u-escaped).
#ifndef ADBRIDGE_SERVER_JSON_LINES_H_
#define ADBRIDGE_SERVER_JSON_LINES_H_

#include <nlohmann/json.hpp>

#include <ostream>

namespace adbridge::server {

inline void PrintJsonLine(std::ostream& out, const nlohmann::ordered_json& object) {
  out << object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  out.flush();
}

}  // namespace adbridge::server

#endif  // ADBRIDGE_SERVER_JSON_LINES_H_
