// A client's request-rate limit: request starts at least 1/rate apart,
// across the threads sharing the client. Each caller reserves the next free
// start and is told how long to wait for it; the waiting is the caller's,
// so it counts against the request's deadline.
#pragma once

#include <chrono>
#include <mutex>

namespace servicelens::http::detail {

class RateLimiter {
public:
    // Throws std::invalid_argument unless per_second > 0.
    explicit RateLimiter(double per_second);

    // The wait before the caller may start, rounded up to whole ms.
    std::chrono::milliseconds reserve();

private:
    std::mutex mutex_;
    std::chrono::steady_clock::duration interval_;
    std::chrono::steady_clock::time_point next_start_{};
};

} // namespace servicelens::http::detail
