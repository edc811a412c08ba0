#include "rt_ticket_sql.hpp"

#include "vendor_time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace servicelens::connectors::rt {

namespace {

bool all_digits(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// A ticket id as a TicketSQL number; ids are RT's own, so anything else
// means the watermark did not come from RT: start the second over.
std::string_view numeric_or_zero(std::string_view id)
{
    return all_digits(id) ? id : std::string_view("0");
}

} // namespace

std::string time_literal(sl_timestamp_t ms)
{
    return utc_text(ms, "%Y-%m-%d %H:%M:%S");
}

std::string filtered(std::string_view filter)
{
    return filter.empty() ? std::string("id > 0") : fmt::format("({})", filter);
}

std::string changed_since(std::string_view filter, const store::Watermark &since)
{
    std::string keyset;
    if (since.updated_at == SL_TIMESTAMP_NONE) {
        keyset = "id > 0";
    } else {
        const std::string t = time_literal(since.updated_at);
        // RT's times are whole seconds: a watermark inside a second is past
        // every ticket of that second.
        keyset = since.updated_at % 1000 != 0
                     ? fmt::format("LastUpdated > '{}'", t)
                     : fmt::format("(LastUpdated >= '{0}' AND id > {1}) OR LastUpdated > '{0}'", t,
                                   numeric_or_zero(since.last_id));
    }
    return filter.empty() ? keyset : fmt::format("({}) AND ({})", filter, keyset);
}

std::string updated_in_second(std::string_view id, sl_timestamp_t at)
{
    return fmt::format("id = {} AND LastUpdated >= '{}' AND LastUpdated < '{}'", numeric_or_zero(id), time_literal(at),
                       time_literal(at + 1000));
}

std::string messages_of(std::span<const std::string> ticket_ids, std::string_view after_id)
{
    std::string tickets;
    for (const std::string &id : ticket_ids)
        tickets += fmt::format("{}ObjectId = {}", tickets.empty() ? "" : " OR ", numeric_or_zero(id));
    std::string query = fmt::format("ObjectType = 'RT::Ticket' AND ({}) AND "
                                    "(Type = 'Create' OR Type = 'Correspond' OR Type = 'Comment')",
                                    tickets);
    if (!after_id.empty()) query += fmt::format(" AND id > {}", numeric_or_zero(after_id));
    return query;
}

} // namespace servicelens::connectors::rt
