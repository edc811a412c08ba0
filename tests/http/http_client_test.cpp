// http::Client against cpp-httplib servers on 127.0.0.1: URLs and headers,
// keep-alive, retries and their waits, 429 and Retry-After, timeouts,
// transport failures, the rate limit, proxies from the environment.
#include "client_test_support.hpp"

#include <date/date.h>

#include <atomic>
#include <filesystem>
#include <numeric>
#include <random>

using namespace servicelens::http;
using namespace servicelens::http::testing;
using Catch::Matchers::Contains;

namespace {

// A self-signed certificate for 127.0.0.1 and its key, in a temporary
// folder, made by the openssl command.
struct SelfSignedCertificate {
    std::filesystem::path folder, cert, key;

    SelfSignedCertificate()
        : folder(std::filesystem::temp_directory_path() /
                 fmt::format("servicelens-http-tls-{}-{}", ::getpid(), std::random_device{}())),
          cert(folder / "cert.pem"), key(folder / "key.pem")
    {
        std::filesystem::create_directories(folder);
        const std::string command = fmt::format(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 "
            "-addext subjectAltName=IP:127.0.0.1 -keyout '{}' -out '{}' >'{}' 2>&1",
            key.string(), cert.string(), (folder / "openssl.log").string());
        INFO(command);
        REQUIRE(std::system(command.c_str()) == 0);
    }
    ~SelfSignedCertificate()
    {
        std::error_code ignored;
        std::filesystem::remove_all(folder, ignored);
    }
};

// Answers `failures` times with `failure_status`, then 200 with the count.
void fail_then_succeed(LoopbackServer &server, const std::string &path, std::atomic<int> &calls, int failures,
                       int failure_status)
{
    const auto handler = [&calls, failures, failure_status](const httplib::Request &, httplib::Response &res) {
        const int call = ++calls;
        res.status = call <= failures ? failure_status : 200;
        res.set_content(fmt::format("call {}", call), "text/plain");
    };
    server.http.Get(path, handler);
    server.http.Post(path, handler);
    server.http.Put(path, handler);
}

} // namespace

TEST_CASE("http: a relative URL joins the base URL and the query is percent-encoded")
{
    LoopbackServer server;
    SeenLog<std::pair<std::string, std::string>> seen; // target, q
    server.http.Get("/api/v2/items", [&](const httplib::Request &req, httplib::Response &res) {
        seen.add({req.target, req.get_param_value("q")});
        res.set_content(req.get_param_value("x y"), "text/plain");
    });
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);
    options.base_url = server.url("/api/v2/"); // a trailing slash is not doubled
    Client client(options);

    const Response r = client.send({.url = "/items", .query = {{"q", "a b&c=d/é"}, {"x y", "1"}}});
    CHECK(r.status == 200);
    CHECK(r.ok());
    CHECK(r.attempts == 1);
    CHECK(r.body == "1");
    CHECK(r.url == server.url("/api/v2/items?q=a%20b%26c%3Dd%2F%C3%A9&x%20y=1"));
    REQUIRE(seen.size() == 1);
    CHECK(seen.all()[0].first == "/api/v2/items?q=a%20b%26c%3Dd%2F%C3%A9&x%20y=1");
    CHECK(seen.all()[0].second == "a b&c=d/é");
    CHECK(waits.all().empty());
}

TEST_CASE("http: response header names are lower-cased, in arrival order, and any status is a response")
{
    LoopbackServer server;
    server.http.Get("/h", [](const httplib::Request &, httplib::Response &res) {
        res.status = 404;
        res.headers.emplace("X-Request-ID", "abc-123");
        res.headers.emplace("X-Multi", "one");
        res.headers.emplace("X-Multi", "two");
        res.set_content(R"({"error":"no such thing"})", "application/json");
    });
    RecordedWaits waits;
    Client client(options_for(server, waits));
    const Response r = client.send({.url = "/h"});
    CHECK(r.status == 404);
    CHECK_FALSE(r.ok());
    CHECK(r.attempts == 1);
    CHECK(r.body == R"({"error":"no such thing"})");
    for (const auto &[name, value] : r.headers) {
        INFO(name);
        CHECK(std::none_of(name.begin(), name.end(), [](unsigned char c) { return std::isupper(c); }));
    }
    CHECK(r.header("X-REQUEST-ID") == "abc-123");
    CHECK(r.header("content-type") == "application/json");
    CHECK_FALSE(r.header("x-absent").has_value());
    std::vector<std::string> multi;
    for (const auto &[name, value] : r.headers)
        if (name == "x-multi") multi.push_back(value);
    CHECK(multi == std::vector<std::string>{"one", "two"});
}

