// When an attempt is worth repeating, and how long to wait before it.
#pragma once

#include <servicelens/http/http_client.hpp>

#include <chrono>
#include <string_view>

namespace servicelens::http::detail {

// What one attempt's outcome means for repeating it.
enum class Failure {
    none,             // a final answer: 2xx, 3xx, 4xx other than 429, 501, 505
    throttled,        // 429: the server did not act and may say when to come back
    server_error,     // a 5xx that may pass; the server may have acted
    timed_out,        // no answer in time; the server may have acted
    connection_broke, // reset or closed midway; the server may have acted
    never_connected,  // refused or not resolved: the server never saw the request
    permanent,        // TLS, a malformed reply, ...: repeating cannot help
};

// GET, HEAD, PUT, DELETE, OPTIONS (RFC 9110 9.2.2; TRACE is never sent).
bool idempotent_method(std::string_view method);

Failure failure_of_status(long status);

// Rationale (http_client.hpp): a request that is not idempotent is repeated
// only when the server cannot have acted on it.
bool worth_repeating(Failure failure, bool idempotent);

// The longest wait before retry number `retry` (0 for the first):
// base_delay * 2^retry, at most max_delay.
std::chrono::milliseconds backoff_ceiling(const RetryPolicy &policy, int retry);

// Full jitter: uniform in [0, ceiling], so clients that failed together do
// not come back together.
std::chrono::milliseconds full_jitter(std::chrono::milliseconds ceiling);

} // namespace servicelens::http::detail
