// UTC times as the ABI counts them (sl_timestamp_t: milliseconds since the
// Unix epoch), from and to the text forms data files use.
#pragma once

#include <servicelens/timestamp.h>

#include <optional>
#include <string>
#include <string_view>

namespace servicelens::plugin_support {

// "2026-03-02T09:00:00Z", with optional fractional seconds, or with a
// numeric offset ("+01:00"); nullopt for anything else.
std::optional<sl_timestamp_t> parse_utc_time(std::string_view text);

// "2026-03-02" as midnight UTC; nullopt for anything else.
std::optional<sl_timestamp_t> parse_date(std::string_view text);

// `time` as "2026-03-02T09:00:00Z" (".250" before the Z when it has
// milliseconds); the empty text for SL_TIMESTAMP_NONE.
std::string format_utc_time(sl_timestamp_t time);

} // namespace servicelens::plugin_support
