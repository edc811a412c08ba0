// The services table (sl_host_t) the host hands each plugin instance: log
// through spdlog under the instance's name, a clock that tests can fix, a
// per-instance cache with expiry, progress with a stop request, and
// counters; the desk's caller history and HTTP through the admin's named
// connections when the environment has them (get_service returns NULL
// otherwise, as the ABI allows).
#pragma once

#include <servicelens/host.h>
#include <servicelens/timestamp.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace spdlog {
class logger;
}

namespace servicelens::host {

class CallerHistory;
class HttpConnections;

// What every instance shares: the clock, the stop flag, progress output.
struct HostEnvironment {
    // The wall clock plugins see; replace it for tests and replays.
    std::function<sl_timestamp_t()> now = [] {
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    };
    // Set when the host is shutting down; plugins see it through progress.
    std::shared_ptr<std::atomic<bool>> stop_requested = std::make_shared<std::atomic<bool>>(false);
    // Most bytes one instance may keep in its cache.
    std::size_t cache_capacity_bytes = 64u << 20;
    // The desk's memory of callers (servicelens.host-history/1); the
    // service is offered only when this is set.
    std::shared_ptr<const CallerHistory> history;
    // HTTP through the admin's named connections (servicelens.host-http/1,
    // e.g. a CurlHttpConnections); the service is offered only when this
    // is set.
    std::shared_ptr<HttpConnections> http{};
};

class InstanceServices {
public:
    InstanceServices(std::string instance_name, std::string plugin_id, HostEnvironment environment = {});
    ~InstanceServices();

    InstanceServices(const InstanceServices &) = delete;
    InstanceServices &operator=(const InstanceServices &) = delete;

    // Valid as long as this object; hand it to create.
    const sl_host_t *table() const noexcept { return &table_; }

    const std::string &instance_name() const noexcept { return instance_name_; }
    const std::string &plugin_id() const noexcept { return plugin_id_; }

    // A snapshot of the counters the plugin added to.
    std::map<std::string, int64_t> counters() const;

private:
    friend struct ServiceCalls;

    struct CacheEntry {
        std::string value;
        std::chrono::steady_clock::time_point expires; // max(): never
    };

    sl_host_t table_{};
    std::string instance_name_;
    std::string plugin_id_;
    HostEnvironment environment_;
    std::shared_ptr<spdlog::logger> logger_;

    mutable std::mutex mutex_;
    std::map<std::string, CacheEntry, std::less<>> cache_;
    std::size_t cache_bytes_ = 0;
    std::map<std::string, int64_t, std::less<>> counters_;
    std::chrono::steady_clock::time_point last_progress_log_{};
};

} // namespace servicelens::host
