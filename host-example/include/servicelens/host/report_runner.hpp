// Feeds the stored incidents and their enrichment to a report builder, in
// bounded batches, and returns its document.
#pragma once

#include "owned_incident.hpp"
#include "plugin_instances.hpp"

#include <servicelens/store/state_store.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace servicelens::host {

struct ReportPeriod {
    sl_timestamp_t from;   // inclusive
    sl_timestamp_t to;     // exclusive
    std::string time_zone; // IANA; empty: UTC
};

// The opened_at range of everything stored, widened to whole UTC days, or
// nullopt when the store holds no incident.
std::optional<ReportPeriod> stored_period(store::StateStore &state);

// Receives one incident to report on, with what the host stored about it.
using IncidentVisitor = std::function<void(OwnedIncident &&, const std::vector<store::AttributeRecord> &,
                                           const std::vector<store::SentimentRecord> &)>;
// Hands every incident to the visitor: the state store, or an export read
// straight from a file.
using IncidentFeed = std::function<void(const IncidentVisitor &)>;

// Runs begin / consume (500 records at a time) / finish over everything the
// feed gives. The document gets a "period" when the plugin did not write
// one. Throws PluginCallError, or std::runtime_error when the plugin's
// output is not a JSON object.
nlohmann::json build_report(const IncidentFeed &feed, ReportBuilderInstance &builder, const ReportPeriod &period);

// The same over every incident in the state store, with its results.
nlohmann::json build_report(store::StateStore &state, ReportBuilderInstance &builder, const ReportPeriod &period);

} // namespace servicelens::host
