# Debian packages with CPack, one per install component:
#   servicelens-sdk-dev   headers, CMake and pkg-config files, static host library, the kit
#   servicelens           the host CLI and the JSON Schemas
#   servicelens-plugins   the reference plugins
# `cpack -G DEB` in a build folder writes them; dpkg-shlibdeps (dpkg-dev)
# works out the runtime dependencies of the binaries.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME servicelens)
set(CPACK_PACKAGE_VENDOR "ServiceLens")
set(CPACK_PACKAGE_CONTACT "ServiceLens maintainers <maintainers@servicelens.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL sdk host plugins)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)

set(servicelens_same_major "servicelens (>= ${PROJECT_VERSION}), servicelens (<< ${PROJECT_VERSION_MAJOR}.99)")

set(CPACK_DEBIAN_HOST_PACKAGE_NAME servicelens)
set(CPACK_COMPONENT_HOST_DESCRIPTION
    "ServiceLens host: loads context, sentiment and report plugins, syncs a service desk, renders reports")

set(CPACK_DEBIAN_PLUGINS_PACKAGE_NAME servicelens-plugins)
set(CPACK_DEBIAN_PLUGINS_PACKAGE_DEPENDS "${servicelens_same_major}")
set(CPACK_COMPONENT_PLUGINS_DESCRIPTION "ServiceLens reference plugins, one of each kind and one in plain C")

# The host library is static, so a project that links it needs the
# development packages of what it uses; a plugin needs none of them.
set(CPACK_DEBIAN_SDK_PACKAGE_NAME servicelens-sdk-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS
    "${servicelens_same_major}, libboost-dev, libboost-filesystem-dev, libspdlog-dev, libfmt-dev, nlohmann-json3-dev, libhowardhinnant-date-dev, libyaml-cpp-dev, libsqlite3-dev")
set(CPACK_COMPONENT_SDK_DESCRIPTION
    "ServiceLens SDK: C99 plugin ABI headers, header-only C++ layer, CMake package, pkg-config file, conformance kit")

include(CPack)
