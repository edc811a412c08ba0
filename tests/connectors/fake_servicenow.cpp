#include "fake_servicenow.hpp"

#include "vendor_fakes.hpp"

#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <span>

namespace servicelens::fakes {

namespace {

using servicenow::Column;
using servicenow::DisplayMode;
using servicenow::EncodedQuery;
using servicenow::Row;
using servicenow::Table;

std::string stored_time(int64_t ms)
{
    if (ms == 0) return {};
    return date::format("%F %T", date::sys_seconds{std::chrono::seconds{ms / 1000}});
}

std::string shown_time(int64_t ms)
{
    if (ms == 0) return {};
    return stored_time(ms + int64_t{FakeServiceNow::display_offset_hours} * 3'600'000);
}

// A stable 32-hex sys_id for a referenced record (caller, group) named by text.
std::string sys_id_for(std::string_view kind, std::string_view name)
{
    if (name.empty()) return {};
    uint64_t h = 1469598103934665603ull;
    for (char c : fmt::format("{}:{}", kind, name)) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    return fmt::format("{:016x}{:016x}", h, h * 0x9e3779b97f4a7c15ull);
}

struct Choice {
    const char *canonical, *code, *label;
};
constexpr Choice states[] = {{"new", "1", "New"},         {"in_progress", "2", "In Progress"},
                             {"on_hold", "3", "On Hold"}, {"resolved", "6", "Resolved"},
                             {"closed", "7", "Closed"},   {"cancelled", "8", "Canceled"}};
constexpr Choice channels[] = {{"phone", "phone", "Phone"},
                               {"email", "email", "Email"},
                               {"portal", "self-service", "Self-service"},
                               {"walk_up", "walk-in", "Walk-in"},
                               {"chat", "chat", "Chat"}};
constexpr const char *priority_labels[] = {"", "1 - Critical", "2 - High", "3 - Moderate", "4 - Low", "5 - Planning"};
constexpr const char *level_labels[] = {"", "1 - High", "2 - Medium", "3 - Low"};

const Choice &choice(std::span<const Choice> choices, const std::string &canonical)
{
    const auto it =
        std::find_if(choices.begin(), choices.end(), [&](const Choice &c) { return canonical == c.canonical; });
    if (it == choices.end()) throw std::invalid_argument("fake ServiceNow: no code for '" + canonical + "'");
    return *it;
}

// The incident table's columns: what the connector reads, what it does not
// (extra fields a real instance has too), and the desk's custom u_ fields.
std::vector<Column> incident_columns(const std::vector<std::string> &custom)
{
    std::vector<Column> columns = {{"sys_id"},
                                   {"number"},
                                   {"short_description"},
                                   {"description"},
                                   {"state"},
                                   {"priority"},
                                   {"impact"},
                                   {"urgency"},
                                   {"contact_type"},
                                   {"category"},
                                   {"subcategory"},
                                   {"caller_id", true, "sys_user"},
                                   {"caller_id.email"},
                                   {"assignment_group", true, "sys_user_group"},
                                   {"assignment_group.name"},
                                   {"assigned_to", true, "sys_user"},
                                   {"cmdb_ci", true, "cmdb_ci"},
                                   {"location", true, "cmn_location"},
                                   {"rfc", true, "change_request"},
                                   {"opened_at"},
                                   {"resolved_at"},
                                   {"closed_at"},
                                   {"sys_created_on"},
                                   {"sys_updated_on"},
                                   {"sys_updated_by"},
                                   {"reopen_count"},
                                   {"reassignment_count"},
                                   {"escalation"},
                                   {"made_sla"},
                                   {"active"},
                                   {"sys_mod_count"},
                                   {"sys_class_name"},
                                   {"sys_domain", true, "sys_user_group"},
                                   {"business_duration"},
                                   {"comments"},
                                   {"work_notes"}};
    for (const std::string &c : custom) columns.push_back({c});
    return columns;
}

Row incident_row(const FakeTicket &t, const Table &table)
{
    Row row;
    row.values.resize(table.columns().size());
    row.display.resize(table.columns().size());
    const auto set = [&](const char *column, std::string value, std::optional<std::string> shown = std::nullopt) {
        const std::size_t c = *table.column(column);
        row.values[c] = std::move(value);
        row.display[c] = std::move(shown);
    };
    const Choice &state = choice(states, t.state);
    const Choice &channel = choice(channels, t.channel);
    set("sys_id", t.id);
    set("number", t.number);
    set("short_description", t.title);
    set("description", t.description);
    set("state", state.code, state.label);
    set("priority", std::to_string(t.priority), priority_labels[std::clamp(t.priority, 0, 5)]);
    set("impact", std::to_string(t.impact), level_labels[std::clamp(t.impact, 0, 3)]);
    set("urgency", std::to_string(t.urgency), level_labels[std::clamp(t.urgency, 0, 3)]);
    set("contact_type", channel.code, channel.label);
    set("category", t.category,
        t.category.empty() ? "" : fmt::format("{}{}", char(std::toupper(t.category[0])), t.category.substr(1)));
    set("caller_id", sys_id_for("sys_user", t.caller_email), t.caller_name);
    set("caller_id.email", t.caller_email);
    set("assignment_group", sys_id_for("sys_user_group", t.assignment_group), t.assignment_group);
    set("assignment_group.name", t.assignment_group);
    set("opened_at", stored_time(t.opened_at), shown_time(t.opened_at));
    set("resolved_at", stored_time(t.resolved_at), shown_time(t.resolved_at));
    const int64_t closed_at = t.state == "closed" ? t.updated_at : 0;
    set("closed_at", stored_time(closed_at), shown_time(closed_at));
    set("sys_created_on", stored_time(t.opened_at), shown_time(t.opened_at));
    set("sys_updated_on", stored_time(t.updated_at), shown_time(t.updated_at));
    set("sys_updated_by", "admin");
    set("reopen_count", "0");
    set("reassignment_count", t.assignment_group.empty() ? "0" : "1");
    set("escalation", "0", "Normal");
    set("made_sla", "true");
    const bool active = t.state != "resolved" && t.state != "closed" && t.state != "cancelled";
    set("active", active ? "true" : "false");
    set("sys_mod_count", std::to_string(2 + t.comments.size()));
    set("sys_class_name", "incident", "Incident");
    set("sys_domain", "global", "global");
    set("business_duration", "");
    for (const auto &[field, value] : t.fields)
        if (const auto c = table.column(field)) row.values[*c] = value;
    return row;
}

Row journal_row(const FakeTicket &t, const FakeComment &c)
{
    Row row;
    row.values = {c.id,     t.id, "incident", c.internal ? "work_notes" : "comments", c.body, stored_time(c.created_at),
                  c.author, ""};
    row.display.resize(row.values.size());
    row.display[5] = shown_time(c.created_at);
    return row;
}

Table journal_table()
{
    return Table("sys_journal_field", {{"sys_id"},
                                       {"element_id"},
                                       {"name"},
                                       {"element"},
                                       {"value"},
                                       {"sys_created_on"},
                                       {"sys_created_by"},
                                       {"sys_tags"}});
}

Table dictionary_table()
{
    return Table("sys_dictionary",
                 {{"sys_id"}, {"name"}, {"element"}, {"internal_type"}, {"column_label"}, {"max_length"}});
}

Row dictionary_row(const std::string &table, const std::string &element)
{
    Row row;
    row.values = {sys_id_for("sys_dictionary", table + "." + element), table, element, "string", element, "40"};
    row.display.resize(row.values.size());
    return row;
}

std::vector<std::string> split_fields(const std::string &text)
{
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos) comma = text.size();
        std::string field = text.substr(start, comma - start);
        field.erase(0, field.find_first_not_of(' '));
        field.erase(field.find_last_not_of(' ') + 1);
        if (!field.empty()) fields.push_back(field);
        start = comma + 1;
    }
    return fields;
}

