// The host's main job: pull changed incidents page by page, enrich them with
// the configured plugins on a worker pool, store the results and write back
// through the outbox, losing and duplicating nothing across crashes.
//
//     SyncEngine engine(config, registry, state, environment);
//     SyncStats stats = engine.sync(connector, {.stop = &stop});
#pragma once

#include "connector.hpp"
#include "host_services.hpp"
#include "plugin_registry.hpp"

#include <servicelens/config/host_config.hpp>
#include <servicelens/store/state_store.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace servicelens::host {

struct SyncOptions {
    std::size_t batch_size = 1000;
    int workers = 2;
    const std::atomic<bool> *stop = nullptr;   // set: finish the batch in hand, then return
    bool progress_bar = false;                  // a bar on a terminal; periodic log lines otherwise
};

struct SyncStats {
    std::size_t batches = 0;
    std::size_t incidents = 0;
    std::size_t attributes = 0;
    std::size_t sentiments = 0;
    std::size_t plugin_failures = 0;   // items a plugin could not handle
    std::size_t written_back = 0;
    std::size_t write_back_failures = 0;
    std::size_t write_backs_parked = 0;   // refused for good (see StateStore::park)
    bool stopped_early = false;
    // Where the wall time went: in the connector (the vendor's latency and
    // the mapping of its shapes), in plugins, and in the state store.
    double connector_seconds = 0;
    double plugin_seconds = 0;
    double store_seconds = 0;
};

class SyncEngine {
public:
    // Creates the plugin instances the pipeline runs (one per worker for
    // plugins that are not thread-safe). Throws PluginCallError when one
    // cannot be created.
    SyncEngine(const config::HostConfig &config, const PluginRegistry &registry, store::StateStore &state,
               HostEnvironment environment, int workers);
    ~SyncEngine();

    // Syncs one connector until it has nothing newer, or until *stop.
    SyncStats sync(Connector &connector, const SyncOptions &options);

    // Sends what the outbox holds for `connector` and acknowledges it in
    // the state store; returns how many entries left the outbox.
    std::size_t drain_outbox(Connector &connector, SyncStats &stats);

private:
    // Sends pending entries; returns the ids the connector confirmed, not
    // yet acknowledged in the state store.
    std::vector<int64_t> send_outbox(Connector &connector, SyncStats &stats);

    struct Pipeline;
    std::unique_ptr<Pipeline> pipeline_;
    const config::HostConfig &config_;
    store::StateStore &state_;
};

} // namespace servicelens::host
