// Feeds the stored incidents and their enrichment to a report builder, in
// bounded batches, and returns its document.
#pragma once

#include "plugin_instances.hpp"

#include <servicelens/store/state_store.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace servicelens::host {

struct ReportPeriod {
    sl_timestamp_t from;   // inclusive
    sl_timestamp_t to;     // exclusive
    std::string time_zone; // IANA; empty: UTC
};

// The opened_at range of everything stored, widened to whole UTC days, or
// nullopt when the store holds no incident.
std::optional<ReportPeriod> stored_period(store::StateStore &state);

// Runs begin / consume (500 records at a time) / finish. The document gets
// a "period" when the plugin did not write one. Throws PluginCallError, or
// std::runtime_error when the plugin's output is not a JSON object.
nlohmann::json build_report(store::StateStore &state, ReportBuilderInstance &builder, const ReportPeriod &period);

} // namespace servicelens::host