std::size_t number_param(const httplib::Request &request, const char *name, std::size_t fallback)
{
    if (!request.has_param(name)) return fallback;
    try {
        return std::stoul(request.get_param_value(name));
    } catch (const std::exception &) {
        return fallback;
    }
}

DisplayMode display_mode(const httplib::Request &request)
{
    const std::string mode = request.get_param_value("sysparm_display_value");
    if (mode == "true") return DisplayMode::display;
    if (mode == "all") return DisplayMode::both;
    return DisplayMode::stored;
}

} // namespace

struct FakeServiceNow::Snapshot {
    std::vector<FakeTicket> tickets;         // in (sys_updated_on, sys_id) order
    std::vector<std::string> custom_columns; // every u_ field some ticket has
    Table incidents;
    std::vector<Row> rows; // one per ticket, same order
};

FakeServiceNow::FakeServiceNow(FakeDesk &desk)
    : FakeVendorServer(desk), journal_table_(journal_table()), dictionary_table_(dictionary_table())
{
}

config::ConnectorConfig FakeServiceNow::connector_config(const std::string &name) const
{
    return config_for(name, "servicenow", "basic", {{"username", user}, {"password", password}});
}

config::ConnectorConfig FakeServiceNow::oauth_connector_config(const std::string &name) const
{
    config::ConnectorConfig c = connector_config(name);
    c.auth.type = "oauth2_client_credentials";
    c.auth.fields = {
        {"token_url", base_url() + "/oauth_token.do"}, {"client_id", client_id}, {"client_secret", client_secret}};
    return c;
}

