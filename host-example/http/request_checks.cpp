#include "request_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace servicelens::http::detail {

namespace {

// RFC 9110 5.6.2: token = 1*tchar
bool is_token(std::string_view text)
{
    constexpr std::string_view symbols = "!#$%&'*+-.^_`|~";
    return !text.empty() && std::all_of(text.begin(), text.end(), [&](unsigned char c) {
        return std::isalnum(c) || symbols.find(static_cast<char>(c)) != std::string_view::npos;
    });
}

bool has_control_break(std::string_view text)
{
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

} // namespace

void check_request(std::string_view client, const Request &request)
{
    if (!is_token(request.method))
        throw std::invalid_argument(
            fmt::format("HTTP client '{}': '{}' is not an HTTP method", client, request.method.substr(0, 40)));
    for (const auto &[name, value] : request.headers) {
        if (!is_token(name))
            throw std::invalid_argument(
                fmt::format("HTTP client '{}': '{}' is not a valid header name", client, name.substr(0, 80)));
        // The value is not quoted: it may be a credential.
        if (has_control_break(value))
            throw std::invalid_argument(
                fmt::format("HTTP client '{}': the value of header '{}' contains a line break or NUL", client, name));
    }
}

std::string header_line(const Header &header)
{
    if (header.second.empty()) return header.first + ";";
    return header.first + ": " + header.second;
}

} // namespace servicelens::http::detail
