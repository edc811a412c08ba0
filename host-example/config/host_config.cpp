#include <servicelens/config/host_config.hpp>
#include <servicelens/config/schema_check.hpp>
#include <servicelens/config/secrets.hpp>

#include <fmt/format.h>

#include <charconv>
#include <set>

namespace servicelens::config {

namespace {

using nlohmann::json;

// Auth fields that hold secrets: shown masked, kept out of logs.
// Keys whose values are credentials wherever they stand: in a connector's
// auth, or in a plugin's own config section.
const std::set<std::string> secret_fields = {"password", "token", "client_secret", "api_key", "secret"};

// Masks literal credentials (references are shown as written: they are not
// the secret).
void mask_literal_secrets(json &node)
{
    if (node.is_array())
        for (json &item : node) mask_literal_secrets(item);
    if (!node.is_object()) return;
    for (auto &[key, value] : node.items()) {
        if (secret_fields.count(key) && value.is_string() && !has_secret_reference(value.get<std::string>()))
            value = "********";
        else
            mask_literal_secrets(value);
    }
}

// Every credential's value, literal or resolved, for the logs to scrub.
void collect_credentials(const json &node, std::vector<std::string> &secrets)
{
    if (node.is_array())
        for (const json &item : node) collect_credentials(item, secrets);
    if (!node.is_object()) return;
    for (const auto &[key, value] : node.items()) {
        if (secret_fields.count(key) && value.is_string() && !value.get<std::string>().empty()) {
            if (std::find(secrets.begin(), secrets.end(), value.get<std::string>()) == secrets.end())
                secrets.push_back(value.get<std::string>());
        } else {
            collect_credentials(value, secrets);
        }
    }
}

const json *fetch_builtin(std::string_view uri) { return builtin_schema(uri); }

std::vector<std::string> names_of(const json &list)
{
    std::vector<std::string> names;
    for (const json &item : list) names.push_back(item.value("name", ""));
    return names;
}

void check_unique_names(const YamlDocument &doc, const char *section, std::vector<ConfigProblem> &problems)
{
    const json &list = doc.value.value(section, json::array());
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string name = list[i].value("name", "");
        if (auto [it, inserted] = first.emplace(name, i); !inserted)
            problems.push_back(doc.problem_at(fmt::format("/{}/{}/name", section, i),
                                              fmt::format("the name '{}' is already used by {}[{}] (line {}); names "
                                                          "must be unique",
                                                          name, section, it->second,
                                                          doc.location_of(fmt::format("/{}/{}", section, it->second)).line)));
    }
}

void check_pipeline_references(const YamlDocument &doc, std::vector<ConfigProblem> &problems)
{
    const std::vector<std::string> instances = names_of(doc.value.value("plugins", json::array()));
    const std::vector<std::string> connectors = names_of(doc.value.value("connectors", json::array()));
    const json &pipeline = doc.value.value("pipeline", json::array());
    const auto unknown = [&](const std::string &pointer, const std::string &name, const std::vector<std::string> &known,
                             const char *what, const char *section) {
        const std::string guess = closest_match(name, known);
        problems.push_back(doc.problem_at(
            pointer, guess.empty() ? fmt::format("no {} is named '{}'; the {} section defines: {}", what, name, section,
                                                 known.empty() ? "none" : fmt::format("{}", fmt::join(known, ", ")))
                                   : fmt::format("no {} is named '{}'; did you mean '{}'?", what, name, guess)));
    };
    for (std::size_t i = 0; i < pipeline.size(); ++i) {
        const json &rule = pipeline[i];
        const json &run = rule.value("run", json::array());
        for (std::size_t j = 0; j < run.size(); ++j)
            if (std::find(instances.begin(), instances.end(), run[j].get<std::string>()) == instances.end())
                unknown(fmt::format("/pipeline/{}/run/{}", i, j), run[j], instances, "plugin instance", "plugins");
        if (rule.contains("connector"))
            if (const std::string name = rule["connector"];
                std::find(connectors.begin(), connectors.end(), name) == connectors.end())
                unknown(fmt::format("/pipeline/{}/connector", i), name, connectors, "connector", "connectors");
        if (rule.contains("write_back") && connectors.empty())
            problems.push_back(doc.problem_at(fmt::format("/pipeline/{}/write_back", i),
                                              "results can only be written back through a connector, and none is defined"));
    }
}

// Durations pass the schema's pattern but may still overflow or be absurd.
void check_durations(const YamlDocument &doc, std::vector<ConfigProblem> &problems)
{
    const auto check = [&](const std::string &pointer) {
        const json *value = nullptr;
        try {
            value = &doc.value.at(json::json_pointer(pointer));
        } catch (const json::exception &) {
            return;
        }
        const auto duration = parse_duration(value->get<std::string>());
        if (!duration || *duration > std::chrono::hours(24 * 30))
            problems.push_back(doc.problem_at(pointer, fmt::format("expected a duration of at most 30d, found '{}'",
                                                                   value->get<std::string>())));
    };
    check("/schedule/interval");
    const json &connectors = doc.value.value("connectors", json::array());
    for (std::size_t i = 0; i < connectors.size(); ++i) check(fmt::format("/connectors/{}/timeout", i));
}

std::filesystem::path anchored(const std::filesystem::path &base, const std::string &path)
{
    const std::filesystem::path p(path);
    return p.is_relative() ? (base / p).lexically_normal() : p;
}

// The file as written, with literal secrets masked and defaults filled in.
json effective_config(const YamlDocument &doc, const HostConfig &config)
{
    json effective = doc.value;
    mask_literal_secrets(effective);
    effective["plugin_dirs"] = json::array();
    for (const auto &dir : config.plugin_dirs) effective["plugin_dirs"].push_back(dir.string());
    effective["state_store"]["path"] = config.state_store.string();
    json &schedule = effective["schedule"];
    if (!schedule.contains("interval")) schedule["interval"] = "5m";
    schedule["batch_size"] = config.batch_size;
    schedule["workers"] = config.workers;
    effective["logging"]["level"] = config.log_level;
    effective["logging"]["format"] = config.log_format;
    if (!effective.contains("connectors")) effective["connectors"] = json::array();
    for (json &connector : effective["connectors"]) {
        if (connector["kind"] == "local") continue;
        if (!connector.contains("timeout")) connector["timeout"] = "30s";
        if (!connector.contains("verify_tls")) connector["verify_tls"] = true;
    }
    if (!effective.contains("pipeline")) effective["pipeline"] = json::array();
    return effective;
}

void read_typed(const json &v, const std::filesystem::path &base, HostConfig &config)
{
    for (std::size_t i = 0; i < v["plugins"].size(); ++i) {
        const json &p = v["plugins"][i];
        config.plugins.push_back({p["name"], p["plugin"], p.value("config", json::object()), fmt::format("/plugins/{}", i)});
    }
    for (const json &c : v.value("connectors", json::array())) {
        ConnectorConfig connector;
        connector.name = c["name"];
        connector.kind = c["kind"];
        connector.base_url = c.value("base_url", "");
        if (c.contains("path")) connector.path = anchored(base, c["path"]);
        if (c.contains("auth"))
            for (const auto &[key, value] : c["auth"].items()) {
                if (key == "type") connector.auth.type = value;
                else connector.auth.fields[key] = value.get<std::string>();
            }
        if (c.contains("requests_per_second")) connector.requests_per_second = c["requests_per_second"].get<double>();
        if (c.contains("timeout")) connector.timeout = *parse_duration(c["timeout"].get<std::string>());
        if (c.contains("ca_bundle")) connector.ca_bundle = anchored(base, c["ca_bundle"]);
        connector.verify_tls = c.value("verify_tls", true);
        connector.page_size = c.value("page_size", 100);
        connector.filter = c.value("filter", "");
        connector.display_values = c.value("display_values", false);
        config.connectors.push_back(std::move(connector));
    }
    for (const json &r : v.value("pipeline", json::array())) {
        PipelineRule rule{r["on"], r.value("connector", ""), r["run"].get<std::vector<std::string>>(), std::nullopt};
        if (r.contains("write_back")) {
            const json &w = r["write_back"];
            rule.write_back = WriteBack{w["as"], w.value("field", ""), w.value("template", "")};
        }
        config.pipeline.push_back(std::move(rule));
    }
    const json &schedule = v.value("schedule", json::object());
    if (schedule.contains("interval")) config.interval = *parse_duration(schedule["interval"].get<std::string>());
    config.batch_size = schedule.value("batch_size", config.batch_size);
    config.workers = schedule.value("workers", config.workers);
    const json &logging = v.value("logging", json::object());
    config.log_level = logging.value("level", config.log_level);
    config.log_format = logging.value("format", config.log_format);
    const json &store = v.value("state_store", json::object());
    config.state_store = anchored(base, store.value("path", "servicelens-state.db"));
}

void choose_plugin_dirs(const YamlDocument &doc, const std::filesystem::path &base, const LoadOptions &options,
                        HostConfig &config, std::vector<ConfigProblem> &problems)
{
    if (!options.plugin_dirs.empty()) {
        config.plugin_dirs = options.plugin_dirs;
        return;
    }
    const json &dirs = doc.value.value("plugin_dirs", json::array());
    for (std::size_t i = 0; i < dirs.size(); ++i) {
        const auto dir = anchored(base, dirs[i]);
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec))
            problems.push_back(doc.problem_at(fmt::format("/plugin_dirs/{}", i),
                                              fmt::format("{} is not a directory", dir.string())));
        config.plugin_dirs.push_back(dir);
    }
    if (config.plugin_dirs.empty()) config.plugin_dirs = options.default_plugin_dirs;
}

