// A host-owned copy of a plugin's descriptor, safe to keep after the
// library is unloaded.
#pragma once

#include "plugin_kind.hpp"

#include <servicelens/factory.h>

#include <filesystem>
#include <string>
#include <vector>

namespace servicelens::host {

struct PluginDescriptor {
    PluginKind kind;
    std::filesystem::path file;
    std::string id;
    std::string name;
    std::string version;
    std::string vendor;
    std::string description;
    std::string config_schema;     // JSON text; empty: no configuration
    std::vector<std::string> emits;
    bool thread_safe = false;

    // Copies `c`; throws std::invalid_argument naming what is malformed
    // (a struct_size too small for ABI 1.0, an empty id, a NULL emits list).
    static PluginDescriptor copy_from(const sl_plugin_descriptor_t &c, PluginKind kind,
                                      const std::filesystem::path &file);
};

} // namespace servicelens::host
