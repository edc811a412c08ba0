#include "request_url.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>

namespace servicelens::http::detail {

namespace {

struct UrlDeleter {
    void operator()(CURLU *url) const noexcept { curl_url_cleanup(url); }
};

struct Origin {
    std::string scheme, host, port; // host empty: the URL has none (file:///x)
};

std::string lower(std::string text)
{
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

std::optional<std::string> part(CURLU *url, CURLUPart which, unsigned flags = 0)
{
    char *text = nullptr;
    if (curl_url_get(url, which, &text, flags) != CURLUE_OK || !text) return std::nullopt;
    std::string copy = text;
    curl_free(text);
    return copy;
}

// libcurl's URL parser, not ours: it is the one that decides where the
// request goes.
std::optional<Origin> origin_of(std::string_view text)
{
    const std::unique_ptr<CURLU, UrlDeleter> url(curl_url());
    if (!url ||
        curl_url_set(url.get(), CURLUPART_URL, std::string(text).c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK)
        return std::nullopt;
    const auto scheme = part(url.get(), CURLUPART_SCHEME);
    if (!scheme) return std::nullopt;
    return Origin{lower(*scheme), lower(part(url.get(), CURLUPART_HOST).value_or("")),
                  part(url.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT).value_or("")};
}

} // namespace

std::string resolve_url(std::string_view base_url, std::string_view url)
{
    if (is_absolute_url(url) || base_url.empty()) return std::string(url);
    while (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
    if (url.empty()) return std::string(base_url);
    if (url.front() == '/' || url.front() == '?') return fmt::format("{}{}", base_url, url);
    return fmt::format("{}/{}", base_url, url);
}

std::string percent_encode(std::string_view text)
{
    // A null handle is allowed since libcurl 7.82; only unreserved
    // characters stay as they are.
    char *encoded = curl_easy_escape(nullptr, text.data(), static_cast<int>(text.size()));
    if (!encoded) throw std::bad_alloc();
    std::string copy = encoded;
    curl_free(encoded);
    return copy;
}

std::string percent_decode(std::string_view text)
{
    int length = 0;
    char *decoded = curl_easy_unescape(nullptr, text.data(), static_cast<int>(text.size()), &length);
    if (!decoded) return std::string(text);
    std::string copy(decoded, static_cast<std::size_t>(length));
    curl_free(decoded);
    return copy;
}

std::string append_query(std::string url, const std::vector<QueryParameter> &query)
{
    if (query.empty()) return url;
    std::string fragment;
    if (const auto hash = url.find('#'); hash != std::string::npos) {
        fragment = url.substr(hash);
        url.erase(hash);
    }
    char separator = url.find('?') == std::string::npos ? '?' : '&';
    if (!url.empty() && (url.back() == '?' || url.back() == '&')) separator = '\0';
    for (const auto &[name, value] : query) {
        if (separator != '\0') url += separator;
        url += percent_encode(name);
        url += '=';
        url += percent_encode(value);
        separator = '&';
    }
    return url + fragment;
}

bool same_origin(std::string_view a, std::string_view b)
{
    const auto first = origin_of(a), second = origin_of(b);
    return first && second && !first->host.empty() && first->scheme == second->scheme && first->host == second->host &&
           first->port == second->port;
}

void check_http_url(std::string_view client, const std::string &url)
{
    const auto origin = origin_of(url);
    if (!origin)
        throw std::invalid_argument(fmt::format("HTTP client '{}': '{}' is not a valid URL; check base_url and the "
                                                "request's path",
                                                client, loggable_url(url)));
    if (origin->scheme != "http" && origin->scheme != "https")
        throw std::invalid_argument(
            fmt::format("HTTP client '{}': only http and https URLs are allowed, not {}://", client, origin->scheme));
    if (origin->host.empty())
        throw std::invalid_argument(fmt::format("HTTP client '{}': '{}' names no host", client, loggable_url(url)));
}

} // namespace servicelens::http::detail

namespace servicelens::http {

bool is_absolute_url(std::string_view url)
{
    const auto colon = url.find("://");
    if (colon == std::string_view::npos || colon == 0) return false;
    // A scheme is a letter followed by letters, digits, '+', '-' or '.'.
    if (!std::isalpha(static_cast<unsigned char>(url[0]))) return false;
    return std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon),
                       [](unsigned char c) { return std::isalnum(c) || c == '+' || c == '-' || c == '.'; });
}

} // namespace servicelens::http
