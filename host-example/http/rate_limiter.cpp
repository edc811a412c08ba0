#include "rate_limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace servicelens::http::detail {

RateLimiter::RateLimiter(double per_second)
{
    if (!(per_second > 0) || !std::isfinite(per_second))
        throw std::invalid_argument("requests_per_second must be a positive number");
    interval_ = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(1.0 / per_second));
}

std::chrono::milliseconds RateLimiter::reserve()
{
    const auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(mutex_);
    const auto start = std::max(now, next_start_);
    next_start_ = start + interval_;
    return std::chrono::ceil<std::chrono::milliseconds>(start - now);
}

} // namespace servicelens::http::detail
