// When a data file was last written, as the ABI counts time: the observed
// time of what a plugin read from a snapshot export.
#pragma once

#include <servicelens/timestamp.h>

#include <filesystem>

namespace servicelens::plugin_support {

// The file's modification time in milliseconds since the Unix epoch (UTC),
// or SL_TIMESTAMP_NONE when the file cannot be examined.
sl_timestamp_t modification_time(const std::filesystem::path &file) noexcept;

} // namespace servicelens::plugin_support
