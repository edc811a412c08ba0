// `servicelens config validate|show FILE`: check an admin's servicelens.yaml
// the way the host will read it, and print what the host will use.
#include "commands.hpp"

#include <servicelens/config/host_config.hpp>
#include <servicelens/host/logging.hpp>
#include <servicelens/host/plugin_config_check.hpp>
#include <servicelens/host/plugin_registry.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

#include <memory>

namespace servicelens::cli {

namespace {

struct ConfigOptions {
    std::filesystem::path file;
    std::vector<std::filesystem::path> plugin_dirs;
    bool skip_plugins = false;
    std::string format = "yaml";
};

YAML::Node to_yaml(const nlohmann::json &j)
{
    switch (j.type()) {
    case nlohmann::json::value_t::object: {
        YAML::Node node(YAML::NodeType::Map);
        for (const auto &[key, value] : j.items()) node[key] = to_yaml(value);
        return node;
    }
    case nlohmann::json::value_t::array: {
        YAML::Node node(YAML::NodeType::Sequence);
        for (const auto &value : j) node.push_back(to_yaml(value));
        return node;
    }
    case nlohmann::json::value_t::string: return YAML::Node(j.get<std::string>());
    case nlohmann::json::value_t::null: return YAML::Node(YAML::NodeType::Null);
    default: return YAML::Node(j.dump());
    }
}

// Loads and checks everything; throws CommandFailed(2) listing every problem.
config::HostConfig load_checked(const ConfigOptions &options, const GlobalOptions &global)
{
    const auto log = host::logger_for("servicelens");
    log->debug("reading {}", options.file.string());
    config::HostConfig cfg;
    try {
        cfg = config::load_host_config(options.file, {options.plugin_dirs, default_plugin_dirs()});
    } catch (const config::ConfigError &e) {
        throw CommandFailed(exit_bad_input, fmt::format("{}\n{} problem(s) in {}", e.what(), e.problems().size(),
                                                        options.file.string()));
    }
    host::redact_in_logs(cfg.secrets);
    log->trace("effective configuration: {}", cfg.effective.dump());
    if (!options.skip_plugins) {
        host::PluginRegistry registry(global.load);
        const auto problems = host::check_plugin_instances(cfg, registry);
        log->debug("{} plugin(s) found in {} folder(s)", registry.descriptors().size(), cfg.plugin_dirs.size());
        if (!problems.empty()) {
            std::string text;
            for (const auto &p : problems) text += p.to_string() + "\n";
            throw CommandFailed(exit_bad_input,
                                fmt::format("{}{} problem(s) in {}", text, problems.size(), options.file.string()));
        }
    }
    return cfg;
}

} // namespace

void add_config_command(CLI::App &app, const GlobalOptions &global)
{
    CLI::App *cmd = app.add_subcommand("config", "Check and show the host's YAML configuration");
    cmd->require_subcommand(1);
    auto options = std::make_shared<ConfigOptions>();
    const auto common = [&](CLI::App *sub) {
        sub->add_option("FILE", options->file, "The configuration, usually servicelens.yaml")
            ->required()
            ->check(CLI::ExistingFile);
        sub->add_option("--plugin-dir", options->plugin_dirs,
                        "Look for plugins here instead of the file's plugin_dirs (repeatable)")
            ->check(CLI::ExistingDirectory);
        sub->add_flag("--skip-plugins", options->skip_plugins,
                      "Do not load plugins: skip checking plugin ids and their config sections");
    };

    CLI::App *validate = cmd->add_subcommand(
        "validate", "Check FILE against the configuration schema, its own consistency, its secret references and "
                    "every plugin's config schema. Prints every problem with file:line:column and the YAML path. "
                    "Exit status 0 when valid, 2 when not.");
    common(validate);
    validate->callback([options, &global] {
        const config::HostConfig cfg = load_checked(*options, global);
        fmt::print("{}: valid ({} plugin instance(s), {} connector(s), {} pipeline rule(s))\n", options->file.string(),
                   cfg.plugins.size(), cfg.connectors.size(), cfg.pipeline.size());
    });

    CLI::App *show = cmd->add_subcommand(
        "show", "Print the effective configuration: FILE with defaults filled in; secrets appear as their "
                "${env:...}/${file:...} references or as ********, never as values");
    common(show);
    show->add_option("--format", options->format, "yaml or json")->check(CLI::IsMember({"yaml", "json"}))->capture_default_str();
    show->callback([options, &global] {
        const config::HostConfig cfg = load_checked(*options, global);
        if (options->format == "json") {
            fmt::print("{}\n", cfg.effective.dump(2));
        } else {
            YAML::Emitter out;
            out << to_yaml(cfg.effective);
            fmt::print("{}\n", out.c_str());
        }
    });
}

} // namespace servicelens::cli
