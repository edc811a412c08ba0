#include <servicelens/plugin_support/file_time.hpp>

#include <chrono>
#include <system_error>

namespace servicelens::plugin_support {

sl_timestamp_t modification_time(const std::filesystem::path &file) noexcept
{
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(file, ec);
    if (ec) return SL_TIMESTAMP_NONE;
    const auto system = std::chrono::file_clock::to_sys(written);
    return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

} // namespace servicelens::plugin_support
