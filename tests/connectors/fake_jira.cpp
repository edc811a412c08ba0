#include "fake_jira.hpp"

#include "vendor_fakes.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <regex>

namespace servicelens::fakes {

namespace {

using nlohmann::json;

const char *const supported_order = "updated ASC, key ASC";

// The site's custom fields, as GET /rest/api/3/field lists them.
struct SiteField {
    const char *id, *name, *type, *custom;
};
const std::vector<SiteField> &site_fields()
{
    static const std::vector<SiteField> fields = {
        {FakeJira::impact_field, "Impact", "option", "com.atlassian.jira.plugin.system.customfieldtypes:select"},
        {FakeJira::urgency_field, "Urgency", "option", "com.atlassian.jira.plugin.system.customfieldtypes:select"},
        {FakeJira::request_type_field, "Request Type", "sd-customerrequesttype", "com.atlassian.servicedesk:vp-origin"},
        {FakeJira::sentiment_field, "Sentiment", "string",
         "com.atlassian.jira.plugin.system.customfieldtypes:textfield"},
        {FakeJira::score_field, "Sentiment score", "number", "com.atlassian.jira.plugin.system.customfieldtypes:float"},
        {FakeJira::label_field, "Sentiment label", "option",
         "com.atlassian.jira.plugin.system.customfieldtypes:select"},
        {FakeJira::notes_field, "Sentiment notes", "string",
         "com.atlassian.jira.plugin.system.customfieldtypes:textarea"},
    };
    return fields;
}

const SiteField *site_field(const std::string &id)
{
    for (const SiteField &f : site_fields())
        if (id == f.id) return &f;
    return nullptr;
}

json jira_error(const std::vector<std::string> &messages, json errors = json::object())
{
    return {{"errorMessages", messages}, {"errors", std::move(errors)}};
}

json servicedesk_error(const std::string &message, const std::string &key)
{
    return {{"errorMessage", message}, {"i18nErrorMessage", {{"i18nKey", key}, {"parameters", json::array()}}}};
}

// What servicedeskapi answers, with 404, for a request id or key it does not know.
json no_such_request()
{
    return servicedesk_error("Request does not exist or you do not have permission to see it.",
                             "sd.request.error.not.found");
}

int64_t key_number(const std::string &key)
{
    const std::size_t dash = key.rfind('-');
    return dash == std::string::npos ? 0 : std::stoll(key.substr(dash + 1));
}

std::string project_of(const std::string &key)
{
    return key.substr(0, key.rfind('-'));
}

// Paragraphs apart by a blank line, hard breaks for single newlines, as the
// Jira editor stores text.
json adf(const std::string &text)
{
    json paragraphs = json::array();
    std::size_t start = 0;
    do {
        const std::size_t end = std::min(text.find("\n\n", start), text.size());
        const std::string paragraph = text.substr(start, end - start);
        json content = json::array();
        std::size_t line = 0;
        while (line <= paragraph.size()) {
            const std::size_t stop = std::min(paragraph.find('\n', line), paragraph.size());
            if (line > 0) content.push_back({{"type", "hardBreak"}});
            if (stop > line)
                content.push_back(
                    {{"type", "text"}, {"text", paragraph.substr(line, stop - line)}, {"marks", json::array()}});
            line = stop + 1;
        }
        paragraphs.push_back({{"type", "paragraph"}, {"attrs", {{"localId", "p"}}}, {"content", content}});
        start = end + 2;
    } while (start < text.size());
    return {{"type", "doc"}, {"version", 1}, {"content", paragraphs}};
}

// The fake's own reading of a paragraph field written back (text nodes and
// hard breaks only), so it does not reuse the connector's reader.
std::string adf_text(const json &doc)
{
    std::string out;
    for (const json &paragraph : doc.value("content", json::array())) {
        if (!out.empty()) out += "\n\n";
        for (const json &node : paragraph.value("content", json::array()))
            out += node.value("type", "") == "hardBreak" ? std::string("\n") : node.value("text", "");
    }
    return out;
}

struct StatusView {
    const char *name, *category_key, *category_name, *color;
    int category_id;
};

StatusView status_of(const std::string &state)
{
    if (state == "new") return {"Open", "new", "To Do", "blue-gray", 2};
    if (state == "on_hold") return {"Waiting for customer", "indeterminate", "In Progress", "yellow", 4};
    if (state == "resolved") return {"Resolved", "done", "Done", "green", 3};
    if (state == "closed") return {"Closed", "done", "Done", "green", 3};
    if (state == "cancelled") return {"Canceled", "done", "Done", "green", 3};
    return {"In Progress", "indeterminate", "In Progress", "yellow", 4};
}

const char *priority_name(int priority)
{
    static const char *names[] = {"Highest", "High", "Medium", "Low", "Lowest"};
    return names[std::clamp(priority, 1, 5) - 1];
}

const char *impact_name(int impact)
{
    static const char *names[] = {"Extensive / Widespread", "Moderate / Limited", "Minor / Localized"};
    return names[std::clamp(impact, 1, 3) - 1];
}

const char *urgency_name(int urgency)
{
    static const char *names[] = {"Critical", "Medium", "Low"};
    return names[std::clamp(urgency, 1, 3) - 1];
}

struct ParsedJql {
    std::optional<int64_t> updated_from; // the literal as if it were UTC
    std::string project;
};

// The subset of JQL the connector speaks: [(filter) AND] updated >= "..."
// ORDER BY updated ASC, key ASC, where the filter may name a project.
std::optional<std::string> parse_jql(const std::string &jql, ParsedJql &out)
{
    static const std::regex order_by(R"(\s+ORDER\s+BY\s+(.*)$)", std::regex::icase);
    static const std::regex updated(R"re(updated\s*>=\s*"(\d{4})/(\d{2})/(\d{2}) (\d{2}):(\d{2})")re");
    static const std::regex project(R"re(project\s*=\s*"?([A-Z][A-Z0-9]+)"?)re");
    std::smatch m;
    if (!std::regex_search(jql, m, order_by) || m[1].str() != supported_order)
        return fmt::format("the fake orders only by {} (JQL: {})", supported_order, jql);
    const std::string where = jql.substr(0, static_cast<std::size_t>(m.position(0)));
    std::smatch u;
    if (std::regex_search(where, u, updated)) {
        const date::year_month_day day{date::year(std::stoi(u[1])), date::month(std::stoul(u[2])),
                                       date::day(std::stoul(u[3]))};
        const auto at =
            date::sys_days(day) + std::chrono::hours(std::stoi(u[4])) + std::chrono::minutes(std::stoi(u[5]));
        out.updated_from = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
    }
    std::smatch p;
    if (std::regex_search(where, p, project)) out.project = p[1];
    if (!out.updated_from && out.project.empty())
        return std::string(
            "Unbounded JQL queries are not allowed here. Please add a search restriction to your query.");
    return std::nullopt;
}

} // namespace

config::ConnectorConfig FakeJira::connector_config(const std::string &name) const
{
    return config_for(name, "jira", "api_token", {{"email", email}, {"token", token}});
}

void FakeJira::set_user_time_zone(const std::string &zone, int offset_minutes)
{
    std::lock_guard lock(options_mutex_);
    zone_ = zone;
    offset_minutes_ = offset_minutes;
}

void FakeJira::set_embedded_comment_limit(int limit)
{
    std::lock_guard lock(options_mutex_);
    embedded_comments_ = limit;
}

void FakeJira::set_page_cap(int cap)
{
    std::lock_guard lock(options_mutex_);
    page_cap_ = cap;
}

std::vector<json> FakeJira::searches() const
{
    std::lock_guard lock(options_mutex_);
    return searches_;
}

bool FakeJira::authorized(const httplib::Request &request) const
{
    return has_basic_auth(request, email, token);
}

std::pair<std::string, std::string> FakeJira::error_body(int status, const std::string &message) const
{
    if (status == 401)
        return {jira_error({"You are not authenticated. Authentication required to perform this operation."}).dump(),
                "application/json"};
    return {jira_error({message}).dump(), "application/json"};
}

std::string FakeJira::time(int64_t ms) const
{
    int offset = 0;
    {
        std::lock_guard lock(options_mutex_);
        offset = offset_minutes_;
    }
    const date::sys_time<std::chrono::milliseconds> local{std::chrono::milliseconds{ms + int64_t{offset} * 60'000}};
    return fmt::format("{}{}{:02}{:02}", date::format("%FT%T", local), offset < 0 ? '-' : '+', std::abs(offset) / 60,
                       std::abs(offset) % 60);
}

json FakeJira::user(const std::string &email_address) const
{
    std::string zone;
    {
        std::lock_guard lock(options_mutex_);
        zone = zone_;
    }
    return {{"self", base_url() + "/rest/api/3/user?accountId=557058:" + email_address},
            {"accountId", "557058:" + email_address},
            {"emailAddress", email_address},
            {"avatarUrls", {{"48x48", "https://avatar.example/48.png"}}},
            {"displayName", email_address.substr(0, email_address.find('@'))},
            {"active", true},
            {"timeZone", zone},
            {"accountType", "atlassian"}};
}

json FakeJira::render_comment(const FakeComment &c) const
{
    return {{"self", base_url() + "/rest/api/3/comment/" + c.id},
            {"id", c.id},
            {"author", user(c.author)},
            {"body", adf(c.body)},
            {"updateAuthor", user(c.author)},
            {"created", time(c.created_at)},
            {"updated", time(c.created_at)},
            {"jsdPublic", !c.internal},
            {"jsdAuthorCanSeeRequest", true}};
}

// One field as the search renders it; discarded for a field the site does
// not have (Jira leaves those out without a word).
json FakeJira::render_field(const FakeTicket &t, const std::string &field) const
{
    const StatusView status = status_of(t.state);
    if (field == "summary") return t.title;
    if (field == "description") return adf(t.description);
    if (field == "status")
        return {{"self", base_url() + "/rest/api/3/status/1"},
                {"description", ""},
                {"iconUrl", base_url() + "/images/icons/status.png"},
                {"name", status.name},
                {"id", "10001"},
                {"statusCategory",
                 {{"self", base_url() + "/rest/api/3/statuscategory/2"},
                  {"id", status.category_id},
                  {"key", status.category_key},
                  {"colorName", status.color},
                  {"name", status.category_name}}}};
    if (field == "priority")
        return {{"self", base_url() + "/rest/api/3/priority/3"},
                {"iconUrl", "https://example/p.svg"},
                {"name", priority_name(t.priority)},
                {"id", std::to_string(t.priority)}};
    if (field == "created") return time(t.opened_at);
    if (field == "updated" || field == "statuscategorychangedate") return time(t.updated_at);
    if (field == "resolutiondate") return t.resolved_at ? json(time(t.resolved_at)) : json();
    if (field == "reporter") {
        json reporter = user(t.caller_email);
        reporter["displayName"] = t.caller_name;
        reporter["accountType"] = "customer";
        return reporter;
    }
    if (field == "assignee") return json();
    if (field == "labels") return t.tags;
    if (field == "issuetype")
        return {{"self", base_url() + "/rest/api/3/issuetype/10002"},
                {"id", "10002"},
                {"name", "[System] Incident"},
                {"subtask", false},
                {"hierarchyLevel", 0}};
    if (field == "comment") {
        int limit = 0;
        {
            std::lock_guard lock(options_mutex_);
            limit = embedded_comments_;
        }
        json comments = json::array();
        for (std::size_t i = 0; i < t.comments.size() && i < static_cast<std::size_t>(limit); ++i)
            comments.push_back(render_comment(t.comments[i]));
        return {{"comments", comments},
                {"self", base_url() + "/rest/api/3/issue/" + t.id + "/comment"},
                {"maxResults", limit},
                {"total", t.comments.size()},
                {"startAt", 0}};
    }
    if (field == impact_field)
        return {{"self", "x"}, {"value", impact_name(t.impact)}, {"id", "1002" + std::to_string(t.impact)}};
    if (field == urgency_field)
        return {{"self", "x"}, {"value", urgency_name(t.urgency)}, {"id", "1003" + std::to_string(t.urgency)}};
    if (field == request_type_field)
        return {{"_links", {{"jiraRest", base_url() + "/rest/api/2/issue/" + t.id}}},
                {"requestType",
                 {{"id", "12"},
                  {"name", t.category},
                  {"description", ""},
                  {"serviceDeskId", "1"},
                  {"groupIds", json::array()}}},
                {"currentStatus", {{"status", status.name}, {"statusCategory", "INDETERMINATE"}}}};
    const SiteField *custom = site_field(field);
    if (custom == nullptr) return json(json::value_t::discarded);
    const auto value = t.fields.find(field);
    if (value == t.fields.end()) return json();
    const std::string type = custom->type;
    if (type == "number") return std::stod(value->second);
    if (type == "option") return {{"self", "x"}, {"value", value->second}, {"id", "10100"}};
    if (std::string(custom->custom).find("textarea") != std::string::npos) return adf(value->second);
    return value->second;
}

json FakeJira::render_issue(const FakeTicket &t, const std::vector<std::string> &fields) const
{
    json rendered = json::object();
    for (const std::string &field : fields) {
        if (field == "id" || field == "key") continue;
        json value = render_field(t, field);
        if (!value.is_discarded()) rendered[field] = std::move(value);
    }
    if (!fields.empty()) rendered["customfield_10099"] = {{"unexpected", json::array({1, {{"nested", true}}})}};
    return {{"expand", "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"},
            {"id", t.id},
            {"self", base_url() + "/rest/api/3/issue/" + t.id},
            {"key", t.number},
            {"fields", rendered}};
}

std::optional<FakeTicket> FakeJira::find_issue(const std::string &id_or_key) const
{
    if (auto ticket = desk_.find(id_or_key)) return ticket;
    for (const FakeTicket &t : desk_.sorted([](const FakeTicket &a, const FakeTicket &b) { return a.id < b.id; }))
        if (t.number == id_or_key) return t;
    return std::nullopt;
}

void FakeJira::search(const httplib::Request &request, httplib::Response &response)
{
    json body = json::object();
    if (request.method == "POST") {
        body = json::parse(request.body, nullptr, false);
        if (body.is_discarded() || !body.is_object())
            return reply_json(
                response, 400,
                jira_error({"Invalid request payload. Refer to the REST API documentation and try again."}));
    } else {
        body["jql"] = request.get_param_value("jql");
        if (request.has_param("fields")) {
            json fields = json::array();
            std::string list = request.get_param_value("fields");
            for (std::size_t start = 0; start <= list.size();) {
                const std::size_t comma = std::min(list.find(',', start), list.size());
                fields.push_back(list.substr(start, comma - start));
                start = comma + 1;
            }
            body["fields"] = fields;
        }
        if (request.has_param("maxResults")) body["maxResults"] = std::stoi(request.get_param_value("maxResults"));
        if (request.has_param("nextPageToken")) body["nextPageToken"] = request.get_param_value("nextPageToken");
    }
    {
        std::lock_guard lock(options_mutex_);
        searches_.push_back(body);
    }
    const std::string jql = body.value("jql", "");
    ParsedJql parsed;
    if (const auto problem = parse_jql(jql, parsed)) return reply_json(response, 400, jira_error({*problem}));
    // The search returns only ids unless asked for fields.
    std::vector<std::string> fields = {"id"};
    if (body.contains("fields")) fields = body["fields"].get<std::vector<std::string>>();

    PageToken from{jql, {INT64_MIN, 0}, 0};
    int page_size = 0, offset = 0;
    {
        std::lock_guard lock(options_mutex_);
        page_size = std::clamp(body.value("maxResults", 50), 1, std::min(page_cap_, 100));
        offset = offset_minutes_;
        if (body.contains("nextPageToken")) {
            const auto it = tokens_.find(body["nextPageToken"].get<std::string>());
            if (it == tokens_.end() || it->second.jql != jql)
                return reply_json(response, 400, jira_error({"The provided next page token is invalid or expired."}));
            from = it->second;
        }
    }
    // The literal is read in the user's zone: local time L is UTC L - offset.
    const int64_t updated_from = parsed.updated_from ? *parsed.updated_from - int64_t{offset} * 60'000 : INT64_MIN;
    std::vector<FakeTicket> matching;
    for (FakeTicket &t : desk_.sorted([](const FakeTicket &a, const FakeTicket &b) {
             return a.updated_at != b.updated_at ? a.updated_at < b.updated_at
                                                 : key_number(a.number) < key_number(b.number);
         })) {
        const bool after = t.updated_at > from.after.updated_at ||
                           (t.updated_at == from.after.updated_at && key_number(t.number) > from.after.key_number);
        if (t.updated_at >= updated_from && after && (parsed.project.empty() || project_of(t.number) == parsed.project))
            matching.push_back(std::move(t));
    }
    const bool last = matching.size() <= static_cast<std::size_t>(page_size);
    if (!last) matching.resize(static_cast<std::size_t>(page_size));
    json issues = json::array();
    for (const FakeTicket &t : matching) issues.push_back(render_issue(t, fields));
    json out = {{"issues", issues}, {"isLast", last}};
    if (!last) {
        std::lock_guard lock(options_mutex_);
        const std::string next =
            fmt::format("CiRzZWFyY2gtYWZ0ZXI{:08x}", static_cast<unsigned>(next_token_++) * 2654435761u);
        tokens_[next] = {jql, {matching.back().updated_at, key_number(matching.back().number)}, from.page + 1};
        out["nextPageToken"] = next;
    }
    reply_json(response, 200, out);
    desk_.list_page_served(from.page);
}

void FakeJira::list_comments(const httplib::Request &request, httplib::Response &response)
{
    const auto ticket = find_issue(request.matches[1]);
    if (!ticket) return reply_json(response, 404, no_such_request());
    const std::size_t start = request.has_param("start") ? std::stoul(request.get_param_value("start")) : 0;
    const std::size_t limit =
        std::min<std::size_t>(request.has_param("limit") ? std::stoul(request.get_param_value("limit")) : 50, 100);
    const bool with_public = request.get_param_value("public") != "false";
    const bool with_internal = request.get_param_value("internal") != "false";
    std::vector<FakeComment> shown;
    for (const FakeComment &c : ticket->comments)
        if (c.internal ? with_internal : with_public) shown.push_back(c);
    json values = json::array();
    for (std::size_t i = start; i < shown.size() && i < start + limit; ++i) {
        const FakeComment &c = shown[i];
        values.push_back(
            {{"_expands", json::array({"attachment", "renderedBody"})},
             {"id", c.id},
             {"body", c.body},
             {"public", !c.internal},
             {"author", user(c.author)},
             {"created",
              {{"iso8601", time(c.created_at)},
               {"jira", time(c.created_at)},
               {"friendly", "Today 9:00 AM"},
               {"epochMillis", c.created_at}}},
             {"_links", {{"self", base_url() + "/rest/servicedeskapi/request/" + ticket->id + "/comment/" + c.id}}}});
    }
    const json out = {{"_expands", json::array()},
                      {"size", values.size()},
                      {"start", start},
                      {"limit", limit},
                      {"isLastPage", start + limit >= shown.size()},
                      {"_links", {{"base", base_url()}, {"context", ""}}},
                      {"values", values}};
    reply_json(response, 200, out);
}

void FakeJira::add_comment(const httplib::Request &request, httplib::Response &response)
{
    const auto ticket = find_issue(request.matches[1]);
    if (!ticket) return reply_json(response, 404, no_such_request());
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("body") || !body["body"].is_string() ||
        !body.value("public", json()).is_boolean() || body["public"].get<bool>())
        return reply_json(response, 400,
                          servicedesk_error("The fake takes {\"body\": text, \"public\": false} only.",
                                            "sd.request.comment.invalid"));
    const std::optional<FakeTicket> commented =
        desk_.apply({ticket->id, "note", "", body["body"].get<std::string>()}, now_ms()) ? desk_.find(ticket->id)
                                                                                         : std::nullopt;
    if (!commented) { // deleted meanwhile
        return reply_json(response, 404, servicedesk_error("Request does not exist.", "sd.request.not.found"));
    }
    const FakeComment added = commented->comments.back();
    reply_json(response, 201,
               json{{"id", added.id},
                    {"body", added.body},
                    {"public", false},
                    {"author", user(email)},
                    {"created", {{"epochMillis", added.created_at}}}});
}

void FakeJira::edit_issue(const httplib::Request &request, httplib::Response &response)
{
    const auto ticket = find_issue(request.matches[1]);
    if (!ticket)
        return reply_json(response, 404, jira_error({"Issue does not exist or you do not have permission to see it."}));
    const json body = json::parse(request.body, nullptr, false);
    if (body.is_discarded() || !body.is_object())
        return reply_json(response, 400, jira_error({"Invalid request payload."}));
    json errors = json::object();
    std::vector<FakeWrite> writes;
    const json fields = body.value("fields", json::object()), updates = body.value("update", json::object());
    for (const auto &[id, value] : fields.items()) {
        const SiteField *field = site_field(id);
        if (field == nullptr || !desk_.field_allowed(id)) {
            errors[id] = fmt::format("Field '{}' cannot be set. It is not on the appropriate screen, or unknown.", id);
            continue;
        }
        const std::string type = field->type;
        const bool paragraph = std::string(field->custom).find("textarea") != std::string::npos;
        if (paragraph && !(value.is_object() && value.value("type", "") == "doc"))
            errors[id] = "Operation value must be an Atlassian Document (see the Atlassian Document Format)";
        else if (paragraph)
            writes.push_back({ticket->id, "field", id, adf_text(value)});
        else if (type == "number" && value.is_number())
            writes.push_back({ticket->id, "field", id, value.dump()});
        else if (type == "option" && value.is_object() && value.value("value", json()).is_string())
            writes.push_back({ticket->id, "field", id, value["value"].get<std::string>()});
        else if (type == "string" && value.is_string())
            writes.push_back({ticket->id, "field", id, value.get<std::string>()});
        else
            errors[id] = fmt::format("Specify a valid value for {}", field->name);
    }
    for (const auto &[name, operations] : updates.items()) {
        if (name != "labels") {
            errors[name] =
                fmt::format("Field '{}' cannot be set. It is not on the appropriate screen, or unknown.", name);
            continue;
        }
        for (const json &op : operations) {
            const std::string label = op.value("add", "");
            if (label.empty() || label.find(' ') != std::string::npos)
                errors["labels"] = fmt::format("The label '{}' contains spaces which is invalid.", label);
            else
                writes.push_back({ticket->id, "tag", label, ""});
        }
    }
    if (!errors.empty()) return reply_json(response, 400, jira_error({}, errors));
    for (const FakeWrite &w : writes)
        if (!desk_.apply(w, now_ms())) { // deleted meanwhile
            return reply_json(response, 404,
                              jira_error({"Issue does not exist or you do not have permission to see it."}));
        }
    response.status = 204;
}

void FakeJira::mount_routes()
{
    server_.Get("/rest/api/3/myself", [this](const httplib::Request &, httplib::Response &response) {
        json me = user(email);
        me["displayName"] = "ServiceLens integration";
        me["locale"] = "en_US";
        me["groups"] = {{"size", 2}, {"items", json::array()}};
        reply_json(response, 200, me);
    });
    server_.Get("/rest/api/3/field", [](const httplib::Request &, httplib::Response &response) {
        json fields = json::array();
        for (const char *system : {"summary", "status", "priority", "created", "updated", "comment", "labels"})
            fields.push_back({{"id", system},
                              {"key", system},
                              {"name", system},
                              {"custom", false},
                              {"orderable", true},
                              {"navigable", true},
                              {"searchable", true},
                              {"clauseNames", json::array({system})}});
        for (const SiteField &f : site_fields()) {
            const std::string id = f.id;
            fields.push_back(
                {{"id", id},
                 {"key", id},
                 {"name", f.name},
                 {"untranslatedName", f.name},
                 {"custom", true},
                 {"orderable", true},
                 {"navigable", true},
                 {"searchable", true},
                 {"clauseNames", json::array({"cf[" + id.substr(12) + "]", f.name})},
                 {"schema", {{"type", f.type}, {"custom", f.custom}, {"customId", std::stoi(id.substr(12))}}}});
        }
        reply_json(response, 200, fields);
    });
    const auto search_handler = [this](const httplib::Request &request, httplib::Response &response) {
        search(request, response);
    };
    server_.Get("/rest/api/3/search/jql", search_handler);
    server_.Post("/rest/api/3/search/jql", search_handler);
    // CHANGE-2046: the old search is gone.
    const auto removed = [](const httplib::Request &, httplib::Response &response) {
        reply_json(response, 410,
                   jira_error({"The requested API has been removed. Please migrate to the /rest/api/3/search/jql "
                               "API. A full migration guideline is available at "
                               "https://developer.atlassian.com/changelog/#CHANGE-2046"}));
    };
    server_.Get("/rest/api/3/search", removed);
    server_.Post("/rest/api/3/search", removed);
    server_.Get(
        R"(/rest/servicedeskapi/request/([^/]+)/comment)",
        [this](const httplib::Request &request, httplib::Response &response) { list_comments(request, response); });
    server_.Post(
        R"(/rest/servicedeskapi/request/([^/]+)/comment)",
        [this](const httplib::Request &request, httplib::Response &response) { add_comment(request, response); });
    server_.Put(R"(/rest/api/3/issue/([^/]+))", [this](const httplib::Request &request, httplib::Response &response) {
        edit_issue(request, response);
    });
}

std::unique_ptr<FakeVendorServer> make_fake_jira(FakeDesk &desk)
{
    return std::make_unique<FakeJira>(desk);
}

} // namespace servicelens::fakes
