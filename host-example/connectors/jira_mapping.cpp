#include "jira_mapping.hpp"

#include "json_fields.hpp"
#include "vendor_time.hpp"

#include <servicelens/connectors/vendor_support.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace servicelens::connectors::jira {

namespace {

using nlohmann::json;

// Ids come as strings from the platform API and as numbers from some others.
std::string id_text(const json &value)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
    return {};
}

std::string lower(std::string_view text)
{
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

bool contains(std::string_view haystack, std::string_view needle)
{
    return haystack.find(needle) != std::string_view::npos;
}

sl_timestamp_t time_at(const json &object, const char *key)
{
    const std::optional<sl_timestamp_t> at = parse_iso8601(text_at(object, key));
    return at ? *at : SL_TIMESTAMP_NONE;
}

// A user as people recognise it: the email when the site shows it (user
// privacy settings often hide it), else the display name.
std::string user_label(const json &user)
{
    std::string email = text_at(user, "emailAddress");
    return email.empty() ? text_at(user, "displayName") : email;
}

host::OwnedComment map_search_comment(const json &comment)
{
    host::OwnedComment c;
    c.id = id_text(member(comment, "id"));
    c.author = user_label(member(comment, "author"));
    const json &body = member(comment, "body");
    c.body = body.is_string() ? body.get<std::string>() : adf_to_text(body);
    // jsdPublic false is an internal comment in JSM; a comment restricted to
    // a role or group is internal whatever JSM says.
    const bool restricted = comment.contains("visibility") && !comment["visibility"].is_null();
    const bool is_public = flag_at(comment, "jsdPublic", true) && !restricted;
    c.visibility = is_public ? SL_VISIBILITY_PUBLIC : SL_VISIBILITY_INTERNAL;
    c.created_at = time_at(comment, "created");
    return c;
}

void map_people(const json &fields, host::OwnedIncident &i)
{
    if (const json &reporter = member(fields, "reporter"); reporter.is_object()) {
        i.caller_id = text_at(reporter, "accountId");
        i.caller_email = text_at(reporter, "emailAddress");
        i.caller_name = text_at(reporter, "displayName");
    }
    if (const json &assignee = member(fields, "assignee"); assignee.is_object()) i.assigned_to = user_label(assignee);
}

void map_classification(const json &fields, const FieldCatalog &catalog, host::OwnedIncident &i)
{
    i.state = state_of(member(fields, "status"));
    i.priority = priority_of(text_at(member(fields, "priority"), "name"));
    if (!catalog.impact.empty()) i.impact = level_of(text_at(member(fields, catalog.impact), "value"));
    if (!catalog.urgency.empty()) i.urgency = level_of(text_at(member(fields, catalog.urgency), "value"));
    // The JSM request type says what was asked for ("Get IT help"); plain
    // Jira issues only have their issue type.
    if (!catalog.request_type.empty())
        i.category = text_at(member(member(fields, catalog.request_type), "requestType"), "name");
    if (i.category.empty()) i.category = text_at(member(fields, "issuetype"), "name");
}

void map_custom(const json &fields, const FieldCatalog &catalog, host::OwnedIncident &i)
{
    for (const auto &[id, field] : catalog.custom) {
        if (id == catalog.impact || id == catalog.urgency || id == catalog.request_type) continue;
        const auto it = fields.find(id);
        if (it == fields.end()) continue;
        if (std::optional<std::string> text = custom_value_text(*it)) i.custom[id] = std::move(*text);
    }
    if (const auto labels = custom_value_text(member(fields, "labels"))) i.custom["labels"] = *labels;
}

} // namespace

FieldCatalog FieldCatalog::from_json(const json &fields)
{
    FieldCatalog catalog;
    if (!fields.is_array()) return catalog;
    for (const json &f : fields) {
        if (!f.is_object() || !flag_at(f, "custom", false)) continue;
        const json &schema = member(f, "schema");
        Field field{text_at(f, "id"), text_at(f, "name"), text_at(schema, "type"), text_at(schema, "items"),
                    text_at(schema, "custom")};
        if (field.id.empty()) continue;
        const std::string name = lower(field.name);
        if (name == "impact" && catalog.impact.empty()) catalog.impact = field.id;
        if (name == "urgency" && catalog.urgency.empty()) catalog.urgency = field.id;
        if (contains(field.custom_type, "servicedesk:vp-origin")) catalog.request_type = field.id;
        catalog.custom.emplace(field.id, std::move(field));
    }
    return catalog;
}

