#include <servicelens/host/host_services.hpp>

#include <servicelens/host/abi_compat.hpp>
#include <servicelens/host/logging.hpp>

#include <servicelens/cpp/strings.hpp>
#include <servicelens/host_cache.h>
#include <servicelens/host_clock.h>
#include <servicelens/host_log.h>
#include <servicelens/host_metrics.h>
#include <servicelens/host_history.h>
#include <servicelens/host_http.h>
#include <servicelens/host/caller_history.hpp>
#include <servicelens/host/http_connections.hpp>
#include <servicelens/host_progress.h>

#include <spdlog/spdlog.h>

#include <cstring>

namespace servicelens::host {

// The C entry points of every service. Each finds its InstanceServices
// through host_data and never lets an exception out.
struct ServiceCalls {
    static InstanceServices &self(const sl_host_t *host) noexcept
    {
        return *static_cast<InstanceServices *>(host->host_data);
    }

    static spdlog::level::level_enum level(sl_log_level_t l) noexcept
    {
        switch (l) {
        case SL_LOG_TRACE: return spdlog::level::trace;
        case SL_LOG_DEBUG: return spdlog::level::debug;
        case SL_LOG_INFO: return spdlog::level::info;
        case SL_LOG_WARN: return spdlog::level::warn;
        default: return spdlog::level::err;
        }
    }

    static int log_enabled(const sl_host_t *host, sl_log_level_t l) noexcept
    {
        return self(host).logger_->should_log(level(l)) ? 1 : 0;
    }

    static void log_write(const sl_host_t *host, sl_log_level_t l, sl_str_t message) noexcept
    {
        try {
            self(host).logger_->log(level(l), "{}", view(message));
        } catch (...) {
            // A plugin's log line is never worth failing for.
        }
    }

    static sl_timestamp_t clock_now(const sl_host_t *host) noexcept
    {
        try {
            return self(host).environment_.now();
        } catch (...) {
            return SL_TIMESTAMP_NONE;
        }
    }

    static uint64_t clock_monotonic_ns(const sl_host_t *) noexcept
    {
        using namespace std::chrono;
        return static_cast<uint64_t>(duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count());
    }

    static sl_status_t cache_get(const sl_host_t *host, sl_str_t key, const sl_byte_sink_t *out) noexcept
    {
        if (!out || !out->write) return SL_STATUS_INVALID_ARGUMENT;
        InstanceServices &s = self(host);
        std::string value;
        try {
            std::lock_guard lock(s.mutex_);
            auto it = s.cache_.find(view(key));
            if (it == s.cache_.end()) return SL_STATUS_NOT_FOUND;
            if (std::chrono::steady_clock::now() >= it->second.expires) {
                s.cache_bytes_ -= it->first.size() + it->second.value.size();
                s.cache_.erase(it);
                return SL_STATUS_NOT_FOUND;
            }
            value = it->second.value;
        } catch (...) {
            return SL_STATUS_INTERNAL;
        }
        // Outside the lock: the sink is plugin code and may call the cache.
        return out->write(out->context, value.data(), value.size());
    }

    static sl_status_t cache_put(const sl_host_t *host, sl_str_t key, const void *value, size_t size,
                                 uint64_t ttl_ms) noexcept
    {
        if (size > 0 && !value) return SL_STATUS_INVALID_ARGUMENT;
        InstanceServices &s = self(host);
        try {
            const auto expires = ttl_ms == 0 ? std::chrono::steady_clock::time_point::max()
                                             : std::chrono::steady_clock::now() + std::chrono::milliseconds(ttl_ms);
            std::lock_guard lock(s.mutex_);
            auto it = s.cache_.find(view(key));
            const std::size_t old = it == s.cache_.end() ? 0 : it->first.size() + it->second.value.size();
            const std::size_t added = key.size + size;
            if (s.cache_bytes_ - old + added > s.environment_.cache_capacity_bytes) return SL_STATUS_UNAVAILABLE;
            std::string bytes(static_cast<const char *>(value), size);
            if (it == s.cache_.end())
                s.cache_.emplace(copy(key), InstanceServices::CacheEntry{std::move(bytes), expires});
            else
                it->second = {std::move(bytes), expires};
            s.cache_bytes_ = s.cache_bytes_ - old + added;
            return SL_STATUS_OK;
        } catch (...) {
            return SL_STATUS_INTERNAL;
        }
    }

