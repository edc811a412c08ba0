// The services table as a plugin sees it: through the C function pointers.
#include <servicelens/host/host_services.hpp>

#include <servicelens/host_cache.h>
#include <servicelens/host_clock.h>
#include <servicelens/host_http.h>
#include <servicelens/host_log.h>
#include <servicelens/host_metrics.h>
#include <servicelens/host_progress.h>

#include <catch2/catch.hpp>

#include <string>
#include <thread>

using namespace servicelens::host;

namespace {

template <class Table>
const Table *service(const InstanceServices &s, const char *id)
{
    return static_cast<const Table *>(s.table()->get_service(s.table(), id));
}

sl_status_t append(void *out, const void *data, size_t size)
{
    static_cast<std::string *>(out)->append(static_cast<const char *>(data), size);
    return SL_STATUS_OK;
}

std::pair<sl_status_t, std::string> cache_get(const InstanceServices &s, const char *key)
{
    std::string value;
    const sl_byte_sink_t sink{&value, &append};
    const sl_status_t status = service<sl_host_cache_t>(s, SL_HOST_CACHE_ID)->get(s.table(), sl_str_from_cstr(key), &sink);
    return {status, value};
}

sl_status_t cache_put(const InstanceServices &s, const char *key, const std::string &value, uint64_t ttl_ms)
{
    return service<sl_host_cache_t>(s, SL_HOST_CACHE_ID)
        ->put(s.table(), sl_str_from_cstr(key), value.data(), value.size(), ttl_ms);
}

} // namespace

TEST_CASE("the table carries the host's ABI version and offers the v1 services")
{
    InstanceServices services("inst", "plugin.id");
    CHECK(services.table()->abi_version.major == SL_ABI_VERSION_MAJOR);
    CHECK(service<sl_host_log_t>(services, SL_HOST_LOG_ID) != nullptr);
    CHECK(service<sl_host_clock_t>(services, SL_HOST_CLOCK_ID) != nullptr);
    CHECK(service<sl_host_cache_t>(services, SL_HOST_CACHE_ID) != nullptr);
    CHECK(service<sl_host_progress_t>(services, SL_HOST_PROGRESS_ID) != nullptr);
    CHECK(service<sl_host_metrics_t>(services, SL_HOST_METRICS_ID) != nullptr);
    CHECK(service<sl_host_http_t>(services, SL_HOST_HTTP_ID) == nullptr);   // only with connections (host_http_service_test)
    CHECK(services.table()->get_service(services.table(), "servicelens.host-log/2") == nullptr);
}

TEST_CASE("the cache stores, expires, erases and respects its capacity")
{
    HostEnvironment environment;
    environment.cache_capacity_bytes = 64;
    InstanceServices services("inst", "plugin.id", environment);

    CHECK(cache_get(services, "k").first == SL_STATUS_NOT_FOUND);
    REQUIRE(cache_put(services, "k", "value", 0) == SL_STATUS_OK);
    CHECK(cache_get(services, "k") == std::pair<sl_status_t, std::string>{SL_STATUS_OK, "value"});

    REQUIRE(cache_put(services, "short", "lived", 1) == SL_STATUS_OK);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(cache_get(services, "short").first == SL_STATUS_NOT_FOUND);

    CHECK(cache_put(services, "big", std::string(100, 'x'), 0) == SL_STATUS_UNAVAILABLE);
    const auto *cache = service<sl_host_cache_t>(services, SL_HOST_CACHE_ID);
    CHECK(cache->erase(services.table(), SL_STR("k")) == SL_STATUS_OK);
    CHECK(cache->erase(services.table(), SL_STR("k")) == SL_STATUS_NOT_FOUND);
}

TEST_CASE("the clock can be fixed for tests and replays")
{
    HostEnvironment environment;
    environment.now = [] { return sl_timestamp_t{1234}; };
    InstanceServices services("inst", "plugin.id", environment);
    CHECK(service<sl_host_clock_t>(services, SL_HOST_CLOCK_ID)->now(services.table()) == 1234);
}

TEST_CASE("progress tells the plugin when the host wants it to stop")
{
    HostEnvironment environment;
    InstanceServices services("inst", "plugin.id", environment);
    const auto *progress = service<sl_host_progress_t>(services, SL_HOST_PROGRESS_ID);
    CHECK(progress->update(services.table(), SL_STR("loading"), 1, 10) == 0);
    environment.stop_requested->store(true);
    CHECK(progress->update(services.table(), SL_STR("loading"), 2, 10) == 1);
}

TEST_CASE("counters add up per name")
{
    InstanceServices services("inst", "plugin.id");
    const auto *metrics = service<sl_host_metrics_t>(services, SL_HOST_METRICS_ID);
    metrics->add(services.table(), SL_STR("rows_read"), 5);
    metrics->add(services.table(), SL_STR("rows_read"), 2);
    metrics->add(services.table(), SL_STR("rows_skipped"), 1);
    CHECK(services.counters() == std::map<std::string, int64_t>{{"rows_read", 7}, {"rows_skipped", 1}});
}