const FieldCatalog::Field *FieldCatalog::find(std::string_view id) const
{
    const auto it = custom.find(std::string(id));
    return it == custom.end() ? nullptr : &it->second;
}

std::vector<std::string> FieldCatalog::search_fields() const
{
    std::vector<std::string> fields = {"summary",        "description", "status",   "priority", "created",   "updated",
                                       "resolutiondate", "reporter",    "assignee", "labels",   "issuetype", "comment"};
    for (const auto &[id, field] : custom) fields.push_back(id);
    return fields;
}

MappedIssue map_issue(const json &issue, const FieldCatalog &catalog, const std::string &source)
{
    MappedIssue mapped;
    host::OwnedIncident &i = mapped.incident;
    i.id = id_text(member(issue, "id"));
    i.number = text_at(issue, "key");
    i.source = source;
    const json &fields = member(issue, "fields");
    i.updated_at = time_at(fields, "updated");
    if (i.id.empty() || i.updated_at == SL_TIMESTAMP_NONE)
        throw ConnectorError(fmt::format("connector '{}': Jira returned issue '{}' without an id or a readable "
                                         "'updated' ('{}'); check that the search asks for the updated field",
                                         source, i.number, text_at(fields, "updated")));
    i.title = text_at(fields, "summary");
    const json &description = member(fields, "description");
    i.description = description.is_string() ? description.get<std::string>() : adf_to_text(description);
    map_classification(fields, catalog, i);
    map_people(fields, i);
    i.opened_at = time_at(fields, "created");
    i.resolved_at = time_at(fields, "resolutiondate");
    map_custom(fields, catalog, i);

    const json &comment = member(fields, "comment");
    const json &comments = member(comment, "comments");
    if (comments.is_array())
        for (const json &c : comments) i.comments.push_back(map_search_comment(c));
    const int64_t total = integer_at(comment, "total").value_or(static_cast<int64_t>(i.comments.size()));
    mapped.comments_truncated = total > static_cast<int64_t>(i.comments.size());
    return mapped;
}

host::OwnedComment map_request_comment(const json &comment)
{
    host::OwnedComment c;
    c.id = id_text(member(comment, "id"));
    c.author = user_label(member(comment, "author"));
    c.body = text_at(comment, "body");
    c.visibility = flag_at(comment, "public", true) ? SL_VISIBILITY_PUBLIC : SL_VISIBILITY_INTERNAL;
    // servicedeskapi dates are objects; epochMillis is exact and zone-free.
    const json &created = member(comment, "created");
    if (created.contains("epochMillis") && created["epochMillis"].is_number_integer())
        c.created_at = created["epochMillis"].get<int64_t>();
    else
        c.created_at = time_at(created, "iso8601");
    return c;
}

std::string state_of(const json &status)
{
    const std::string name = lower(text_at(status, "name"));
    std::string category = text_at(member(status, "statusCategory"), "key");
    if (category.empty()) category = name == "open" ? "new" : "indeterminate";
    if (category == "new") return "new";
    if (category == "done") {
        if (contains(name, "cancel") || contains(name, "declin") || contains(name, "reject") || contains(name, "won't"))
            return "cancelled";
        return contains(name, "closed") ? "closed" : "resolved";
    }
    // In progress, unless the ball is with someone other than the agents.
    // "Waiting for support" is the agents' turn, so it stays in progress.
    if (contains(name, "waiting for customer") || contains(name, "pending") || contains(name, "hold") ||
        contains(name, "waiting for approval"))
        return "on_hold";
    return "in_progress";
}

int priority_of(std::string_view name)
{
    static const std::map<std::string, int, std::less<>> levels = {
        {"highest", 1}, {"blocker", 1}, {"p1", 1},     {"high", 2},    {"critical", 2},
        {"p2", 2},      {"medium", 3},  {"major", 3},  {"p3", 3},      {"low", 4},
        {"minor", 4},   {"p4", 4},      {"lowest", 5}, {"trivial", 5}, {"p5", 5}};
    const auto it = levels.find(lower(name));
    return it == levels.end() ? 0 : it->second;
}

int level_of(std::string_view value)
{
    // The first word decides: "Significant / Large" is significant.
    const std::string word = lower(value.substr(0, value.find_first_of(" /")));
    static const std::map<std::string, int, std::less<>> levels = {
        {"extensive", 1}, {"significant", 1}, {"critical", 1}, {"high", 1},
        {"moderate", 2},  {"medium", 2},      {"minor", 3},    {"low", 3}};
    const auto it = levels.find(word);
    return it == levels.end() ? 0 : it->second;
}

