#include <servicelens/host/plugin_registry.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace servicelens::host {

void PluginRegistry::scan(const std::filesystem::path &directory)
{
    std::error_code ec;
    if (!std::filesystem::is_directory(directory, ec))
        throw std::runtime_error(fmt::format("plugin directory '{}' does not exist or is not a directory",
                                             directory.string()));
    std::vector<std::filesystem::path> files;
    for (const auto &item : std::filesystem::directory_iterator(directory))
        if (item.is_regular_file() && item.path().extension() == ".so") files.push_back(item.path());
    std::sort(files.begin(), files.end());
    for (const auto &file : files) {
        try {
            load(file);
        } catch (const PluginLoadError &) {
            // recorded in refused_
        }
    }
}

const PluginLibrary &PluginRegistry::load(const std::filesystem::path &file)
{
    try {
        auto library = std::make_unique<PluginLibrary>(file, options_);
        for (const PluginDescriptor &d : library->descriptors())
            if (const PluginLibrary *other = library_of(d.id))
                throw PluginLoadError(fmt::format("{}: refused: plugin id '{}' is already provided by {}",
                                                  file.string(), d.id, other->file().string()));
        libraries_.push_back(std::move(library));
        return *libraries_.back();
    } catch (const PluginLoadError &e) {
        refused_.push_back({file, e.what()});
        throw;
    }
}

std::vector<const PluginDescriptor *> PluginRegistry::descriptors() const
{
    std::vector<const PluginDescriptor *> all;
    for (const auto &library : libraries_)
        for (const PluginDescriptor &d : library->descriptors()) all.push_back(&d);
    return all;
}

const PluginLibrary *PluginRegistry::library_of(std::string_view id) const noexcept
{
    for (const auto &library : libraries_)
        if (library->find(id)) return library.get();
    return nullptr;
}

} // namespace servicelens::host
