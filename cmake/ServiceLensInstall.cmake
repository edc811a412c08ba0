# `cmake --install` and the package config: headers, the host library, the
# CLI and the conformance kit, the reference plugins, the JSON Schemas, the
# CMake package (find_package(ServiceLens)) and servicelens-sdk.pc.
#
# Components, one per Debian package (cmake/ServiceLensPackaging.cmake):
#   sdk       headers, static host libraries, CMake and pkg-config files, the kit
#   host      the servicelens CLI and the JSON Schemas
#   plugins   the reference plugins
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SERVICELENS_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ServiceLens")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/sdk/include/servicelens" "${PROJECT_SOURCE_DIR}/host-example/include/servicelens"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT sdk)

set_target_properties(servicelens_sdk PROPERTIES EXPORT_NAME sdk)
set_target_properties(servicelens_host PROPERTIES EXPORT_NAME host)
set_target_properties(servicelens_config PROPERTIES EXPORT_NAME config)
set_target_properties(servicelens_store PROPERTIES EXPORT_NAME store)
install(TARGETS servicelens_sdk EXPORT ServiceLensSdkTargets COMPONENT sdk)
install(TARGETS servicelens_host servicelens_config servicelens_store EXPORT ServiceLensHostTargets
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT sdk)
install(EXPORT ServiceLensSdkTargets NAMESPACE ServiceLens:: DESTINATION "${SERVICELENS_CMAKE_DIR}" COMPONENT sdk)
install(EXPORT ServiceLensHostTargets NAMESPACE ServiceLens:: DESTINATION "${SERVICELENS_CMAKE_DIR}" COMPONENT sdk)

configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/ServiceLensConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/ServiceLensConfig.cmake"
                              INSTALL_DESTINATION "${SERVICELENS_CMAKE_DIR}")
# 1.x promises plugins built against 1.x load in every later 1.y.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/ServiceLensConfigVersion.cmake"
                                 COMPATIBILITY SameMajorVersion)
install(FILES "${PROJECT_BINARY_DIR}/ServiceLensConfig.cmake" "${PROJECT_BINARY_DIR}/ServiceLensConfigVersion.cmake"
              "${PROJECT_SOURCE_DIR}/cmake/ServiceLensPlugin.cmake" "${PROJECT_SOURCE_DIR}/cmake/servicelens-plugin.map"
        DESTINATION "${SERVICELENS_CMAKE_DIR}" COMPONENT sdk)
# pkg-config users link plugins with the same version script.
install(FILES "${PROJECT_SOURCE_DIR}/cmake/servicelens-plugin.map"
        DESTINATION "${CMAKE_INSTALL_DATADIR}/servicelens" COMPONENT sdk)
file(RELATIVE_PATH SERVICELENS_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
configure_file("${PROJECT_SOURCE_DIR}/cmake/servicelens-sdk.pc.in" "${PROJECT_BINARY_DIR}/servicelens-sdk.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/servicelens-sdk.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
        COMPONENT sdk)

install(TARGETS servicelens RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT host)
install(TARGETS servicelens-plugin-check RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT sdk)
file(GLOB servicelens_schema_files "${PROJECT_SOURCE_DIR}/schemas/*.schema.json")
install(FILES ${servicelens_schema_files} DESTINATION "${CMAKE_INSTALL_DATADIR}/servicelens/schemas" COMPONENT host)

get_property(servicelens_reference_plugins GLOBAL PROPERTY SERVICELENS_REFERENCE_PLUGINS)
install(TARGETS ${servicelens_reference_plugins} LIBRARY DESTINATION "${SERVICELENS_INSTALL_PLUGIN_DIR}"
        COMPONENT plugins)
