#include "commands.hpp"

#include <servicelens/host/abi_compat.hpp>
#include <servicelens/host/plugin_library.hpp>
#include <servicelens/host/plugin_registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>

namespace servicelens::cli {

namespace {

nlohmann::json to_json(const host::PluginDescriptor &d, sl_version_t abi)
{
    nlohmann::json schema = nullptr;
    if (!d.config_schema.empty()) schema = nlohmann::json::parse(d.config_schema, nullptr, false);
    return {{"id", d.id},
            {"kind", host::kind_name(d.kind)},
            {"name", d.name},
            {"version", d.version},
            {"vendor", d.vendor},
            {"description", d.description},
            {"abi_version", host::to_string(abi)},
            {"thread_safe", d.thread_safe},
            {"emits", d.emits},
            {"config_schema", schema.is_discarded() ? nlohmann::json(d.config_schema) : schema},
            {"file", d.file.string()}};
}

struct ListOptions {
    std::vector<std::filesystem::path> dirs;
    bool json = false;
};

void list_plugins(const ListOptions &options, const host::LoadOptions &load)
{
    const auto dirs = options.dirs.empty() ? default_plugin_dirs() : options.dirs;
    if (dirs.empty())
        throw CommandFailed(exit_bad_input, "no plugin directory: pass --dir DIR or set SERVICELENS_PLUGIN_PATH");
    host::PluginRegistry registry(load);
    for (const auto &dir : dirs) {
        try {
            registry.scan(dir);
        } catch (const std::runtime_error &e) {
            throw CommandFailed(exit_bad_input, e.what());
        }
    }

    if (options.json) {
        nlohmann::json out = {{"plugins", nlohmann::json::array()}, {"refused", nlohmann::json::array()}};
        for (const auto &library : registry.libraries())
            for (const auto &d : library->descriptors()) out["plugins"].push_back(to_json(d, library->abi_version()));
        for (const auto &r : registry.refused())
            out["refused"].push_back({{"file", r.file.string()}, {"reason", r.reason}});
        fmt::print("{}\n", out.dump(2));
        return;
    }

    std::size_t id_width = 2, name_width = 4;
    for (const auto *d : registry.descriptors()) {
        id_width = std::max(id_width, d->id.size());
        name_width = std::max(name_width, d->name.size());
    }
    fmt::print("{:<{}}  {:<9}  {:<8}  {:<{}}  {}\n", "ID", id_width, "KIND", "VERSION", "NAME", name_width, "FILE");
    for (const auto *d : registry.descriptors())
        fmt::print("{:<{}}  {:<9}  {:<8}  {:<{}}  {}\n", d->id, id_width, host::kind_name(d->kind), d->version, d->name,
                   name_width, d->file.filename().string());
    std::string searched;
    for (const auto &dir : dirs) searched += (searched.empty() ? "" : ", ") + dir.string();
    fmt::print("\n{} plugin(s) in {} librar{} from {}\n", registry.descriptors().size(), registry.libraries().size(),
               registry.libraries().size() == 1 ? "y" : "ies", searched);
    for (const auto &r : registry.refused()) fmt::print(stderr, "refused: {}\n", r.reason);
}

void inspect_plugin(const std::filesystem::path &file, bool json, const host::LoadOptions &load)
{
    std::unique_ptr<host::PluginLibrary> library;
    try {
        library = std::make_unique<host::PluginLibrary>(file, load);
    } catch (const host::PluginLoadError &e) {
        throw CommandFailed(exit_bad_input, e.what());
    }
    if (json) {
        nlohmann::json out = {{"file", file.string()},
                              {"abi_version", host::to_string(library->abi_version())},
                              {"plugins", nlohmann::json::array()}};
        for (const auto &d : library->descriptors()) out["plugins"].push_back(to_json(d, library->abi_version()));
        fmt::print("{}\n", out.dump(2));
        return;
    }
    fmt::print("file         {}\nABI version  {} (host {})\n", file.string(), host::to_string(library->abi_version()),
               host::to_string(host::host_abi_version));
    for (const auto &d : library->descriptors()) {
        fmt::print("\n{}\n", d.id);
        fmt::print("  kind         {} ({})\n", host::kind_name(d.kind), host::factory_id(d.kind));
        fmt::print("  name         {}\n  version      {}\n  vendor       {}\n", d.name, d.version, d.vendor);
        fmt::print("  description  {}\n", d.description);
        fmt::print("  threads      {}\n", d.thread_safe ? "one instance may be shared by threads"
                                                       : "one instance per thread (calls serialized)");
        fmt::print("  emits        {}\n", d.emits.empty() ? "(nothing declared)" : fmt::format("{}", fmt::join(d.emits, ", ")));
        const auto schema = nlohmann::json::parse(d.config_schema.empty() ? "null" : d.config_schema, nullptr, false);
        fmt::print("  config schema\n{}\n", schema.is_discarded() ? "    (not valid JSON: " + d.config_schema + ")"
                                                                   : "    " + schema.dump(2));
    }
}

} // namespace

void add_plugins_command(CLI::App &app, const GlobalOptions &global)
{
    CLI::App *plugins = app.add_subcommand("plugins", "Find and describe plugins");
    plugins->require_subcommand(1);

    auto list_options = std::make_shared<ListOptions>();
    CLI::App *list = plugins->add_subcommand(
        "list", "Load every plugin library in the plugin directories and list what each offers; files that cannot "
                "be used are listed with the reason (wrong ABI version, missing entry symbol, ...)");
    list->add_option("--dir", list_options->dirs, "A plugin directory (repeatable); default: $SERVICELENS_PLUGIN_PATH "
                                                  "or the plugins folder next to this program")
        ->check(CLI::ExistingDirectory);
    list->add_flag("--json", list_options->json, "Print JSON instead of a table");
    list->callback([list_options, &global] { list_plugins(*list_options, global.load); });

    auto file = std::make_shared<std::filesystem::path>();
    auto json = std::make_shared<bool>(false);
    CLI::App *inspect = plugins->add_subcommand(
        "inspect", "Describe the plugins in one library (kind, version, config schema, emitted keys, ABI version) "
                   "without creating an instance");
    inspect->add_option("FILE", *file, "The plugin library (.so)")->required()->check(CLI::ExistingFile);
    inspect->add_flag("--json", *json, "Print JSON instead of text");
    inspect->callback([file, json, &global] { inspect_plugin(*file, *json, global.load); });
}

} // namespace servicelens::cli
