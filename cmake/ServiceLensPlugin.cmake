# servicelens_add_plugin(<name> SOURCES <file>...)
#
# Builds a plugin the way the ABI requires: a MODULE library with hidden
# visibility, a linker version script that exports only
# servicelens_plugin_entry, and -z defs so a missing symbol fails the link
# instead of the load. The file is <name>.so in SERVICELENS_PLUGIN_OUTPUT_DIR.
set(SERVICELENS_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/servicelens-plugin.map" CACHE INTERNAL "")

function(servicelens_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES")
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "servicelens_add_plugin(${name}): SOURCES is required")
  endif()
  add_library(${name} MODULE ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ServiceLens::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${SERVICELENS_PLUGIN_OUTPUT_DIR}"
    LINK_DEPENDS "${SERVICELENS_PLUGIN_MAP}")
  target_link_options(${name} PRIVATE "LINKER:--version-script=${SERVICELENS_PLUGIN_MAP}" "LINKER:-z,defs")
  servicelens_warnings(${name})
  set_property(GLOBAL APPEND PROPERTY SERVICELENS_PLUGIN_TARGETS ${name})
endfunction()
