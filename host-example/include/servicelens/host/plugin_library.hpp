// One loaded plugin library: opened with Boost.DLL (RTLD_LOCAL), its entry
// checked against the host's ABI version and initialised. Destruction calls
// deinit and unloads the file, unless it was loaded with never_unload.
//
//     PluginLibrary library("plugins/email-domain.so");
//     for (const PluginDescriptor &d : library.descriptors()) ...
#pragma once

#include "plugin_descriptor.hpp"
#include "plugin_kind.hpp"

#include <servicelens/entry.h>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace servicelens::host {

// Why a library cannot be used; the message names the file.
class PluginLoadError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct LoadOptions {
    // Keep the code mapped after destruction (RTLD_NODELETE). For plugins
    // that start threads they cannot join, and for leak reports with symbols.
    bool never_unload = false;
};

class PluginLibrary {
public:
    // Throws PluginLoadError when the file cannot be loaded, lacks the entry
    // symbol, was built for an incompatible ABI, has a malformed entry or
    // descriptors, or fails init.
    explicit PluginLibrary(const std::filesystem::path &file, LoadOptions options = {});
    ~PluginLibrary();

    PluginLibrary(const PluginLibrary &) = delete;
    PluginLibrary &operator=(const PluginLibrary &) = delete;

    const std::filesystem::path &file() const noexcept { return file_; }
    sl_version_t abi_version() const noexcept { return entry_->abi_version; }
    const sl_plugin_entry_t &entry() const noexcept { return *entry_; }

    // The library's factory for `kind`, or nullptr when it has none.
    const sl_plugin_factory_t *factory(PluginKind kind) const noexcept;

    // Every plugin of every kind in the library, copied at load time.
    const std::vector<PluginDescriptor> &descriptors() const noexcept { return descriptors_; }

    // The descriptor with `id`, or nullptr.
    const PluginDescriptor *find(std::string_view id) const noexcept;

private:
    void read_descriptors();

    std::filesystem::path file_;
    boost::dll::shared_library library_;
    const sl_plugin_entry_t *entry_ = nullptr;
    std::vector<PluginDescriptor> descriptors_;
};

} // namespace servicelens::host
