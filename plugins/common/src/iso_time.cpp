#include <servicelens/plugin_support/iso_time.hpp>

#include <date/date.h>

#include <chrono>
#include <sstream>
#include <string>

namespace servicelens::plugin_support {

namespace {

std::optional<sl_timestamp_t> parse_with(std::string_view text, const char *format)
{
    std::istringstream in{std::string(text)};
    date::sys_time<std::chrono::milliseconds> t{};
    in >> date::parse(format, t);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
    return t.time_since_epoch().count();
}

} // namespace

std::optional<sl_timestamp_t> parse_utc_time(std::string_view text)
{
    if (!text.empty() && (text.back() == 'Z' || text.back() == 'z')) return parse_with(text.substr(0, text.size() - 1), "%FT%T");
    return parse_with(text, "%FT%T%Ez");
}

std::optional<sl_timestamp_t> parse_date(std::string_view text)
{
    std::istringstream in{std::string(text)};
    date::sys_days day{};
    in >> date::parse("%F", day);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
    return std::chrono::duration_cast<std::chrono::milliseconds>(day.time_since_epoch()).count();
}

std::string format_utc_time(sl_timestamp_t time)
{
    if (time == SL_TIMESTAMP_NONE) return {};
    const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds(time)};
    if (time % 1000 == 0) return date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::seconds>(at));
    return date::format("%FT%TZ", at);
}

} // namespace servicelens::plugin_support

