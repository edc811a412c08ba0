// `servicelens seed`: a generated service desk in the embedded ticket store,
// the files the context plugins read, and a configuration that syncs it.
#include "commands.hpp"

#include <servicelens/host/config_schema_check.hpp>
#include <servicelens/host/desk_generator.hpp>
#include <servicelens/host/incident_json.hpp>
#include <servicelens/host/local_ticket_store.hpp>
#include <servicelens/host/plugin_registry.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <utility>
#include <memory>

namespace servicelens::cli {

namespace {

struct SeedOptions {
    host::DeskOptions desk;
    std::filesystem::path out = "servicelens-desk";
    bool force = false;
};

// A name for an instance: the last part of the plugin id ("email-domain").
std::string instance_name(const std::string &plugin_id)
{
    return plugin_id.substr(plugin_id.rfind('.') + 1);
}

// The configuration a reference plugin needs to read the files the seed
// writes beside the desk; "{}" for plugins that need none. Paths are
// absolute: plugins resolve them against the host's working folder.
std::string config_for_seeded_desk(const std::string &plugin_id, const std::filesystem::path &out)
{
    const auto file = [&](const char *name) { return nlohmann::json(std::filesystem::absolute(out / name).string()).dump(); };
    if (plugin_id == "org.servicelens.directory") return "{\"file\": " + file("directory.csv") + "}";
    if (plugin_id == "org.servicelens.assets")
        return "{\"file\": " + file("assets.csv") + ", \"changes_file\": " + file("changes.csv") + "}";
    if (plugin_id == "org.servicelens.activity") return "{\"file\": " + file("telemetry.jsonl") + "}";
    if (plugin_id == "org.servicelens.proximity") return "{\"file\": " + file("sites.json") + "}";
    return "{}";
}

// What the seeded write-back note says: the few facts an agent picking up
// the ticket wants, in this order, each when the plugin that finds it is
// configured, rather than every attribute (some are JSON documents).
constexpr std::pair<const char *, const char *> seeded_note_parts[] = {
    {"org.servicelens.directory", "{{caller.department}}, {{caller.site}}"},
    {"org.servicelens.assets", "device {{device.primary.model}} ({{device.primary.os}})"},
    {"org.servicelens.acumen", "IT skill {{caller.it_acumen}}"},
    {"org.servicelens.activity", "app errors before it: {{activity.errors}}"},
    {"org.servicelens.proximity", "nearest walk-up {{support.nearest_walkup}}"},
    {"sentiment", "sentiment {{sentiment.label}}"},   // any sentiment plugin
};

// servicelens.yaml for the seeded desk: every plugin that runs on the
// seeded files or without configuration, on every change, written back as
// a work note (with a template when reference plugins give it something to
// say, else listing everything found).
std::string demo_config(const GlobalOptions &global, const std::filesystem::path &out)
{
    host::PluginRegistry registry(global.load);
    for (const auto &dir : default_plugin_dirs()) registry.scan(dir);
    std::string plugins, enrich, report;
    std::vector<std::string> configured;   // plugin ids, and "sentiment" when one is
    for (const host::PluginDescriptor *d : registry.descriptors()) {
        const std::string config = config_for_seeded_desk(d->id, out);
        if (!d->config_schema.empty() && !host::check_config_against_schema(d->config_schema, config).empty()) {
            fmt::print(stderr, "seed: {} needs a configuration; add it to servicelens.yaml by hand\n", d->id);
            continue;
        }
        plugins += fmt::format("  - name: {}\n    plugin: {}\n", instance_name(d->id), d->id);
        if (config != "{}") plugins += fmt::format("    config: {}\n", config);
        configured.push_back(d->kind == host::PluginKind::sentiment ? "sentiment" : d->id);
        std::string &list = d->kind == host::PluginKind::report ? report : enrich;
        list += (list.empty() ? "" : ", ") + instance_name(d->id);
    }
    std::string text = "# A configuration for the seeded desk, written by `servicelens seed`.\n"
                       "# `servicelens config show servicelens.yaml` shows every default.\n"
                       "version: 1\nplugins:\n" + plugins +
                       "connectors:\n  - name: desk\n    kind: local\n    path: desk.db\n"
                       "state_store:\n  path: state.db\n"
                       "pipeline:\n";
    if (!enrich.empty())
        text += fmt::format("  - on: incident_changed\n    run: [{}]\n    write_back:\n      as: work_note\n", enrich);
    std::vector<std::string> note_parts;
    for (const auto &[plugin, part] : seeded_note_parts)
        if (std::find(configured.begin(), configured.end(), plugin) != configured.end()) note_parts.emplace_back(part);
    if (!enrich.empty() && !note_parts.empty())
        text += fmt::format("      template: {}\n", nlohmann::json(fmt::format("ServiceLens: {}", fmt::join(note_parts, "; "))).dump());
    if (!report.empty()) text += fmt::format("  - on: schedule\n    run: [{}]\n", report);
    return text;
}

void seed(const SeedOptions &o, const GlobalOptions &global)
{
    const auto store = o.out / "desk.db";
    if (std::filesystem::exists(store) && !o.force)
        throw CommandFailed(exit_bad_input,
                            fmt::format("{} already exists; pass --force to replace it (and its sync state)", store.string()));
    if (o.force)
        for (const char *file : {"desk.db", "desk.db-wal", "desk.db-shm", "state.db", "state.db-wal", "state.db-shm"})
            std::filesystem::remove(o.out / file);

    const host::Desk desk = host::generate_desk(o.desk);
    host::LocalTicketStore("desk", store).put(desk.incidents);
    host::write_context_files(desk, o.desk, o.out);
    const auto config = o.out / "servicelens.yaml";
    const bool wrote_config = !std::filesystem::exists(config);
    if (wrote_config) std::ofstream(config) << demo_config(global, o.out);

    std::size_t resolved = 0, surveyed = 0, comments = 0;
    for (const auto &i : desk.incidents) {
        resolved += i.resolved_at != SL_TIMESTAMP_NONE;
        surveyed += !i.survey.empty();
        comments += i.comments.size();
    }
    fmt::print("seeded {} incidents over {} months up to {} (seed {}): {} resolved, {} comments, {} survey answers, "
               "{} people, {} changes\n",
               desk.incidents.size(), o.desk.months, host::format_utc(o.desk.until), o.desk.seed, resolved, comments,
               surveyed, desk.people.size(), desk.changes.size());
    fmt::print("ticket store  {}\ncontext files {}/{{directory.csv,assets.csv,telemetry.jsonl,sites.json,changes.csv}}\n",
               store.string(), o.out.string());
    fmt::print("configuration {}{}\nnext          servicelens sync --once --config {}\n", config.string(),
               wrote_config ? "" : " (kept: it already existed)", config.string());
}

} // namespace

void add_seed_command(CLI::App &app, const GlobalOptions &global)
{
    auto options = std::make_shared<SeedOptions>();
    CLI::App *cmd = app.add_subcommand(
        "seed", "Generate a believable service desk into the embedded ticket store (DIR/desk.db), with the "
                "directory, asset, telemetry and sites files the context plugins read and a servicelens.yaml that "
                "syncs it. The same options always give the same desk.");
    cmd->add_option("--incidents", options->desk.incidents, "How many incidents")->capture_default_str()->check(CLI::Range(1, 10'000'000));
    cmd->add_option("--months", options->desk.months, "Over how many months")->capture_default_str()->check(CLI::Range(1, 120));
    cmd->add_option("--seed", options->desk.seed, "Random seed")->capture_default_str();
    cmd->add_option("--out", options->out, "Folder to write into")->capture_default_str();
    cmd->add_flag("--force", options->force, "Replace an existing desk and its sync state");
    cmd->callback([options, &global] { seed(*options, global); });
}

} // namespace servicelens::cli
