#include <servicelens/host/owned_incident.hpp>

#include <servicelens/cpp/strings.hpp>

namespace servicelens::host {

IncidentView::IncidentView(const OwnedIncident &i)
{
    comments_.reserve(i.comments.size());
    for (const OwnedComment &c : i.comments) {
        sl_comment_t v{};
        v.struct_size = sizeof v;
        v.visibility = c.visibility;
        v.id = str(c.id);
        v.author = str(c.author);
        v.body = str(c.body);
        v.created_at = c.created_at;
        comments_.push_back(v);
    }
    for (const sl_comment_t &c : comments_) comment_ptrs_.push_back(&c);

    survey_.reserve(i.survey.size());
    for (const OwnedSurveyResponse &s : i.survey) {
        sl_survey_response_t v{};
        v.struct_size = sizeof v;
        v.rating = s.rating;
        v.makes_job_easier = s.makes_job_easier;
        v.id = str(s.id);
        v.text = str(s.text);
        v.submitted_at = s.submitted_at;
        survey_.push_back(v);
    }
    for (const sl_survey_response_t &s : survey_) survey_ptrs_.push_back(&s);

    for (const auto &[key, value] : i.custom) custom_.push_back({str(key), str(value)});

    sl_incident_t &v = view_;
    v.struct_size = sizeof v;
    v.contact_type = i.contact_type;
    v.id = str(i.id);
    v.number = str(i.number);
    v.source = str(i.source);
    v.title = str(i.title);
    v.description = str(i.description);
    v.state = str(i.state);
    v.priority = i.priority;
    v.impact = i.impact;
    v.urgency = i.urgency;
    v.escalation_level = i.escalation_level;
    v.category = str(i.category);
    v.subcategory = str(i.subcategory);
    v.caller = {str(i.caller_id), str(i.caller_email), str(i.caller_name)};
    v.assignment_group = str(i.assignment_group);
    v.assigned_to = str(i.assigned_to);
    v.ci = str(i.ci);
    v.location = str(i.location);
    v.related_change = str(i.related_change);
    v.opened_at = i.opened_at;
    v.first_response_at = i.first_response_at;
    v.resolved_at = i.resolved_at;
    v.closed_at = i.closed_at;
    v.updated_at = i.updated_at;
    v.reopen_count = i.reopen_count;
    v.reassignment_count = i.reassignment_count;
    v.sla_due_at = i.sla_due_at;
    v.sla_breached = i.sla_breached;
    v.comments = comment_ptrs_.data();
    v.comment_count = comment_ptrs_.size();
    v.survey = survey_ptrs_.data();
    v.survey_count = survey_ptrs_.size();
    v.custom = custom_.data();
    v.custom_count = custom_.size();
}

} // namespace servicelens::host