HostConfig build(YamlDocument doc, const std::filesystem::path &file, const LoadOptions &options)
{
    std::vector<ConfigProblem> problems;
    for (const SchemaViolation &v : check_against_schema(*builtin_schema("config.schema.json"), doc.value, fetch_builtin))
        problems.push_back(doc.problem_at(v.pointer, v.message, v.about_key));
    // Reading typed values needs the right structure: stop here otherwise.
    if (!problems.empty()) throw ConfigError(std::move(problems));

    check_unique_names(doc, "plugins", problems);
    check_unique_names(doc, "connectors", problems);
    check_pipeline_references(doc, problems);
    check_durations(doc, problems);

    const std::filesystem::path base = std::filesystem::absolute(file).parent_path();
    json resolved = doc.value;
    SecretResolver secrets(base);
    secrets.resolve(resolved, doc, problems);

    HostConfig config;
    config.file = file;
    choose_plugin_dirs(doc, base, options, config, problems);
    if (!problems.empty()) throw ConfigError(std::move(problems));

    read_typed(resolved, base, config);
    config.secrets = secrets.values();
    collect_credentials(resolved, config.secrets);   // literal ones too: still never shown
    config.effective = effective_config(doc, config);
    config.document = std::move(doc);
    return config;
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text)
{
    long long amount = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), amount);
    if (error != std::errc() || end == text.data() || amount < 0 || amount > 1'000'000'000'000LL) return std::nullopt;
    const std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    static const std::map<std::string_view, long long> ms_per_unit = {
        {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
    const auto it = ms_per_unit.find(unit);
    if (it == ms_per_unit.end()) return std::nullopt;
    return std::chrono::milliseconds(amount * it->second);
}

HostConfig parse_host_config(std::string_view text, const std::filesystem::path &file, const LoadOptions &options)
{
    return build(parse_yaml(text, file.string()), file, options);
}

HostConfig load_host_config(const std::filesystem::path &file, const LoadOptions &options)
{
    return build(load_yaml_file(file), file, options);
}

} // namespace servicelens::config
