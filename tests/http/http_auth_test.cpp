// http::Client's credentials: basic, bearer and RT token headers as the
// server sees them, the OAuth2 client credentials grant (cache, expiry,
// 401, refusal), credentials kept on their host and out of the logs.
#include "client_test_support.hpp"

#include <nlohmann/json.hpp>

#include <atomic>
#include <map>
#include <set>

using namespace servicelens::http;
using namespace servicelens::http::testing;
using Catch::Matchers::Contains;

namespace {

// Records the Authorization header of each request to `path`.
void record_authorization(LoopbackServer &server, const std::string &path, SeenLog<std::string> &seen)
{
    server.http.Get(path, [&seen](const httplib::Request &req, httplib::Response &res) {
        seen.add(req.get_header_value("Authorization"));
        res.set_content("ok", "text/plain");
    });
}

// A ServiceNow-like OAuth2 server: /oauth_token.do issues tok-1, tok-2, ...
// (expires_in from `lifetimes`, by issue order, else 1800), and /api
// accepts the tokens in `accepted` only.
struct OAuthServer {
    LoopbackServer server;
    std::mutex mutex;
    std::vector<std::map<std::string, std::string>> token_requests;
    std::vector<int> lifetimes;
    std::set<std::string> accepted;
    bool refuse_clients = false;
    SeenLog<std::string> api_authorizations;

    OAuthServer()
    {
        server.http.Post("/oauth_token.do",
                         [this](const httplib::Request &req, httplib::Response &res) { issue(req, res); });
        server.http.Get("/api/now/table/incident", [this](const httplib::Request &req, httplib::Response &res) {
            const std::string authorization = req.get_header_value("Authorization");
            api_authorizations.add(authorization);
            std::lock_guard lock(mutex);
            const bool ok = authorization.rfind("Bearer ", 0) == 0 && accepted.count(authorization.substr(7)) > 0;
            res.status = ok ? 200 : 401;
            res.set_content(ok ? R"({"result":[]})" : R"({"error":{"message":"User Not Authenticated"}})",
                            "application/json");
        });
    }

    void issue(const httplib::Request &req, httplib::Response &res)
    {
        std::lock_guard lock(mutex);
        httplib::Params form;
        httplib::detail::parse_query_text(req.body, form);
        token_requests.emplace_back(form.begin(), form.end());
        if (refuse_clients) {
            res.status = 401;
            res.set_content(R"({"error":"invalid_client","error_description":"Client authentication failed"})",
                            "application/json");
            return;
        }
        const std::size_t issued = token_requests.size();
        const int lifetime = issued <= lifetimes.size() ? lifetimes[issued - 1] : 1800;
        const nlohmann::json body{{"access_token", "tok-" + std::to_string(issued)},
                                  {"refresh_token", "refresh-secret-" + std::to_string(issued)},
                                  {"scope", "useraccount"},
                                  {"token_type", "Bearer"},
                                  {"expires_in", lifetime}};
        res.set_content(body.dump(), "application/json");
    }

    std::size_t tokens_issued()
    {
        std::lock_guard lock(mutex);
        return token_requests.size();
    }

    ClientOptions client_options(RecordedWaits &waits)
    {
        ClientOptions options = options_for(server, waits);
        options.name = "snow";
        options.auth = OAuth2ClientCredentials{"/oauth_token.do", "client-id-7", "client-secret-Q9", "useraccount"};
        return options;
    }
};

const Request incidents{.url = "/api/now/table/incident"};

} // namespace

TEST_CASE("http: basic, bearer and RT token credentials as the server sees them")
{
    LoopbackServer server;
    SeenLog<std::string> seen;
    record_authorization(server, "/who", seen);
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);

    options.auth = BasicAuth{"integration", "s3cret pass:x"};
    CHECK(Client(options).send({.url = "/who"}).status == 200);
    options.auth = BearerAuth{"bearer-tok-123"};
    CHECK(Client(options).send({.url = "/who"}).status == 200);
    options.auth = RtTokenAuth{"rt-tok-456"};
    CHECK(Client(options).send({.url = "/who"}).status == 200);
    options.auth = NoAuth{};
    CHECK(Client(options).send({.url = "/who"}).status == 200);

    const auto authorizations = seen.all();
    REQUIRE(authorizations.size() == 4);
    CHECK(authorizations[0] == httplib::make_basic_authentication_header("integration", "s3cret pass:x").second);
    CHECK(authorizations[1] == "Bearer bearer-tok-123");
    CHECK(authorizations[2] == "token rt-tok-456");
    CHECK(authorizations[3].empty());
}

TEST_CASE("http: credentials are not sent to another host than the base URL's")
{
    LoopbackServer home, elsewhere;
    SeenLog<std::string> at_home, at_elsewhere;
    record_authorization(home, "/who", at_home);
    record_authorization(elsewhere, "/who", at_elsewhere);
    RecordedWaits waits;
    ClientOptions options = options_for(home, waits);
    const auto auth = GENERATE(as<Auth>{}, BasicAuth{"integration", "pw"}, BearerAuth{"tok"}, RtTokenAuth{"tok"});
    options.auth = auth;
    Client client(options);

    CHECK(client.send({.url = home.url("/who")}).status == 200);      // absolute, same origin
    CHECK(client.send({.url = elsewhere.url("/who")}).status == 200); // absolute, another port
    REQUIRE(at_home.size() == 1);
    CHECK_FALSE(at_home.all()[0].empty());
    REQUIRE(at_elsewhere.size() == 1);
    CHECK(at_elsewhere.all()[0].empty());
}

