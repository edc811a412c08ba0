// Zendesk Support: tickets from the cursor-based incremental ticket export,
// their comments, and write-back as a private comment, a custom field or a
// tag. docs/connectors/zendesk.md has the mapping table, the paging rules
// and the rate limits.
#include "json_fields.hpp"
#include "keyset_collector.hpp"
#include "zendesk_mapping.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>

namespace servicelens::connectors {

namespace {

using nlohmann::json;

constexpr const char *export_path = "/api/v2/incremental/tickets/cursor.json";
constexpr const char *export_sideloads = "users,groups,metric_sets";
// Far more than any pull needs; an export that never ends stops here.
constexpr int max_export_pages = 10'000;
constexpr int comment_page_size = 100;
// Zendesk caps a ticket at 5,000 comments: 50 pages of 100.
constexpr int max_comment_pages = 50;

const std::vector<http::Header> json_headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};

std::optional<int64_t> as_integer(std::string_view text)
{
    int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
    return value;
}

std::string_view trimmed(std::string_view text)
{
    const auto space = [](unsigned char c) { return std::isspace(c) != 0; };
    while (!text.empty() && space(text.front())) text.remove_prefix(1);
    while (!text.empty() && space(text.back())) text.remove_suffix(1);
    return text;
}

class ZendeskConnector final : public host::Connector {
public:
    explicit ZendeskConnector(const config::ConnectorConfig &c)
        : name_(c.name), page_size_(std::clamp(c.page_size, 1, 1000)),
          api_(c.name, "Zendesk", client_options(c, "{email}/token"), &zendesk::error_message)
    {
        // The incremental export has no query: a filter would be ignored in silence.
        if (!c.filter.empty())
            throw std::invalid_argument(fmt::format("connector '{}': Zendesk's incremental export takes no filter "
                                                    "(filter: {}); remove it, every ticket is synced",
                                                    name_, c.filter));
    }

    const std::string &name() const noexcept override { return name_; }
    host::IncidentPage pull(const store::Watermark &since, std::size_t limit) override;
    void write_back(const store::OutboxEntry &entry) override;

private:
    std::vector<host::OwnedComment> read_comments(const std::string &ticket, std::string_view what, bool rejects_write);
    void write_note(const store::OutboxEntry &entry);
    void write_field(const store::OutboxEntry &entry);
    void write_tag(const store::OutboxEntry &entry);

