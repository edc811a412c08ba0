#include "calendar.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

namespace servicelens::desk_report {

Calendar::Calendar(const std::string &time_zone)
{
    if (time_zone.empty() || time_zone == "UTC") return;
    try {
        zone_ = date::locate_zone(time_zone);
    } catch (const std::exception &) {
        throw std::invalid_argument("unknown time zone '" + time_zone + "' (an IANA name like Europe/Zurich)");
    }
}

std::int64_t Calendar::day_of(sl_timestamp_t t) const
{
    using namespace std::chrono;
    const date::sys_time<milliseconds> at{milliseconds(t)};
    if (!zone_) return date::floor<date::days>(at).time_since_epoch().count();
    const auto local = zone_->to_local(at);
    return date::floor<date::days>(local).time_since_epoch().count();
}

std::string Calendar::month_of_day(std::int64_t day)
{
    // Called for every incident: fmt, not a stream.
    const date::year_month_day ymd{date::sys_days{date::days{day}}};
    return fmt::format("{:04}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()));
}

std::string Calendar::date_of_day(std::int64_t day)
{
    const date::year_month_day ymd{date::sys_days{date::days{day}}};
    return date::format("%F", ymd);
}

} // namespace servicelens::desk_report
