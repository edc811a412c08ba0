// The time one send() may take, attempts and waits included, and the one
// place the client waits.
//
// Waits count as asked for, not as measured: with a test's recording sleep
// hook the budget runs down exactly as it would with a real sleep.
#pragma once

#include <chrono>
#include <functional>

namespace servicelens::http::detail {

using Sleep = std::function<void(std::chrono::milliseconds)>;

class Deadline {
public:
    // `sleep` empty: std::this_thread::sleep_for. It must outlive this.
    Deadline(std::chrono::milliseconds budget, const Sleep &sleep);

    std::chrono::milliseconds remaining() const;
    // Whether waiting `wait` still leaves time for an attempt.
    bool allows(std::chrono::milliseconds wait) const { return wait < remaining(); }
    void wait(std::chrono::milliseconds wait);

private:
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::milliseconds budget_;
    const Sleep &sleep_;
    std::chrono::steady_clock::duration slept_measured_{};
    std::chrono::steady_clock::duration slept_asked_{};
};

} // namespace servicelens::http::detail
