// What the HTTP client tests share besides the server: a sleep hook that
// records waits, client options for a test server, the default logger
// captured.
#pragma once

#include "loopback_server.hpp"

#include <servicelens/http/http_client.hpp>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <functional>
#include <memory>
#include <sstream>

namespace servicelens::http::testing {

using namespace std::chrono_literals;
using namespace servicelens::testing;
using std::chrono::milliseconds;

// The client's sleep hook: records each wait instead of sleeping (or as
// well as sleeping, when `really_sleep`).
class RecordedWaits {
public:
    explicit RecordedWaits(bool really_sleep = false) : really_sleep_(really_sleep) {}

    std::function<void(milliseconds)> hook()
    {
        return [this](milliseconds wait) {
            {
                std::lock_guard lock(mutex_);
                waits_.push_back(wait);
            }
            if (really_sleep_) std::this_thread::sleep_for(wait);
        };
    }
    std::vector<milliseconds> all() const
    {
        std::lock_guard lock(mutex_);
        return waits_;
    }

private:
    bool really_sleep_;
    mutable std::mutex mutex_;
    std::vector<milliseconds> waits_;
};

// Client options for a test server: short timeouts, waits recorded.
inline ClientOptions options_for(const LoopbackServer &server, RecordedWaits &waits)
{
    ClientOptions o;
    o.name = "test";
    o.base_url = server.url();
    o.connect_timeout = 1s;
    o.timeout = 2s;
    o.sleep = waits.hook();
    return o;
}

// Everything the default logger writes, at debug level, while this lives.
class CapturedLog {
public:
    CapturedLog()
        : sink_(std::make_shared<spdlog::sinks::ostream_sink_mt>(text_)), level_(spdlog::default_logger()->level())
    {
        spdlog::default_logger()->sinks().push_back(sink_);
        spdlog::default_logger()->set_level(spdlog::level::debug);
    }
    ~CapturedLog()
    {
        auto &sinks = spdlog::default_logger()->sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), sink_), sinks.end());
        spdlog::default_logger()->set_level(level_);
    }
    CapturedLog(const CapturedLog &) = delete;
    CapturedLog &operator=(const CapturedLog &) = delete;

    std::string text()
    {
        sink_->flush();
        return text_.str();
    }

private:
    std::ostringstream text_;
    std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink_;
    spdlog::level::level_enum level_;
};

} // namespace servicelens::http::testing
