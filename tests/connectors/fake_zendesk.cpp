#include "fake_zendesk.hpp"

#include "vendor_fakes.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

namespace servicelens::fakes {

namespace {

using nlohmann::json;

const char *const comment_cursor_prefix = "eyJvIjo";

// Zendesk ids are large integers: stable ones per email or group name.
int64_t stable_id(const std::string &text)
{
    uint64_t hash = 1469598103934665603ull;
    for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
    return static_cast<int64_t>(hash & 0xffffffffffull) + 1;
}

std::string iso(int64_t ms)
{
    const date::sys_time<std::chrono::milliseconds> at{std::chrono::milliseconds{ms}};
    return date::format("%FT%TZ", std::chrono::floor<std::chrono::seconds>(at));
}

const char *status_name(const std::string &state)
{
    if (state == "new") return "new";
    if (state == "on_hold") return "pending";
    if (state == "resolved") return "solved";
    if (state == "closed" || state == "cancelled") return "closed";
    return "open";
}

json priority_value(int priority)
{
    switch (priority) {
    case 1:
        return "urgent";
    case 2:
        return "high";
    case 3:
        return "normal";
    case 4:
    case 5:
        return "low";
    default:
        return json();
    }
}

// Zendesk has no walk-up channel: such tickets are typed in by an agent
// through an integration, so they come in by the API.
const char *via_channel(const std::string &channel)
{
    if (channel == "phone") return "voice";
    if (channel == "email") return "email";
    if (channel == "chat") return "chat";
    if (channel == "portal") return "web";
    return "api";
}

bool numeric(const std::string &text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

json user_json(const std::string &email)
{
    return {{"id", stable_id(email)},
            {"url", "https://example.zendesk.com/api/v2/users/" + std::to_string(stable_id(email)) + ".json"},
            {"name", email.substr(0, email.find('@'))},
            {"email", email},
            {"role", email == FakeZendesk::email ? "agent" : "end-user"},
            {"time_zone", "Europe/Berlin"},
            {"user_fields", json::object()}};
}

} // namespace

config::ConnectorConfig FakeZendesk::connector_config(const std::string &name) const
{
    return config_for(name, "zendesk", "api_token", {{"email", email}, {"token", token}});
}

void FakeZendesk::delete_ticket(const std::string &id, int64_t at_ms)
{
    std::optional<FakeTicket> ticket = desk_.find(id);
    if (!ticket) throw std::invalid_argument("FakeZendesk::delete_ticket: no ticket " + id);
    desk_.remove(id);
    ticket->updated_at = at_ms;
    std::lock_guard lock(state_mutex_);
    deleted_[id] = {*ticket, at_ms / 1000, true};
}

void FakeZendesk::exclude_last_minute(bool exclude)
{
    std::lock_guard lock(state_mutex_);
    exclude_last_minute_ = exclude;
}

void FakeZendesk::regenerate(const std::string &id, int64_t generated_ms)
{
    std::lock_guard lock(state_mutex_);
    generated_ms_[id] = generated_ms;
}

void FakeZendesk::ignore_unknown_fields(bool ignore)
{
    std::lock_guard lock(state_mutex_);
    ignore_unknown_fields_ = ignore;
}

bool FakeZendesk::authorized(const httplib::Request &request) const
{
    return has_basic_auth(request, std::string(email) + "/token", token);
}

std::pair<std::string, std::string> FakeZendesk::error_body(int status, const std::string &message) const
{
    if (status == 401) return {json{{"error", "Couldn't authenticate you"}}.dump(), "application/json"};
    // Zendesk's 429 is plain text, not JSON.
    if (status == 429) return {"Rate limit for incremental exports exceeded. " + message, "text/plain"};
    if (status == 404)
        return {json{{"error", "RecordNotFound"}, {"description", "Not found"}}.dump(), "application/json"};
    return {json{{"error", status >= 500 ? "ServerError" : "InvalidRequest"}, {"description", message}}.dump(),
            "application/json"};
}

void FakeZendesk::reply_error(httplib::Response &response, int status, const std::string &error,
                              const std::string &description, const json &details) const
{
    json body = {{"error", error}, {"description", description}};
    if (!details.is_null()) body["details"] = details;
    reply_json(response, status, body);
}

// Live tickets and deleted ones, by (generated_timestamp, id) as the export orders them.
std::vector<FakeZendesk::Exported> FakeZendesk::export_order() const
{
    std::vector<Exported> all;
    std::map<std::string, int64_t> generated;
    {
        std::lock_guard lock(state_mutex_);
        for (const auto &[id, tombstone] : deleted_) all.push_back(tombstone);
        generated = generated_ms_;
    }
    for (FakeTicket &t : desk_.sorted([](const FakeTicket &a, const FakeTicket &b) { return a.id < b.id; })) {
        const auto it = generated.find(t.id);
        const int64_t at = std::max(t.updated_at, it == generated.end() ? 0 : it->second);
        all.push_back({std::move(t), at / 1000, false});
    }
    std::sort(all.begin(), all.end(), [](const Exported &a, const Exported &b) {
        return a.generated != b.generated ? a.generated < b.generated
                                          : std::stoll(a.ticket.id) < std::stoll(b.ticket.id);
    });
    return all;
}

json FakeZendesk::render_ticket(const FakeTicket &t, int64_t generated, bool deleted) const
{
    json custom = json::array();
    for (const auto &[id, value] : t.fields)
        if (numeric(id)) custom.push_back({{"id", std::stoll(id)}, {"value", value}});
    custom.push_back({{"id", 360000000999}, {"value", nullptr}});
    const int64_t requester = stable_id(t.caller_email);
    return {{"url", base_url() + "/api/v2/tickets/" + t.id + ".json"},
            {"id", std::stoll(t.id)},
            {"external_id", nullptr},
            {"via",
             {{"channel", via_channel(t.channel)},
              {"source", {{"from", json::object()}, {"to", json::object()}, {"rel", nullptr}}}}},
            {"created_at", iso(t.opened_at)},
            {"updated_at", iso(t.updated_at)},
            {"generated_timestamp", generated},
            {"type", "incident"},
            {"subject", t.title},
            {"raw_subject", t.title},
            {"description", t.description},
            {"priority", priority_value(t.priority)},
            {"status", deleted ? "deleted" : status_name(t.state)},
            {"recipient", nullptr},
            {"requester_id", requester},
            {"submitter_id", requester},
            {"assignee_id", nullptr},
            {"organization_id", nullptr},
            {"group_id", t.assignment_group.empty() ? json() : json(stable_id(t.assignment_group))},
            {"collaborator_ids", json::array()},
            {"follower_ids", json::array()},
            {"email_cc_ids", json::array()},
            {"problem_id", nullptr},
            {"has_incidents", false},
            {"is_public", true},
            {"due_at", nullptr},
            {"tags", t.tags},
            {"custom_fields", custom},
            {"fields", custom},
            {"satisfaction_rating", nullptr},
            {"sharing_agreement_ids", json::array()},
            {"custom_status_id", 1},
            {"followup_ids", json::array()},
            {"ticket_form_id", 1},
            {"brand_id", 1},
            {"allow_channelback", false},
            {"allow_attachments", true},
            {"from_messaging_channel", false}};
}

void FakeZendesk::export_tickets(const httplib::Request &request, httplib::Response &response)
{
    const int per_page =
        std::clamp(request.has_param("per_page") ? std::stoi(request.get_param_value("per_page")) : 1000, 1, 1000);
    const std::string include = request.get_param_value("include");
    const int64_t now = now_ms();
    Cursor from;
    bool exclude_last_minute = false;
    {
        std::lock_guard lock(state_mutex_);
        exclude_last_minute = exclude_last_minute_;
        if (request.has_param("cursor")) {
            const auto it = cursors_.find(request.get_param_value("cursor"));
            if (it == cursors_.end())
                return reply_error(response, 400, "InvalidPaginationParameter", "cursor is invalid or expired");
            from = it->second;
        } else if (request.has_param("start_time")) {
            const int64_t start = std::stoll(request.get_param_value("start_time"));
            if (start * 1000 > now) return reply_error(response, 400, "InvalidValue", "start_time is in the future");
            from = {{start, -1}, 0};
        } else {
            return reply_error(response, 400, "InvalidPaginationParameter", "start_time or cursor is required");
        }
    }
    std::vector<Exported> page;
    bool end_of_stream = true;
    for (Exported &e : export_order()) {
        const int64_t id = std::stoll(e.ticket.id);
        if (e.generated < from.after.generated || (e.generated == from.after.generated && id <= from.after.id))
            continue;
        if (exclude_last_minute && e.generated * 1000 > now - 60'000) break;
        if (page.size() == static_cast<std::size_t>(per_page)) {
            end_of_stream = false;
            break;
        }
        page.push_back(std::move(e));
    }
    const Position last =
        page.empty() ? from.after : Position{page.back().generated, std::stoll(page.back().ticket.id)};
    std::string cursor;
    {
        std::lock_guard lock(state_mutex_);
        cursor = fmt::format("MTc5{:08x}fHw", static_cast<unsigned>(next_cursor_++) * 2654435761u);
        cursors_[cursor] = {last, from.page + 1};
    }
    json tickets = json::array(), users = json::array(), groups = json::array(), metric_sets = json::array();
    std::set<int64_t> seen_users, seen_groups;
    for (const Exported &e : page) {
        const FakeTicket &t = e.ticket;
        tickets.push_back(render_ticket(t, e.generated, e.deleted));
        if (seen_users.insert(stable_id(t.caller_email)).second) users.push_back(user_json(t.caller_email));
        if (!t.assignment_group.empty() && seen_groups.insert(stable_id(t.assignment_group)).second)
            groups.push_back({{"id", stable_id(t.assignment_group)}, {"name", t.assignment_group}, {"deleted", false}});
        metric_sets.push_back({{"id", std::stoll(t.id) + 9000},
                               {"ticket_id", std::stoll(t.id)},
                               {"solved_at", t.resolved_at ? json(iso(t.resolved_at)) : json()},
                               {"reopens", 0},
                               {"reassignments", 1},
                               {"replies", t.comments.size()},
                               {"reply_time_in_minutes", {{"calendar", 5}, {"business", 5}}}});
    }
    json out = {{"tickets", tickets},
                {"after_url", base_url() + "/api/v2/incremental/tickets/cursor.json?cursor=" + cursor},
                {"after_cursor", cursor},
                {"before_url", nullptr},
                {"before_cursor", nullptr},
                {"end_of_stream", end_of_stream}};
    if (include.find("users") != std::string::npos) out["users"] = users;
    if (include.find("groups") != std::string::npos) out["groups"] = groups;
    if (include.find("metric_sets") != std::string::npos) out["metric_sets"] = metric_sets;
    reply_json(response, 200, out);
    desk_.list_page_served(from.page);
}

// Zendesk's description is the ticket's first comment.
std::vector<FakeComment> FakeZendesk::comments_of(const FakeTicket &t) const
{
    std::vector<FakeComment> all = {{t.id + "-d", t.caller_email, t.description, false, t.opened_at}};
    all.insert(all.end(), t.comments.begin(), t.comments.end());
    return all;
}

void FakeZendesk::list_comments(const httplib::Request &request, httplib::Response &response)
{
    const auto ticket = desk_.find(request.matches[1]);
    if (!ticket) return reply_error(response, 404, "RecordNotFound", "Not found");
    const std::vector<FakeComment> all = comments_of(*ticket);
    const bool cursor_paging = request.has_param("page[size]");
    const std::size_t size =
        cursor_paging ? std::clamp<std::size_t>(std::stoul(request.get_param_value("page[size]")), 1, 100) : all.size();
    std::size_t start = 0;
    if (request.has_param("page[after]")) {
        const std::string after = request.get_param_value("page[after]");
        if (after.rfind(comment_cursor_prefix, 0) != 0)
            return reply_error(response, 400, "InvalidPaginationParameter", "page[after] is invalid");
        start = std::stoul(after.substr(std::string(comment_cursor_prefix).size()));
    }
    json comments = json::array(), users = json::array();
    std::set<std::string> authors;
    for (std::size_t i = start; i < all.size() && i < start + size; ++i) {
        const FakeComment &c = all[i];
        comments.push_back({{"id", std::stoll(ticket->id) * 1000 + static_cast<int64_t>(i) + 1},
                            {"type", "Comment"},
                            {"author_id", stable_id(c.author)},
                            {"body", c.body},
                            {"html_body", "<div class=\"zd-comment\"><p>" + c.body + "</p></div>"},
                            {"plain_body", c.body},
                            {"public", !c.internal},
                            {"attachments", json::array()},
                            {"audit_id", 5000 + static_cast<int64_t>(i)},
                            {"via", {{"channel", "web"}, {"source", json::object()}}},
                            {"created_at", iso(c.created_at)},
                            {"metadata", {{"system", json::object()}, {"custom", json::object()}}}});
        if (authors.insert(c.author).second) users.push_back(user_json(c.author));
    }
    const bool more = start + size < all.size();
    json out = {{"comments", comments}};
    if (cursor_paging) {
        const std::string after = fmt::format("{}{}", comment_cursor_prefix, start + size);
        out["meta"] = {{"has_more", more}, {"after_cursor", more ? json(after) : json()}, {"before_cursor", nullptr}};
        out["links"] = {{"next", more ? json(base_url() + request.path + "?page[after]=" + after) : json()},
                        {"prev", nullptr}};
    } else {
        out["next_page"] = nullptr;
        out["previous_page"] = nullptr;
        out["count"] = all.size();
    }
    if (request.get_param_value("include").find("users") != std::string::npos) out["users"] = users;
    reply_json(response, 200, out);
}

void FakeZendesk::update_ticket(const httplib::Request &request, httplib::Response &response)
{
    const auto ticket = desk_.find(request.matches[1]);
    if (!ticket) return reply_error(response, 404, "RecordNotFound", "Not found");
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.value("ticket", json()).is_object())
        return reply_error(response, 400, "InvalidEndpoint", "the body must be {\"ticket\": {...}}");
    if (ticket->state == "closed")
        return reply_error(response, 422, "RecordInvalid", "Record validation errors",
                           {{"status", json::array({{{"description", "Status: closed prevents ticket update"},
                                                     {"error", "ClosedTicketUpdate"}}})}});
    bool ignore_unknown = false;
    {
        std::lock_guard lock(state_mutex_);
        ignore_unknown = ignore_unknown_fields_;
    }
    const json &update = body["ticket"];
    json details = json::object();
    std::vector<FakeWrite> writes;
    for (const json &field : update.value("custom_fields", json::array())) {
        const json id = field.value("id", json());
        const std::string name = id.is_number_integer() ? std::to_string(id.get<int64_t>()) : id.dump();
        const json value = field.value("value", json());
        if (!desk_.field_allowed(name)) {
            if (!ignore_unknown)
                details["custom_fields"].push_back(
                    {{"description", fmt::format("Custom field {} does not exist on this account", name)},
                     {"error", "InvalidValue"}});
            continue;
        }
        writes.push_back({ticket->id, "field", name, value.is_string() ? value.get<std::string>() : value.dump()});
    }
    if (const json comment = update.value("comment", json()); comment.is_object()) {
        if (!comment.value("body", json()).is_string() || comment.value("public", true))
            details["comment"].push_back({{"description", "The fake takes private comments with a body only"}});
        else
            writes.push_back({ticket->id, "note", "", comment["body"].get<std::string>()});
    }
    if (!details.empty()) return reply_error(response, 422, "RecordInvalid", "Record validation errors", details);
    for (const FakeWrite &w : writes)
        if (!desk_.apply(w, now_ms()))
            return reply_error(response, 404, "RecordNotFound", "Not found"); // deleted meanwhile
    const std::optional<FakeTicket> found = desk_.find(ticket->id);
    if (!found) return reply_error(response, 404, "RecordNotFound", "Not found");
    const FakeTicket &updated = *found;
    const json out = {{"ticket", render_ticket(updated, updated.updated_at / 1000, false)},
                      {"audit", {{"id", 7000}, {"ticket_id", std::stoll(updated.id)}, {"events", json::array()}}}};
    reply_json(response, 200, out);
}

void FakeZendesk::add_tags(const httplib::Request &request, httplib::Response &response)
{
    const auto ticket = desk_.find(request.matches[1]);
    if (!ticket) return reply_error(response, 404, "RecordNotFound", "Not found");
    if (ticket->state == "closed")
        return reply_error(response, 422, "RecordInvalid", "Record validation errors",
                           {{"status", json::array({{{"description", "Status: closed prevents ticket update"}}})}});
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.value("tags", json()).is_array())
        return reply_error(response, 400, "InvalidEndpoint", "the body must be {\"tags\": [...]}");
    for (const json &tag : body["tags"])
        if (tag.is_string()) desk_.apply({ticket->id, "tag", tag.get<std::string>(), ""}, now_ms());
    reply_json(response, 200, json{{"tags", desk_.find(ticket->id)->tags}});
}

void FakeZendesk::mount_routes()
{
    server_.Get(
        "/api/v2/incremental/tickets/cursor.json",
        [this](const httplib::Request &request, httplib::Response &response) { export_tickets(request, response); });
    server_.Get(
        R"(/api/v2/tickets/(\d+)/comments\.json)",
        [this](const httplib::Request &request, httplib::Response &response) { list_comments(request, response); });
    server_.Put(R"(/api/v2/tickets/(\d+)\.json)", [this](const httplib::Request &request, httplib::Response &response) {
        update_ticket(request, response);
    });
    server_.Put(R"(/api/v2/tickets/(\d+)/tags\.json)",
                [this](const httplib::Request &request, httplib::Response &response) { add_tags(request, response); });
}

std::unique_ptr<FakeVendorServer> make_fake_zendesk(FakeDesk &desk)
{
    return std::make_unique<FakeZendesk>(desk);
}

} // namespace servicelens::fakes
