// What a libcurl error means: for retrying, for the caller (the
// TransportError kind) and for the admin (what to check).
#pragma once

#include "retry_policy.hpp"

#include <servicelens/http/http_client.hpp>

#include <curl/curl.h>

#include <string_view>

namespace servicelens::http::detail {

Failure failure_of(CURLcode code);
TransportError::Kind kind_of(CURLcode code);
// What the admin should check, for the end of a TransportError's message.
std::string_view hint_for(TransportError::Kind kind);

} // namespace servicelens::http::detail
