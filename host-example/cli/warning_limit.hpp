// Logs the first warnings of a long run and counts the rest: an export with
// one systematic fault would otherwise bury the log under a line per row.
#pragma once

#include <spdlog/spdlog.h>

#include <cstddef>
#include <string>

namespace servicelens::cli {

class WarningLimit {
public:
    explicit WarningLimit(std::size_t shown = 20) : shown_(shown) {}

    void operator()(const std::string &message)
    {
        if (++count_ <= shown_) spdlog::warn("{}", message);
    }

    // Says how many were not shown, if any.
    void finish() const
    {
        if (count_ > shown_) spdlog::warn("{} more rows skipped; the first {} are named above", count_ - shown_, shown_);
    }

private:
    std::size_t shown_;
    std::size_t count_ = 0;
};

} // namespace servicelens::cli
