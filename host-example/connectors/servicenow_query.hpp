// The ServiceNow encoded queries the connector sends, and ServiceNow's
// date-time text. Encoded queries join conditions with ^ (AND) and ^OR (OR
// with the one condition before it), and split the whole query into
// independent alternatives with ^NQ; ORDERBY<field> terms sort.
#pragma once

#include <servicelens/incident.h>
#include <servicelens/store/state_store.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::connectors::servicenow {

// "2026-11-02 09:00:00": how the Table API writes a date-time when display
// values are off, and how an encoded query compares one — always UTC (the
// database value), whatever the integration user's time zone.
std::string format_time(sl_timestamp_t ms);
// SL_TIMESTAMP_NONE for empty text; std::invalid_argument for anything else
// that is not a ServiceNow date-time.
sl_timestamp_t parse_time(std::string_view text);

// The admin's filter as independent alternatives (split on ^NQ), each
// ready to have conditions ANDed to it. Throws std::invalid_argument when
// the filter sorts (ORDERBY) — the connector's order is what makes paging
// safe — naming the connector.
std::vector<std::string> filter_alternatives(std::string_view connector, std::string_view filter);

// Incidents after the watermark in (sys_updated_on, sys_id) order, within the
// filter, oldest first:
//   F^sys_updated_on>T ^NQ F^sys_updated_on=T^sys_id>ID ^ORDERBYsys_updated_on^ORDERBYsys_id
// with each filter alternative F repeated in both branches, because ^NQ
// starts a query of its own that would otherwise not be filtered.
std::string changed_since(const store::Watermark &since, std::span<const std::string> filter);

// Comments and work notes of these incidents, oldest first.
std::string journal_of(std::span<const std::string> incident_ids);
// One incident's work notes (where a write-back's marker would be).
std::string work_notes_of(std::string_view incident_id);

// The custom (u_) columns of the incident table, including those it
// inherits from task.
std::string custom_columns();

} // namespace servicelens::connectors::servicenow
