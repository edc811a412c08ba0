// ServiceLens C++ plugin layer: errors.
//
// Plugin code reports failure by throwing; the layer's noexcept trampolines
// turn every exception into a status plus the instance's last error, so no
// exception ever crosses the C ABI.
#pragma once

#include <servicelens/status.h>
#include <servicelens/str.h>

#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>

namespace servicelens {

// An error with the status the C caller should see.
class Error : public std::runtime_error {
public:
    Error(sl_status_t status, const std::string &message) : std::runtime_error(message), status_(status) {}
    explicit Error(const std::string &message) : Error(SL_STATUS_INTERNAL, message) {}

    sl_status_t status() const noexcept { return status_; }

private:
    sl_status_t status_;
};

// Throw for bad configuration or input: SL_STATUS_INVALID_ARGUMENT.
inline Error invalid_argument(const std::string &message) { return Error(SL_STATUS_INVALID_ARGUMENT, message); }

namespace detail {

// The message of the last failed call, kept per calling thread.
//
// Rationale: a thread-safe instance may fail on two threads at once; each
// host thread must read the message of its own failure, and a view handed
// to one thread must not be overwritten by another.
class LastError {
public:
    void set(std::string_view message) noexcept
    {
        try {
            std::lock_guard lock(mutex_);
            by_thread_[std::this_thread::get_id()] = message;
        } catch (...) {
            // Out of memory while reporting: the status still tells the host.
        }
    }

    sl_str_t get() const noexcept
    {
        std::lock_guard lock(mutex_);
        const auto it = by_thread_.find(std::this_thread::get_id());
        if (it == by_thread_.end()) return sl_str_t{nullptr, 0};
        return sl_str_t{it->second.data(), it->second.size()};
    }

private:
    mutable std::mutex mutex_;
    std::map<std::thread::id, std::string> by_thread_;
};

inline sl_status_t remember(LastError &last_error, sl_status_t status, const char *message) noexcept
{
    last_error.set(message);
    return status;
}

// Runs `body` and converts whatever it throws into a status, storing the
// message in `last_error`. `body` returns void or sl_status_t.
template <class Body>
sl_status_t guarded(LastError &last_error, Body &&body) noexcept
{
    try {
        if constexpr (std::is_void_v<decltype(body())>) {
            std::forward<Body>(body)();
            return SL_STATUS_OK;
        } else {
            return std::forward<Body>(body)();
        }
    } catch (const Error &e) {
        return remember(last_error, e.status(), e.what());
    } catch (const std::bad_alloc &) {
        return remember(last_error, SL_STATUS_INTERNAL, "out of memory");
    } catch (const std::exception &e) {
        return remember(last_error, SL_STATUS_INTERNAL, e.what());
    } catch (...) {
        return remember(last_error, SL_STATUS_INTERNAL, "unknown exception");
    }
}

} // namespace detail
} // namespace servicelens
