// loggable_url: what of a URL may appear in a log line or an error.
//
// Rationale (a scan, not libcurl's URL parser): this runs on whatever a
// caller had, relative, malformed or half-built, and must mask it anyway;
// a strict parser would reject exactly the URLs that most need looking at.
#include <servicelens/http/http_client.hpp>

#include "request_url.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace servicelens::http {

namespace {

constexpr std::string_view mask = "***";

bool names_a_secret(std::string_view encoded_name)
{
    std::string name = detail::percent_decode(encoded_name);
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    constexpr std::array<std::string_view, 5> secret_words{"token", "key", "password", "secret", "signature"};
    return std::any_of(secret_words.begin(), secret_words.end(),
                       [&](std::string_view word) { return name.find(word) != std::string::npos; });
}

// "a=1&api_key=xyz" -> "a=1&api_key=***"
std::string masked_query(std::string_view query)
{
    std::string out;
    while (true) {
        const auto end = query.find('&');
        const std::string_view pair = query.substr(0, end);
        const auto equals = pair.find('=');
        if (equals != std::string_view::npos && names_a_secret(pair.substr(0, equals))) {
            out += pair.substr(0, equals + 1);
            out += mask;
        } else {
            out += pair;
        }
        if (end == std::string_view::npos) break;
        out += '&';
        query.remove_prefix(end + 1);
    }
    return out;
}

// "https://user:pw@host/x" -> "https://***@host/x"
std::string masked_user_info(std::string_view url)
{
    const auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return std::string(url);
    const auto authority = scheme_end + 3;
    const auto authority_end = std::min(url.find_first_of("/?#", authority), url.size());
    const auto at = url.substr(0, authority_end).rfind('@');
    if (at == std::string_view::npos || at < authority) return std::string(url);
    return std::string(url.substr(0, authority)) + std::string(mask) + std::string(url.substr(at));
}

} // namespace

std::string loggable_url(std::string_view url)
{
    const auto query_start = url.find('?');
    const auto before_query = std::min(query_start, url.find('#'));
    std::string out = masked_user_info(url.substr(0, before_query));
    if (query_start == std::string_view::npos || before_query < query_start) {
        out += url.substr(std::min(before_query, url.size()));
        return out;
    }
    const auto fragment = url.find('#', query_start);
    out += '?';
    out += masked_query(
        url.substr(query_start + 1, fragment == std::string_view::npos ? fragment : fragment - query_start - 1));
    if (fragment != std::string_view::npos) out += url.substr(fragment);
    return out;
}

} // namespace servicelens::http
