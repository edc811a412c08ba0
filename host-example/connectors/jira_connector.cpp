// Jira Service Management (Cloud): requests found with the JQL search
// (POST /rest/api/3/search/jql), their comments, and write-back as an
// internal comment, a custom field or a label. docs/connectors/jira.md has
// the mapping table, the paging rules and what the admin sets up.
#include "jira_mapping.hpp"
#include "json_fields.hpp"
#include "keyset_collector.hpp"
#include "vendor_time.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <deque>
#include <optional>
#include <set>
#include <stdexcept>

namespace servicelens::connectors {

namespace {

using nlohmann::json;

constexpr sl_timestamp_t minute_ms = 60'000;
// Zones reach twelve hours west of UTC: a JQL literal that much earlier
// than wanted covers the integration user's zone, whichever it is.
constexpr sl_timestamp_t widest_west_offset_ms = 12 * 3'600'000;
// Far more than any pull needs; a search that never says "last" stops here.
constexpr int max_search_pages = 10'000;
constexpr int comment_page_size = 100;
constexpr int max_comment_pages = 100;
// reconcileIssues takes at most 50 ids.
constexpr std::size_t max_reconciled = 50;

const std::vector<http::Header> json_headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};

bool is_utc_zone(std::string_view zone)
{
    static const std::set<std::string, std::less<>> utc = {
        "UTC",  "Etc/UTC",  "GMT",  "Etc/GMT",  "UCT",       "Etc/UCT",   "Universal", "Etc/Universal",
        "Zulu", "Etc/Zulu", "GMT0", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "Greenwich", "Etc/Greenwich"};
    return utc.count(zone) > 0;
}

// Issue ids and keys go into URL paths: nothing but letters, digits and '-'.
bool is_issue_ref(std::string_view ref)
{
    return !ref.empty() &&
           std::all_of(ref.begin(), ref.end(), [](unsigned char c) { return std::isalnum(c) != 0 || c == '-'; });
}

// The connector appends its own ORDER BY; a second one makes the JQL invalid.
bool has_order_by(std::string_view jql)
{
    constexpr std::string_view order_by = "order by";
    return std::search(jql.begin(), jql.end(), order_by.begin(), order_by.end(),
                       [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; }) != jql.end();
}

class JiraConnector final : public host::Connector {
public:
    explicit JiraConnector(const config::ConnectorConfig &c)
        : name_(c.name), filter_(c.filter), page_size_(std::clamp(c.page_size, 1, 100)),
          api_(c.name, "Jira", client_options(c, "{email}"), &jira::error_message)
    {
        if (has_order_by(filter_))
            throw std::invalid_argument(fmt::format(
                "connector '{}': the Jira filter must not have an ORDER BY: the connector orders by updated and key "
                "itself (filter: {})",
                name_, filter_));
    }

    const std::string &name() const noexcept override { return name_; }
    host::IncidentPage pull(const store::Watermark &since, std::size_t limit) override;
    void write_back(const store::OutboxEntry &entry) override;

private:
    const jira::FieldCatalog &catalog();
    sl_timestamp_t literal_lag();
    std::string jql_since(sl_timestamp_t from);
    json search(const std::string &jql, const std::string &token);
    std::vector<json> request_comments(const std::string &issue, std::string_view what, bool rejects_write);

    void write_note(const store::OutboxEntry &entry);
    void write_field(const store::OutboxEntry &entry);
    void write_label(const store::OutboxEntry &entry);