TEST_CASE("http: OAuth2: one token serves many requests and the grant is form-encoded")
{
    OAuthServer oauth;
    oauth.accepted = {"tok-1"};
    RecordedWaits waits;
    Client client(oauth.client_options(waits));
    for (int i = 0; i < 3; ++i) CHECK(client.send(incidents).status == 200);

    CHECK(oauth.tokens_issued() == 1);
    const auto form = oauth.token_requests.at(0);
    CHECK(form.at("grant_type") == "client_credentials");
    CHECK(form.at("client_id") == "client-id-7");
    CHECK(form.at("client_secret") == "client-secret-Q9");
    CHECK(form.at("scope") == "useraccount");
    CHECK(oauth.api_authorizations.all() == std::vector<std::string>(3, "Bearer tok-1"));
}

TEST_CASE("http: OAuth2: a token about to expire is replaced before use")
{
    OAuthServer oauth;
    oauth.accepted = {"tok-1", "tok-2"};
    oauth.lifetimes = {1, 3600}; // tok-1 lives 1 s: reused for half of it at most
    RecordedWaits waits;
    Client client(oauth.client_options(waits));

    CHECK(client.send(incidents).status == 200);
    std::this_thread::sleep_for(600ms);
    CHECK(client.send(incidents).status == 200);
    CHECK(client.send(incidents).status == 200);
    CHECK(oauth.tokens_issued() == 2);
    CHECK(oauth.api_authorizations.all() == std::vector<std::string>{"Bearer tok-1", "Bearer tok-2", "Bearer tok-2"});
}

TEST_CASE("http: OAuth2: a 401 fetches a new token once")
{
    OAuthServer oauth;
    RecordedWaits waits;
    Client client(oauth.client_options(waits));

    SECTION("the new token is accepted")
    {
        oauth.accepted = {"tok-2"}; // tok-1 was revoked
        const Response r = client.send(incidents);
        CHECK(r.status == 200);
        CHECK(r.attempts == 2);
        CHECK(oauth.tokens_issued() == 2);
        CHECK(oauth.api_authorizations.all() == std::vector<std::string>{"Bearer tok-1", "Bearer tok-2"});
    }
    SECTION("the new token is refused too: the 401 is the answer")
    {
        const Response r = client.send(incidents);
        CHECK(r.status == 401);
        CHECK(oauth.tokens_issued() == 2);
        CHECK(oauth.api_authorizations.size() == 2);
    }
    CHECK(waits.all().empty());
}

TEST_CASE("http: OAuth2: a refused client is an OAuth2Error with the endpoint's reason")
{
    OAuthServer oauth;
    oauth.refuse_clients = true;
    RecordedWaits waits;
    Client client(oauth.client_options(waits));
    try {
        client.send(incidents);
        FAIL("no OAuth2Error");
    } catch (const OAuth2Error &e) {
        CHECK(e.status() == 401);
        CHECK_THAT(e.what(), Contains("HTTP client 'snow'"));
        CHECK_THAT(e.what(), Contains(oauth.server.url("/oauth_token.do")));
        CHECK_THAT(e.what(), Contains("client 'client-id-7'"));
        CHECK_THAT(e.what(), Contains("HTTP 401: invalid_client (Client authentication failed)"));
        CHECK_THAT(e.what(), Contains("check the connector's client_id, client_secret"));
        CHECK_THAT(e.what(), !Contains("client-secret-Q9"));
    }
    CHECK(oauth.api_authorizations.size() == 0);
}

TEST_CASE("http: logs carry method, URL and status but never a credential")
{
    CapturedLog log;
    LoopbackServer server;
    SeenLog<std::string> seen;
    record_authorization(server, "/who", seen);
    RecordedWaits waits;
    ClientOptions options = options_for(server, waits);

    options.auth = BasicAuth{"integration", "basic-pw-1"};
    Client(options).send({.url = "/who", .query = {{"api_key", "query-key-2"}, {"limit", "5"}}});
    options.auth = BearerAuth{"bearer-tok-3"};
    Client(options).send({.url = "/who"});
    options.auth = RtTokenAuth{"rt-tok-4"};
    Client(options).send({.url = "/who", .headers = {{"X-Api-Key", "header-key-5"}}});
    options.auth = NoAuth{};
    Client(options).send({.url = fmt::format("http://user:url-pw-6@127.0.0.1:{}/who", server.port())});

    OAuthServer oauth;
    oauth.accepted = {"tok-2"}; // tok-1 is refused: the 401 path is logged too
    Client(oauth.client_options(waits)).send(incidents);
    oauth.refuse_clients = true;
    CHECK_THROWS_AS(Client(oauth.client_options(waits)).send(incidents), OAuth2Error);

    const std::string text = log.text();
    CHECK_THAT(text, Contains("GET " + server.url("/who?api_key=***&limit=5")));
    CHECK_THAT(text, Contains("-> 200"));
    CHECK_THAT(text, Contains("-> 401"));
    for (const char *secret : {"basic-pw-1", "query-key-2", "bearer-tok-3", "rt-tok-4", "header-key-5", "url-pw-6",
                               "client-secret-Q9", "tok-1", "tok-2", "refresh-secret", "Authorization", "Bearer",
                               "aW50ZWdyYXRpb246YmFzaWMtcHctMQ" /* base64 of integration:basic-pw-1 */}) {
        INFO(secret);
        CHECK_THAT(text, !Contains(secret));
    }
}
