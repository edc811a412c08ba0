// The canonical incident as JSON (schemas/incident.schema.json) and back:
// how incidents are stored, exchanged with the local ticket store and
// printed. Times are UTC ISO-8601 with a Z.
#pragma once

#include "owned_incident.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace servicelens::host {

nlohmann::json incident_to_json(const OwnedIncident &incident);

// Throws std::invalid_argument naming the field that is missing or malformed.
OwnedIncident incident_from_json(const nlohmann::json &json);

// 1772442000000 -> "2026-03-02T09:00:00Z" (milliseconds kept when not 0),
// or "2026-03-02T09:00:00.000Z" with Milliseconds::always.
enum class Milliseconds { when_not_zero, always };
std::string format_utc(sl_timestamp_t t, Milliseconds millis = Milliseconds::when_not_zero);

// "2026-03-02T09:00:00Z", "...:00.250Z" or "...+01:00" -> milliseconds UTC.
std::optional<sl_timestamp_t> parse_utc(std::string_view text);

std::string_view contact_type_name(sl_contact_type_t type) noexcept;
sl_contact_type_t parse_contact_type(std::string_view name) noexcept;

} // namespace servicelens::host
