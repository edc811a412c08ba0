// ServiceNow incident and journal records onto the canonical incident: the
// mapping table of docs/connectors/servicenow.md, in code.
#pragma once

#include <servicelens/host/owned_incident.hpp>

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace servicelens::connectors::servicenow {

// The incident columns the mapping reads (sysparm_fields), followed by the
// instance's custom u_ columns.
std::vector<std::string> incident_fields(const std::vector<std::string> &custom_columns);

// One record of GET /api/now/table/incident, read with
// sysparm_display_value=false (every value a string) or =all (every value
// {"value", "display_value"}). With display values, reference fields
// (caller, assignment group, assignee, CI, location, change) are taken as
// shown to people; everything else — codes, counts and times — always from
// the stored value, because display times are in the integration user's
// time zone and display codes are translated labels.
// Throws std::invalid_argument for a record without sys_id or with a
// date-time it cannot read.
host::OwnedIncident map_incident(const nlohmann::json &record, const std::string &source, bool display_values);

// One record of sys_journal_field (element comments or work_notes).
host::OwnedComment map_journal_entry(const nlohmann::json &record);

// A value of a record as stored, whichever display mode it was read in.
std::string stored_value(const nlohmann::json &record, std::string_view field);

// The canonical state of an incident state code ("1".."8"); unknown codes
// (an instance's own states) count as in progress.
std::string state_of(std::string_view code);
sl_contact_type_t contact_type_of(std::string_view code);

} // namespace servicelens::connectors::servicenow
