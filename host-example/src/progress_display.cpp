#include <servicelens/host/progress_display.hpp>

#include <servicelens/host/logging.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <unistd.h>

namespace servicelens::host {

ProgressDisplay::ProgressDisplay(std::string what, bool bar)
    : what_(std::move(what)), bar_(bar && ::isatty(STDERR_FILENO) == 1)
{
}

void ProgressDisplay::update(std::size_t done, std::size_t total)
{
    using namespace std::chrono;
    const auto now = steady_clock::now();
    const double elapsed = duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    if (bar_) {
        if (now - last_ < milliseconds(100) && done < total) return;
        last_ = now;
        constexpr int width = 30;
        const int filled = total ? static_cast<int>(width * done / total) : 0;
        fmt::print(stderr, "\r{} [{:=<{}}{:<{}}] {}/{} incidents, {:.0f}/s ", what_, "", filled, "", width - filled, done,
                   total, rate);
        std::fflush(stderr);
        return;
    }
    if (now - last_ < seconds(5)) return;
    last_ = now;
    logger_for("servicelens.sync")->info("{}: {}/{} incidents ({:.0f}%), {:.0f}/s", what_, done, total,
                                         total ? 100.0 * static_cast<double>(done) / static_cast<double>(total) : 100.0, rate);
}

void ProgressDisplay::finish(std::size_t done)
{
    if (bar_) fmt::print(stderr, "\n");
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    logger_for("servicelens.sync")->info("{}: {} incidents in {:.1f} s", what_, done, elapsed);
}

} // namespace servicelens::host
