// `servicelens report`: a report plugin over everything synced, rendered.
#include "commands.hpp"
#include "warning_limit.hpp"

#include <servicelens/config/host_config.hpp>
#include <servicelens/config/schema_check.hpp>
#include <servicelens/host/incident_json.hpp>
#include <servicelens/host/logging.hpp>
#include <servicelens/host/plugin_registry.hpp>
#include <servicelens/host/progress_display.hpp>
#include <servicelens/host/report_renderer.hpp>
#include <servicelens/host/report_runner.hpp>
#include <servicelens/host/servicenow_csv.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <memory>
#include <optional>
#include <unistd.h>
#include <sstream>

namespace servicelens::cli {

namespace {

struct ReportOptions {
    std::filesystem::path config = "servicelens.yaml";
    std::string plugin;              // instance name or plugin id
    std::string from, to;            // dates or ISO times; default: everything stored
    std::string time_zone;
    std::vector<std::string> formats = {"html", "md", "json", "csv"};
    std::filesystem::path out = "servicelens-report";
    std::filesystem::path csv;       // report on a ServiceNow export instead of the state store
};

sl_timestamp_t parse_date(const std::string &text, const char *option)
{
    if (auto t = host::parse_utc(text)) return *t;
    if (auto t = host::parse_utc(text + "T00:00:00Z")) return *t;
    throw CommandFailed(exit_bad_input, fmt::format("{} '{}': expected a date (2026-05-01) or a UTC time "
                                                    "(2026-05-01T08:00:00Z)", option, text));
}

// The instance to run: by instance name, else by plugin id; config from the file.
config::PluginInstanceConfig find_instance(const config::HostConfig &cfg, const std::string &wanted)
{
    std::vector<std::string> reports;
    for (const config::PluginInstanceConfig &i : cfg.plugins) {
        if (i.name == wanted || i.plugin_id == wanted) return i;
        reports.push_back(i.name);
    }
    const std::string guess = config::closest_match(wanted, reports);
    throw CommandFailed(exit_bad_input, fmt::format("no plugin instance '{}' in the configuration{}", wanted,
                                                    guess.empty() ? "" : fmt::format("; did you mean '{}'?", guess)));
}

void write_file(const std::filesystem::path &path, const std::string &content)
{
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw CommandFailed(exit_failure, "cannot write " + path.string());
}

// The configuration, or, for a report on an export with no configuration
// file, the default plugin folders and the plugin by id with its defaults.
config::HostConfig load_configuration(const ReportOptions &o)
{
    if (!o.csv.empty() && !std::filesystem::exists(o.config)) {
        config::HostConfig cfg;
        cfg.plugin_dirs = default_plugin_dirs();
        config::PluginInstanceConfig instance;
        instance.name = o.plugin;
        instance.plugin_id = o.plugin;
        instance.config = nlohmann::json::object();
        cfg.plugins.push_back(instance);
        return cfg;
    }
    try {
        return config::load_host_config(o.config, {{}, default_plugin_dirs()});
    } catch (const config::ConfigError &e) {
        throw CommandFailed(exit_bad_input, e.what());
    }
}

nlohmann::json build_from_csv(const ReportOptions &o, host::ReportBuilderInstance &builder, const host::ReportPeriod &period)
{
    WarningLimit warnings;
    host::ServiceNowCsvStats stats;
    const std::vector<store::AttributeRecord> no_attributes;
    const std::vector<store::SentimentRecord> no_scores;
    host::ProgressDisplay progress("read " + o.csv.filename().string(), ::isatty(2));
    nlohmann::json document;
    try {
        document = host::build_report(
            [&](const host::IncidentVisitor &visit) {
                stats = host::read_servicenow_csv(
                    o.csv, "csv", [&](host::OwnedIncident &&i) { visit(std::move(i), no_attributes, no_scores); },
                    [&](const std::string &message) { warnings(message); },
                    [&](std::size_t done, std::size_t total) { progress.update(done, total); });
            },
            builder, period);
    } catch (const std::runtime_error &e) {
        if (dynamic_cast<const host::PluginCallError *>(&e)) throw;
        throw CommandFailed(exit_bad_input, e.what());
    }
    progress.finish(stats.incidents);
    warnings.finish();
    spdlog::info("{}: {} rows, {} incidents, {} rows skipped", o.csv.string(), stats.rows, stats.incidents, stats.skipped);
    return document;
}

void report(const ReportOptions &o, const GlobalOptions &global)
{
    const config::HostConfig cfg = load_configuration(o);
    host::redact_in_logs(cfg.secrets);
    apply_logging_settings(cfg, global);
    const config::PluginInstanceConfig instance = find_instance(cfg, o.plugin);
    host::PluginRegistry registry(global.load);
    for (const auto &dir : cfg.plugin_dirs) registry.scan(dir);
    const host::PluginLibrary *library = registry.library_of(instance.plugin_id);
    if (!library) throw CommandFailed(exit_bad_input, fmt::format("plugin '{}' is not in {}", instance.plugin_id,
                                                                  cfg.plugin_dirs.empty() ? "any plugin folder"
                                                                                          : cfg.plugin_dirs[0].string()));
    if (!o.csv.empty() && (o.from.empty() || o.to.empty()))
        throw CommandFailed(exit_bad_input, "--csv needs --from and --to (the report's period, e.g. --from 2025-01-01 "
                                            "--to 2026-01-01)");
    std::optional<store::StateStore> state;
    if (o.csv.empty()) {
        if (!std::filesystem::exists(cfg.state_store))
            throw CommandFailed(exit_bad_input,
                                fmt::format("{} does not exist yet: run `servicelens sync --once --config {}` first",
                                            cfg.state_store.string(), o.config.string()));
        state.emplace(cfg.state_store);
    }
    host::ReportPeriod period{0, 0, o.time_zone};
    if (o.from.empty() || o.to.empty()) {
        const auto stored = host::stored_period(*state);
        if (!stored) throw CommandFailed(exit_failure, "the state store holds no incident yet: sync first");
        period.from = stored->from;
        period.to = stored->to;
    }
    if (!o.from.empty()) period.from = parse_date(o.from, "--from");
    if (!o.to.empty()) period.to = parse_date(o.to, "--to");
    if (period.to <= period.from) throw CommandFailed(exit_bad_input, "--to must be after --from");

    host::ReportBuilderInstance builder(*library, {instance.plugin_id, instance.name, instance.config.dump(), {}});
    const nlohmann::json document =
        o.csv.empty() ? host::build_report(*state, builder, period) : build_from_csv(o, builder, period);
    // Renderers trust the document's shape: check it first, and say whose bug it is.
    const auto problems = config::check_against_schema(*config::builtin_schema("report.schema.json"), document);
    if (!problems.empty()) {
        std::string text = fmt::format("plugin {} wrote a report that does not follow schemas/report.schema.json "
                                       "(a plugin bug; tell its vendor):",
                                       instance.plugin_id);
        for (const auto &p : problems) text += fmt::format("\n  {}: {}", p.pointer.empty() ? "/" : p.pointer, p.message);
        throw CommandFailed(exit_failure, text);
    }

    std::filesystem::create_directories(o.out);
    std::vector<std::string> written;
    std::map<std::string, std::string> files;
    for (const std::string &format : o.formats) {
        if (format == "json") files["report.json"] = document.dump(2) + "\n";
        if (format == "md") files["report.md"] = host::render_markdown(document);
        if (format == "html") files["report.html"] = host::render_html(document);
        if (format == "csv") files.merge(host::render_csv(document));
    }
    for (const auto &[name, content] : files) {
        write_file(o.out / name, content);
        written.push_back(name);
    }
    fmt::print("{}: {} to {}\n", document.value("title", instance.name), host::format_utc(period.from),
               host::format_utc(period.to));
    for (const auto &file : written) fmt::print("  {}\n", (std::filesystem::absolute(o.out) / file).string());
}

} // namespace

void add_report_command(CLI::App &app, const GlobalOptions &global)
{
    auto o = std::make_shared<ReportOptions>();
    CLI::App *cmd = app.add_subcommand(
        "report", "Run a report plugin over the incidents and enrichment the sync stored, and render its document "
                  "as HTML (one self-contained file with charts), Markdown, JSON and CSV");
    cmd->add_option("--config", o->config, "The configuration")->capture_default_str()->check(CLI::ExistingFile);
    cmd->add_option("--plugin", o->plugin, "Report plugin instance name or plugin id")->required();
    cmd->add_option("--from", o->from, "First day (2026-05-01), inclusive; default: the first stored incident");
    cmd->add_option("--to", o->to, "Day after the last (2026-06-01), exclusive; default: after the last stored incident");
    cmd->add_option("--time-zone", o->time_zone, "IANA time zone for day boundaries; default: UTC");
    cmd->add_option("--format", o->formats, "Any of html, md, json, csv (repeatable or comma-separated)")
        ->delimiter(',')
        ->check(CLI::IsMember({"html", "md", "json", "csv"}))
        ->capture_default_str();
    cmd->add_option("--out", o->out, "Folder for the rendered files")->capture_default_str();
    cmd->add_option("--csv", o->csv,
                    "Report on a ServiceNow incident export (CSV) read straight from the file, instead of the state "
                    "store; needs --from and --to, and no configuration (the plugin's defaults) unless --config names one")
        ->check(CLI::ExistingFile);
    cmd->callback([o, &global] { report(*o, global); });
}

} // namespace servicelens::cli
