#include "oauth2_token_source.hpp"

#include "request_url.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace servicelens::http::detail {

namespace {

using std::chrono::seconds;

// Refresh this long before the token expires, so a request in flight does
// not carry a token that dies on the way; half the lifetime for tokens that
// live less than two minutes, which would otherwise never be reused.
std::chrono::steady_clock::duration refresh_margin(seconds lifetime)
{
    return std::min<std::chrono::steady_clock::duration>(seconds(60),
                                                         std::chrono::steady_clock::duration(lifetime) / 2);
}

// expires_in is a number of seconds; some servers send it as a string.
std::optional<seconds> expires_in(const nlohmann::json &body)
{
    const auto it = body.find("expires_in");
    if (it == body.end()) return std::nullopt;
    double value = 0;
    if (it->is_number())
        value = it->get<double>();
    else if (it->is_string())
        try {
            value = std::stod(it->get<std::string>());
        } catch (const std::exception &) {
            return std::nullopt;
        }
    else
        return std::nullopt;
    if (!std::isfinite(value) || value < 0) return std::nullopt;
    return seconds(static_cast<seconds::rep>(std::min(value, 365.0 * 24 * 3600)));
}

std::string text_field(const nlohmann::json &body, const char *name)
{
    const auto it = body.find(name);
    if (it == body.end() || !it->is_string()) return {};
    return it->get<std::string>().substr(0, 200);
}

std::string_view hint_for(long status)
{
    if (status == 400 || status == 401 || status == 403)
        return "check the connector's client_id, client_secret and scope, and that the OAuth application is active";
    if (status >= 500) return "the token endpoint failed: check the platform's status; the next sync tries again";
    return "check token_url: it should be the platform's OAuth token endpoint";
}

} // namespace

OAuth2TokenSource::OAuth2TokenSource(std::string client_name, OAuth2ClientCredentials credentials)
    : client_name_(std::move(client_name)), credentials_(std::move(credentials))
{
}

Request OAuth2TokenSource::token_request(std::chrono::milliseconds deadline) const
{
    Request request;
    request.method = "POST";
    request.url = credentials_.token_url;
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    request.body = "grant_type=client_credentials&client_id=" + percent_encode(credentials_.client_id) +
                   "&client_secret=" + percent_encode(credentials_.client_secret);
    if (!credentials_.scope.empty()) request.body += "&scope=" + percent_encode(credentials_.scope);
    request.deadline = deadline;
    request.idempotent = true; // asking for a token twice does no harm
    return request;
}

std::string OAuth2TokenSource::token(const Send &send, std::chrono::milliseconds deadline)
{
    std::lock_guard lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!token_.empty() && now < refresh_at_) return token_;
    token_.clear();
    take(send(token_request(deadline)), now);
    return token_;
}

void OAuth2TokenSource::refused(const std::string &token)
{
    std::lock_guard lock(mutex_);
    if (token_ == token) token_.clear();
}

void OAuth2TokenSource::take(const Response &response, std::chrono::steady_clock::time_point asked_at)
{
    // The body holds the token: it is parsed here and never logged or quoted.
    if (!response.ok()) fail(response);
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    const auto token = body.is_object() ? body.find("access_token") : body.end();
    if (!body.is_object() || token == body.end() || !token->is_string() || token->get<std::string>().empty())
        throw OAuth2Error(0, fmt::format("HTTP client '{}': the OAuth2 token endpoint {} answered HTTP {} for client "
                                         "'{}' without an access_token (not a token response); {}",
                                         client_name_, loggable_url(response.url), response.status,
                                         credentials_.client_id, hint_for(0)));
    token_ = token->get<std::string>();
    if (const auto lifetime = expires_in(body))
        refresh_at_ = asked_at + *lifetime - refresh_margin(*lifetime);
    else
        refresh_at_ = std::chrono::steady_clock::time_point::max(); // until the API refuses it
}

void OAuth2TokenSource::fail(const Response &response) const
{
    const auto body = nlohmann::json::parse(response.body, nullptr, false);
    std::string says;
    if (body.is_object()) {
        says = text_field(body, "error");
        if (const std::string description = text_field(body, "error_description"); !description.empty())
            says += says.empty() ? description : " (" + description + ")";
    }
    throw OAuth2Error(response.status,
                      fmt::format("HTTP client '{}': the OAuth2 token endpoint {} refused client '{}' with HTTP {}{}{} "
                                  "after {} attempt(s); {}",
                                  client_name_, loggable_url(response.url), credentials_.client_id, response.status,
                                  says.empty() ? "" : ": ", says, response.attempts, hint_for(response.status)));
}

} // namespace servicelens::http::detail
