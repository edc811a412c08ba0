// What every Request Tracker 5 REST2 call of the rt connector shares: the
// JSON as RT 5.0 really writes it, its error bodies and its paged
// collections. RT's quirks, all seen on a real RT 5.0.3: record GETs give
// "id": 1 (a number), collections and create answers "id": "1" (a string);
// every field value is a string ("Priority": "10"); a date never set is
// "1970-01-01T00:00:00Z"; a collection's "pages" is 0.0 (a float) when empty.
#pragma once

#include <servicelens/http/http_client.hpp>
#include <servicelens/incident.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace servicelens::connectors::rt {

// Where REST2 lives below RT's web root; base_url may name either.
inline constexpr std::string_view rest2_path = "/REST/2.0";

// 12, "12" or {"id": "12", "type": ..., "_url": ...} -> "12"; "" when absent or null.
// (Other members are read with json_fields.hpp: RT writes every value as a string.)
std::string id_text(const nlohmann::json &value);

// "2026-11-23T17:53:22Z" -> ms since the epoch; the epoch itself (RT's
// "not set"), "" and null -> SL_TIMESTAMP_NONE. Throws std::invalid_argument
// for anything else.
sl_timestamp_t time_of(const nlohmann::json &value);

// The human message of an RT error body: {"message": m} -> m; the message
// array a PUT answers -> the messages joined by "; "; "" otherwise.
std::string error_message(const nlohmann::json &body);

// A paged collection ({total, count, page, pages, per_page, next_page,
// items}): its items, or ConnectorError naming the connector and the call
// when the answer is not one (RT's path changed, a proxy answered).
const nlohmann::json &items_of(const nlohmann::json &collection, std::string_view connector, std::string_view what);
// True when a further page may hold more: RT says so with next_page, or
// RT did not count the collection (it leaves total and next_page out for a
// user without SuperUser) and this page was not empty.
bool may_have_more(const nlohmann::json &collection);
// The collection's "total", which RT counts before rights are applied;
// nullopt when RT did not count it.
std::optional<std::size_t> total_of(const nlohmann::json &collection);

// A request with a JSON body (RT answers 415 to a body of another type).
http::Request json_request(std::string method, std::string url, const nlohmann::json &body);

} // namespace servicelens::connectors::rt
