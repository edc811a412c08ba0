#include "zendesk_mapping.hpp"

#include "json_fields.hpp"
#include "vendor_time.hpp"

#include <servicelens/connectors/vendor_support.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace servicelens::connectors::zendesk {

namespace {

using nlohmann::json;

sl_timestamp_t time_at(const json &object, const char *key)
{
    const std::optional<sl_timestamp_t> at = parse_iso8601(text_at(object, key));
    return at ? *at : SL_TIMESTAMP_NONE;
}

std::map<int64_t, json> by_id(const json &records, const char *id_key)
{
    std::map<int64_t, json> out;
    if (!records.is_array()) return out;
    for (const json &r : records)
        if (const auto id = integer_at(r, id_key)) out.emplace(*id, r);
    return out;
}

const json *lookup(const std::map<int64_t, json> &records, const json &owner, const char *id_key)
{
    const auto id = integer_at(owner, id_key);
    if (!id) return nullptr;
    const auto it = records.find(*id);
    return it == records.end() ? nullptr : &it->second;
}

std::string value_text(const json &value)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_array()) {
        // Multi-select fields hold option tags.
        std::vector<std::string> parts;
        for (const json &v : value) parts.push_back(value_text(v));
        return fmt::format("{}", fmt::join(parts, ", "));
    }
    return value.dump();
}

void map_people(const json &ticket, const Sideloads &s, host::OwnedIncident &i)
{
    if (const auto requester = integer_at(ticket, "requester_id")) i.caller_id = std::to_string(*requester);
    if (const json *user = lookup(s.users, ticket, "requester_id")) {
        i.caller_email = text_at(*user, "email");
        i.caller_name = text_at(*user, "name");
    }
    if (const json *agent = lookup(s.users, ticket, "assignee_id")) {
        const std::string email = text_at(*agent, "email");
        i.assigned_to = email.empty() ? text_at(*agent, "name") : email;
    } else if (const auto assignee = integer_at(ticket, "assignee_id")) {
        i.assigned_to = std::to_string(*assignee);
    }
    if (const json *group = lookup(s.groups, ticket, "group_id")) i.assignment_group = text_at(*group, "name");
}

void map_metrics(const json &ticket, const Sideloads &s, host::OwnedIncident &i)
{
    const auto id = integer_at(ticket, "id");
    const auto it = id ? s.metric_sets_by_ticket.find(*id) : s.metric_sets_by_ticket.end();
    if (it == s.metric_sets_by_ticket.end()) return;
    const json &metrics = it->second;
    i.resolved_at = time_at(metrics, "solved_at");
    i.reopen_count = static_cast<int>(integer_at(metrics, "reopens").value_or(0));
    i.reassignment_count = static_cast<int>(integer_at(metrics, "reassignments").value_or(0));
}

void map_custom(const json &ticket, host::OwnedIncident &i)
{
    for (const json &field : member(ticket, "custom_fields")) {
        const auto id = integer_at(field, "id");
        const json &value = member(field, "value");
        if (id && !value.is_null()) i.custom[std::to_string(*id)] = value_text(value);
    }
    if (const json &tags = member(ticket, "tags"); tags.is_array() && !tags.empty()) {
        std::vector<std::string> names;
        for (const json &t : tags)
            if (t.is_string()) names.push_back(t.get<std::string>());
        i.custom["tags"] = fmt::format("{}", fmt::join(names, " "));
    }
    if (std::string type = text_at(ticket, "type"); !type.empty()) i.custom["type"] = std::move(type);
}

} // namespace

Sideloads Sideloads::from_json(const json &response)
{
    Sideloads s;
    if (!response.is_object()) return s;
    s.users = by_id(member(response, "users"), "id");
    s.groups = by_id(member(response, "groups"), "id");
    s.metric_sets_by_ticket = by_id(member(response, "metric_sets"), "ticket_id");
    return s;
}

std::string ticket_id(const json &ticket)
{
    const auto id = integer_at(ticket, "id");
    return id ? std::to_string(*id) : std::string{};
}

bool is_deleted(const json &ticket)
{
    return text_at(ticket, "status") == "deleted";
}

sl_timestamp_t export_position(const json &ticket)
{
    const sl_timestamp_t updated = time_at(ticket, "updated_at");
    const auto generated = integer_at(ticket, "generated_timestamp");
    return std::max(updated, generated ? *generated * 1000 : SL_TIMESTAMP_NONE);
}

