// http::Client: one send() is attempts on one kept-alive libcurl handle,
// with the waits between them (rate limit, backoff, Retry-After) bounded by
// the request's deadline.
#include <servicelens/http/http_client.hpp>

#include "curl_easy.hpp"
#include "deadline.hpp"
#include "oauth2_token_source.hpp"
#include "rate_limiter.hpp"
#include "request_checks.hpp"
#include "request_url.hpp"
#include "retry_policy.hpp"
#include "transport_failure.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>

namespace servicelens::http {

using std::chrono::milliseconds;

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

void check_options(const ClientOptions &o)
{
    if (!o.ca_bundle.empty() && !(std::filesystem::is_regular_file(o.ca_bundle) && std::ifstream(o.ca_bundle).good()))
        throw std::invalid_argument(fmt::format("HTTP client '{}': the CA bundle {} cannot be read; set ca_bundle to a "
                                                "PEM file of CA certificates, or remove it to use the system's",
                                                o.name, o.ca_bundle.string()));
    if (o.requests_per_second && !(*o.requests_per_second > 0))
        throw std::invalid_argument(fmt::format("HTTP client '{}': requests_per_second must be positive, not {}",
                                                o.name, *o.requests_per_second));
}

// "200" or "no response (Couldn't connect to server)", for log lines.
std::string outcome(const detail::Exchange &x)
{
    return x.code == CURLE_OK ? std::to_string(x.status) : fmt::format("no response ({})", x.error);
}

Response to_response(detail::Exchange &&x, int attempts)
{
    Response r;
    r.status = x.status;
    r.headers = std::move(x.headers);
    r.body = std::move(x.body);
    r.url = std::move(x.url);
    r.attempts = attempts;
    return r;
}

} // namespace

std::optional<std::string_view> Response::header(std::string_view name) const
{
    for (const auto &[key, value] : headers)
        if (equal_ignoring_case(key, name)) return std::string_view(value);
    return std::nullopt;
}

struct Client::Impl {
    explicit Impl(ClientOptions o) : options((check_options(o), std::move(o)))
    {
        if (options.requests_per_second) limiter.emplace(*options.requests_per_second);
        if (const auto *grant = std::get_if<OAuth2ClientCredentials>(&options.auth))
            tokens = std::make_unique<detail::OAuth2TokenSource>(options.name, *grant);
    }

    Response send(const Request &request, const std::string &url, bool with_credentials);

    ClientOptions options;
    detail::CurlEasy easy;
    std::mutex easy_mutex; // one transfer at a time on the one handle
    std::optional<detail::RateLimiter> limiter;
    std::unique_ptr<detail::OAuth2TokenSource> tokens;

private:
    bool wait_for_rate_limit(detail::Deadline &deadline);
    std::string oauth_token(detail::Deadline &deadline);
    detail::Exchange attempt(const Request &request, const std::string &url, bool with_credentials,
                             const std::string &oauth_token, milliseconds timeout);
    std::optional<milliseconds> wait_before_retry(const Request &request, const std::string &url,
                                                  const detail::Exchange &x, int retry) const;
    Response finish(const Request &request, const std::string &url, detail::Exchange &&last, int attempts) const;
};

bool Client::Impl::wait_for_rate_limit(detail::Deadline &deadline)
{
    if (!limiter) return true;
    const milliseconds wait = limiter->reserve();
    if (wait == milliseconds(0)) return true;
    if (!deadline.allows(wait)) return false;
    deadline.wait(wait);
    return true;
}

std::string Client::Impl::oauth_token(detail::Deadline &deadline)
{
    const auto send_without_credentials = [this](const Request &request) {
        const std::string url = detail::resolve_url(options.base_url, request.url);
        detail::check_http_url(options.name, url);
        return send(request, url, false);
    };
    return tokens->token(send_without_credentials, deadline.remaining());
}

detail::Exchange Client::Impl::attempt(const Request &request, const std::string &url, bool with_credentials,
                                       const std::string &oauth_token, milliseconds timeout)
{
    detail::Transfer t;
    t.method = request.method;
    t.url = &url;
    t.body = request.body;
    t.connect_timeout = options.connect_timeout;
    t.timeout = timeout;
    t.verify_tls = options.verify_tls;
    t.ca_bundle = options.ca_bundle.string();
    t.user_agent = options.user_agent;
    t.header_lines.reserve(request.headers.size() + 1);
    for (const Header &header : request.headers) t.header_lines.push_back(detail::header_line(header));
    if (with_credentials) {
        if (const auto *basic = std::get_if<BasicAuth>(&options.auth)) t.basic = basic;
        if (const auto *bearer = std::get_if<BearerAuth>(&options.auth))
            t.header_lines.push_back("Authorization: Bearer " + bearer->token);
        if (const auto *rt = std::get_if<RtTokenAuth>(&options.auth))
            t.header_lines.push_back("Authorization: token " + rt->token);
        if (!oauth_token.empty()) t.header_lines.push_back("Authorization: Bearer " + oauth_token);
    }
    std::lock_guard lock(easy_mutex);
    return easy.perform(t);
}