void FakeServiceNow::token_lifetime(std::chrono::seconds lifetime)
{
    std::lock_guard lock(auth_mutex_);
    token_lifetime_ = lifetime;
}

void FakeServiceNow::revoke_tokens()
{
    std::lock_guard lock(auth_mutex_);
    tokens_.clear();
}

std::size_t FakeServiceNow::tokens_issued() const
{
    std::lock_guard lock(auth_mutex_);
    return tokens_issued_;
}

void FakeServiceNow::freeze_listing(bool frozen)
{
    std::lock_guard lock(snapshot_mutex_);
    frozen_ = frozen;
    frozen_snapshot_.reset();
}

void FakeServiceNow::mount_routes()
{
    server_.Post("/oauth_token.do", [this](const httplib::Request &request, httplib::Response &response) {
        issue_token(request, response);
    });
    server_.Get(R"(/api/now/table/([a-z0-9_]+))", [this](const httplib::Request &request, httplib::Response &response) {
        list(request.matches[1], request, response);
    });
    server_.Patch(R"(/api/now/table/incident/([A-Za-z0-9]+))",
                  [this](const httplib::Request &request, httplib::Response &response) {
                      patch_incident(request.matches[1], request, response);
                  });
}

std::pair<std::string, std::string> FakeServiceNow::error_body(int status, const std::string &message) const
{
    std::string detail;
    switch (status) {
    case 400:
        detail = "The request could not be understood";
        break;
    case 401:
        detail = "Required to provide Auth information";
        break;
    case 403:
        detail = "Insufficient rights to query records: ACL restricts the table";
        break;
    case 404:
        detail = "Record doesn't exist or ACL restricts the record retrieval";
        break;
    case 429:
        detail = "Rate limit exceeded for the integration user's rate limit rule";
        break;
    default:
        detail = "Transaction cancelled: the instance is busy";
        break;
    }
    const nlohmann::json body = {{"error", {{"message", message}, {"detail", detail}}}, {"status", "failure"}};
    return {body.dump(), "application/json"};
}

bool FakeServiceNow::authorized(const httplib::Request &request) const
{
    if (request.path == "/oauth_token.do") return true; // checks the client's credentials itself
    if (has_basic_auth(request, user, password)) return true;
    const std::string header = request.get_header_value("Authorization");
    if (!header.starts_with("Bearer ")) return false;
    std::lock_guard lock(auth_mutex_);
    const auto it = tokens_.find(header.substr(7));
    return it != tokens_.end() && std::chrono::steady_clock::now() < it->second;
}

