// How a Zendesk Support ticket, as the incremental ticket export returns it
// (with users, groups and metric sets sideloaded), becomes a canonical
// incident. The mapping table is in docs/connectors/zendesk.md.
#pragma once

#include <servicelens/host/owned_incident.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>

namespace servicelens::connectors::zendesk {

// What a response sideloads (include=users,groups,metric_sets), by id.
struct Sideloads {
    std::map<int64_t, nlohmann::json> users, groups, metric_sets_by_ticket;
    static Sideloads from_json(const nlohmann::json &response);
};

// The ticket's id as text; empty when it has none.
std::string ticket_id(const nlohmann::json &ticket);
bool is_deleted(const nlohmann::json &ticket);

// Where the ticket sits in the export, in ms: its generated_timestamp (the
// last change, system updates included, which the export orders by), or
// updated_at when that is later. This is the incident's updated_at, so the
// sync's order is the export's. SL_TIMESTAMP_NONE when it has neither.
sl_timestamp_t export_position(const nlohmann::json &ticket);

// Throws ConnectorError naming the connector when the ticket has no id or
// no time to place it in the sync order.
host::OwnedIncident map_ticket(const nlohmann::json &ticket, const Sideloads &sideloads, const std::string &source);
host::OwnedComment map_comment(const nlohmann::json &comment, const Sideloads &sideloads);

std::string state_of(std::string_view status);
int priority_of(const nlohmann::json &priority); // urgent 1 .. low 4; null 0
sl_contact_type_t contact_type_of(std::string_view via_channel);

// The human part of a Zendesk error body: {"error","description","details"},
// where error may also be {"title","message"}.
std::string error_message(const nlohmann::json &body);

} // namespace servicelens::connectors::zendesk