    static sl_status_t cache_erase(const sl_host_t *host, sl_str_t key) noexcept
    {
        InstanceServices &s = self(host);
        std::lock_guard lock(s.mutex_);
        auto it = s.cache_.find(view(key));
        if (it == s.cache_.end()) return SL_STATUS_NOT_FOUND;
        s.cache_bytes_ -= it->first.size() + it->second.value.size();
        s.cache_.erase(it);
        return SL_STATUS_OK;
    }

    static int progress_update(const sl_host_t *host, sl_str_t stage, uint64_t done, uint64_t total) noexcept
    {
        InstanceServices &s = self(host);
        try {
            const auto now = std::chrono::steady_clock::now();
            bool due = false;
            {
                std::lock_guard lock(s.mutex_);
                due = now - s.last_progress_log_ >= std::chrono::seconds(2) || (total > 0 && done == total);
                if (due) s.last_progress_log_ = now;
            }
            if (due) {
                if (total > 0)
                    s.logger_->info("{}: {}/{} ({:.0f}%)", view(stage), done, total, 100.0 * done / total);
                else
                    s.logger_->info("{}: {}", view(stage), done);
            }
        } catch (...) {
        }
        return s.environment_.stop_requested->load() ? 1 : 0;
    }

    static void metrics_add(const sl_host_t *host, sl_str_t name, int64_t delta) noexcept
    {
        InstanceServices &s = self(host);
        try {
            std::lock_guard lock(s.mutex_);
            auto it = s.counters_.find(view(name));
            if (it == s.counters_.end()) it = s.counters_.emplace(copy(name), 0).first;
            it->second += delta;
        } catch (...) {
        }
    }

    static sl_status_t history_caller_incidents(const sl_host_t *host, sl_str_t caller, sl_timestamp_t before,
                                                uint32_t limit, sl_past_incident_visitor_t visit, void *context) noexcept
    {
        try {
            const auto &history = self(host).environment_.history;
            if (!history) return SL_STATUS_UNAVAILABLE;
            if (caller.size > 0 && caller.data == nullptr) return SL_STATUS_INVALID_ARGUMENT;
            return history->visit(view(caller), before, limit, visit, context);
        } catch (...) {
            return SL_STATUS_INTERNAL;
        }
    }

    static sl_status_t http_perform(const sl_host_t *host, const sl_http_request_t *request,
                                   sl_http_response_fn on_response, void *context) noexcept
    {
        InstanceServices &s = self(host);
        if (!s.environment_.http) return SL_STATUS_UNAVAILABLE;
        return s.environment_.http->perform(request, on_response, context, *s.logger_);
    }

    static constexpr sl_host_log_t log{&log_enabled, &log_write};
    static constexpr sl_host_clock_t clock{&clock_now, &clock_monotonic_ns};
    static constexpr sl_host_cache_t cache{&cache_get, &cache_put, &cache_erase};
    static constexpr sl_host_progress_t progress{&progress_update};
    static constexpr sl_host_metrics_t metrics{&metrics_add};
    static constexpr sl_host_history_t history{&history_caller_incidents};
    static constexpr sl_host_http_t http{&http_perform};

    static const void *get_service(const sl_host_t *host, const char *id) noexcept
    {
        if (!id) return nullptr;
        if (std::strcmp(id, SL_HOST_HISTORY_ID) == 0) return self(host).environment_.history ? &history : nullptr;
        if (std::strcmp(id, SL_HOST_HTTP_ID) == 0) return self(host).environment_.http ? &http : nullptr;
        if (std::strcmp(id, SL_HOST_LOG_ID) == 0) return &log;
        if (std::strcmp(id, SL_HOST_CLOCK_ID) == 0) return &clock;
        if (std::strcmp(id, SL_HOST_CACHE_ID) == 0) return &cache;
        if (std::strcmp(id, SL_HOST_PROGRESS_ID) == 0) return &progress;
        if (std::strcmp(id, SL_HOST_METRICS_ID) == 0) return &metrics;
        return nullptr;
    }
};

InstanceServices::InstanceServices(std::string instance_name, std::string plugin_id, HostEnvironment environment)
    : instance_name_(std::move(instance_name)),
      plugin_id_(std::move(plugin_id)),
      environment_(std::move(environment)),
      logger_(logger_for("plugin." + instance_name_))
{
    table_.struct_size = sizeof table_;
    table_.abi_version = host_abi_version;
    table_.host_data = this;
    table_.get_service = &ServiceCalls::get_service;
}

InstanceServices::~InstanceServices() = default;

std::map<std::string, int64_t> InstanceServices::counters() const
{
    std::lock_guard lock(mutex_);
    return {counters_.begin(), counters_.end()};
}

} // namespace servicelens::host
