#include "deadline.hpp"

#include <algorithm>
#include <thread>

namespace servicelens::http::detail {

Deadline::Deadline(std::chrono::milliseconds budget, const Sleep &sleep) : budget_(budget), sleep_(sleep) {}

std::chrono::milliseconds Deadline::remaining() const
{
    using namespace std::chrono;
    const auto spent = (steady_clock::now() - start_) - slept_measured_ + slept_asked_;
    return std::max(duration_cast<milliseconds>(budget_ - spent), milliseconds(0));
}

void Deadline::wait(std::chrono::milliseconds wait)
{
    const auto before = std::chrono::steady_clock::now();
    if (sleep_)
        sleep_(wait);
    else
        std::this_thread::sleep_for(wait);
    slept_measured_ += std::chrono::steady_clock::now() - before;
    slept_asked_ += wait;
}

} // namespace servicelens::http::detail
