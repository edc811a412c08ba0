// The admin's named HTTP connections, as plugins reach them through
// servicelens.host-http/1: a plugin names a connection and its request gets
// that connection's base URL, credentials, TLS settings, proxy, timeouts,
// retries and rate limit; the plugin never sees the secret.
//
// Rationale (an interface here, libcurl elsewhere): the host library is
// installed as a static library for other hosts to embed, and stays free
// of libcurl; CurlHttpConnections (ServiceLens::host_http) is the
// implementation the servicelens CLI offers.
#pragma once

#include <servicelens/host_http.h>

namespace spdlog {
class logger;
}

namespace servicelens::host {

class HttpConnections {
public:
    virtual ~HttpConnections() = default;

    // sl_host_http_t::perform for one instance: performs `request` and
    // hands the response to `on_response`; failures are logged to `log`
    // (the instance's logger) and returned as a status. Never throws.
    // [thread-safe]
    virtual sl_status_t perform(const sl_http_request_t *request, sl_http_response_fn on_response, void *context,
                                spdlog::logger &log) noexcept = 0;
};

} // namespace servicelens::host
