// The URL a request goes to: a relative URL joined to the client's base
// URL, the query appended percent-encoded, and the checks that keep
// credentials on their host and other schemes out.
#pragma once

#include <servicelens/http/http_client.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace servicelens::http::detail {

// `url` when absolute, else base_url + url with exactly one '/' between
// them. Rationale: connectors write the API path ("/api/now/table/incident")
// and the admin's base URL may carry a path prefix ("https://rt/REST/2.0"),
// which RFC 3986 resolution of an absolute path would drop.
std::string resolve_url(std::string_view base_url, std::string_view url);

// `url` with name=value pairs appended after '?' or '&' (before any
// fragment), both percent-encoded except RFC 3986's unreserved characters.
std::string append_query(std::string url, const std::vector<QueryParameter> &query);

std::string percent_encode(std::string_view text);
std::string percent_decode(std::string_view text);

// Same scheme, host and port (default ports made explicit); false when
// either does not parse.
bool same_origin(std::string_view a, std::string_view b);

// Throws std::invalid_argument, naming the client, unless `url` parses as
// an http or https URL.
void check_http_url(std::string_view client, const std::string &url);

} // namespace servicelens::http::detail