TEST_CASE("http: one connection is kept alive across requests")
{
    LoopbackServer server;
    SeenLog<int> ports;
    server.http.Get("/k", [&](const httplib::Request &req, httplib::Response &res) {
        ports.add(req.remote_port);
        res.set_content("ok", "text/plain");
    });
    RecordedWaits waits;
    Client client(options_for(server, waits));
    for (int i = 0; i < 4; ++i) REQUIRE(client.send({.url = "/k"}).status == 200);
    const auto seen = ports.all();
    REQUIRE(seen.size() == 4);
    CHECK(std::all_of(seen.begin(), seen.end(), [&](int port) { return port == seen.front(); }));
}

TEST_CASE("http: a burst of 5xx is retried with backoff within the full-jitter bounds")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    fail_then_succeed(server, "/flaky", calls, 3, 503);
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);
    options.retry = {.max_attempts = 5, .base_delay = 100ms, .max_delay = 300ms};
    Client client(options);

    const Response r = client.send({.url = "/flaky"});
    CHECK(r.status == 200);
    CHECK(r.body == "call 4");
    CHECK(r.attempts == 4);
    CHECK(calls == 4);
    const auto recorded = waits.all();
    REQUIRE(recorded.size() == 3);
    CHECK(recorded[0] <= 100ms); // base
    CHECK(recorded[1] <= 200ms); // base * 2
    CHECK(recorded[2] <= 300ms); // base * 4, capped by max_delay
    for (const milliseconds wait : recorded) CHECK(wait >= 0ms);
}

TEST_CASE("http: backoff waits are spread over the whole jitter range")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    fail_then_succeed(server, "/down", calls, 1000, 500);
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);
    options.retry = {.max_attempts = 40, .base_delay = 100ms, .max_delay = 100ms};
    options.timeout = 5s; // the default deadline is timeout x attempts
    Client client(options);

    const Response r = client.send({.url = "/down"});
    CHECK(r.status == 500);
    CHECK(r.attempts == 40);
    const auto recorded = waits.all();
    REQUIRE(recorded.size() == 39);
    const auto [low, high] = std::minmax_element(recorded.begin(), recorded.end());
    CHECK(*high <= 100ms);
    CHECK(*low >= 0ms);
    // 39 uniform draws from [0, 100] all within 30 ms of each other: ~1e-18.
    CHECK(*high - *low >= 30ms);
}

TEST_CASE("http: after max_attempts the last 5xx is returned")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    fail_then_succeed(server, "/down", calls, 1000, 502);
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);
    options.retry.max_attempts = 3;
    Client client(options);

    const Response r = client.send({.url = "/down"});
    CHECK(r.status == 502);
    CHECK(r.body == "call 3");
    CHECK(r.attempts == 3);
    CHECK(calls == 3);
    CHECK(waits.all().size() == 2);
}

TEST_CASE("http: a POST is not retried on 5xx but is on 429, PUT and idempotent POSTs are")
{
    LoopbackServer server;
    RecordedWaits waits;
    Client client(options_for(server, waits));

    SECTION("POST and 500: the server may have acted")
    {
        std::atomic<int> calls = 0;
        fail_then_succeed(server, "/notes", calls, 1, 500);
        const Response r = client.send({.method = "POST", .url = "/notes", .body = "{}"});
        CHECK(r.status == 500);
        CHECK(r.attempts == 1);
        CHECK(calls == 1);
        CHECK(waits.all().empty());
    }
    SECTION("POST and 429: the server did not act")
    {
        std::atomic<int> calls = 0;
        fail_then_succeed(server, "/notes", calls, 1, 429);
        const Response r = client.send({.method = "POST", .url = "/notes", .body = "{}"});
        CHECK(r.status == 200);
        CHECK(r.attempts == 2);
        CHECK(calls == 2);
        REQUIRE(waits.all().size() == 1);
        CHECK(waits.all()[0] <= 250ms); // no Retry-After: backoff
    }
    SECTION("PUT and 500")
    {
        std::atomic<int> calls = 0;
        fail_then_succeed(server, "/field", calls, 1, 500);
        const Response r = client.send({.method = "PUT", .url = "/field", .body = "{}"});
        CHECK(r.status == 200);
        CHECK(r.attempts == 2);
    }
    SECTION("POST marked idempotent and 500")
    {
        std::atomic<int> calls = 0;
        fail_then_succeed(server, "/search", calls, 1, 500);
        const Response r = client.send({.method = "POST", .url = "/search", .body = "{}", .idempotent = true});
        CHECK(r.status == 200);
        CHECK(r.attempts == 2);
    }
}

