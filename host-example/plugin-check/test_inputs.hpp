// The inputs the kit feeds plugins: generated, deterministic, and covering
// what real desks send (missing fields, odd channels, broken UTF-8).
#pragma once

#include <servicelens/host/owned_incident.hpp>

#include <servicelens/report.h>
#include <servicelens/sentiment.h>

#include <memory>
#include <string>
#include <vector>

namespace servicelens::kit {

enum class Variant {
    typical,          // realistic fields, comments, survey answers
    minimal,          // only an id: every optional field missing
    invalid_utf8      // every text field holds malformed UTF-8
};

// A batch of incidents with their C views, kept alive together.
class IncidentBatch {
public:
    IncidentBatch(std::size_t count, Variant variant);
    const std::vector<const sl_incident_t *> &pointers() const noexcept { return pointers_; }
    const std::vector<const sl_report_record_t *> &records() const noexcept { return record_ptrs_; }
    const std::vector<host::OwnedIncident> &incidents() const noexcept { return incidents_; }

private:
    std::vector<host::OwnedIncident> incidents_;
    std::vector<std::unique_ptr<host::IncidentView>> views_;
    std::vector<const sl_incident_t *> pointers_;
    std::vector<sl_report_record_t> records_;
    std::vector<const sl_report_record_t *> record_ptrs_;
};

// A batch of texts of every kind, with their C structs.
class TextBatch {
public:
    TextBatch(std::size_t count, Variant variant);
    const std::vector<const sl_text_t *> &pointers() const noexcept { return pointers_; }

private:
    std::vector<std::string> strings_;
    std::vector<sl_text_t> texts_;
    std::vector<const sl_text_t *> pointers_;
};

} // namespace servicelens::kit
