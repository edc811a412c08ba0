// Reading members of vendor JSON that may be missing, null or of another
// type than documented, without throwing: a vendor adding or nulling a
// field must not fail a sync. (nlohmann's value() throws on a present null.)
#pragma once

#include <servicelens/connectors/vendor_support.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace servicelens::connectors {

// The member as a string; empty when absent, null or not a string.
inline std::string text_at(const nlohmann::json &object, std::string_view key)
{
    if (!object.is_object()) return {};
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// The member as a boolean; `otherwise` when absent, null or not a boolean.
inline bool flag_at(const nlohmann::json &object, std::string_view key, bool otherwise)
{
    if (!object.is_object()) return otherwise;
    const auto it = object.find(key);
    return it != object.end() && it->is_boolean() ? it->get<bool>() : otherwise;
}

// The member as an integer; nullopt when absent, null or not an integer.
inline std::optional<int64_t> integer_at(const nlohmann::json &object, std::string_view key)
{
    if (!object.is_object()) return std::nullopt;
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
}

// The member itself; null when absent or when `object` is not an object.
inline const nlohmann::json &member(const nlohmann::json &object, std::string_view key)
{
    static const nlohmann::json none;
    if (!object.is_object()) return none;
    const auto it = object.find(key);
    return it == object.end() ? none : *it;
}

// The member as an array, which the vendor's API documents it to be; a
// ConnectorError naming the connector and the call when it is not (a proxy's
// or another service's JSON must not read as "nothing new").
inline const nlohmann::json &array_at(const nlohmann::json &object, std::string_view key, std::string_view connector,
                                      std::string_view what)
{
    const nlohmann::json &found = member(object, key);
    if (found.is_array()) return found;
    throw ConnectorError(fmt::format("connector '{}': {}: the answer has no \"{}\" array (it starts \"{}\"); check "
                                     "that base_url points at the platform's API",
                                     connector, what, key, object.dump().substr(0, 120)));
}

} // namespace servicelens::connectors