void FakeServiceNow::issue_token(const httplib::Request &request, httplib::Response &response)
{
    const auto oauth_error = [&](int status, const char *error, const char *description) {
        reply_json(response, status, nlohmann::json{{"error", error}, {"error_description", description}});
    };
    if (request.get_param_value("grant_type") != "client_credentials")
        return oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials");
    const bool in_form =
        request.get_param_value("client_id") == client_id && request.get_param_value("client_secret") == client_secret;
    const bool in_header = has_basic_auth(request, client_id, client_secret);
    if (!in_form && !in_header) return oauth_error(401, "server_error", "access_denied");

    std::lock_guard lock(auth_mutex_);
    const std::string token = fmt::format("snow-token-{}-{:x}", ++tokens_issued_, now_ms());
    tokens_[token] = std::chrono::steady_clock::now() + token_lifetime_;
    reply_json(response, 200,
               nlohmann::json{{"access_token", token},
                              {"scope", "useraccount"},
                              {"token_type", "Bearer"},
                              {"expires_in", token_lifetime_.count()}});
}

std::shared_ptr<const FakeServiceNow::Snapshot> FakeServiceNow::snapshot()
{
    std::lock_guard lock(snapshot_mutex_);
    if (frozen_ && frozen_snapshot_) return frozen_snapshot_;
    std::vector<FakeTicket> tickets = desk_.sorted([](const FakeTicket &a, const FakeTicket &b) {
        return a.updated_at != b.updated_at ? a.updated_at < b.updated_at : a.id < b.id;
    });
    std::set<std::string> custom;
    for (const FakeTicket &t : tickets)
        for (const auto &[field, value] : t.fields) custom.insert(field);
    std::vector<std::string> columns(custom.begin(), custom.end());
    auto s = std::make_shared<Snapshot>(
        Snapshot{std::move(tickets), columns, Table("incident", incident_columns(columns)), {}});
    s->rows.reserve(s->tickets.size());
    for (const FakeTicket &t : s->tickets) s->rows.push_back(incident_row(t, s->incidents));
    if (frozen_) frozen_snapshot_ = s;
    return s;
}

std::vector<Row> FakeServiceNow::journal_rows(const EncodedQuery &query)
{
    std::vector<Row> rows;
    const auto add = [&](const FakeTicket &t) {
        for (const FakeComment &c : t.comments) rows.push_back(journal_row(t, c));
    };
    // An index on element_id: the incidents the query names, looked up one by one.
    if (const auto ids = query.pinned(*journal_table_.column("element_id"))) {
        for (const std::string &id : std::set<std::string>(ids->begin(), ids->end()))
            if (const auto t = desk_.find(id)) add(*t);
        return rows;
    }
    for (const FakeTicket &t : snapshot()->tickets) add(t);
    return rows;
}

void FakeServiceNow::list(const std::string &table, const httplib::Request &request, httplib::Response &response)
{
    const std::string query_text = request.get_param_value("sysparm_query");
    if (table == "incident") {
        const auto s = snapshot();
        const EncodedQuery query = EncodedQuery::parse(query_text, s->incidents);
        const std::vector<std::size_t> native = {*s->incidents.column("sys_updated_on"),
                                                 *s->incidents.column("sys_id")};
        send_page(s->incidents, s->incidents.select(s->rows, query, native), request, response);
        int page = 0;
        {
            std::lock_guard lock(snapshot_mutex_);
            page = list_pages_served_++;
        }
        desk_.list_page_served(page);
    } else if (table == "sys_journal_field") {
        const EncodedQuery query = EncodedQuery::parse(query_text, journal_table_);
        const std::vector<Row> rows = journal_rows(query);
        send_page(journal_table_, journal_table_.select(rows, query, {}), request, response);
    } else if (table == "sys_dictionary") {
        const auto s = snapshot();
        std::vector<Row> rows = {dictionary_row("incident", "number"), dictionary_row("task", "short_description"),
                                 dictionary_row("change_request", "u_cab_reference")};
        for (const std::string &column : s->custom_columns) rows.push_back(dictionary_row("incident", column));
        const EncodedQuery query = EncodedQuery::parse(query_text, dictionary_table_);
        send_page(dictionary_table_, dictionary_table_.select(rows, query, {}), request, response);
    } else {
        send_error(response, 400, fmt::format("Invalid table {}", table));
    }
}

