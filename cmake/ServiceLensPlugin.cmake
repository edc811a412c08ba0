# servicelens_add_plugin(<name> SOURCES <file>... [OUTPUT_DIRECTORY <dir>])
#
# Builds a plugin the way the ABI requires: a MODULE library with hidden
# visibility, a linker version script that exports only
# servicelens_plugin_entry, and -z defs so a missing symbol fails the link
# instead of the load. The file is <name>.so in OUTPUT_DIRECTORY, by default
# SERVICELENS_PLUGIN_OUTPUT_DIR when set (this repository: where the host
# looks), else the current binary directory. Installed with the SDK, it
# comes with find_package(ServiceLens).
set(SERVICELENS_PLUGIN_MAP "${CMAKE_CURRENT_LIST_DIR}/servicelens-plugin.map" CACHE INTERNAL "")

function(servicelens_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "OUTPUT_DIRECTORY" "SOURCES")
  if(NOT ARG_OUTPUT_DIRECTORY)
    if(SERVICELENS_PLUGIN_OUTPUT_DIR)
      set(ARG_OUTPUT_DIRECTORY "${SERVICELENS_PLUGIN_OUTPUT_DIR}")
    else()
      set(ARG_OUTPUT_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}")
    endif()
  endif()
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
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}"
    LINK_DEPENDS "${SERVICELENS_PLUGIN_MAP}")
  target_link_options(${name} PRIVATE "LINKER:--version-script=${SERVICELENS_PLUGIN_MAP}" "LINKER:-z,defs")
  if(COMMAND servicelens_warnings)   # this repository's own warning set
    servicelens_warnings(${name})
  endif()
endfunction()
