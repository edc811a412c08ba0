// An incident the host owns (std::string fields), and the read-only
// sl_incident_t view of it that plugins receive.
#pragma once

#include <servicelens/incident.h>

#include <map>
#include <string>
#include <vector>

namespace servicelens::host {

struct OwnedComment {
    std::string id, author, body;
    sl_visibility_t visibility = SL_VISIBILITY_PUBLIC;
    sl_timestamp_t created_at = SL_TIMESTAMP_NONE;
};

struct OwnedSurveyResponse {
    std::string id, text;
    int rating = 0;
    sl_tristate_t makes_job_easier = SL_UNKNOWN;
    sl_timestamp_t submitted_at = SL_TIMESTAMP_NONE;
};

struct OwnedIncident {
    std::string id, number, source, title, description, state;
    int priority = 0, impact = 0, urgency = 0, escalation_level = 0;
    std::string category, subcategory;
    std::string caller_id, caller_email, caller_name;
    std::string assignment_group, assigned_to, ci, location, related_change;
    sl_contact_type_t contact_type = SL_CONTACT_UNKNOWN;
    sl_timestamp_t opened_at = SL_TIMESTAMP_NONE, first_response_at = SL_TIMESTAMP_NONE,
                   resolved_at = SL_TIMESTAMP_NONE, closed_at = SL_TIMESTAMP_NONE,
                   updated_at = SL_TIMESTAMP_NONE, sla_due_at = SL_TIMESTAMP_NONE;
    int reopen_count = 0, reassignment_count = 0;
    sl_tristate_t sla_breached = SL_UNKNOWN;
    std::vector<OwnedComment> comments;
    std::vector<OwnedSurveyResponse> survey;
    std::map<std::string, std::string> custom;
};

// The C view of an OwnedIncident. It points into the incident, so the
// incident must outlive it and stay unchanged; not copyable (it points into
// itself).
class IncidentView {
public:
    explicit IncidentView(const OwnedIncident &incident);
    IncidentView(const IncidentView &) = delete;
    IncidentView &operator=(const IncidentView &) = delete;

    const sl_incident_t *get() const noexcept { return &view_; }

private:
    sl_incident_t view_{};
    std::vector<sl_comment_t> comments_;
    std::vector<const sl_comment_t *> comment_ptrs_;
    std::vector<sl_survey_response_t> survey_;
    std::vector<const sl_survey_response_t *> survey_ptrs_;
    std::vector<sl_key_value_t> custom_;
};

} // namespace servicelens::host
