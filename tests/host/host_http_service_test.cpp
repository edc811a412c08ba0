// servicelens.host-http/1 as a plugin calls it: through the services table,
// over CurlHttpConnections, to cpp-httplib servers on 127.0.0.1.
#include <servicelens/cpp/strings.hpp>
#include <servicelens/host/curl_http_connections.hpp>
#include <servicelens/host/host_services.hpp>
#include <servicelens/host_http.h>

#include "loopback_server.hpp"

#include <catch2/catch.hpp>

#include <atomic>

using namespace servicelens;
using namespace servicelens::host;
using namespace servicelens::testing;
using Catch::Matchers::Contains;

namespace {

const sl_host_http_t *http_service(const InstanceServices &s)
{
    return static_cast<const sl_host_http_t *>(s.table()->get_service(s.table(), SL_HOST_HTTP_ID));
}

// What a plugin's on_response keeps.
struct Received {
    int32_t status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    sl_status_t answer = SL_STATUS_OK; // what on_response returns

    std::string everything() const
    {
        std::string all = body;
        for (const auto &[name, value] : headers) all += name + ": " + value + "\n";
        return all;
    }
};

sl_status_t keep(void *context, const sl_http_response_t *response) noexcept
{
    auto &into = *static_cast<Received *>(context);
    into.status = response->status;
    for (size_t i = 0; i < response->header_count; ++i)
        into.headers.emplace_back(copy(response->headers[i].key), copy(response->headers[i].value));
    into.body = copy(response->body);
    return into.answer;
}

// A request as a plugin builds it.
struct PluginRequest {
    std::string connection{}, method = "GET", url{}, body{};
    std::vector<sl_key_value_t> headers{};
    uint32_t timeout_ms = 0;

    sl_status_t perform(const InstanceServices &services, Received &received) const
    {
        sl_http_request_t request{};
        request.struct_size = sizeof request;
        request.timeout_ms = timeout_ms;
        request.connection = str(connection);
        request.method = str(method);
        request.url = str(url);
        request.headers = headers.data();
        request.header_count = headers.size();
        request.body = str(body);
        return http_service(services)->perform(services.table(), &request, &keep, &received);
    }
};

// The CMDB behind connection "cmdb": basic auth, an export under /api.
struct Cmdb {
    LoopbackServer server;
    SeenLog<std::string> traces;
    std::atomic<int> calls = 0;

    Cmdb()
    {
        server.http.Get("/api/assets.csv", [this](const httplib::Request &req, httplib::Response &res) {
            ++calls;
            if (req.get_header_value("Authorization") !=
                httplib::make_basic_authentication_header("svc-cmdb", "pw-Secret-91").second) {
                res.status = 401;
                return;
            }
            traces.add(req.get_header_value("X-Trace") + " since=" + req.get_param_value("since"));
            res.set_header("X-Export-Id", "7");
            res.set_content("asset_id,owner_email\nA-1,ana@example.com\n", "text/csv");
        });
        server.http.Get("/api/slow", [](const httplib::Request &, httplib::Response &res) {
            std::this_thread::sleep_for(std::chrono::milliseconds(300));
            res.set_content("late", "text/plain");
        });
    }

    http::ClientOptions connection() const
    {
        http::ClientOptions options;
        options.name = "cmdb";
        options.base_url = server.url("/api");
        options.auth = http::BasicAuth{"svc-cmdb", "pw-Secret-91"};
        options.sleep = [](std::chrono::milliseconds) {};
        return options;
    }
};

HostEnvironment with_connections(std::vector<http::ClientOptions> connections)
{
    HostEnvironment environment;
    environment.http = std::make_shared<CurlHttpConnections>(std::move(connections));
    return environment;
}

} // namespace

TEST_CASE("host-http is offered only when the environment has connections")
{
    CHECK(http_service(InstanceServices("inst", "plugin.id")) == nullptr);
    const InstanceServices services("inst", "plugin.id", with_connections({}));
    REQUIRE(http_service(services) != nullptr);
    CHECK(http_service(services)->perform != nullptr);
}

TEST_CASE("host-http: a plugin reaches a server through a named connection and never sees its credentials")
{
    Cmdb cmdb;
    const InstanceServices services("assets-http", "org.servicelens.assets", with_connections({cmdb.connection()}));
    const PluginRequest request{.connection = "cmdb",
                                .url = "/assets.csv?since=all",
                                .headers = {{SL_STR("X-Trace"), SL_STR("t-1")}},
                                .timeout_ms = 5000};
    Received received;
    REQUIRE(request.perform(services, received) == SL_STATUS_OK);
    CHECK(received.status == 200);
    CHECK(received.body == "asset_id,owner_email\nA-1,ana@example.com\n");
    CHECK(std::count(received.headers.begin(), received.headers.end(),
                     std::pair<std::string, std::string>{"x-export-id", "7"}) == 1);
    CHECK(cmdb.traces.all() == std::vector<std::string>{"t-1 since=all"});
    const std::string seen = received.everything();
    CHECK_THAT(seen, !Contains("pw-Secret-91"));
    CHECK_THAT(seen, !Contains("svc-cmdb"));
    CHECK_THAT(seen, !Contains("Authorization"));
}

