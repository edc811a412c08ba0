#include "servicenow_mapping.hpp"

#include "servicenow_query.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <charconv>
#include <stdexcept>

namespace servicelens::connectors::servicenow {

namespace {

// The columns every pull reads; the custom u_ columns come after them.
// caller_id.email is dot-walked: ServiceNow follows the reference and
// returns the caller's email in the same record.
constexpr const char *mapped_columns[] = {
    "sys_id",          "number",           "short_description", "description",    "state",        "priority",
    "impact",          "urgency",          "contact_type",      "category",       "subcategory",  "caller_id",
    "caller_id.email", "assignment_group", "assigned_to",       "cmdb_ci",        "location",     "rfc",
    "opened_at",       "resolved_at",      "closed_at",         "sys_updated_on", "reopen_count", "reassignment_count",
    "escalation",      "made_sla"};

// Reads one record in either display mode.
class RecordReader {
public:
    RecordReader(const nlohmann::json &record, bool display_values) : record_(record), display_values_(display_values)
    {
    }

    std::string stored(std::string_view field) const { return text(field, "value"); }
    // The display value of a reference field when the connector reads them, else the stored sys_id.
    std::string reference(std::string_view field) const
    {
        return display_values_ ? text(field, "display_value") : stored(field);
    }
    std::string display(std::string_view field) const
    {
        return display_values_ ? text(field, "display_value") : std::string();
    }

    int number(std::string_view field, int min, int max) const
    {
        const std::string v = stored(field);
        int n = 0;
        const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), n);
        return error == std::errc() && end == v.data() + v.size() && n >= min && n <= max ? n : 0;
    }

    sl_timestamp_t time(std::string_view field) const
    {
        try {
            return parse_time(stored(field));
        } catch (const std::invalid_argument &e) {
            throw std::invalid_argument(
                fmt::format("incident {} ({}): {}: {}", stored("number"), stored("sys_id"), field, e.what()));
        }
    }

private:
    // A value is a string (display values off), {"value", "display_value"}
    // (display values all), or null/absent (a column the instance lacks).
    std::string text(std::string_view field, const char *member) const
    {
        const auto it = record_.find(field);
        if (it == record_.end() || it->is_null()) return {};
        if (it->is_string()) return it->get<std::string>();
        if (it->is_object()) {
            const auto m = it->find(member);
            return m != it->end() && m->is_string() ? m->get<std::string>() : std::string();
        }
        return it->dump(); // a number or boolean some customisation returns unquoted
    }

    const nlohmann::json &record_;
    bool display_values_;
};

sl_tristate_t breached_of(std::string_view made_sla)
{
    if (made_sla == "true") return SL_NO;
    if (made_sla == "false") return SL_YES;
    return SL_UNKNOWN;
}

} // namespace

std::vector<std::string> incident_fields(const std::vector<std::string> &custom_columns)
{
    std::vector<std::string> fields(std::begin(mapped_columns), std::end(mapped_columns));
    fields.insert(fields.end(), custom_columns.begin(), custom_columns.end());
    return fields;
}

std::string state_of(std::string_view code)
{
    if (code == "1") return "new";
    if (code == "3" || code == "4" || code == "5") return "on_hold"; // 4, 5: Awaiting … on older instances
    if (code == "6") return "resolved";
    if (code == "7") return "closed";
    if (code == "8") return "cancelled";
    return "in_progress"; // 2, and states an instance added
}

sl_contact_type_t contact_type_of(std::string_view code)
{
    if (code == "phone" || code == "ivr") return SL_CONTACT_PHONE;
    if (code == "email") return SL_CONTACT_EMAIL;
    if (code == "self-service" || code == "web" || code == "portal") return SL_CONTACT_PORTAL;
    if (code == "walk-in") return SL_CONTACT_WALK_UP;
    if (code == "chat" || code == "virtual_agent") return SL_CONTACT_CHAT;
    if (code == "social") return SL_CONTACT_SOCIAL;
    if (code == "alert" || code == "monitoring" || code == "event") return SL_CONTACT_MONITORING;
    return SL_CONTACT_UNKNOWN;
}

std::string stored_value(const nlohmann::json &record, std::string_view field)
{
    return RecordReader(record, false).stored(field);
}

host::OwnedIncident map_incident(const nlohmann::json &record, const std::string &source, bool display_values)
{
    const RecordReader r(record, display_values);
    host::OwnedIncident i;
    i.id = r.stored("sys_id");
    if (i.id.empty()) throw std::invalid_argument("an incident record without sys_id");
    i.number = r.stored("number");
    i.source = source;
    i.title = r.stored("short_description");
    i.description = r.stored("description");
    i.state = state_of(r.stored("state"));
    i.priority = r.number("priority", 1, 5);
    i.impact = r.number("impact", 1, 3);
    i.urgency = r.number("urgency", 1, 3);
    i.escalation_level = r.number("escalation", 0, 99);
    i.category = r.stored("category");
    i.subcategory = r.stored("subcategory");
    i.caller_id = r.stored("caller_id");
    i.caller_email = r.stored("caller_id.email");
    i.caller_name = r.display("caller_id");
    i.assignment_group = r.reference("assignment_group");
    i.assigned_to = r.reference("assigned_to");
    i.ci = r.reference("cmdb_ci");
    i.location = r.reference("location");
    i.related_change = r.reference("rfc");
    i.contact_type = contact_type_of(r.stored("contact_type"));
    i.opened_at = r.time("opened_at");
    i.resolved_at = r.time("resolved_at");
    i.closed_at = r.time("closed_at");
    i.updated_at = r.time("sys_updated_on");
    i.reopen_count = r.number("reopen_count", 0, 1'000'000);
    i.reassignment_count = r.number("reassignment_count", 0, 1'000'000);
    i.sla_breached = breached_of(r.stored("made_sla"));
    // Empty u_ columns are left out: every incident has every column, most of them unset.
    for (const auto &[field, value] : record.items())
        if (std::string text = field.starts_with("u_") ? r.stored(field) : std::string(); !text.empty())
            i.custom[field] = std::move(text);
    return i;
}

host::OwnedComment map_journal_entry(const nlohmann::json &record)
{
    const RecordReader r(record, false);
    host::OwnedComment c;
    c.id = r.stored("sys_id");
    c.author = r.stored("sys_created_by");
    c.body = r.stored("value");
    c.visibility = r.stored("element") == "work_notes" ? SL_VISIBILITY_INTERNAL : SL_VISIBILITY_PUBLIC;
    c.created_at = r.time("sys_created_on");
    return c;
}

} // namespace servicelens::connectors::servicenow
