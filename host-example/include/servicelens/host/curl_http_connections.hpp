// HttpConnections over http::Client (libcurl): one client per named
// connection (its own kept-alive connection, rate limit and credentials),
// and one without base URL or credentials for requests that name none.
//
//   std::vector<http::ClientOptions> named;   // connectors::client_options(config) of each non-local connector
//   environment.http = std::make_shared<CurlHttpConnections>(std::move(named));
#pragma once

#include "http_connections.hpp"

#include <servicelens/http/http_client.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::host {

class CurlHttpConnections final : public HttpConnections {
public:
    // Each connection is named by its ClientOptions::name. Throws
    // std::invalid_argument for an empty or repeated name, or what
    // http::Client's constructor throws (a CA bundle that is missing).
    explicit CurlHttpConnections(std::vector<http::ClientOptions> connections);
    ~CurlHttpConnections() override;

    sl_status_t perform(const sl_http_request_t *request, sl_http_response_fn on_response, void *context,
                        spdlog::logger &log) noexcept override;

    // What perform does, in C++: sends `request` through the connection
    // named `connection` (empty: none). Throws std::invalid_argument for an
    // unknown connection (naming the configured ones), a relative URL
    // without a connection, an absolute URL outside the connection's base
    // URL, or an Authorization header on a connection with credentials;
    // otherwise what http::Client::send throws.
    http::Response send(std::string_view connection, const http::Request &request);

    // The configured connection names, sorted.
    std::vector<std::string> names() const;

private:
    std::string described_names() const;

    std::map<std::string, std::unique_ptr<http::Client>, std::less<>> named_;
    std::unique_ptr<http::Client> unnamed_;
};

} // namespace servicelens::host
