// The Request Tracker 5 connector over REST2: tickets changed since the
// watermark by TicketSQL on LastUpdated, their messages from the
// transactions and attachments collections, write-back as a comment (RT's
// internal note) or into a ticket custom field. docs/connectors/rt.md has
// the mapping and the request costs.
#include "json_fields.hpp"
#include "rt_history.hpp"
#include "rt_mapping.hpp"
#include "rt_rest.hpp"
#include "rt_ticket_sql.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace servicelens::connectors {

namespace {

constexpr int max_per_page = 100; // RT's own cap on per_page

http::ClientOptions rt_client_options(const config::ConnectorConfig &config)
{
    http::ClientOptions options = client_options(config);
    // base_url is RT's web root; an admin who copied the REST2 address is understood too.
    if (!options.base_url.ends_with(rt::rest2_path)) options.base_url += rt::rest2_path;
    return options;
}

bool is_ticket_id(std::string_view id)
{
    return !id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

std::string_view trimmed(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

class RtConnector final : public host::Connector {
public:
    explicit RtConnector(const config::ConnectorConfig &config)
        : name_(config.name), filter_(config.filter), page_size_(std::clamp(config.page_size, 1, max_per_page)),
          api_(config.name, "Request Tracker", rt_client_options(config), rt::error_message)
    {
    }

    const std::string &name() const noexcept override { return name_; }

    host::IncidentPage pull(const store::Watermark &since, std::size_t limit) override;
    void write_back(const store::OutboxEntry &entry) override;
    std::optional<std::size_t> remaining(const store::Watermark &since) override;

private:
    enum class Order { any, oldest_first, newest_first };
    nlohmann::json search(const std::string &query, int per_page, int page, Order order,
                          std::vector<http::QueryParameter> fields, std::string_view what);
    void check_time_zone();
    void add_histories(std::vector<host::OwnedIncident> &incidents);
    void write_note(const store::OutboxEntry &entry);
    void write_field(const store::OutboxEntry &entry);

    std::string name_, filter_;
    int page_size_;
    VendorApi api_;
    bool time_zone_checked_ = false;
};

// GET /tickets. RT sorts by several keys when orderby and order repeat.
nlohmann::json RtConnector::search(const std::string &query, int per_page, int page, Order order,
                                   std::vector<http::QueryParameter> fields, std::string_view what)
{
    http::Request request{.url = "/tickets"};
    request.query = {{"query", query}, {"per_page", std::to_string(per_page)}, {"page", std::to_string(page)}};
    if (order != Order::any) {
        const char *direction = order == Order::oldest_first ? "ASC" : "DESC";
        request.query.insert(
            request.query.end(),
            {{"orderby", "LastUpdated"}, {"order", direction}, {"orderby", "id"}, {"order", direction}});
    }
    std::move(fields.begin(), fields.end(), std::back_inserter(request.query));
    return api_.call(request, what);
}

// RT reads the time literals of TicketSQL in the integration user's time
// zone (rt_ticket_sql.hpp). Were it not UTC, the keyset would silently skip
// or repeat hours of tickets; so, once per run, the newest ticket must be
// found by a one-second window around its own LastUpdated.
void RtConnector::check_time_zone()
{
    if (time_zone_checked_) return;
    const std::string what = "checking that RT reads TicketSQL times as UTC";
    for (int attempt = 0; attempt < 2; ++attempt) {
        const nlohmann::json newest =
            search(rt::filtered(filter_), 1, 1, Order::newest_first, {{"fields", "LastUpdated"}}, what);
        const nlohmann::json &items = rt::items_of(newest, name_, what);
        if (items.empty()) return; // nothing to page through yet: check next time
        const std::string id = rt::id_text(member(items[0], "id"));
        const sl_timestamp_t updated = rt::time_of(member(items[0], "LastUpdated"));
        if (updated == SL_TIMESTAMP_NONE) return;
        // Found by the one-second window: one item (not "total", which RT
        // leaves out for a user without SuperUser).
        const nlohmann::json found = search(rt::updated_in_second(id, updated), 1, 1, Order::any, {}, what);
        if (rt::items_of(found, name_, what).size() == 1) {
            time_zone_checked_ = true;
            return;
        }
        // Not found: either the zone is wrong or the ticket changed in between; look once more.
    }
    throw ConnectorError(fmt::format("connector '{}': {}: RT does not find its newest ticket by its own LastUpdated "
                                     "time written in UTC, so it reads TicketSQL times in another time zone and a "
                                     "sync would skip or repeat tickets; set the integration user's time zone "
                                     "preference to UTC (or RT's $Timezone to 'UTC' when the user has none)",
                                     name_, what));
}

host::IncidentPage RtConnector::pull(const store::Watermark &since, std::size_t limit)
{
    host::IncidentPage out;
    out.next = since;
    if (limit == 0) return out;
    check_time_zone();
    const std::string what = "listing tickets changed since the watermark";
    store::Watermark cursor = since; // the last ticket read, returned or not
    int page = 1;                    // past 1 only while RT hides whole pages from the user
    while (out.incidents.size() < limit) {
        const int per_page = static_cast<int>(std::min<std::size_t>(page_size_, limit - out.incidents.size()));
        const nlohmann::json body =
            search(rt::changed_since(filter_, cursor), per_page, page, Order::oldest_first, rt::ticket_fields(), what);
        const nlohmann::json &items = rt::items_of(body, name_, what);
        std::vector<host::OwnedIncident> fresh;
        bool advanced = false, full = false;
        for (const nlohmann::json &item : items) {
            if (out.incidents.size() + fresh.size() == limit) {
                full = true;
                break;
            }
            const std::string id = rt::id_text(member(item, "id"));
            sl_timestamp_t updated = SL_TIMESTAMP_NONE;
            std::optional<host::OwnedIncident> incident;
            try {
                updated = rt::time_of(member(item, "LastUpdated"));
                incident = rt::map_ticket(item, name_);
            } catch (const std::invalid_argument &e) {
                throw ConnectorError(
                    fmt::format("connector '{}': {}: ticket {} cannot be read: {}", name_, what, id, e.what()));
            }
            // The keyset query already starts after the cursor; this also
            // drops what RT returns of the cursor's own second.
            if (!after_watermark(cursor, updated, id)) continue;
            cursor = {updated, id};
            advanced = true;
            if (incident) fresh.push_back(std::move(*incident)); // deleted tickets only move the cursor
        }
        add_histories(fresh);
        std::move(fresh.begin(), fresh.end(), std::back_inserter(out.incidents));
        out.next = cursor;
        if (full || !rt::may_have_more(body)) break;
        if (advanced) {
            page = 1;
        } else if (items.empty()) {
            ++page; // RT filtered a whole page out for lack of rights; the next one may have more
        } else {
            throw ConnectorError(fmt::format("connector '{}': {}: RT answered a page of tickets none of which is after "
                                             "the last one read (ticket {}); it did not apply the query's time "
                                             "condition — check the connector's filter",
                                             name_, what, cursor.last_id));
        }
    }
    return out;
}

void RtConnector::add_histories(std::vector<host::OwnedIncident> &incidents)
{
    std::vector<std::string> ids;
    for (const auto &incident : incidents) ids.push_back(incident.id);
    auto histories = rt::read_histories(api_, ids);
    for (auto &incident : incidents)
        if (const auto it = histories.find(incident.id); it != histories.end())
            rt::add_history(incident, std::move(it->second));
}

std::optional<std::size_t> RtConnector::remaining(const store::Watermark &since)
{
    check_time_zone();
    // nullopt when RT did not count (a user without SuperUser).
    return rt::total_of(search(rt::changed_since(filter_, since), 1, 1, Order::any, {}, "counting changed tickets"));
}

void RtConnector::write_back(const store::OutboxEntry &entry)
{
    if (!is_ticket_id(entry.incident_id))
        throw host::WriteBackRejected(fmt::format("connector '{}': '{}' is not an RT ticket id; the entry did not come "
                                                  "from this connector",
                                                  name_, entry.incident_id));
    if (entry.kind == "work_note") return write_note(entry);
    if (entry.kind == "field") return write_field(entry);
    if (entry.kind == "tag")
        throw host::WriteBackRejected(
            fmt::format("connector '{}': RT tickets have no tags; write the result into a ticket custom field instead "
                        "(write_back: as: field, field: <custom field name>)",
                        name_));
    throw host::WriteBackRejected(fmt::format("connector '{}': unknown write-back kind '{}'", name_, entry.kind));
}

// A comment is RT's internal note. Before writing, the ticket's comments are
// read for the entry's marker: after a crash or a timed-out POST the note
// may be there already.
void RtConnector::write_note(const store::OutboxEntry &entry)
{
    const std::string what = fmt::format("writing a comment on ticket {}", entry.incident_id);
    const std::vector<std::string> ticket = {entry.incident_id};
    const auto histories = rt::read_histories(api_, ticket);
    const auto it = histories.find(entry.incident_id);
    // Every ticket has its Create transaction: none means there is no ticket.
    if (it == histories.end())
        throw host::WriteBackRejected(fmt::format("connector '{}': {}: RT shows no such ticket; it was deleted, or the "
                                                  "integration user may no longer see it (ShowTicket)",
                                                  name_, what));
    for (const host::OwnedComment &comment : it->second.comments)
        if (has_marker(comment.body, entry.idempotency_key)) return;
    const nlohmann::json body = {{"Content", note_with_marker(entry.body, entry.idempotency_key)},
                                 {"ContentType", "text/plain"}};
    api_.call(rt::json_request("POST", fmt::format("/ticket/{}/comment", entry.incident_id), body), what, true);
}

// RT answers a PUT with 200 and a list of messages whatever it did with
// each field: an unknown custom field, one not applied to the ticket's
// queue, or a value already there all give "[]", a refused value a message
// in the user's language. So the ticket is read back to see the value.
void RtConnector::write_field(const store::OutboxEntry &entry)
{
    const std::string what = fmt::format("setting custom field '{}' on ticket {}", entry.field, entry.incident_id);
    const std::string path = fmt::format("/ticket/{}", entry.incident_id);
    const nlohmann::json answer =
        api_.call(rt::json_request("PUT", path, {{"CustomFields", {{entry.field, entry.body}}}}), what, true);
    const nlohmann::json ticket = api_.call(http::Request{.url = path}, what, true);
    const std::string rt_said = rt::error_message(answer).empty() ? "no change" : rt::error_message(answer);

    const nlohmann::json &fields = member(ticket, "CustomFields");
    const auto field = std::find_if(fields.begin(), fields.end(), [&](const nlohmann::json &f) {
        return text_at(f, "name") == entry.field || rt::id_text(f) == entry.field;
    });
    if (field == fields.end())
        throw host::WriteBackRejected(
            fmt::format("connector '{}': {}: ticket {} has no custom field '{}' (RT answered: {}); check the custom "
                        "field exists, applies to the ticket's queue ({}), and the integration user has "
                        "SeeCustomField and ModifyCustomField on it",
                        name_, what, entry.incident_id, entry.field, rt_said, rt::id_text(member(ticket, "Queue"))));
    for (const auto &value : member(*field, "values"))
        if (value.is_string() && trimmed(value.get<std::string>()) == trimmed(entry.body)) return;
    throw host::WriteBackRejected(fmt::format(
        "connector '{}': {}: RT did not take the value (it answered: {}); check the value suits the field: a select "
        "field takes only its listed values, and a field's validation pattern must match",
        name_, what, rt_said));
}

} // namespace

std::unique_ptr<host::Connector> make_rt_connector(const config::ConnectorConfig &config)
{
    return std::make_unique<RtConnector>(config);
}

} // namespace servicelens::connectors
