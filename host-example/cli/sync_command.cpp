// `servicelens sync --once` and `servicelens run`: the host's main job.
#include "commands.hpp"

#include <servicelens/config/host_config.hpp>
#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>
#include <servicelens/host/curl_http_connections.hpp>
#include <servicelens/host/logging.hpp>
#include <servicelens/host/plugin_config_check.hpp>
#include <servicelens/host/plugin_registry.hpp>
#include <servicelens/host/sync_engine.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

namespace servicelens::cli {

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void request_stop(int) { stop_requested.store(true); }

struct SyncCommandOptions {
    std::filesystem::path config = "servicelens.yaml";
    std::string connector;
    std::size_t batch_size = 0;   // 0: the config's
    int workers = 0;
    bool once = false;
    bool no_progress = false;
};

std::unique_ptr<host::Connector> make_connector(const config::ConnectorConfig &c)
{
    try {
        return connectors::make_connector(c);
    } catch (const std::invalid_argument &e) {
        throw CommandFailed(exit_bad_input, e.what());
    }
}

// Plugins reach the vendor platforms through the connectors, by name, with
// the connector's credentials, TLS settings and rate limit.
std::shared_ptr<host::HttpConnections> http_connections(const config::HostConfig &cfg)
{
    std::vector<http::ClientOptions> named;
    for (const config::ConnectorConfig &c : cfg.connectors)
        if (c.kind != "local") named.push_back(connectors::client_options(c));
    try {
        return std::make_shared<host::CurlHttpConnections>(std::move(named));
    } catch (const std::invalid_argument &e) {
        throw CommandFailed(exit_bad_input, e.what());
    }
}

// What a sync needs, made once per command: `run` keeps its plugin
// instances (their loaded files), its HTTP connections (kept alive between
// passes) and its connectors from one interval to the next. Every selected
// connector is made before any is synced, so a connector this release
// cannot sync stops the command before it has done half.
struct SyncSession {
    SyncSession(const SyncCommandOptions &o, const config::HostConfig &cfg, host::PluginRegistry &registry)
        : state(cfg.state_store), workers(o.workers > 0 ? o.workers : cfg.workers),
          engine(cfg, registry, state, environment_of(cfg), workers)
    {
        for (const config::ConnectorConfig &c : cfg.connectors)
            if (o.connector.empty() || c.name == o.connector) selected.emplace_back(&c, make_connector(c));
        if (selected.empty())
            throw CommandFailed(exit_bad_input, o.connector.empty()
                                                    ? "the configuration has no connectors to sync"
                                                    : fmt::format("no connector is named '{}'", o.connector));
    }

    static host::HostEnvironment environment_of(const config::HostConfig &cfg)
    {
        host::HostEnvironment environment;
        environment.http = http_connections(cfg);
        return environment;
    }