TEST_CASE("host-http: any HTTP status is a response, and on_response's status is perform's")
{
    Cmdb cmdb;
    const InstanceServices services("inst", "plugin.id", with_connections({cmdb.connection()}));
    Received missing;
    CHECK(PluginRequest{.connection = "cmdb", .url = "/nothing-here"}.perform(services, missing) == SL_STATUS_OK);
    CHECK(missing.status == 404);

    Received refusing;
    refusing.answer = SL_STATUS_NOT_SUPPORTED;
    CHECK(PluginRequest{.connection = "cmdb", .url = "/assets.csv"}.perform(services, refusing) ==
          SL_STATUS_NOT_SUPPORTED);
    CHECK(refusing.status == 200);
}

TEST_CASE("host-http: a request without a connection goes out as given, without credentials")
{
    Cmdb cmdb;
    const InstanceServices services("inst", "plugin.id", with_connections({cmdb.connection()}));
    Received received;
    CHECK(PluginRequest{.url = cmdb.server.url("/api/assets.csv")}.perform(services, received) == SL_STATUS_OK);
    CHECK(received.status == 401); // the export wants the connection's credentials
    CHECK(cmdb.calls == 1);
}

TEST_CASE("host-http: requests the host will not send are invalid arguments that say why")
{
    Cmdb cmdb;
    auto connections = std::make_shared<CurlHttpConnections>(std::vector<http::ClientOptions>{cmdb.connection()});
    HostEnvironment environment;
    environment.http = connections;
    const InstanceServices services("inst", "plugin.id", environment);
    Received received;

    CHECK(PluginRequest{.connection = "nope", .url = "/assets.csv"}.perform(services, received) ==
          SL_STATUS_INVALID_ARGUMENT);
    CHECK_THROWS_WITH(connections->send("nope", {.url = "/assets.csv"}),
                      Contains("no HTTP connection is named 'nope': the configured ones are cmdb"));

    CHECK(PluginRequest{.url = "/assets.csv"}.perform(services, received) == SL_STATUS_INVALID_ARGUMENT);
    CHECK_THROWS_WITH(connections->send("", {.url = "/assets.csv"}), Contains("names no connection"));

    // The connection's credentials stay on its base URL.
    CHECK(PluginRequest{.connection = "cmdb", .url = "http://127.0.0.1:1/api/assets.csv"}.perform(services, received) ==
          SL_STATUS_INVALID_ARGUMENT);
    CHECK(PluginRequest{.connection = "cmdb", .url = cmdb.server.url("/apix")}.perform(services, received) ==
          SL_STATUS_INVALID_ARGUMENT);
    CHECK(PluginRequest{
              .connection = "cmdb", .url = "/assets.csv", .headers = {{SL_STR("Authorization"), SL_STR("Basic eDp5")}}}
              .perform(services, received) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(PluginRequest{.connection = "cmdb", .method = "GE T", .url = "/assets.csv"}.perform(services, received) ==
          SL_STATUS_INVALID_ARGUMENT);
    CHECK(PluginRequest{.url = "file:///etc/passwd"}.perform(services, received) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(cmdb.calls == 0);

    sl_http_request_t old_layout{};
    old_layout.struct_size = 8;
    CHECK(http_service(services)->perform(services.table(), &old_layout, &keep, &received) ==
          SL_STATUS_INVALID_ARGUMENT);
    CHECK(http_service(services)->perform(services.table(), nullptr, &keep, &received) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(received.status == 0); // on_response was never called
}

TEST_CASE("host-http: no response is SL_STATUS_UNAVAILABLE, or SL_STATUS_TIMEOUT when time ran out")
{
    Cmdb cmdb;
    http::ClientOptions down;
    down.name = "down";
    down.base_url = fmt::format("http://127.0.0.1:{}", unused_port());
    down.retry.max_attempts = 2;
    down.sleep = [](std::chrono::milliseconds) {};
    const InstanceServices services("inst", "plugin.id", with_connections({cmdb.connection(), down}));
    Received received;
    CHECK(PluginRequest{.connection = "down", .url = "/x"}.perform(services, received) == SL_STATUS_UNAVAILABLE);
    CHECK(PluginRequest{.connection = "cmdb", .url = "/slow", .timeout_ms = 100}.perform(services, received) ==
          SL_STATUS_TIMEOUT);
    CHECK(received.status == 0);
}
