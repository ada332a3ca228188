# adbridge_embed_files(): compile files into the program (cmake/embed_files.cmake writes the
# source). Editing a listed file regenerates it.
#
#   adbridge_embed_files(
#     OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/web_asset_data.cc
#     DIR ${CMAKE_CURRENT_SOURCE_DIR}/web
#     FILES index.html app.css
#     HEADER server/internal/embedded_web_files.h
#     NAMESPACE adbridge::server::internal
#     TYPE EmbeddedWebFile
#     FUNCTION EmbeddedWebFiles
#     COMMENT "Embedding the web pages of server/web/")
#
# HEADER declares `struct TYPE { std::string_view name; std::span<const unsigned char> bytes; };`
# and `std::span<const TYPE> FUNCTION();`; OUTPUT defines FUNCTION and is added to a library's
# sources by the caller.
set(ADBRIDGE_EMBED_FILES_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)

function(adbridge_embed_files)
  cmake_parse_arguments(ARG "" "OUTPUT;DIR;HEADER;NAMESPACE;TYPE;FUNCTION;COMMENT" "FILES" ${ARGN})
  set(paths ${ARG_FILES})
  list(TRANSFORM paths PREPEND ${ARG_DIR}/)
  string(REPLACE ";" "," files_arg "${ARG_FILES}")
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND}
      -DDIR=${ARG_DIR}
      -DFILES=${files_arg}
      -DOUTPUT=${ARG_OUTPUT}
      -DHEADER=${ARG_HEADER}
      -DNAMESPACE=${ARG_NAMESPACE}
      -DTYPE=${ARG_TYPE}
      -DFUNCTION=${ARG_FUNCTION}
      -P ${ADBRIDGE_EMBED_FILES_SCRIPT}
    DEPENDS ${paths} ${ADBRIDGE_EMBED_FILES_SCRIPT}
    COMMENT "${ARG_COMMENT}"
    VERBATIM
  )
endfunction()
