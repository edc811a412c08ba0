// date::parse keeps a long double that GCC 12 cannot prove is set before
// use on every path (it is). The warning points into <chrono>, so it is
// silenced before anything is included; it is about the library, not this
// file, which holds nothing else worth the warning.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "vendor_time.hpp"

#include <servicelens/host/incident_json.hpp>

#include <date/date.h>

#include <chrono>
#include <sstream>

namespace servicelens::connectors {

std::optional<sl_timestamp_t> parse_iso8601(std::string_view text)
{
    // The host reads ...Z and ...+00:00; Jira's +0000 needs %z.
    if (const std::optional<sl_timestamp_t> at = host::parse_utc(text)) return at;
    std::istringstream in{std::string(text)};
    date::sys_time<std::chrono::milliseconds> at;
    in >> date::parse("%FT%T%z", at);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
    return at.time_since_epoch().count();
}

std::string utc_text(sl_timestamp_t ms, const char *format)
{
    const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds{ms}};
    return date::format(format, std::chrono::floor<std::chrono::seconds>(at));
}

} // namespace servicelens::connectors
