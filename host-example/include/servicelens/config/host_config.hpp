// The host's configuration (servicelens.yaml), loaded, validated against
// schemas/config.schema.json, checked for consistency, and with its secret
// references resolved.
//
//     const HostConfig config = load_host_config("servicelens.yaml");
//     for (const PluginInstanceConfig &instance : config.plugins) ...
//
// Plugin configs are checked against each plugin's own schema by the host
// (check_plugin_instances in plugin_config_check.hpp), which can load them.
#pragma once

#include "config_problem.hpp"
#include "yaml_document.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace servicelens::config {

struct PluginInstanceConfig {
    std::string name;
    std::string plugin_id;
    nlohmann::json config = nlohmann::json::object();   // secrets resolved
    std::string pointer;                                  // "/plugins/2", for problems
};

struct AuthConfig {
    std::string type = "none";
    std::map<std::string, std::string> fields;   // username, password, token, ... (secrets resolved)
};

struct ConnectorConfig {
    std::string name;
    std::string kind;              // local, servicenow, jira, zendesk, rt
    std::string base_url;
    std::filesystem::path path;    // local store
    AuthConfig auth;
    std::optional<double> requests_per_second;
    std::chrono::milliseconds timeout{30000};
    std::filesystem::path ca_bundle;
    bool verify_tls = true;
    int page_size = 100;           // records per HTTP page when listing
    std::string filter;            // vendor query ANDed with the change query
    bool display_values = false;   // ServiceNow reference fields as display values
};

struct WriteBack {
    std::string as;                // work_note, field, tag
    std::string field;
    std::string text_template;
};

struct PipelineRule {
    std::string on;                // incident_changed, comment_added, survey_answered, schedule
    std::string connector;         // empty: every connector
    std::vector<std::string> run;  // plugin instance names
    std::optional<WriteBack> write_back;
};

struct HostConfig {
    std::filesystem::path file;
    std::vector<std::filesystem::path> plugin_dirs;
    std::vector<PluginInstanceConfig> plugins;
    std::vector<ConnectorConfig> connectors;
    std::vector<PipelineRule> pipeline;
    std::filesystem::path state_store;
    std::chrono::milliseconds interval{std::chrono::minutes(5)};
    int batch_size = 1000;
    int workers = 2;
    std::string log_level = "info";
    std::string log_format = "text";

    // Every secret value, for redaction; never print these.
    std::vector<std::string> secrets;
    // The configuration as written, with defaults filled in and every
    // secret shown as its reference or as "********": what `config show` prints.
    nlohmann::json effective;
    // Where each value came from, for problems found later (plugin configs).
    YamlDocument document;
};

struct LoadOptions {
    // Replaces the file's plugin_dirs when not empty (the CLI's --plugin-dir).
    std::vector<std::filesystem::path> plugin_dirs;
    // Used when neither the file nor plugin_dirs names one.
    std::vector<std::filesystem::path> default_plugin_dirs;
};

// Throws ConfigError with every problem found.
HostConfig load_host_config(const std::filesystem::path &file, const LoadOptions &options = {});

// The same from text already in memory (tests, the fuzzer); `file` names it
// in messages and anchors relative paths.
HostConfig parse_host_config(std::string_view text, const std::filesystem::path &file, const LoadOptions &options = {});

// "30s" -> 30000 ms; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

} // namespace servicelens::config
