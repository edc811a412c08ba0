// ServiceLens C++ plugin layer: the host's services, for plugin code.
//
//     host.info("loaded 1,204 directory entries");
//     if (auto hit = host.cache_get(key)) ...
//
// Every service is optional in the ABI; these wrappers degrade quietly
// (no log, the system clock, a cache that misses) when the host lacks one,
// except http(), which returns nullptr so the plugin can say it needs it.
#pragma once

#include <servicelens/host.h>
#include <servicelens/host_cache.h>
#include <servicelens/host_clock.h>
#include <servicelens/host_history.h>
#include <servicelens/host_http.h>
#include <servicelens/host_log.h>
#include <servicelens/host_metrics.h>
#include <servicelens/host_progress.h>

#include "strings.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace servicelens {

class Host {
public:
    explicit Host(const sl_host_t *host) noexcept
        : host_(host),
          log_(service<sl_host_log_t>(SL_HOST_LOG_ID)),
          clock_(service<sl_host_clock_t>(SL_HOST_CLOCK_ID)),
          cache_(service<sl_host_cache_t>(SL_HOST_CACHE_ID)),
          progress_(service<sl_host_progress_t>(SL_HOST_PROGRESS_ID)),
          metrics_(service<sl_host_metrics_t>(SL_HOST_METRICS_ID))
    {
    }

    const sl_host_t *raw() const noexcept { return host_; }

    bool log_enabled(sl_log_level_t level) const noexcept
    {
        return log_ && log_->enabled(host_, level);
    }
    void log(sl_log_level_t level, std::string_view message) const noexcept
    {
        if (log_) log_->write(host_, level, str(message));
    }
    void debug(std::string_view message) const noexcept { log(SL_LOG_DEBUG, message); }
    void info(std::string_view message) const noexcept { log(SL_LOG_INFO, message); }
    void warn(std::string_view message) const noexcept { log(SL_LOG_WARN, message); }
    void error(std::string_view message) const noexcept { log(SL_LOG_ERROR, message); }

    sl_timestamp_t now() const noexcept
    {
        if (clock_) return clock_->now(host_);
        using namespace std::chrono;
        return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    }

    std::optional<std::string> cache_get(std::string_view key) const
    {
        if (!cache_) return std::nullopt;
        std::string value;
        sl_byte_sink_t sink{&value, &append};
        if (cache_->get(host_, str(key), &sink) != SL_STATUS_OK) return std::nullopt;
        return value;
    }
    bool cache_put(std::string_view key, std::string_view value,
                   std::chrono::milliseconds ttl) const noexcept
    {
        return cache_ && cache_->put(host_, str(key), value.data(), value.size(),
                                     static_cast<uint64_t>(ttl.count())) == SL_STATUS_OK;
    }

    // Reports progress; returns true when the host asks the plugin to stop.
    bool progress(std::string_view stage, uint64_t done, uint64_t total) const noexcept
    {
        return progress_ && progress_->update(host_, str(stage), done, total) != 0;
    }

    void count(std::string_view counter, int64_t delta = 1) const noexcept
    {
        if (metrics_) metrics_->add(host_, str(counter), delta);
    }

    // The HTTP service, or nullptr when this host offers none.
    const sl_host_http_t *http() const noexcept { return service<sl_host_http_t>(SL_HOST_HTTP_ID); }
    // The desk's memory of callers (ABI 1.1), or nullptr outside a sync.
    const sl_host_history_t *history() const noexcept { return service<sl_host_history_t>(SL_HOST_HISTORY_ID); }

private:
    template <class Table>
    const Table *service(const char *id) const noexcept
    {
        if (!host_ || !host_->get_service) return nullptr;
        return static_cast<const Table *>(host_->get_service(host_, id));
    }

    static sl_status_t append(void *context, const void *data, size_t size) noexcept
    {
        try {
            static_cast<std::string *>(context)->append(static_cast<const char *>(data), size);
            return SL_STATUS_OK;
        } catch (...) {
            return SL_STATUS_INTERNAL;
        }
    }

    const sl_host_t *host_;
    const sl_host_log_t *log_;
    const sl_host_clock_t *clock_;
    const sl_host_cache_t *cache_;
    const sl_host_progress_t *progress_;
    const sl_host_metrics_t *metrics_;
};

} // namespace servicelens
