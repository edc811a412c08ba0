// What makes a request unsendable before it reaches libcurl: a method that
// is not an HTTP token, a header name that is not one, a line break in a
// header value (which would smuggle in a header of its own).
#pragma once

#include <servicelens/http/http_client.hpp>

#include <string_view>

namespace servicelens::http::detail {

// Throws std::invalid_argument naming the client and the offending part.
void check_request(std::string_view client, const Request &request);

// "Name: value" as libcurl wants it ("Name;" sends an empty value).
std::string header_line(const Header &header);

} // namespace servicelens::http::detail
