// A believable service desk, generated: people with departments and sites,
// their devices and app telemetry, walk-up centres, changes that cause
// volume spikes, and incidents with business-hours rhythm, priorities,
// channels, escalations, reopenings, comments and survey answers whose
// wording carries sentiment. Same options, same desk, byte for byte.
#pragma once

#include "owned_incident.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace servicelens::host {

struct DeskOptions {
    std::size_t incidents = 2000;
    int months = 6;
    uint64_t seed = 42;
    sl_timestamp_t until = 1793491200000;   // 2026-11-01T00:00:00Z: fixed, so a seed means one desk
};

struct Person {
    std::string id, name, email, department, title, manager, site, language, working_hours;
    bool vip = false;
    int skill = 1;   // 0 novice, 1 intermediate, 2 expert: drives how-to versus break-fix
};

struct ChangeRecord {
    std::string number, ci, description;
    sl_timestamp_t implemented_at = 0;
};

struct Desk {
    std::vector<Person> people;
    std::vector<ChangeRecord> changes;
    std::vector<OwnedIncident> incidents;   // ordered by opened_at
};

Desk generate_desk(const DeskOptions &options);

// Writes the files the context plugins read next to the ticket store:
// directory.csv, assets.csv, telemetry.jsonl, sites.json, changes.csv.
void write_context_files(const Desk &desk, const DeskOptions &options, const std::filesystem::path &dir);

} // namespace servicelens::host