    std::string name_;
    int page_size_;
    VendorApi api_;
};

// Each pull starts the export again at the watermark's second (start_time)
// and follows after_cursor; the export's own cursor is not kept between
// pulls because the host's watermark is (updated_at, id). Tickets of that
// second already returned are skipped by (updated_at, id).
host::IncidentPage ZendeskConnector::pull(const store::Watermark &since, std::size_t limit)
{
    host::IncidentPage page{{}, since, {}};
    if (limit == 0) return page;
    KeysetCollector collector(since, limit);
    const int64_t start_time = since.updated_at <= 0 ? 0 : since.updated_at / 1000;
    std::vector<http::QueryParameter> query = {{"start_time", std::to_string(start_time)},
                                               {"per_page", std::to_string(page_size_)},
                                               {"include", export_sideloads}};
    std::string cursor;
    bool ended = false;
    for (int request = 0; !ended; ++request) {
        if (request == max_export_pages)
            throw ConnectorError(
                fmt::format("connector '{}': the Zendesk export did not end after {} pages", name_, max_export_pages));
        const json result =
            api_.call({.url = export_path, .query = query}, fmt::format("exporting tickets (GET {})", export_path));
        const zendesk::Sideloads sideloads = zendesk::Sideloads::from_json(result);
        const json &tickets = array_at(result, "tickets", name_, "exporting tickets");
        sl_timestamp_t last = SL_TIMESTAMP_NONE;
        for (const json &ticket : tickets) {
            last = zendesk::export_position(ticket);
            // A deleted ticket comes back once more, with status "deleted".
            if (zendesk::is_deleted(ticket))
                collector.forget(zendesk::ticket_id(ticket));
            else
                collector.add(zendesk::map_ticket(ticket, sideloads, name_));
        }
        if (!member(result, "end_of_stream").is_boolean())
            throw ConnectorError(fmt::format("connector '{}': exporting tickets: the answer has no end_of_stream flag; "
                                             "check that base_url points at the Zendesk API",
                                             name_));
        if (flag_at(result, "end_of_stream", true)) {
            ended = true;
            break;
        }
        collector.advance(last);
        if (collector.full()) break;
        const std::string next = text_at(result, "after_cursor");
        if (next.empty() || next == cursor)
            throw ConnectorError(fmt::format("connector '{}': the Zendesk export said end_of_stream false but gave {} "
                                             "after_cursor; the export is not advancing",
                                             name_, next.empty() ? "no" : "the same"));
        cursor = next;
        query = {{"cursor", cursor}, {"per_page", std::to_string(page_size_)}, {"include", export_sideloads}};
    }
    page.incidents = collector.take(ended);
    for (host::OwnedIncident &incident : page.incidents) {
        incident.comments = read_comments(incident.id, "reading a ticket's comments", false);
        // Zendesk's description is the ticket's first comment: keep it once.
        if (!incident.comments.empty() && trimmed(incident.comments.front().body) == trimmed(incident.description))
            incident.comments.erase(incident.comments.begin());
    }
    if (!page.incidents.empty()) page.next = {page.incidents.back().updated_at, page.incidents.back().id};
    return page;
}

// One request per ticket (the export carries no comments), more for a
// ticket with over 100 comments; at most Zendesk's 5,000 comments.
std::vector<host::OwnedComment> ZendeskConnector::read_comments(const std::string &ticket, std::string_view what,
                                                                bool rejects_write)
{
    const std::string path = fmt::format("/api/v2/tickets/{}/comments.json", ticket);
    const std::string call = fmt::format("{} (GET {})", what, path);
    std::vector<host::OwnedComment> comments;
    std::vector<http::QueryParameter> query = {{"page[size]", std::to_string(comment_page_size)}, {"include", "users"}};
    for (int page = 0; page < max_comment_pages; ++page) {
        const json result = api_.call({.url = path, .query = query}, call, rejects_write);
        const zendesk::Sideloads sideloads = zendesk::Sideloads::from_json(result);
        for (const json &c : member(result, "comments")) comments.push_back(zendesk::map_comment(c, sideloads));
        const json &meta = member(result, "meta");
        const std::string after = text_at(meta, "after_cursor");
        if (!flag_at(meta, "has_more", false) || after.empty()) return comments;
        query = {{"page[size]", std::to_string(comment_page_size)}, {"page[after]", after}, {"include", "users"}};
    }
    spdlog::warn("connector '{}': ticket {} has more than {} comments; read only the first", name_, ticket,
                 max_comment_pages * comment_page_size);
    return comments;
}

void ZendeskConnector::write_back(const store::OutboxEntry &entry)
{
    if (!as_integer(entry.incident_id))
        throw host::WriteBackRejected(
            fmt::format("connector '{}': '{}' is not a Zendesk ticket id", name_, entry.incident_id));
    if (entry.kind == "work_note")
        write_note(entry);
    else if (entry.kind == "field")
        write_field(entry);
    else if (entry.kind == "tag")
        write_tag(entry);
    else
        throw host::WriteBackRejected(
            fmt::format("connector '{}': write-back kind '{}' is not one Zendesk takes (work_note, field, tag)", name_,
                        entry.kind));
}

// A private comment, once: a comment already carrying the entry's marker (a
// repeat after a crash, or a PUT that timed out after Zendesk acted) is left
// alone. Adding a comment is not idempotent, so the client must not retry it.
void ZendeskConnector::write_note(const store::OutboxEntry &entry)
{
    for (const host::OwnedComment &c : read_comments(entry.incident_id, "looking for an earlier note", true))
        if (has_marker(c.body, entry.idempotency_key)) return;
    const std::string path = fmt::format("/api/v2/tickets/{}.json", entry.incident_id);
    const json body = {
        {"ticket", {{"comment", {{"body", note_with_marker(entry.body, entry.idempotency_key)}, {"public", false}}}}}};
    api_.call_raw({.method = "PUT", .url = path, .headers = json_headers, .body = body.dump(), .idempotent = false},
                  fmt::format("adding a private comment (PUT {})", path), true);
}

// Zendesk may answer 200 and leave out a field it does not know; the ticket
// it returns must show the field, or the write did not happen.
void ZendeskConnector::write_field(const store::OutboxEntry &entry)
{
    const std::optional<int64_t> field = as_integer(entry.field);
    if (!field)
        throw host::WriteBackRejected(fmt::format("connector '{}': Zendesk custom fields are written by their numeric "
                                                  "id, and '{}' is not one; see Admin Center > Objects and rules > "
                                                  "Tickets > Fields for the id",
                                                  name_, entry.field));
    const std::string path = fmt::format("/api/v2/tickets/{}.json", entry.incident_id);
    const json body = {{"ticket", {{"custom_fields", json::array({{{"id", *field}, {"value", entry.body}}})}}}};
    const std::string what = fmt::format("setting custom field {} (PUT {})", entry.field, path);
    const json result =
        api_.call({.method = "PUT", .url = path, .headers = json_headers, .body = body.dump()}, what, true);
    const json &ticket = member(result, "ticket");
    const json &fields = member(ticket, "custom_fields");
    const bool present = fields.is_array() && std::any_of(fields.begin(), fields.end(),
                                                          [&](const json &f) { return integer_at(f, "id") == field; });
    if (!present)
        throw host::WriteBackRejected(fmt::format("connector '{}': {}: Zendesk accepted the update but ticket {} has "
                                                  "no custom field {}; check that the field exists, is active and is "
                                                  "on the ticket's form",
                                                  name_, what, entry.incident_id, entry.field));
}

void ZendeskConnector::write_tag(const store::OutboxEntry &entry)
{
    // Zendesk would split "a b" into two tags: refuse rather than write something else.
    const bool has_space =
        std::any_of(entry.body.begin(), entry.body.end(), [](unsigned char c) { return std::isspace(c) != 0; });
    if (entry.body.empty() || has_space)
        throw host::WriteBackRejected(fmt::format("connector '{}': '{}' is not a Zendesk tag (one word, no spaces); "
                                                  "check the write-back rule's text template",
                                                  name_, entry.body));
    const std::string path = fmt::format("/api/v2/tickets/{}/tags.json", entry.incident_id);
    const json body = {{"tags", json::array({entry.body})}};
    // PUT adds to the ticket's tags (POST would replace them all).
    api_.call_raw({.method = "PUT", .url = path, .headers = json_headers, .body = body.dump()},
                  fmt::format("adding tag '{}' (PUT {})", entry.body, path), true);
}

} // namespace

std::unique_ptr<host::Connector> make_zendesk_connector(const config::ConnectorConfig &config)
{
    return std::make_unique<ZendeskConnector>(config);
}

} // namespace servicelens::connectors
