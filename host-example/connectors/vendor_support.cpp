#include <servicelens/connectors/vendor_support.hpp>

#include <servicelens/host/connector.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace servicelens::connectors {

namespace {

std::string replace_all(std::string text, std::string_view from, std::string_view to)
{
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

http::Auth auth_of(const config::ConnectorConfig &c, std::string_view api_token_user)
{
    const auto field = [&](const char *key) {
        const auto it = c.auth.fields.find(key);
        return it == c.auth.fields.end() ? std::string{} : it->second;
    };
    const std::string &type = c.auth.type;
    if (type == "basic") return http::BasicAuth{field("username"), field("password")};
    if (type == "bearer") return http::BearerAuth{field("token")};
    if (type == "oauth2_client_credentials")
        return http::OAuth2ClientCredentials{field("token_url"), field("client_id"), field("client_secret"), field("scope")};
    if (type == "api_token") return http::BasicAuth{replace_all(std::string(api_token_user), "{email}", field("email")), field("token")};
    if (type == "rt_token") return http::RtTokenAuth{field("token")};
    return http::NoAuth{};
}

// What to check, by status: the part of the message an admin acts on.
std::string_view hint_for(long status)
{
    switch (status) {
    case 400: return "the platform refused the request as malformed: check the connector's filter and the mapped field names";
    case 401: return "the credentials were refused: check the connector's auth (user, password or token, and whether it expired)";
    case 403: return "the integration user lacks a role or permission for this call";
    case 404: return "not found: check base_url, or the record was deleted";
    case 409: case 412: return "the record changed underneath or is being updated; the next sync tries again";
    case 410: return "the platform retired this API: upgrade ServiceLens";
    case 422: return "the platform refused the value: check the mapped field exists and accepts it";
    case 429: return "still rate limited after the retries: lower the connector's requests_per_second";
    default: break;
    }
    if (status >= 500) return "the platform failed after the retries: check its status page, the next sync tries again";
    return "unexpected status";
}

// 409 is not among them: Zendesk answers it to two updates of one ticket at
// once and asks for a retry.
bool is_rejection(long status) { return status == 400 || status == 404 || status == 410 || status == 422; }

bool all_digits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

} // namespace

http::ClientOptions client_options(const config::ConnectorConfig &c, std::string_view api_token_user)
{
    http::ClientOptions o;
    o.name = c.name;
    o.base_url = c.base_url;
    while (!o.base_url.empty() && o.base_url.back() == '/') o.base_url.pop_back();
    o.auth = auth_of(c, api_token_user);
    o.timeout = c.timeout;
    o.connect_timeout = std::min(c.timeout, o.connect_timeout);
    o.requests_per_second = c.requests_per_second;
    o.verify_tls = c.verify_tls;
    o.ca_bundle = c.ca_bundle;
    return o;
}

http::ClientOptions client_options(const config::ConnectorConfig &c)
{
    return client_options(c, c.kind == "zendesk" ? "{email}/token" : "{email}");
}

VendorApi::VendorApi(std::string connector, std::string vendor, http::ClientOptions options,
                     std::string (*error_message)(const nlohmann::json &))
    : connector_(std::move(connector)), vendor_(std::move(vendor)),
      client_(std::make_unique<http::Client>(std::move(options))), error_message_(error_message)
{
}

std::string VendorApi::describe(const http::Response &response, std::string_view what) const
{
    std::string vendor_says;
    try {
        vendor_says = error_message_(nlohmann::json::parse(response.body));
    } catch (const nlohmann::json::exception &) {
        // Not JSON (Zendesk's 429 is text/plain, a proxy answers HTML): quote its start.
        vendor_says = response.body.substr(0, 160);
        std::replace(vendor_says.begin(), vendor_says.end(), '\n', ' ');
    }
    return fmt::format("connector '{}': {}: {} answered HTTP {}{}{} after {} attempt(s); {}", connector_, what, vendor_,
                       response.status, vendor_says.empty() ? "" : ": ", vendor_says, response.attempts,
                       hint_for(response.status));
}

http::Response VendorApi::call_raw(const http::Request &request, std::string_view what, bool rejects_write)
{
    http::Response response;
    try {
        response = client_->send(request);
    } catch (const http::TransportError &e) {
        throw ConnectorError(fmt::format("connector '{}': {}: {}", connector_, what, e.what()));
    } catch (const http::OAuth2Error &e) {
        throw ConnectorError(fmt::format("connector '{}': {}: {}; check the connector's auth (token_url, client_id, "
                                         "client_secret)",
                                         connector_, what, e.what()));
    } catch (const std::invalid_argument &e) {
        throw ConnectorError(fmt::format("connector '{}': {}: {}", connector_, what, e.what()));
    }
    if (response.ok()) return response;
    if (rejects_write && is_rejection(response.status)) throw host::WriteBackRejected(describe(response, what));
    if (response.status == 404) throw NotFoundError(describe(response, what));
    throw ConnectorError(describe(response, what));
}

nlohmann::json VendorApi::call(const http::Request &request, std::string_view what, bool rejects_write)
{
    return parse_json(connector_, what, call_raw(request, what, rejects_write));
}

nlohmann::json parse_json(std::string_view connector, std::string_view what, const http::Response &response)
{
    try {
        return nlohmann::json::parse(response.body);
    } catch (const nlohmann::json::parse_error &e) {
        std::string start = response.body.substr(0, 120);
        std::replace(start.begin(), start.end(), '\n', ' ');
        throw ConnectorError(fmt::format("connector '{}': {}: the answer from {} is not JSON ({}; it starts \"{}\"); "
                                         "check that base_url points at the platform's API, not a login page or proxy",
                                         connector, what, http::loggable_url(response.url), e.what(), start));
    }
}

int compare_ids(std::string_view a, std::string_view b)
{
    if (all_digits(a) && all_digits(b) && a.size() != b.size() && a.front() != '0' && b.front() != '0')
        return a.size() < b.size() ? -1 : 1;
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool after_watermark(const store::Watermark &since, int64_t updated_at, std::string_view id)
{
    if (updated_at != since.updated_at) return updated_at > since.updated_at;
    return compare_ids(id, since.last_id) > 0;
}

} // namespace servicelens::connectors
