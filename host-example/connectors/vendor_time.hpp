// Vendor timestamps to and from the host's sl_timestamp_t (ms since the
// epoch, UTC), with Howard Hinnant's date library: no hand parsing.
#pragma once

#include <servicelens/timestamp.h>

#include <optional>
#include <string>
#include <string_view>

namespace servicelens::connectors {

// ISO 8601 with a zone, in each form the vendors send: "2026-11-22T14:31:28Z"
// (Zendesk, RT), "2026-11-22T14:31:28+00:00", and Jira's offset without a
// colon, "2026-11-22T14:31:28.000+0000". Fractions of a second are kept to
// the millisecond. nullopt when the text is none of these.
std::optional<sl_timestamp_t> parse_iso8601(std::string_view text);

// The time in UTC as `date::format` writes it ("%Y/%m/%d %H:%M" for a JQL
// literal), to the second at most.
std::string utc_text(sl_timestamp_t ms, const char *format);

} // namespace servicelens::connectors