host::OwnedIncident map_ticket(const json &ticket, const Sideloads &sideloads, const std::string &source)
{
    host::OwnedIncident i;
    i.id = ticket_id(ticket);
    i.number = i.id;
    i.source = source;
    i.updated_at = export_position(ticket);
    if (i.id.empty() || i.updated_at == SL_TIMESTAMP_NONE)
        throw ConnectorError(fmt::format("connector '{}': Zendesk exported a ticket without an id or a readable "
                                         "updated_at/generated_timestamp ({})",
                                         source, ticket.dump().substr(0, 160)));
    i.title = text_at(ticket, "subject");
    i.description = text_at(ticket, "description");
    i.state = state_of(text_at(ticket, "status"));
    i.priority = priority_of(member(ticket, "priority"));
    i.contact_type = contact_type_of(text_at(member(ticket, "via"), "channel"));
    i.opened_at = time_at(ticket, "created_at");
    map_people(ticket, sideloads, i);
    map_metrics(ticket, sideloads, i);
    map_custom(ticket, i);
    return i;
}

host::OwnedComment map_comment(const json &comment, const Sideloads &sideloads)
{
    host::OwnedComment c;
    if (const auto id = integer_at(comment, "id")) c.id = std::to_string(*id);
    if (const json *author = lookup(sideloads.users, comment, "author_id")) {
        const std::string email = text_at(*author, "email");
        c.author = email.empty() ? text_at(*author, "name") : email;
    } else if (const auto author_id = integer_at(comment, "author_id")) {
        c.author = std::to_string(*author_id);
    }
    c.body = text_at(comment, "body");
    if (c.body.empty()) c.body = text_at(comment, "plain_body");
    c.visibility = flag_at(comment, "public", true) ? SL_VISIBILITY_PUBLIC : SL_VISIBILITY_INTERNAL;
    c.created_at = time_at(comment, "created_at");
    return c;
}

std::string state_of(std::string_view status)
{
    if (status == "new") return "new";
    if (status == "pending" || status == "hold") return "on_hold";
    if (status == "solved") return "resolved";
    if (status == "closed") return "closed";
    return "in_progress"; // open, and any status a newer Zendesk adds
}

int priority_of(const json &priority)
{
    if (!priority.is_string()) return 0;
    const std::string p = priority.get<std::string>();
    if (p == "urgent") return 1;
    if (p == "high") return 2;
    if (p == "normal") return 3;
    if (p == "low") return 4;
    return 0;
}

sl_contact_type_t contact_type_of(std::string_view channel)
{
    static const std::map<std::string, sl_contact_type_t, std::less<>> channels = {
        {"web", SL_CONTACT_PORTAL},
        {"mobile", SL_CONTACT_PORTAL},
        {"mobile_sdk", SL_CONTACT_PORTAL},
        {"help_center", SL_CONTACT_PORTAL},
        {"email", SL_CONTACT_EMAIL},
        {"voice", SL_CONTACT_PHONE},
        {"phone_call_inbound", SL_CONTACT_PHONE},
        {"phone_call_outbound", SL_CONTACT_PHONE},
        {"chat", SL_CONTACT_CHAT},
        {"chat_transcript", SL_CONTACT_CHAT},
        {"native_messaging", SL_CONTACT_CHAT},
        {"sms", SL_CONTACT_CHAT},
        {"facebook", SL_CONTACT_SOCIAL},
        {"twitter", SL_CONTACT_SOCIAL},
        {"twitter_dm", SL_CONTACT_SOCIAL},
        {"twitter_favorite", SL_CONTACT_SOCIAL},
        {"instagram_dm", SL_CONTACT_SOCIAL},
        {"whatsapp", SL_CONTACT_SOCIAL},
        {"line", SL_CONTACT_SOCIAL},
        {"wechat", SL_CONTACT_SOCIAL},
    };
    const auto it = channels.find(channel);
    return it == channels.end() ? sl_contact_type_t{SL_CONTACT_UNKNOWN} : it->second;
}

std::string error_message(const json &body)
{
    if (!body.is_object()) return {};
    std::vector<std::string> parts;
    if (const json &error = member(body, "error"); error.is_string()) {
        parts.push_back(error.get<std::string>());
    } else if (error.is_object()) {
        for (const char *key : {"title", "message"})
            if (std::string text = text_at(error, key); !text.empty()) parts.push_back(std::move(text));
    }
    if (std::string description = text_at(body, "description"); !description.empty()) parts.push_back(description);
    if (const json &details = member(body, "details"); details.is_object())
        for (const auto &[field, problems] : details.items())
            for (const json &problem : problems.is_array() ? problems : json::array({problems}))
                parts.push_back(fmt::format("{}: {}", field,
                                            problem.is_object() ? text_at(problem, "description") : problem.dump()));
    return fmt::format("{}", fmt::join(parts, "; "));
}

} // namespace servicelens::connectors::zendesk