std::optional<milliseconds> Client::Impl::wait_before_retry(const Request &request, const std::string &url,
                                                            const detail::Exchange &x, int retry) const
{
    // 429 and 503 may say when to come back; a bad Retry-After is ignored.
    if (x.code == CURLE_OK && (x.status == 429 || x.status == 503)) {
        const auto it =
            std::find_if(x.headers.begin(), x.headers.end(), [](const Header &h) { return h.first == "retry-after"; });
        if (it != x.headers.end())
            if (const auto after = parse_retry_after(it->second, std::chrono::system_clock::now())) {
                if (*after <= options.retry.max_retry_after) return *after;
                spdlog::warn("http {}: {} {} answered {} with Retry-After {} ms, longer than max_retry_after ({} ms): "
                             "not waiting",
                             options.name, request.method, loggable_url(url), x.status, after->count(),
                             options.retry.max_retry_after.count());
                return std::nullopt;
            }
    }
    return detail::full_jitter(detail::backoff_ceiling(options.retry, retry));
}

Response Client::Impl::finish(const Request &request, const std::string &url, detail::Exchange &&last,
                              int attempts) const
{
    if (last.code == CURLE_OK) return to_response(std::move(last), attempts);
    const TransportError::Kind kind = detail::kind_of(last.code);
    throw TransportError(kind,
                         fmt::format("HTTP client '{}': {} {} failed after {} attempt(s): {}; {}", options.name,
                                     request.method, loggable_url(url), attempts, last.error, detail::hint_for(kind)));
}

Response Client::Impl::send(const Request &request, const std::string &url, bool with_credentials)
{
    const bool idempotent = request.idempotent.value_or(detail::idempotent_method(request.method));
    const int max_attempts = std::max(1, options.retry.max_attempts);
    detail::Deadline deadline(request.deadline.value_or(options.timeout * max_attempts), options.sleep);
    const bool oauth = with_credentials && tokens;
    bool token_refreshed = false;
    int attempts = 0, retries = 0;
    detail::Exchange last;
    while (true) {
        if (!wait_for_rate_limit(deadline)) {
            if (attempts > 0) break;
            throw TransportError(TransportError::Kind::timeout,
                                 fmt::format("HTTP client '{}': {} {}: the rate limit ({} requests/s) left no time to "
                                             "send it within its deadline; give it more time or raise "
                                             "requests_per_second",
                                             options.name, request.method, loggable_url(url),
                                             options.requests_per_second.value_or(0)));
        }
        const std::string token = oauth ? oauth_token(deadline) : std::string();
        last = attempt(request, url, with_credentials, token,
                       std::max(milliseconds(1), std::min(deadline.remaining(), options.timeout)));
        ++attempts;
        if (spdlog::should_log(spdlog::level::debug))
            spdlog::debug("http {}: {} {} -> {} in {} ms (attempt {})", options.name, request.method, loggable_url(url),
                          outcome(last), last.took.count(), attempts);
        if (oauth && last.code == CURLE_OK && last.status == 401 && !token_refreshed) {
            // Revoked, or expired before its time: one new token, at once.
            spdlog::info("http {}: the OAuth2 token was refused (401); fetching a new one", options.name);
            tokens->refused(token);
            token_refreshed = true;
            continue;
        }
        const detail::Failure failure =
            last.code == CURLE_OK ? detail::failure_of_status(last.status) : detail::failure_of(last.code);
        if (!detail::worth_repeating(failure, idempotent) || retries + 1 >= max_attempts) break;
        const std::optional<milliseconds> wait = wait_before_retry(request, url, last, retries);
        if (!wait) break;
        if (!deadline.allows(*wait)) {
            spdlog::warn("http {}: {} {} -> {}; a retry in {} ms would pass the request's deadline: giving up",
                         options.name, request.method, loggable_url(url), outcome(last), wait->count());
            break;
        }
        spdlog::warn("http {}: {} {} -> {} (attempt {} of {}); retrying in {} ms", options.name, request.method,
                     loggable_url(url), outcome(last), retries + 1, max_attempts, wait->count());
        deadline.wait(*wait);
        ++retries;
    }
    return finish(request, url, std::move(last), attempts);
}

Client::Client(ClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Client::~Client() = default;

const ClientOptions &Client::options() const noexcept
{
    return impl_->options;
}

Response Client::send(const Request &request)
{
    const ClientOptions &o = impl_->options;
    detail::check_request(o.name, request);
    const std::string url = detail::append_query(detail::resolve_url(o.base_url, request.url), request.query);
    detail::check_http_url(o.name, url);
    // Credentials stay on the base URL's host: an absolute URL elsewhere (a
    // link a vendor returned, a plugin's export) is sent without them.
    const bool with_credentials =
        o.base_url.empty() || !is_absolute_url(request.url) || detail::same_origin(url, o.base_url);
    if (!with_credentials && !std::holds_alternative<NoAuth>(o.auth))
        spdlog::debug("http {}: {} is not on {}; sent without credentials", o.name, loggable_url(url),
                      loggable_url(o.base_url));
    return impl_->send(request, url, with_credentials);
}

} // namespace servicelens::http