TEST_CASE("http: 429 waits as long as Retry-After says, in seconds or as an HTTP-date")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    std::string retry_after;
    server.http.Get("/limited", [&](const httplib::Request &, httplib::Response &res) {
        if (++calls == 1) {
            res.status = 429;
            res.set_header("Retry-After", retry_after);
            res.set_content("Too Many Requests", "text/plain");
        } else {
            res.set_content("ok", "text/plain");
        }
    });
    RecordedWaits waits;
    Client client(options_for(server, waits));

    SECTION("seconds")
    {
        retry_after = "2";
        const Response r = client.send({.url = "/limited"});
        CHECK(r.status == 200);
        CHECK(r.attempts == 2);
        CHECK(waits.all() == std::vector<milliseconds>{2000ms});
    }
    SECTION("seconds, on a 503")
    {
        server.http.Get("/maintenance", [&](const httplib::Request &, httplib::Response &res) {
            if (++calls == 1) {
                res.status = 503;
                res.set_header("Retry-After", "1");
            }
        });
        const Response r = client.send({.url = "/maintenance"});
        CHECK(r.status == 200);
        CHECK(waits.all() == std::vector<milliseconds>{1000ms});
    }
    SECTION("an HTTP-date")
    {
        const auto at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now() + 3s);
        retry_after = date::format("%a, %d %b %Y %H:%M:%S GMT", at);
        const Response r = client.send({.url = "/limited"});
        CHECK(r.status == 200);
        REQUIRE(waits.all().size() == 1);
        CHECK(waits.all()[0] > 1000ms);
        CHECK(waits.all()[0] <= 3000ms);
    }
}

TEST_CASE("http: a Retry-After over the cap or past the deadline returns the 429")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    server.http.Get("/limited", [&](const httplib::Request &, httplib::Response &res) {
        ++calls;
        res.status = 429;
        res.set_header("Retry-After", "10");
    });
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);

    SECTION("over max_retry_after")
    {
        options.retry.max_retry_after = 5s;
        Client client(options);
        const Response r = client.send({.url = "/limited"});
        CHECK(r.status == 429);
        CHECK(r.header("retry-after") == "10");
        CHECK(r.attempts == 1);
    }
    SECTION("past the request's deadline")
    {
        Client client(options);
        const Response r = client.send({.url = "/limited", .deadline = 3s});
        CHECK(r.status == 429);
        CHECK(r.attempts == 1);
    }
    CHECK(calls == 1);
    CHECK(waits.all().empty());
}

TEST_CASE("http: the deadline bounds retries and waits together")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    fail_then_succeed(server, "/down", calls, 1000, 500);
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);
    options.retry = {.max_attempts = 100, .base_delay = 400ms, .max_delay = 400ms};
    Client client(options);

    const Response r = client.send({.url = "/down", .deadline = 1000ms});
    CHECK(r.status == 500);
    CHECK(r.attempts < 100);
    CHECK(r.attempts == calls);
    const auto recorded = waits.all();
    CHECK(recorded.size() == static_cast<std::size_t>(r.attempts - 1));
    CHECK(std::accumulate(recorded.begin(), recorded.end(), 0ms) < 1000ms);
}

TEST_CASE("http: an attempt that times out is retried, a POST that times out is not")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    const auto slow_first = [&](const httplib::Request &, httplib::Response &res) {
        if (++calls == 1) std::this_thread::sleep_for(600ms);
        res.set_content("ok", "text/plain");
    };
    server.http.Get("/slow", slow_first);
    server.http.Post("/slow", slow_first);
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);
    options.timeout = 250ms;

    SECTION("GET")
    {
        Client client(options);
        const Response r = client.send({.url = "/slow", .deadline = 5s});
        CHECK(r.status == 200);
        CHECK(r.attempts == 2);
        CHECK(waits.all().size() == 1);
    }
    SECTION("POST")
    {
        Client client(options);
        try {
            client.send({.method = "POST", .url = "/slow", .body = "x", .deadline = 5s});
            FAIL("a timed-out POST gave a response");
        } catch (const TransportError &e) {
            CHECK(e.kind() == TransportError::Kind::timeout);
            CHECK_THAT(e.what(), Contains("POST " + server.url("/slow")));
            CHECK_THAT(e.what(), Contains("after 1 attempt(s)"));
            CHECK_THAT(e.what(), Contains("did not answer in time"));
        }
        CHECK(calls == 1);
        CHECK(waits.all().empty());
    }
}

