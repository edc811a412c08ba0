#include "retry_policy.hpp"

#include <algorithm>
#include <array>
#include <random>

namespace servicelens::http::detail {

bool idempotent_method(std::string_view method)
{
    constexpr std::array<std::string_view, 5> idempotent{"GET", "HEAD", "PUT", "DELETE", "OPTIONS"};
    return std::find(idempotent.begin(), idempotent.end(), method) != idempotent.end();
}

Failure failure_of_status(long status)
{
    if (status == 429) return Failure::throttled;
    // 501 Not Implemented and 505 HTTP Version Not Supported do not pass.
    if (status >= 500 && status <= 599 && status != 501 && status != 505) return Failure::server_error;
    return Failure::none;
}

bool worth_repeating(Failure failure, bool idempotent)
{
    switch (failure) {
    case Failure::throttled:
    case Failure::never_connected:
        return true;
    case Failure::server_error:
    case Failure::timed_out:
    case Failure::connection_broke:
        return idempotent;
    case Failure::none:
    case Failure::permanent:
        return false;
    }
    return false;
}

std::chrono::milliseconds backoff_ceiling(const RetryPolicy &policy, int retry)
{
    // Doubling from base_delay passes max_delay long before 2^30 overflows.
    const auto base = std::max<std::chrono::milliseconds::rep>(policy.base_delay.count(), 0);
    const auto cap = std::max<std::chrono::milliseconds::rep>(policy.max_delay.count(), 0);
    std::chrono::milliseconds::rep delay = base;
    for (int i = 0; i < std::min(retry, 30) && delay < cap; ++i) delay *= 2;
    return std::chrono::milliseconds(std::min(delay, cap));
}

std::chrono::milliseconds full_jitter(std::chrono::milliseconds ceiling)
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    std::uniform_int_distribution<std::chrono::milliseconds::rep> pick(
        0, std::max<std::chrono::milliseconds::rep>(ceiling.count(), 0));
    return std::chrono::milliseconds(pick(random));
}

} // namespace servicelens::http::detail
