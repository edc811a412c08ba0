// Every plugin the host can use: the libraries found in the configured
// directories, and the files it refused with the reason.
#pragma once

#include "plugin_descriptor.hpp"
#include "plugin_library.hpp"

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace servicelens::host {

struct RefusedPlugin {
    std::filesystem::path file;
    std::string reason;
};

class PluginRegistry {
public:
    explicit PluginRegistry(LoadOptions options = {}) : options_(options) {}

    // Loads every *.so directly in `directory` (sorted by name, so the order
    // is the same on every run). A file that fails to load is recorded in
    // refused(), never thrown. Throws std::runtime_error when `directory`
    // does not exist or is not a directory.
    void scan(const std::filesystem::path &directory);

    // Loads one file; throws PluginLoadError, and also records it in refused().
    const PluginLibrary &load(const std::filesystem::path &file);

    const std::vector<std::unique_ptr<PluginLibrary>> &libraries() const noexcept { return libraries_; }
    const std::vector<RefusedPlugin> &refused() const noexcept { return refused_; }

    // Every descriptor, in load order.
    std::vector<const PluginDescriptor *> descriptors() const;

    // The library offering plugin `id`, or nullptr.
    const PluginLibrary *library_of(std::string_view id) const noexcept;

private:
    LoadOptions options_;
    std::vector<std::unique_ptr<PluginLibrary>> libraries_;
    std::vector<RefusedPlugin> refused_;
};

} // namespace servicelens::host
