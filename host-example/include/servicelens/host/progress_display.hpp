// Progress of long work: a bar redrawn in place on a terminal, or a log
// line every few seconds when output goes to a file or a CI log.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace servicelens::host {

class ProgressDisplay {
public:
    // `bar`: draw on stderr (only when it is a terminal); otherwise log lines.
    ProgressDisplay(std::string what, bool bar);

    void update(std::size_t done, std::size_t total);
    void finish(std::size_t done);

private:
    std::string what_;
    bool bar_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point last_ = start_;
};

} // namespace servicelens::host