    store::StateStore state;
    int workers;
    host::SyncEngine engine;
    std::vector<std::pair<const config::ConnectorConfig *, std::unique_ptr<host::Connector>>> selected;
};

// One pass over every selected connector; returns false when stopped.
bool sync_all(const SyncCommandOptions &o, const config::HostConfig &cfg, SyncSession &session)
{
    store::StateStore &state = session.state;
    host::SyncEngine &engine = session.engine;
    const int workers = session.workers;
    auto &selected = session.selected;
    for (auto &[config_of, connector] : selected) {
        const config::ConnectorConfig &c = *config_of;
        const int64_t run = state.begin_run(c.name, o.once ? "sync --once" : "run");
        host::SyncStats stats;
        try {
            stats = engine.sync(*connector, {o.batch_size ? o.batch_size : static_cast<std::size_t>(cfg.batch_size),
                                             workers, &stop_requested, !o.no_progress});
        } catch (const std::exception &e) {
            state.finish_run(run, "failed", nlohmann::json{{"error", host::redact_secrets(e.what())}}.dump());
            throw;
        }
        const nlohmann::json summary = {{"incidents", stats.incidents},     {"batches", stats.batches},
                                        {"attributes", stats.attributes},   {"sentiments", stats.sentiments},
                                        {"plugin_failures", stats.plugin_failures},
                                        {"written_back", stats.written_back}, {"write_back_failures", stats.write_back_failures},
                                        {"write_backs_parked", stats.write_backs_parked},
                                        {"seconds", {{"connector", stats.connector_seconds},
                                                     {"plugins", stats.plugin_seconds},
                                                     {"store", stats.store_seconds}}}};
        state.finish_run(run, stats.stopped_early ? "stopped" : "ok", summary.dump());
        fmt::print("{}: {} incidents in {} batches, {} attributes, {} sentiment scores, {} written back{}{}{}\n", c.name,
                   stats.incidents, stats.batches, stats.attributes, stats.sentiments, stats.written_back,
                   stats.plugin_failures ? fmt::format(", {} plugin failures (see the log)", stats.plugin_failures) : "",
                   stats.write_backs_parked
                       ? fmt::format(", {} write-backs refused by the platform and parked (see the log)", stats.write_backs_parked)
                       : "",
                   stats.stopped_early ? " (stopped early: the rest follows next time)" : "");
        fmt::print("{}: time in the connector {:.2f} s, in plugins {:.2f} s, in the state store {:.2f} s\n", c.name,
                   stats.connector_seconds, stats.plugin_seconds, stats.store_seconds);
        if (stats.stopped_early) return false;
    }
    return true;
}

void sync_command(const SyncCommandOptions &o, const GlobalOptions &global)
{
    std::signal(SIGTERM, request_stop);
    std::signal(SIGINT, request_stop);
    const config::HostConfig cfg = load_command_config(o.config, global);
    host::PluginRegistry registry(global.load);
    if (const auto problems = host::check_plugin_instances(cfg, registry); !problems.empty()) {
        std::string text;
        for (const auto &p : problems) text += p.to_string() + "\n";
        throw CommandFailed(exit_bad_input, text + fmt::format("{} problem(s) in {}", problems.size(), o.config.string()));
    }
    const auto log = host::logger_for("servicelens");
    SyncSession session(o, cfg, registry);
    for (;;) {
        if (!sync_all(o, cfg, session) || o.once) return;
        log->info("next sync in {} s (SIGTERM or Ctrl-C stops)", cfg.interval.count() / 1000);
        for (auto waited = std::chrono::milliseconds(0); waited < cfg.interval && !stop_requested;
             waited += std::chrono::milliseconds(200))
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        if (stop_requested) return;
    }
}

void common_options(CLI::App *cmd, SyncCommandOptions &o)
{
    cmd->add_option("--config", o.config, "The configuration")->capture_default_str()->check(CLI::ExistingFile);
    cmd->add_option("--connector", o.connector, "Only this connector; default: every one");
    cmd->add_option("--batch-size", o.batch_size, "Incidents per batch; default: schedule.batch_size")
        ->check(CLI::Range(1, 10000));
    cmd->add_option("--workers", o.workers, "Threads running plugins; default: schedule.workers")->check(CLI::Range(1, 256));
    cmd->add_flag("--no-progress", o.no_progress, "No progress bar, even on a terminal");
}

} // namespace

void add_sync_commands(CLI::App &app, const GlobalOptions &global)
{
    auto once = std::make_shared<SyncCommandOptions>();
    CLI::App *sync = app.add_subcommand(
        "sync", "Pull changed incidents from every connector, enrich them with the pipeline's plugins, store the "
                "results and write back through the outbox, then exit. Safe to kill at any point: the next run "
                "resumes without losing or repeating anything. SIGTERM finishes the batch in hand.");
    common_options(sync, *once);
    sync->add_flag("--once", once->once, "Sync once and exit (the default for `sync`; kept for clarity)");
    sync->callback([once, &global] {
        once->once = true;
        sync_command(*once, global);
    });

    auto loop = std::make_shared<SyncCommandOptions>();
    CLI::App *run = app.add_subcommand(
        "run", "Sync, wait schedule.interval, sync again, until SIGTERM or Ctrl-C (which finish the batch in hand).");
    common_options(run, *loop);
    run->callback([loop, &global] { sync_command(*loop, global); });
}

} // namespace servicelens::cli