TEST_CASE("http: a connection broken mid-response is retried for a GET")
{
    LoopbackServer server;
    std::atomic<int> calls = 0;
    server.http.Get("/broken", [&](const httplib::Request &, httplib::Response &res) {
        if (++calls == 1) {
            // Headers promise 100 bytes, then the connection closes.
            res.set_content_provider(100, "text/plain",
                                     [](std::size_t, std::size_t, httplib::DataSink &) { return false; });
            return;
        }
        res.set_content("whole", "text/plain");
    });
    RecordedWaits waits;
    Client client(options_for(server, waits));
    const Response r = client.send({.url = "/broken"});
    CHECK(r.status == 200);
    CHECK(r.body == "whole");
    CHECK(r.attempts == 2);
}

TEST_CASE("http: a refused connection is a TransportError of kind connect that says what to check")
{
    const int port = unused_port();
    RecordedWaits waits;
    ClientOptions options;
    options.name = "snow";
    options.base_url = fmt::format("http://127.0.0.1:{}", port);
    options.retry.max_attempts = 3;
    options.sleep = waits.hook();
    Client client(options);

    // Both: the server never saw the request, so even a POST is tried again.
    const std::string method = GENERATE(as<std::string>{}, "GET", "POST");
    try {
        client.send({.method = method, .url = "/api/now/table/incident"});
        FAIL("no TransportError");
    } catch (const TransportError &e) {
        CHECK(e.kind() == TransportError::Kind::connect);
        CHECK_THAT(e.what(), Contains("HTTP client 'snow'"));
        CHECK_THAT(e.what(), Contains(method + " " + options.base_url + "/api/now/table/incident"));
        CHECK_THAT(e.what(), Contains("after 3 attempt(s)"));
        CHECK_THAT(e.what(), Contains(std::to_string(port))); // libcurl's reason
        CHECK_THAT(e.what(), Contains("check base_url and that the host is reachable from here (proxy settings: "
                                      "http_proxy/https_proxy/no_proxy)"));
    }
    CHECK(waits.all().size() == 2);
}

TEST_CASE("http: TLS to a server that does not speak it is a TransportError of kind tls")
{
    LoopbackServer server;
    server.http.Get("/x",
                    [](const httplib::Request &, httplib::Response &res) { res.set_content("plain", "text/plain"); });
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);
    options.base_url = fmt::format("https://127.0.0.1:{}", server.port());
    Client client(options);
    try {
        client.send({.url = "/x"});
        FAIL("no TransportError");
    } catch (const TransportError &e) {
        CHECK(e.kind() == TransportError::Kind::tls);
        CHECK_THAT(e.what(), Contains(options.base_url + "/x"));
        CHECK_THAT(e.what(), Contains("after 1 attempt(s)")); // a TLS failure is not retried
        CHECK_THAT(e.what(), Contains("check the CA bundle or verify_tls"));
    }
}

TEST_CASE("http: TLS is verified against the system's CAs, or the CA bundle given, unless verify_tls is off")
{
    const SelfSignedCertificate certificate;
    LoopbackServer server(std::make_unique<httplib::SSLServer>(certificate.cert.c_str(), certificate.key.c_str()),
                          "https");
    server.http.Get("/x",
                    [](const httplib::Request &, httplib::Response &res) { res.set_content("secure", "text/plain"); });
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);

    SECTION("the system's CAs do not know a self-signed certificate")
    {
        Client client(options);
        try {
            client.send({.url = "/x"});
            FAIL("an unknown certificate was accepted");
        } catch (const TransportError &e) {
            CHECK(e.kind() == TransportError::Kind::tls);
            CHECK_THAT(e.what(), Contains("certificate"));
            CHECK_THAT(e.what(), Contains("check the CA bundle or verify_tls"));
        }
    }
    SECTION("a CA bundle with the certificate")
    {
        options.ca_bundle = certificate.cert;
        CHECK(Client(options).send({.url = "/x"}).body == "secure");
    }
    SECTION("verify_tls off")
    {
        options.verify_tls = false;
        CHECK(Client(options).send({.url = "/x"}).body == "secure");
    }
}

TEST_CASE("http: a CA bundle that does not exist is refused up front, naming it")
{
    ClientOptions options;
    options.name = "zendesk";
    options.base_url = "https://acme.zendesk.com";
    options.ca_bundle = "/nonexistent/servicelens-test/ca.pem";
    try {
        Client client(options);
        FAIL("the client was built");
    } catch (const std::invalid_argument &e) {
        CHECK_THAT(e.what(), Contains("'zendesk'"));
        CHECK_THAT(e.what(), Contains("/nonexistent/servicelens-test/ca.pem"));
    }
}