void FakeServiceNow::send_page(const Table &table, const std::vector<const Row *> &rows,
                               const httplib::Request &request, httplib::Response &response) const
{
    const std::size_t total = rows.size();
    const std::size_t offset = number_param(request, "sysparm_offset", 0);
    const std::size_t limit = std::max<std::size_t>(1, number_param(request, "sysparm_limit", 10'000));
    const std::vector<std::string> fields = split_fields(request.get_param_value("sysparm_fields"));
    const DisplayMode mode = display_mode(request);
    const bool links = request.get_param_value("sysparm_exclude_reference_link") != "true";

    nlohmann::json result = nlohmann::json::array();
    for (std::size_t i = offset; i < std::min(total, offset + limit); ++i) {
        nlohmann::json record = table.render(*rows[i], fields, mode, links, base_url());
        // Fields nobody asked for, as some instances' customisations add:
        // a connector must take what it needs and ignore the rest.
        if (table.name() == "incident") record["sys_class_name"] = "incident";
        result.push_back(std::move(record));
    }
    response.set_header("X-Total-Count", std::to_string(total));
    // Omitted when everything fits on one page, as the instance does.
    if (offset > 0 || total > limit) {
        const auto link = [&](std::size_t at, const char *rel) {
            httplib::Params params(request.params.begin(), request.params.end());
            params.erase("sysparm_offset");
            params.erase("sysparm_limit");
            params.emplace("sysparm_offset", std::to_string(at));
            params.emplace("sysparm_limit", std::to_string(limit));
            return fmt::format("<{}{}>;rel=\"{}\"", base_url(), httplib::append_query_params(request.path, params),
                               rel);
        };
        std::vector<std::string> links_out = {link(0, "first")};
        if (offset > 0) links_out.push_back(link(offset > limit ? offset - limit : 0, "prev"));
        if (offset + limit < total) links_out.push_back(link(offset + limit, "next"));
        links_out.push_back(link(total == 0 ? 0 : (total - 1) / limit * limit, "last"));
        response.set_header("Link", fmt::format("{}", fmt::join(links_out, ",")));
    }
    reply_json(response, 200, nlohmann::json{{"result", std::move(result)}});
}

void FakeServiceNow::patch_incident(const std::string &sys_id, const httplib::Request &request,
                                    httplib::Response &response)
{
    const nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
    if (!body.is_object()) return send_error(response, 400, "Exception while reading request");
    if (!desk_.find(sys_id)) return send_error(response, 404, "No Record found");
    for (const auto &[field, value] : body.items()) {
        const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
        bool applied = true;
        if (field == "work_notes" && !text.empty())
            applied = desk_.apply({sys_id, "note", "", text}, now_ms());
        else if (field.starts_with("u_") && desk_.field_allowed(field))
            applied = desk_.apply({sys_id, "field", field, text}, now_ms());
        // Anything else — a field the table lacks — is dropped without a word, as ServiceNow does.
        if (!applied) return send_error(response, 404, "No Record found"); // deleted while we wrote
    }
    {
        std::lock_guard lock(snapshot_mutex_);
        frozen_snapshot_.reset();
    }
    const std::optional<FakeTicket> found = desk_.find(sys_id);
    if (!found) return send_error(response, 404, "No Record found");
    const FakeTicket &ticket = *found;
    std::vector<std::string> custom;
    for (const auto &[field, value] : ticket.fields) custom.push_back(field);
    const Table table("incident", incident_columns(custom));
    const nlohmann::json record = table.render(
        incident_row(ticket, table), split_fields(request.get_param_value("sysparm_fields")), display_mode(request),
        request.get_param_value("sysparm_exclude_reference_link") != "true", base_url());
    reply_json(response, 200, nlohmann::json{{"result", record}});
}

std::unique_ptr<FakeVendorServer> make_fake_servicenow(FakeDesk &desk)
{
    return std::make_unique<FakeServiceNow>(desk);
}

} // namespace servicelens::fakes
