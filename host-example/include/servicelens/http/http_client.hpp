// The host's one HTTP stack (libcurl), used by every vendor connector and
// offered to plugins as servicelens.host-http/1.
//
//   http::Client client({.name = "snow", .base_url = "https://acme.service-now.com",
//                        .auth = http::BasicAuth{"integration", password}});
//   http::Response r = client.send({.method = "GET", .url = "/api/now/table/incident",
//                                   .query = {{"sysparm_limit", "100"}}});
//   if (!r.ok()) ...   // any status is a response; only a missing one throws
//
// What a careful integration needs and every connector would otherwise
// repeat lives here: one connection kept alive per client, connect and total
// timeouts, retries with exponential backoff and full jitter on 5xx, timeouts
// and resets, 429 (and 503) honouring Retry-After (seconds or HTTP-date), a
// per-client request-rate limit, TLS verification (on unless the admin turns
// it off, with an optional CA bundle), proxies from the environment
// (http_proxy, https_proxy, no_proxy, as libcurl reads them), and the auth
// schemes of the vendors. Logs carry method, URL without query secrets,
// status and time: never credentials or an Authorization header.
//
// Rationale (writes are not retried blindly): a POST that timed out may
// have been applied. Requests whose method is not idempotent are retried
// only when the server cannot have acted on them (the connection was never
// made, or 429 said "not now"); otherwise the failure goes back to the
// connector, whose write-back checks for its own earlier write before it
// writes again.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace servicelens::http {

using Header = std::pair<std::string, std::string>;
using QueryParameter = std::pair<std::string, std::string>;

struct Request {
    std::string method = "GET";
    std::string url{};                   // absolute, or relative to the client's base URL
    std::vector<QueryParameter> query{}; // appended URL-encoded
    std::vector<Header> headers{};
    std::string body{};
    // The time this request may take, retries and waits included; unset:
    // the client's timeout times its attempts.
    std::optional<std::chrono::milliseconds> deadline{};
    // Unset: by method (GET, HEAD, PUT, DELETE, OPTIONS are idempotent).
    std::optional<bool> idempotent{};
    // (Every member has an initializer so that designated initializers may
    // leave any out without g++'s -Wmissing-field-initializers.)
};

struct Response {
    long status = 0;
    std::vector<Header> headers{}; // names lower-cased, in arrival order
    std::string body{};
    std::string url{}; // the URL that answered
    int attempts = 1;

    bool ok() const noexcept { return status >= 200 && status < 300; }
    // The first header of that (case-insensitive) name.
    std::optional<std::string_view> header(std::string_view name) const;
};

struct NoAuth {};
struct BasicAuth {
    std::string username{}, password{};
};
struct BearerAuth {
    std::string token{};
};
// ServiceNow's OAuth 2.0 client credentials grant: a token is fetched from
// token_url before the first request, refreshed before it expires and once
// more when a request gets 401.
struct OAuth2ClientCredentials {
    std::string token_url{}, client_id{}, client_secret{}, scope{};
};
// "Authorization: token <token>" (Request Tracker 5 auth tokens).
struct RtTokenAuth {
    std::string token{};
};
// Zendesk and Jira API tokens are HTTP basic auth with a vendor-specific
// user name (Zendesk: "{email}/token", Jira: the email); the connector
// builds the BasicAuth.
using Auth = std::variant<NoAuth, BasicAuth, BearerAuth, OAuth2ClientCredentials, RtTokenAuth>;

struct RetryPolicy {
    int max_attempts = 5;                      // first try included
    std::chrono::milliseconds base_delay{250}; // doubled each attempt, full jitter
    std::chrono::milliseconds max_delay{30'000};
    std::chrono::milliseconds max_retry_after{300'000}; // a longer Retry-After is not waited for
};

struct ClientOptions {
    std::string name{}; // the connector's name, in logs and errors
    std::string base_url{};
    Auth auth{};
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds timeout{30'000}; // per attempt
    RetryPolicy retry{};
    std::optional<double> requests_per_second{}; // unset: no limit
    bool verify_tls = true;
    std::filesystem::path ca_bundle{}; // empty: the system's CAs
    std::string user_agent = "ServiceLens";
    // How the client waits between attempts and for the rate limit; tests
    // replace it to record the delays instead of sleeping.
    std::function<void(std::chrono::milliseconds)> sleep{};
};

// No response came: connection refused, DNS, TLS, timeout, reset — after
// the retries the request was allowed. what() names the client, method, URL
// (no credentials), the libcurl reason and the attempts made.
class TransportError : public std::runtime_error {
public:
    enum class Kind { connect, timeout, tls, other };
    TransportError(Kind kind, const std::string &message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const noexcept { return kind_; }

private:
    Kind kind_;
};

// The OAuth2 token endpoint refused the client credentials (or answered
// something that is not a token): what() names the client, the token URL,
// the status and the endpoint's `error` and `error_description`, and what to
// check. Never a secret, never the response body.
class OAuth2Error : public std::runtime_error {
public:
    OAuth2Error(long status, const std::string &message) : std::runtime_error(message), status_(status) {}
    long status() const noexcept { return status_; } // 0: the answer was not a token

private:
    long status_;
};

// Whether `url` is absolute ("scheme://..."): such a Request::url is sent
// as it is, not joined to the base URL.
bool is_absolute_url(std::string_view url);

// Parses a Retry-After value, seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2026 07:28:00 GMT"), into a wait from `now`; nullopt when
// it is neither. A date in the past is a wait of zero.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// The URL with any user:password@ and the values of query parameters whose
// name suggests a secret (token, key, password, secret, signature) masked.
std::string loggable_url(std::string_view url);

class Client {
public:
    // Throws std::invalid_argument for options that cannot work (a
    // ca_bundle that does not exist, a rate that is not positive).
    explicit Client(ClientOptions options);
    ~Client();
    Client(const Client &) = delete;
    Client &operator=(const Client &) = delete;

    // Sends the request, retrying as described above, and returns the last
    // response whatever its status. Throws TransportError when none came,
    // OAuth2Error when no token could be had, std::invalid_argument for a
    // request that cannot be sent (not an http(s) URL, a method that is not
    // a token, a line break in a header).
    // Credentials go only to the base URL's scheme, host and port: an
    // absolute URL elsewhere is sent without them.
    // [thread-safe]: calls from several threads are serialised on the one
    // connection; make one client per thread for parallel requests.
    Response send(const Request &request);

    const ClientOptions &options() const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace servicelens::http
