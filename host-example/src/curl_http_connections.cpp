#include <servicelens/host/curl_http_connections.hpp>

#include <servicelens/cpp/strings.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

namespace servicelens::host {

namespace {

// `url` is `base_url` or lies beneath it ("https://h/api" covers
// "https://h/api/x" and "https://h/api?q", not "https://h/apix").
bool under(std::string_view url, std::string_view base_url)
{
    while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
    if (url.substr(0, base_url.size()) != base_url) return false;
    return url.size() == base_url.size() ||
           std::string_view("/?#").find(url[base_url.size()]) != std::string_view::npos;
}

bool sets_credentials(const http::Request &request)
{
    return std::any_of(request.headers.begin(), request.headers.end(), [](const http::Header &h) {
        const std::string name = ascii_lower(h.first);
        return name == "authorization" || name == "proxy-authorization";
    });
}

std::string_view checked(sl_str_t s, const char *what)
{
    if (s.size > 0 && !s.data)
        throw std::invalid_argument(fmt::format("the request's {} has a size but no data", what));
    return view(s);
}

http::Request to_request(const sl_http_request_t &in)
{
    if (in.struct_size < sizeof(sl_http_request_t))
        throw std::invalid_argument(fmt::format("sl_http_request_t.struct_size is {}, less than {}", in.struct_size,
                                                sizeof(sl_http_request_t)));
    if (in.header_count > 0 && !in.headers)
        throw std::invalid_argument("the request has a header count but no headers");
    http::Request out;
    out.method = checked(in.method, "method");
    out.url = checked(in.url, "url");
    out.body = checked(in.body, "body");
    for (std::size_t i = 0; i < in.header_count; ++i)
        out.headers.emplace_back(checked(in.headers[i].key, "header name"),
                                 checked(in.headers[i].value, "header value"));
    if (in.timeout_ms > 0) out.deadline = std::chrono::milliseconds(in.timeout_ms);
    return out;
}

sl_status_t deliver(const http::Response &response, sl_http_response_fn on_response, void *context)
{
    std::vector<sl_key_value_t> headers;
    headers.reserve(response.headers.size());
    for (const auto &[name, value] : response.headers) headers.push_back({str(name), str(value)});
    sl_http_response_t out{};
    out.struct_size = sizeof out;
    out.status = static_cast<int32_t>(response.status);
    out.headers = headers.data();
    out.header_count = headers.size();
    out.body = str(response.body);
    return on_response(context, &out);
}

// A log line is never worth failing a plugin's call for.
template <typename... Args>
void note(spdlog::logger &log, spdlog::level::level_enum level, fmt::format_string<Args...> format,
          Args &&...args) noexcept
{
    try {
        log.log(level, format, std::forward<Args>(args)...);
    } catch (...) {
    }
}

} // namespace

CurlHttpConnections::CurlHttpConnections(std::vector<http::ClientOptions> connections)
{
    for (http::ClientOptions &options : connections) {
        if (options.name.empty()) throw std::invalid_argument("an HTTP connection needs a name");
        std::string name = options.name;
        if (named_.count(name) > 0)
            throw std::invalid_argument(fmt::format("two HTTP connections are named '{}'", name));
        named_.emplace(std::move(name), std::make_unique<http::Client>(std::move(options)));
    }
    http::ClientOptions unnamed;
    unnamed.name = "(no connection)";
    unnamed_ = std::make_unique<http::Client>(std::move(unnamed));
}

CurlHttpConnections::~CurlHttpConnections() = default;

std::vector<std::string> CurlHttpConnections::names() const
{
    std::vector<std::string> out;
    for (const auto &entry : named_) out.push_back(entry.first);
    return out;
}

std::string CurlHttpConnections::described_names() const
{
    return named_.empty() ? std::string("none is configured")
                          : fmt::format("the configured ones are {}", fmt::join(names(), ", "));
}

http::Response CurlHttpConnections::send(std::string_view connection, const http::Request &request)
{
    if (connection.empty()) {
        if (!http::is_absolute_url(request.url))
            throw std::invalid_argument(fmt::format("'{}' is relative but the request names no connection; name one "
                                                    "({}) or give an absolute URL",
                                                    http::loggable_url(request.url), described_names()));
        return unnamed_->send(request);
    }
    const auto it = named_.find(connection);
    if (it == named_.end())
        throw std::invalid_argument(fmt::format("no HTTP connection is named '{}': {}", connection, described_names()));
    http::Client &client = *it->second;
    const http::ClientOptions &options = client.options();
    // The connection's credentials go to its base URL only.
    if (http::is_absolute_url(request.url) && !under(request.url, options.base_url))
        throw std::invalid_argument(fmt::format("{} is not under connection '{}''s base URL {}; give a path relative "
                                                "to it",
                                                http::loggable_url(request.url), connection,
                                                http::loggable_url(options.base_url)));
    if (!std::holds_alternative<http::NoAuth>(options.auth) && sets_credentials(request))
        throw std::invalid_argument(fmt::format(
            "connection '{}' brings its own credentials: the request may not set Authorization", connection));
    return client.send(request);
}

sl_status_t CurlHttpConnections::perform(const sl_http_request_t *request, sl_http_response_fn on_response,
                                         void *context, spdlog::logger &log) noexcept
{
    std::string_view connection;
    try {
        if (!request || !on_response) throw std::invalid_argument("perform needs a request and an on_response");
        connection = checked(request->connection, "connection");
        const http::Response response = send(connection, to_request(*request));
        return deliver(response, on_response, context);
    } catch (const std::invalid_argument &e) {
        note(log, spdlog::level::warn, "HTTP request refused: {}", e.what());
        return SL_STATUS_INVALID_ARGUMENT;
    } catch (const http::TransportError &e) {
        note(log, spdlog::level::warn, "HTTP request got no response: {}", e.what());
        return e.kind() == http::TransportError::Kind::timeout ? SL_STATUS_TIMEOUT : SL_STATUS_UNAVAILABLE;
    } catch (const http::OAuth2Error &e) {
        note(log, spdlog::level::err, "HTTP request through connection '{}': {}", connection, e.what());
        return SL_STATUS_UNAVAILABLE;
    } catch (const std::exception &e) {
        note(log, spdlog::level::err, "HTTP request failed: {}", e.what());
        return SL_STATUS_INTERNAL;
    } catch (...) {
        return SL_STATUS_INTERNAL;
    }
}

} // namespace servicelens::host
