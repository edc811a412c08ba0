// The TicketSQL and TransactionSQL the rt connector sends.
//
// Rationale (time literals): RT 5.0 hands a TicketSQL date literal to
// Time::ParseDate and reads it in the integration user's time zone (their
// preference, else RT's $Timezone, which defaults to US/Eastern). Of the
// forms we tried, only "2026-11-23 17:53:22" is read to the second:
// "2026-11-23T17:53:22Z" is read as the day 2026-11-23 at midnight, the rest
// ignored, and an explicit zone ("+0000", "UTC") is shifted by the user's
// zone a second time. So the connector writes "YYYY-MM-DD HH:MM:SS" in UTC
// and checks once per run that RT reads it as UTC (see the connector).
#pragma once

#include <servicelens/incident.h>
#include <servicelens/store/state_store.hpp>

#include <span>
#include <string>
#include <string_view>

namespace servicelens::connectors::rt {

// "2026-11-23 17:53:22" (UTC): the second `ms` falls in.
std::string time_literal(sl_timestamp_t ms);

// Tickets after the watermark in (LastUpdated, id) order, within the
// admin's filter:
//   (FILTER) AND ((LastUpdated >= 'T' AND id > N) OR LastUpdated > 'T')
// A keyset condition rather than page numbers: a ticket updated while the
// connector pages moves behind the cursor instead of shifting the others,
// and a page full of tickets of one second cannot repeat, because the next
// query starts after the last (second, id) read. "LastUpdated = 'T'" is not
// used: RT reads "=" on a date as the whole day.
std::string changed_since(std::string_view filter, const store::Watermark &since);

// The filter alone (every ticket when there is none), for the newest ticket.
std::string filtered(std::string_view filter);

// Exactly ticket `id` when its LastUpdated is within the second `at`; the
// time-zone check: RT finds it only when it reads literals as UTC.
std::string updated_in_second(std::string_view id, sl_timestamp_t at);

// The messages of these tickets (TransactionSQL): creation, correspondence
// (public replies) and comments (internal), after transaction `after_id`
// ("" for all), for one request per page of tickets rather than one history
// per ticket.
std::string messages_of(std::span<const std::string> ticket_ids, std::string_view after_id);

} // namespace servicelens::connectors::rt
