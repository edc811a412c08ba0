// parse_retry_after: RFC 9110 section 10.2.3, delay-seconds or an HTTP-date.
#include <servicelens/http/http_client.hpp>

#include <date/date.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <sstream>

namespace servicelens::http {

namespace {

using std::chrono::milliseconds;

// A wait this long is as good as forever, and keeps later sums from
// overflowing.
constexpr std::chrono::seconds forever = std::chrono::hours(24 * 365);

std::string_view trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

std::optional<milliseconds> parse_seconds(std::string_view text)
{
    if (!std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
    std::uint64_t seconds = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (error == std::errc::result_out_of_range) return forever;
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    constexpr auto forever_seconds = static_cast<std::uint64_t>(std::chrono::seconds(forever).count());
    return milliseconds(std::chrono::seconds(std::min(seconds, forever_seconds)));
}

std::optional<std::chrono::sys_seconds> parse_http_date(std::string_view text)
{
    // IMF-fixdate, which senders must use, then the two obsolete forms
    // recipients must still accept (RFC 850 and asctime).
    constexpr std::array<const char *, 3> formats{"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                                                  "%a %b %d %H:%M:%S %Y"};
    for (const char *format : formats) {
        std::istringstream in{std::string(text)};
        date::sys_seconds when;
        in >> date::parse(format, when);
        if (in.fail()) continue;
        in >> std::ws;
        if (in.eof()) return when;
    }
    return std::nullopt;
}

} // namespace

std::optional<milliseconds> parse_retry_after(std::string_view value, std::chrono::system_clock::time_point now)
{
    const std::string_view text = trimmed(value);
    if (text.empty()) return std::nullopt;
    if (auto seconds = parse_seconds(text)) return seconds;
    const auto when = parse_http_date(text);
    if (!when) return std::nullopt;
    if (*when <= now) return milliseconds(0);
    return std::min<milliseconds>(std::chrono::ceil<milliseconds>(*when - now), forever);
}

} // namespace servicelens::http