    std::string name_, filter_;
    int page_size_;
    VendorApi api_;
    std::optional<jira::FieldCatalog> catalog_;
    std::optional<sl_timestamp_t> literal_lag_;
    // Issues we wrote to: the search is eventually consistent, and
    // reconcileIssues makes it show these as they are now.
    std::deque<int64_t> written_;
};

const jira::FieldCatalog &JiraConnector::catalog()
{
    if (!catalog_)
        catalog_ = jira::FieldCatalog::from_json(
            api_.call({.url = "/rest/api/3/field"}, "reading the site's fields (GET /rest/api/3/field)"));
    return *catalog_;
}

// JQL reads a date literal in the integration user's time zone. With the
// user on UTC the literal is exact; otherwise the query starts twelve hours
// earlier (the widest western offset) and the extra issues are skipped.
sl_timestamp_t JiraConnector::literal_lag()
{
    if (literal_lag_) return *literal_lag_;
    const json me = api_.call({.url = "/rest/api/3/myself"}, "reading the integration user (GET /rest/api/3/myself)");
    const std::string zone = text_at(me, "timeZone");
    literal_lag_ = is_utc_zone(zone) ? 0 : widest_west_offset_ms;
    if (*literal_lag_ != 0)
        spdlog::warn("connector '{}': the Jira integration user's time zone is '{}' and JQL reads dates in it; "
                     "each search starts 12 hours early to be safe: set the user's time zone to UTC in the "
                     "Atlassian account settings",
                     name_, zone);
    return *literal_lag_;
}

std::string JiraConnector::jql_since(sl_timestamp_t from)
{
    const sl_timestamp_t literal = std::max<sl_timestamp_t>(0, from - literal_lag());
    std::string jql = fmt::format("updated >= \"{}\"", utc_text(literal, "%Y/%m/%d %H:%M"));
    if (!filter_.empty()) jql = fmt::format("({}) AND {}", filter_, jql);
    return jql + " ORDER BY updated ASC, key ASC";
}

json JiraConnector::search(const std::string &jql, const std::string &token)
{
    json body = {{"jql", jql}, {"fields", catalog().search_fields()}, {"maxResults", page_size_}};
    if (!token.empty()) body["nextPageToken"] = token;
    if (!written_.empty()) body["reconcileIssues"] = written_;
    // A search changes nothing: safe to retry like a GET.
    return api_.call({.method = "POST",
                      .url = "/rest/api/3/search/jql",
                      .headers = json_headers,
                      .body = body.dump(),
                      .idempotent = true},
                     "searching issues (POST /rest/api/3/search/jql)");
}

// Paging: each search starts at the minute of the last issue read (JQL has
// minute resolution), so an issue edited while we page cannot shift another
// out of sight. Only while a whole page sits in one minute does the
// nextPageToken carry on: restarting there would read the same page forever.
// A restart always moves on: the page's last minute is after its first,
// which is at or after the literal.
host::IncidentPage JiraConnector::pull(const store::Watermark &since, std::size_t limit)
{
    host::IncidentPage page{{}, since, {}};
    if (limit == 0) return page;
    KeysetCollector collector(since, limit);
    std::set<std::string> truncated;
    sl_timestamp_t query_from = since.updated_at == SL_TIMESTAMP_NONE ? 0 : since.updated_at;
    std::string token;
    bool ended = false;
    for (int request = 0; !ended; ++request) {
        if (request == max_search_pages)
            throw ConnectorError(fmt::format("connector '{}': the Jira search did not end after {} pages; check the "
                                             "connector's filter",
                                             name_, max_search_pages));
        const json result = search(jql_since(query_from), token);
        const json &issues = array_at(result, "issues", name_, "searching issues");
        sl_timestamp_t first = SL_TIMESTAMP_NONE, last = SL_TIMESTAMP_NONE;
        for (const json &issue : issues) {
            jira::MappedIssue mapped = jira::map_issue(issue, catalog(), name_);
            if (first == SL_TIMESTAMP_NONE) first = mapped.incident.updated_at;
            last = mapped.incident.updated_at;
            if (mapped.comments_truncated) truncated.insert(mapped.incident.id);
            collector.add(std::move(mapped.incident));
        }
        // The last page may carry isLast, or only lack a nextPageToken
        // (JRACLOUD-92184); a short page alone proves nothing (JRACLOUD-92183).
        const std::string next_token = text_at(result, "nextPageToken");
        if (issues.empty() || flag_at(result, "isLast", false) || next_token.empty()) {
            ended = true;
            break;
        }
        collector.advance(last);
        if (collector.full()) break;
        // With a user off UTC the literal is twelve hours early and a restart
        // would read those hours again: then the token carries on alone.
        if (literal_lag() == 0 && first / minute_ms < last / minute_ms) {
            query_from = last;
            token.clear();
        } else {
            if (next_token == token)
                throw ConnectorError(fmt::format("connector '{}': Jira returned the same nextPageToken twice; the "
                                                 "search is not advancing",
                                                 name_));
            token = next_token;
        }
    }
    written_.clear();
    page.incidents = collector.take(ended);
    for (host::OwnedIncident &incident : page.incidents) {
        if (!truncated.count(incident.id)) continue;
        std::vector<host::OwnedComment> comments;
        try {
            for (const json &c : request_comments(incident.id, "reading a request's comments", false))
                comments.push_back(jira::map_request_comment(c));
        } catch (const NotFoundError &e) {
            // An issue the filter matched that is not a service request: keep the comments the search embedded.
            spdlog::warn("connector '{}': issue {} has more comments than the search embeds and is not a service "
                         "request, so only the embedded ones are read: {}",
                         name_, incident.number, e.what());
            continue;
        }
        incident.comments = std::move(comments);
    }
    if (!page.incidents.empty()) page.next = {page.incidents.back().updated_at, page.incidents.back().id};
    return page;
}

std::vector<json> JiraConnector::request_comments(const std::string &issue, std::string_view what, bool rejects_write)
{
    const std::string path = fmt::format("/rest/servicedeskapi/request/{}/comment", issue);
    const std::string call = fmt::format("{} (GET {})", what, path);
    std::vector<json> all;
    std::size_t start = 0;
    for (int page = 0; page < max_comment_pages; ++page) {
        const json result = api_.call(
            {.url = path, .query = {{"start", std::to_string(start)}, {"limit", std::to_string(comment_page_size)}}},
            call, rejects_write);
        const json &values = member(result, "values");
        for (const json &v : values) all.push_back(v);
        if (values.empty() || flag_at(result, "isLastPage", true)) return all;
        start += values.size();
    }
    spdlog::warn("connector '{}': request {} has more than {} comments; read only the first", name_, issue,
                 max_comment_pages * comment_page_size);
    return all;
}

void JiraConnector::write_back(const store::OutboxEntry &entry)
{
    if (!is_issue_ref(entry.incident_id))
        throw host::WriteBackRejected(
            fmt::format("connector '{}': '{}' is not a Jira issue id or key", name_, entry.incident_id));
    if (entry.kind == "work_note")
        write_note(entry);
    else if (entry.kind == "field")
        write_field(entry);
    else if (entry.kind == "tag")
        write_label(entry);
    else
        throw host::WriteBackRejected(fmt::format(
            "connector '{}': write-back kind '{}' is not one Jira takes (work_note, field, tag)", name_, entry.kind));
    int64_t id = 0;
    const auto [end, error] =
        std::from_chars(entry.incident_id.data(), entry.incident_id.data() + entry.incident_id.size(), id);
    const bool numeric = error == std::errc() && end == entry.incident_id.data() + entry.incident_id.size();
    if (numeric && std::find(written_.begin(), written_.end(), id) == written_.end()) {
        written_.push_back(id);
        if (written_.size() > max_reconciled) written_.pop_front();
    }
}

// An internal comment, once: a note already carrying the entry's marker (a
// repeat after a crash, or a POST that timed out after Jira acted) is left alone.
void JiraConnector::write_note(const store::OutboxEntry &entry)
{
    for (const json &c : request_comments(entry.incident_id, "looking for an earlier note", true))
        if (c.is_object() && has_marker(text_at(c, "body"), entry.idempotency_key)) return;
    const std::string path = fmt::format("/rest/servicedeskapi/request/{}/comment", entry.incident_id);
    const json body = {{"body", note_with_marker(entry.body, entry.idempotency_key)}, {"public", false}};
    api_.call_raw({.method = "POST", .url = path, .headers = json_headers, .body = body.dump()},
                  fmt::format("adding an internal comment (POST {})", path), true);
}

void JiraConnector::write_field(const store::OutboxEntry &entry)
{
    if (entry.field.empty())
        throw host::WriteBackRejected(
            fmt::format("connector '{}': a field write-back needs the field id (customfield_N)", name_));
    const std::optional<json> value = jira::field_value(catalog().find(entry.field), entry.body);
    if (!value)
        throw host::WriteBackRejected(fmt::format("connector '{}': Jira field {} takes a number and '{}' is not one; "
                                                  "check the write-back rule's text template",
                                                  name_, entry.field, entry.body));
    const std::string path = fmt::format("/rest/api/3/issue/{}", entry.incident_id);
    const json body = {{"fields", {{entry.field, *value}}}};
    api_.call_raw({.method = "PUT", .url = path, .headers = json_headers, .body = body.dump()},
                  fmt::format("setting field {} (PUT {}; the field must exist and be on the issue's edit screen)",
                              entry.field, path),
                  true);
}

void JiraConnector::write_label(const store::OutboxEntry &entry)
{
    const std::string path = fmt::format("/rest/api/3/issue/{}", entry.incident_id);
    const json body = {{"update", {{"labels", json::array({{{"add", entry.body}}})}}}};
    api_.call_raw({.method = "PUT", .url = path, .headers = json_headers, .body = body.dump()},
                  fmt::format("adding label '{}' (PUT {})", entry.body, path), true);
}

} // namespace

std::unique_ptr<host::Connector> make_jira_connector(const config::ConnectorConfig &config)
{
    return std::make_unique<JiraConnector>(config);
}

} // namespace servicelens::connectors
