// `servicelens import servicenow-csv FILE`: a ServiceNow incident export or
// audit event log into the embedded ticket store, so that sync and report
// run on a real desk's history without a vendor account.
#include "commands.hpp"
#include "warning_limit.hpp"

#include <servicelens/host/local_ticket_store.hpp>
#include <servicelens/host/progress_display.hpp>
#include <servicelens/host/servicenow_csv.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <unistd.h>

namespace servicelens::cli {

namespace {

struct ImportOptions {
    std::filesystem::path file;
    std::filesystem::path into = "servicelens-desk/desk.db";
    std::string connector = "desk";
    bool no_progress = false;
};

// Batches of incidents go into the store together: one transaction each.
constexpr std::size_t batch_size = 2000;

void import_servicenow_csv(const ImportOptions &o)
{
    if (!std::filesystem::exists(o.file))
        throw CommandFailed(exit_bad_input, fmt::format("{}: no such file", o.file.string()));
    if (o.into.has_parent_path()) std::filesystem::create_directories(o.into.parent_path());
    host::LocalTicketStore store(o.connector, o.into);
    host::ProgressDisplay progress("import " + o.file.filename().string(), !o.no_progress && ::isatty(2));
    std::vector<host::OwnedIncident> batch;
    WarningLimit warnings;
    host::ServiceNowCsvStats stats;
    try {
        stats = host::read_servicenow_csv(
            o.file, o.connector,
            [&](host::OwnedIncident &&incident) {
                batch.push_back(std::move(incident));
                if (batch.size() == batch_size) {
                    store.put(batch);
                    batch.clear();
                }
            },
            [&](const std::string &message) { warnings(message); },
            [&](std::size_t done, std::size_t total) { progress.update(done, total); });
    } catch (const std::runtime_error &e) {
        throw CommandFailed(exit_bad_input, e.what());
    }
    if (!batch.empty()) store.put(batch);
    progress.finish(stats.incidents);
    warnings.finish();
    fmt::print("{}: {} rows, {} incidents into {} (connector '{}'), {} rows skipped\n", o.file.string(), stats.rows,
               stats.incidents, o.into.string(), o.connector, stats.skipped);
    fmt::print("next: point a `kind: local` connector named '{}' at {} and run `servicelens sync --once`\n", o.connector,
               o.into.string());
}

} // namespace

void add_import_command(CLI::App &app)
{
    CLI::App *cmd = app.add_subcommand("import", "Load another system's incident export into the embedded ticket store");
    cmd->require_subcommand(1);
    auto o = std::make_shared<ImportOptions>();
    CLI::App *servicenow = cmd->add_subcommand(
        "servicenow-csv",
        "A ServiceNow incident list export or audit event log (CSV). Rows of one incident must be consecutive; the "
        "latest (highest sys_mod_count) wins. Columns read and their mapping: docs/metrics.md, \"Importing ServiceNow "
        "exports\". Example: servicelens import servicenow-csv incident_event_log.csv --into desk/desk.db");
    servicenow->add_option("FILE", o->file, "The CSV export")->required();
    servicenow->add_option("--into", o->into, "The embedded ticket store to load (created when missing)")
        ->capture_default_str();
    servicenow->add_option("--connector", o->connector, "The connector name the incidents belong to")->capture_default_str();
    servicenow->add_flag("--no-progress", o->no_progress, "No progress bar, even on a terminal");
    servicenow->callback([o] { import_servicenow_csv(*o); });
}

} // namespace servicelens::cli