TEST_CASE("http: requests that cannot be sent are refused before they leave")
{
    ClientOptions options;
    options.name = "test";
    options.base_url = "http://127.0.0.1:9";
    Client client(options);
    CHECK_THROWS_AS(client.send({.method = "GE T", .url = "/x"}), std::invalid_argument);
    CHECK_THROWS_AS(client.send({.url = "/x", .headers = {{"X-Note", "a\r\nX-Injected: 1"}}}), std::invalid_argument);
    CHECK_THROWS_AS(client.send({.url = "/x", .headers = {{"Bad Name", "v"}}}), std::invalid_argument);
    CHECK_THROWS_WITH(client.send({.url = "file:///etc/passwd"}), Contains("only http and https"));
    CHECK_THROWS_WITH(client.send({.url = "http://exa mple.com/"}), Contains("not a valid URL"));
}

TEST_CASE("http: requests_per_second spaces the starts of requests")
{
    LoopbackServer server;
    SeenLog<std::chrono::steady_clock::time_point> arrivals;
    server.http.Get("/r", [&](const httplib::Request &, httplib::Response &res) {
        arrivals.add(std::chrono::steady_clock::now());
        res.set_content("ok", "text/plain");
    });
    RecordedWaits waits(true); // the limiter's clock is real: sleep as well as record
    ClientOptions options = options_for(server, waits);
    options.requests_per_second = 20; // 50 ms apart
    Client client(options);
    const auto before = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) REQUIRE(client.send({.url = "/r"}).status == 200);
    // The fifth start comes four intervals after the first.
    CHECK(std::chrono::steady_clock::now() - before >= 200ms);

    const auto seen = arrivals.all();
    REQUIRE(seen.size() == 5);
    // As the server saw them, with slack for a slow first connection.
    CHECK(seen.back() - seen.front() >= 150ms);
    const auto recorded = waits.all();
    CHECK_FALSE(recorded.empty());
    for (const milliseconds wait : recorded) CHECK(wait <= 50ms);
}

TEST_CASE("http: proxies come from the environment, and no_proxy is honoured")
{
    LoopbackServer proxy;
    SeenLog<std::pair<std::string, std::string>> proxied; // target, Host
    proxy.http.Get(".*", [&](const httplib::Request &req, httplib::Response &res) {
        proxied.add({req.target, req.get_header_value("Host")});
        res.set_content("via proxy", "text/plain");
    });
    LoopbackServer direct;
    direct.http.Get("/d",
                    [](const httplib::Request &, httplib::Response &res) { res.set_content("direct", "text/plain"); });

    const ScopedEnv http_proxy("http_proxy", proxy.url());
    const ScopedEnv no_proxy("no_proxy", std::string("127.0.0.1,localhost"));
    RecordedWaits waits;

    ClientOptions options;
    options.name = "behind-proxy";
    options.base_url = "http://example.invalid";
    options.retry.max_attempts = 1;
    options.sleep = waits.hook();
    Client client(options);
    const Response r = client.send({.url = "/x"});
    CHECK(r.status == 200);
    CHECK(r.body == "via proxy");
    REQUIRE(proxied.size() == 1);
    CHECK(proxied.all()[0].first == "http://example.invalid/x");
    CHECK(proxied.all()[0].second == "example.invalid");

    // 127.0.0.1 is in no_proxy: straight to the server.
    Client local(options_for(direct, waits));
    CHECK(local.send({.url = "/d"}).body == "direct");
    CHECK(proxied.size() == 1);
}

TEST_CASE("http: requests from several threads share the one connection, one at a time")
{
    LoopbackServer server;
    std::atomic<int> in_flight = 0, most_in_flight = 0, calls = 0;
    server.http.Get("/c", [&](const httplib::Request &, httplib::Response &res) {
        const int now = ++in_flight;
        for (int seen = most_in_flight; now > seen && !most_in_flight.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(5ms);
        ++calls;
        --in_flight;
        res.set_content("ok", "text/plain");
    });
    RecordedWaits waits;
    Client client(options_for(server, waits));
    std::atomic<int> ok = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i)
                if (client.send({.url = "/c"}).status == 200) ++ok;
        });
    for (std::thread &thread : threads) thread.join();
    CHECK(ok == 20);
    CHECK(calls == 20);
    CHECK(most_in_flight == 1);
}
