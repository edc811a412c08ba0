// The service-desk report's accumulation: counts, integer sums and duration
// sketches per group. Everything adds exactly, so shards merged in any order
// equal one pass; memory grows with the groups (days, months, categories,
// assignment groups, changes, departments, services), not with incidents.
// docs/metrics.md defines every figure built from it.
#pragma once

#include "quantile_sketch.hpp"

#include <servicelens/timestamp.h>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace servicelens::desk_report {

using Count = std::int64_t;
using CountBy = std::map<std::string, Count>;

// What the admin configures (the plugin's config) and the report period.
struct Settings {
    sl_timestamp_t from = 0;
    sl_timestamp_t to = 0;
    std::string time_zone;           // empty: UTC
    std::int64_t fcr_window_minutes = 60;
    double spike_threshold = 3.5;
    Count spike_min_incidents = 5;   // a quiet desk's one busy day is not a spike
    Count oldest_listed = 10;
    bool operator==(const Settings &) const = default;
};

struct Durations {
    QuantileSketch all;
    std::map<std::string, QuantileSketch> by_priority;         // "P1".."P5", "unknown"
    std::map<std::string, QuantileSketch> by_impact_urgency;   // "I2 x U3"
    bool operator==(const Durations &) const = default;
};

struct Share {
    Count of = 0;     // the population
    Count hits = 0;   // those counted
    bool operator==(const Share &) const = default;
};

// Sentiment of texts, with compound scores summed in millionths: integer
// sums merge exactly in any order, floating ones do not.
struct Feeling {
    Count texts = 0;
    Count compound_micros = 0;
    Count negative = 0;
    Count positive = 0;
    bool operator==(const Feeling &) const = default;
};

struct Month {
    Count incidents = 0;
    Share level1, sla, fcr, reopened;
    QuantileSketch resolve_hours;
    Feeling feeling;
    CountBy by_category;
    bool operator==(const Month &) const = default;
};

struct OpenIncident {
    sl_timestamp_t opened_at = 0;
    std::string number;
    std::string group;
    int priority = 0;
    bool operator==(const OpenIncident &) const = default;
};

struct DeskState {
    Settings settings;
    Count incidents = 0;
    CountBy by_channel, by_category, by_priority;
    std::map<std::int64_t, Count> by_day;                   // local day number -> incidents
    std::map<std::int64_t, CountBy> changes_by_day;         // local day -> related change -> incidents
    std::map<std::string, Month> months;                    // "2025-03"
    // Backlog as of settings.to.
    Count open = 0;
    std::map<std::string, std::array<Count, 4>> aging_by_group;
    std::vector<OpenIncident> oldest;                        // oldest first, at most settings.oldest_listed
    Durations first_response_hours, resolve_hours;
    Share sla;
    std::map<std::string, Share> sla_by_priority;
    Share level1, fcr, reopened, reassigned;
    Count reassignments = 0;
    Feeling feeling;
    std::map<std::string, Feeling> feeling_by_department, feeling_by_service;
    Count ratings = 0, rating_sum = 0, happy_ratings = 0;
    Share easier;
    bool operator==(const DeskState &) const = default;
};

// One pass over incidents: see desk_metrics.cpp.
void merge_into(DeskState &into, const DeskState &from);

nlohmann::json to_json_state(const DeskState &state);
DeskState state_from_json(const nlohmann::json &j);

} // namespace servicelens::desk_report
