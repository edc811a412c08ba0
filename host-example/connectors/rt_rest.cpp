#include "rt_rest.hpp"

#include "json_fields.hpp"
#include "vendor_time.hpp"

#include <servicelens/connectors/vendor_support.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace servicelens::connectors::rt {

std::string id_text(const nlohmann::json &value)
{
    if (value.is_object()) return value.contains("id") ? id_text(value["id"]) : std::string{};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
    return {};
}

sl_timestamp_t time_of(const nlohmann::json &value)
{
    if (value.is_null() || (value.is_string() && value.get<std::string>().empty())) return SL_TIMESTAMP_NONE;
    if (!value.is_string()) throw std::invalid_argument("an RT time is not a string: " + value.dump());
    const std::string text = value.get<std::string>();
    const auto at = parse_iso8601(text);
    if (!at) throw std::invalid_argument(fmt::format("'{}' is not an RT time (YYYY-MM-DDTHH:MM:SSZ)", text));
    return *at <= 0 ? SL_TIMESTAMP_NONE : *at; // RT writes "not set" as the epoch
}

std::string error_message(const nlohmann::json &body)
{
    if (body.is_object()) return text_at(body, "message");
    if (!body.is_array()) return {};
    std::string joined;
    for (const auto &message : body)
        if (message.is_string()) joined += (joined.empty() ? "" : "; ") + message.get<std::string>();
    return joined;
}

const nlohmann::json &items_of(const nlohmann::json &collection, std::string_view connector, std::string_view what)
{
    if (collection.is_object())
        if (const auto it = collection.find("items"); it != collection.end() && it->is_array()) return *it;
    throw ConnectorError(
        fmt::format("connector '{}': {}: RT's answer is not a REST2 collection (no \"items\" array; it "
                    "starts \"{}\"); check that base_url is RT's web root",
                    connector, what, collection.dump().substr(0, 120)));
}

bool may_have_more(const nlohmann::json &collection)
{
    if (const auto it = collection.find("next_page"); it != collection.end() && it->is_string())
        return !it->get<std::string>().empty();
    const auto items = collection.find("items");
    return !total_of(collection) && items != collection.end() && items->is_array() && !items->empty();
}

std::optional<std::size_t> total_of(const nlohmann::json &collection)
{
    const auto it = collection.find("total");
    if (it == collection.end() || !it->is_number() || it->get<double>() < 0) return std::nullopt;
    return static_cast<std::size_t>(it->get<double>());
}

http::Request json_request(std::string method, std::string url, const nlohmann::json &body)
{
    http::Request request;
    request.method = std::move(method);
    request.url = std::move(url);
    request.headers = {{"Content-Type", "application/json"}};
    request.body = body.dump();
    return request;
}

} // namespace servicelens::connectors::rt