std::string adf_to_text(const json &node)
{
    if (node.is_string()) return node.get<std::string>();
    if (!node.is_object()) return {};
    const std::string type = text_at(node, "type");
    const json &attrs = member(node, "attrs");
    if (type == "text") return text_at(node, "text");
    if (type == "hardBreak") return "\n";
    if (type == "mention" || type == "emoji" || type == "status") {
        std::string text = text_at(attrs, "text");
        return text.empty() ? text_at(attrs, "shortName") : text;
    }
    if (type == "inlineCard" || type == "blockCard") return text_at(attrs, "url");
    const json &content = member(node, "content");
    if (!content.is_array()) return {};
    // Inline content runs together; blocks are apart by a blank line, list
    // items and table rows by a newline.
    const bool inline_content = type == "paragraph" || type == "heading" || type == "codeBlock";
    const char *separator =
        (type == "bulletList" || type == "orderedList" || type == "table" || type == "tableRow") ? "\n" : "\n\n";
    std::string out;
    for (const json &child : content) {
        std::string text = adf_to_text(child);
        if (!inline_content && !out.empty() && !text.empty()) out += separator;
        out += text;
    }
    return out;
}

json text_to_adf(std::string_view text)
{
    json paragraphs = json::array();
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find("\n\n", start), text.size());
        json inline_nodes = json::array();
        std::string_view paragraph = text.substr(start, end - start);
        for (std::size_t line_start = 0; line_start <= paragraph.size();) {
            const std::size_t line_end = std::min(paragraph.find('\n', line_start), paragraph.size());
            if (line_start > 0) inline_nodes.push_back({{"type", "hardBreak"}});
            if (line_end > line_start)
                inline_nodes.push_back(
                    {{"type", "text"}, {"text", paragraph.substr(line_start, line_end - line_start)}});
            line_start = line_end + 1;
        }
        paragraphs.push_back({{"type", "paragraph"}, {"content", std::move(inline_nodes)}});
        start = end + 2;
    }
    return {{"type", "doc"}, {"version", 1}, {"content", std::move(paragraphs)}};
}

std::optional<std::string> custom_value_text(const json &value)
{
    if (value.is_null()) return std::nullopt;
    if (value.is_string()) return value.get<std::string>();
    if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
    if (value.is_number()) return value.dump();
    if (value.is_array()) {
        std::vector<std::string> parts;
        for (const json &item : value)
            if (auto text = custom_value_text(item)) parts.push_back(std::move(*text));
        if (parts.empty()) return std::nullopt;
        return fmt::format("{}", fmt::join(parts, ", "));
    }
    if (text_at(value, "type") == "doc") return adf_to_text(value);
    // A cascading select shows "parent / child".
    if (value.contains("value")) {
        std::string text = custom_value_text(value["value"]).value_or("");
        if (const auto child = value.find("child"); child != value.end())
            if (auto child_text = custom_value_text(*child)) text += " / " + *child_text;
        return text;
    }
    for (const char *key : {"displayName", "name"})
        if (std::string text = text_at(value, key); !text.empty()) return text;
    return value.dump();
}

std::optional<json> field_value(const FieldCatalog::Field *field, const std::string &value)
{
    if (field == nullptr) return json(value);
    if (contains(field->custom_type, ":textarea")) return text_to_adf(value);
    if (field->type == "number") {
        double number = 0;
        const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
        if (error != std::errc() || end != value.data() + value.size()) return std::nullopt;
        return json(number);
    }
    if (field->type == "option") return json{{"value", value}};
    if (field->type == "array") {
        if (field->items == "option") return json::array({json{{"value", value}}});
        return json::array({value});
    }
    return json(value);
}

std::string error_message(const json &body)
{
    if (!body.is_object()) return {};
    std::vector<std::string> parts;
    for (const json &m : member(body, "errorMessages"))
        if (m.is_string() && !m.get<std::string>().empty()) parts.push_back(m.get<std::string>());
    if (const json &errors = member(body, "errors"); errors.is_object())
        for (const auto &[field, message] : errors.items())
            parts.push_back(
                fmt::format("{}: {}", field, message.is_string() ? message.get<std::string>() : message.dump()));
    for (const char *key : {"errorMessage", "message"})
        if (std::string m = text_at(body, key); !m.empty()) parts.push_back(std::move(m));
    return fmt::format("{}", fmt::join(parts, "; "));
}

} // namespace servicelens::connectors::jira
