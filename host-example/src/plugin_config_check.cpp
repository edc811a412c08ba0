#include <servicelens/host/plugin_config_check.hpp>

#include <servicelens/config/schema_check.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace servicelens::host {

std::vector<config::ConfigProblem> check_plugin_instances(const config::HostConfig &cfg, PluginRegistry &registry)
{
    const config::YamlDocument &doc = cfg.document;
    std::vector<config::ConfigProblem> problems;
    for (const auto &dir : cfg.plugin_dirs) {
        try {
            registry.scan(dir);
        } catch (const std::exception &e) {
            problems.push_back(doc.problem_at("/plugin_dirs", e.what()));
        }
    }
    std::vector<std::string> known;
    for (const PluginDescriptor *d : registry.descriptors()) known.push_back(d->id);

    for (const config::PluginInstanceConfig &instance : cfg.plugins) {
        const PluginLibrary *library = registry.library_of(instance.plugin_id);
        if (!library) {
            const std::string guess = config::closest_match(instance.plugin_id, known);
            std::string searched;
            for (const auto &dir : cfg.plugin_dirs) searched += (searched.empty() ? "" : ", ") + dir.string();
            std::string message = fmt::format("no plugin '{}' in {}", instance.plugin_id,
                                              searched.empty() ? std::string("any plugin directory") : searched);
            message += guess.empty() ? "; `servicelens plugins list` shows what there is"
                                     : fmt::format("; did you mean '{}'?", guess);
            for (const RefusedPlugin &r : registry.refused()) message += "\n    (refused: " + r.reason + ")";
            problems.push_back(doc.problem_at(instance.pointer + "/plugin", message));
            continue;
        }
        const PluginDescriptor &d = *library->find(instance.plugin_id);
        if (d.config_schema.empty()) continue;
        const auto schema = nlohmann::json::parse(d.config_schema, nullptr, false);
        if (schema.is_discarded()) {
            problems.push_back(doc.problem_at(instance.pointer + "/plugin",
                                              fmt::format("plugin '{}' has a config schema that is not JSON (a plugin bug)", d.id)));
            continue;
        }
        // Check what the admin wrote (references unresolved), so no message can show a secret.
        const std::string config_pointer = instance.pointer + "/config";
        nlohmann::json written = nlohmann::json::object();
        if (doc.value.contains(nlohmann::json::json_pointer(config_pointer)))
            written = doc.value.at(nlohmann::json::json_pointer(config_pointer));
        for (const config::SchemaViolation &v : config::check_against_schema(schema, written))
            problems.push_back(doc.problem_at(config_pointer + v.pointer,
                                              fmt::format("{} (plugin {}'s config schema)", v.message, d.id), v.about_key));
    }
    return problems;
}

} // namespace servicelens::host
