#include "rt_mapping.hpp"

#include "json_fields.hpp"
#include "rt_rest.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace servicelens::connectors::rt {

namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

// A person as RT expands them with fields[Role]=Name,EmailAddress,RealName.
struct Person {
    std::string name, email, real_name;
};

Person person_of(const nlohmann::json &user)
{
    if (!user.is_object()) return {};
    Person p{text_at(user, "Name"), text_at(user, "EmailAddress"), text_at(user, "RealName")};
    if (p.name.empty()) p.name = id_text(user); // the id of a user is their Name
    return p;
}

void map_people(const nlohmann::json &item, host::OwnedIncident &incident)
{
    // The first requestor is the caller; RT lists them in the order they were added.
    if (const auto it = item.find("Requestors"); it != item.end() && it->is_array() && !it->empty()) {
        const Person caller = person_of(it->front());
        incident.caller_id = caller.name;
        incident.caller_email = caller.email.empty() ? caller.name : caller.email;
        incident.caller_name = caller.real_name;
    }
    // "Nobody" is RT's owner of an unowned ticket.
    if (const auto it = item.find("Owner"); it != item.end()) {
        const Person owner = person_of(*it);
        if (owner.name != "Nobody") incident.assigned_to = owner.name;
    }
    if (const auto it = item.find("Queue"); it != item.end() && it->is_object())
        incident.assignment_group = text_at(*it, "Name").empty() ? id_text(*it) : text_at(*it, "Name");
}

// Custom fields by name; several values (a multi-value field) joined with ", ".
void map_custom_fields(const nlohmann::json &item, host::OwnedIncident &incident)
{
    const auto it = item.find("CustomFields");
    if (it == item.end() || !it->is_array()) return;
    for (const auto &field : *it) {
        const std::string name = text_at(field, "name");
        const auto values = field.find("values");
        if (name.empty() || values == field.end() || !values->is_array()) continue;
        std::string joined;
        for (const auto &value : *values)
            if (value.is_string()) joined += (joined.empty() ? "" : ", ") + value.get<std::string>();
        if (!joined.empty()) incident.custom[name] = joined;
    }
}

} // namespace

std::vector<http::QueryParameter> ticket_fields()
{
    return {{"fields", "Subject,Status,Priority,Queue,Owner,Requestors,Created,Resolved,LastUpdated,Due,CustomFields"},
            {"fields[Queue]", "Name"},
            {"fields[Owner]", "Name,EmailAddress,RealName"},
            {"fields[Requestors]", "Name,EmailAddress,RealName"}};
}

std::string state_of(std::string_view status, bool resolved_time_set)
{
    if (status == "new") return "new";
    if (status == "open") return "in_progress";
    if (status == "stalled") return "on_hold";
    if (status == "resolved") return "resolved";
    if (status == "rejected") return "cancelled";
    return resolved_time_set ? "resolved" : "in_progress";
}

int priority_of(long p)
{
    if (p >= 90) return 1; // RT 5 "High" is 100
    if (p >= 70) return 2;
    if (p >= 40) return 3; // RT 5 "Medium" is 50
    if (p >= 0) return 4;  // RT 5 "Low" is 0, RT's default
    return 5;
}

std::optional<host::OwnedIncident> map_ticket(const nlohmann::json &item, const std::string &source)
{
    host::OwnedIncident incident;
    incident.id = id_text(member(item, "id"));
    if (incident.id.empty()) throw std::invalid_argument("a ticket without an id: " + item.dump().substr(0, 200));
    const std::string status = text_at(item, "Status");
    if (status == "deleted") return std::nullopt;
    incident.number = incident.id;
    incident.source = source;
    incident.title = text_at(item, "Subject");

    const auto time = [&](const char *key) { return time_of(member(item, key)); };
    incident.opened_at = time("Created");
    incident.updated_at = time("LastUpdated");
    incident.sla_due_at = time("Due");
    const sl_timestamp_t resolved = time("Resolved");
    incident.state = state_of(status, resolved != SL_TIMESTAMP_NONE);
    // RT stamps Resolved on entering any inactive status: a rejected ticket was closed, not resolved.
    if (incident.state == "resolved") incident.resolved_at = resolved;
    if (incident.state == "cancelled") incident.closed_at = resolved;
    if (incident.sla_due_at != SL_TIMESTAMP_NONE && incident.resolved_at != SL_TIMESTAMP_NONE)
        incident.sla_breached = incident.resolved_at > incident.sla_due_at ? SL_YES : SL_NO;

    const std::string priority = text_at(item, "Priority");
    long p = 0;
    if (const auto [end, error] = std::from_chars(priority.data(), priority.data() + priority.size(), p);
        error == std::errc() && end == priority.data() + priority.size() && !priority.empty())
        incident.priority = priority_of(p);

    map_people(item, incident);
    map_custom_fields(item, incident);
    return incident;
}

sl_contact_type_t contact_type_of_interface(std::string_view interface)
{
    if (equal_ignoring_case(interface, "Email")) return SL_CONTACT_EMAIL;
    if (equal_ignoring_case(interface, "Web") || equal_ignoring_case(interface, "Mobile")) return SL_CONTACT_PORTAL;
    return SL_CONTACT_UNKNOWN; // REST, API, CLI, Scrip, ...: an integration, not a channel
}

void add_history(host::OwnedIncident &incident, TicketHistory history)
{
    incident.description = std::move(history.description);
    incident.contact_type = history.contact_type;
    incident.comments = std::move(history.comments);
    const auto is_caller = [&](const std::string &author) {
        return !author.empty() &&
               (equal_ignoring_case(author, incident.caller_email) || equal_ignoring_case(author, incident.caller_id));
    };
    for (const host::OwnedComment &c : incident.comments)
        if (c.visibility == SL_VISIBILITY_PUBLIC && !is_caller(c.author)) {
            incident.first_response_at = c.created_at;
            break;
        }
}

} // namespace servicelens::connectors::rt
