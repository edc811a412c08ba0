// What the conformance kit checks, per library and per plugin kind.
#pragma once

#include "check_report.hpp"

#include <cstddef>
#include <filesystem>
#include <string>

namespace servicelens::kit {

struct KitOptions {
    std::filesystem::path file;
    std::string config_json = "{}";     // the instance configuration to create with
    std::size_t large_batch = 10000;
    std::size_t cycles = 1000;          // create/destroy cycles
    unsigned threads = 4;               // for the concurrency check
};

// Loads `options.file` and runs every check on every plugin it offers.
// Returns false when the library could not be loaded at all.
bool check_library(const KitOptions &options, CheckReport &report);

} // namespace servicelens::kit
