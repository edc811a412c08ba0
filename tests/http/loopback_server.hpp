// A cpp-httplib server on 127.0.0.1 in its own thread for one test, a port
// nothing listens on, an environment variable set for one test, and a log
// of what a server saw (the HTTP client tests and the host-http tests).
#pragma once

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <httplib.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace servicelens::testing {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Sets (or unsets, with nullopt) an environment variable until the end of
// the scope.
class ScopedEnv {
public:
    ScopedEnv(const char *name, std::optional<std::string> value) : name_(name)
    {
        if (const char *old = std::getenv(name)) old_ = old;
        if (value)
            ::setenv(name, value->c_str(), 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv()
    {
        if (old_)
            ::setenv(name_, old_->c_str(), 1);
        else
            ::unsetenv(name_);
    }
    ScopedEnv(const ScopedEnv &) = delete;
    ScopedEnv &operator=(const ScopedEnv &) = delete;

private:
    const char *name_;
    std::optional<std::string> old_;
};

// A server on 127.0.0.1:<free port>: mount routes on `http` before the
// first request. libcurl only bypasses a proxy from the environment for
// hosts no_proxy names, so the tests name loopback there.
class LoopbackServer {
public:
    // `server`: an httplib::SSLServer for https.
    explicit LoopbackServer(std::unique_ptr<httplib::Server> server = std::make_unique<httplib::Server>(),
                            std::string scheme = "http")
        : server_(std::move(server)), http(*server_), scheme_(std::move(scheme)),
          no_proxy_("no_proxy", std::string("127.0.0.1,localhost"))
    {
        REQUIRE(http.is_valid());
        // Without it, a response written in two parts waits for the
        // client's delayed ACK (40 ms) on every request after the first.
        http.set_tcp_nodelay(true);
        port_ = http.bind_to_any_port("127.0.0.1");
        REQUIRE(port_ > 0);
        thread_ = std::thread([this] { http.listen_after_bind(); });
    }
    ~LoopbackServer()
    {
        // stop() before the loop runs would be lost and join() would hang.
        for (int i = 0; i < 5000 && !http.is_running(); ++i) std::this_thread::sleep_for(1ms);
        http.stop();
        thread_.join();
    }
    LoopbackServer(const LoopbackServer &) = delete;
    LoopbackServer &operator=(const LoopbackServer &) = delete;

    std::string url(std::string_view path = "") const
    {
        return fmt::format("{}://127.0.0.1:{}{}", scheme_, port_, path);
    }
    int port() const { return port_; }

private:
    std::unique_ptr<httplib::Server> server_;

public:
    httplib::Server &http;

private:
    std::string scheme_;
    ScopedEnv no_proxy_;
    int port_ = 0;
    std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound, then released).
inline int unused_port()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0;
    ::close(fd);
    REQUIRE(bound);
    return ntohs(address.sin_port);
}

// A thread-safe log of what a server saw.
template <typename Entry> class SeenLog {
public:
    void add(Entry entry)
    {
        std::lock_guard lock(mutex_);
        entries_.push_back(std::move(entry));
    }
    std::vector<Entry> all() const
    {
        std::lock_guard lock(mutex_);
        return entries_;
    }
    std::size_t size() const
    {
        std::lock_guard lock(mutex_);
        return entries_.size();
    }

private:
    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
};

} // namespace servicelens::testing
