// Local days and months of the report's time zone: a day's volume and a
// month's trend follow the desk's wall clock, not UTC.
#pragma once

#include <servicelens/timestamp.h>

#include <cstdint>
#include <string>

namespace date {
class time_zone;
}

namespace servicelens::desk_report {

class Calendar {
public:
    // Throws std::invalid_argument naming an unknown IANA zone; empty is UTC.
    explicit Calendar(const std::string &time_zone);

    // Days since 1970-01-01 in the zone's local time.
    std::int64_t day_of(sl_timestamp_t t) const;
    // "2025-03" for a local day number.
    static std::string month_of_day(std::int64_t day);
    // "2025-03-14" for a local day number.
    static std::string date_of_day(std::int64_t day);

private:
    const date::time_zone *zone_ = nullptr;   // null: UTC
};

} // namespace servicelens::desk_report
