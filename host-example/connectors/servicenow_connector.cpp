// The ServiceNow connector: incidents from the Table API in keyset pages,
// their comments and work notes from sys_journal_field a page at a time,
// write-back with PATCH. docs/connectors/servicenow.md has the mapping and
// the reasons behind the paging.
#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include "servicenow_mapping.hpp"
#include "servicenow_query.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

namespace servicelens::connectors {

namespace {

namespace sn = servicenow;

constexpr std::string_view table_api = "/api/now/table/";
constexpr const char *journal_fields = "sys_id,element_id,element,value,sys_created_on,sys_created_by";
// Incidents per journal request: their sys_ids go into the URL, which
// proxies and the instance's front end cap at a few kilobytes.
constexpr std::size_t journal_ids_per_request = 100;

// {"error": {"message": "...", "detail": "..."}, "status": "failure"}
std::string error_message(const nlohmann::json &body)
{
    const auto error = body.find("error");
    if (error == body.end() || !error->is_object()) return {};
    const auto text = [&](const char *key) {
        const auto it = error->find(key);
        return it != error->end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string message = text("message"), detail = text("detail");
    if (detail.empty() || detail == message) return message;
    return message.empty() ? detail : fmt::format("{} ({})", message, detail);
}

// A sys_id or column name that goes into a URL or a query as it is.
bool plain_name(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (c >= 'A' && c <= 'Z');
    });
}

// One page of a Table API listing and the count of all records the query matches.
struct ListPage {
    nlohmann::json records;
    std::optional<std::size_t> total;
};

class ServiceNowConnector final : public host::Connector {
public:
    explicit ServiceNowConnector(const config::ConnectorConfig &c)
        : config_(c), filter_(sn::filter_alternatives(c.name, c.filter)),
          page_size_(static_cast<std::size_t>(std::clamp(c.page_size, 1, 10'000))),
          api_(c.name, "ServiceNow", client_options(c), error_message)
    {
    }

    const std::string &name() const noexcept override { return config_.name; }

    host::IncidentPage pull(const store::Watermark &since, std::size_t limit) override
    {
        host::IncidentPage page;
        page.next = since;
        if (limit == 0) return page;
        const std::vector<std::string> fields = sn::incident_fields(custom_columns());
        while (page.incidents.size() < limit) {
            const std::size_t wanted = std::min(page_size_, limit - page.incidents.size());
            bool more = false;
            std::vector<host::OwnedIncident> incidents = read_incidents(page.next, wanted, fields, more);
            attach_comments(incidents);
            if (!incidents.empty()) page.next = {incidents.back().updated_at, incidents.back().id};
            std::move(incidents.begin(), incidents.end(), std::back_inserter(page.incidents));
            if (!more) break;
        }
        return page;
    }

    std::optional<std::size_t> remaining(const store::Watermark &since) override
    {
        return list("incident",
                    {{"sysparm_query", sn::changed_since(since, filter_)},
                     {"sysparm_fields", "sys_id"},
                     {"sysparm_limit", "1"}},
                    "counting changed incidents")
            .total;
    }

    void write_back(const store::OutboxEntry &entry) override
    {
        if (!plain_name(entry.incident_id))
            throw host::WriteBackRejected(
                fmt::format("connector '{}': '{}' is not a ServiceNow sys_id", name(), entry.incident_id));
        if (entry.kind == "work_note") return write_note(entry);
        if (entry.kind == "field") return write_field(entry);
        if (entry.kind == "tag")
            throw host::WriteBackRejected(fmt::format(
                "connector '{}': ServiceNow incidents have no tags the connector can set; write the result into a "
                "u_ field instead (write_back as: field)",
                name()));
        throw host::WriteBackRejected(fmt::format("connector '{}': unknown write-back kind '{}'", name(), entry.kind));
    }

private:
    http::Request get(std::string_view table, std::vector<http::QueryParameter> query) const
    {
        http::Request request;
        request.url = fmt::format("{}{}", table_api, table);
        request.query = std::move(query);
        request.headers = {{"Accept", "application/json"}};
        return request;
    }

    ListPage list(std::string_view table, std::vector<http::QueryParameter> query, std::string_view what)
    {
        const http::Response response = api_.call_raw(get(table, std::move(query)), what);
        ListPage page;
        nlohmann::json body = parse_json(name(), what, response);
        const auto result = body.find("result");
        if (result == body.end() || !result->is_array())
            throw ConnectorError(
                fmt::format("connector '{}': {}: the answer has no \"result\" list; check that base_url "
                            "is the instance (https://<name>.service-now.com)",
                            name(), what));
        page.records = std::move(*result);
        if (const auto total = response.header("X-Total-Count")) {
            std::size_t n = 0;
            const auto [end, error] = std::from_chars(total->data(), total->data() + total->size(), n);
            if (error == std::errc() && end == total->data() + total->size()) page.total = n;
        }
        return page;
    }

    // Up to `wanted` incidents after `from`, in (sys_updated_on, sys_id)
    // order. `more` says whether the instance has others after them.
    std::vector<host::OwnedIncident> read_incidents(const store::Watermark &from, std::size_t wanted,
                                                    const std::vector<std::string> &fields, bool &more)
    {
        const ListPage listed = list("incident",
                                     {{"sysparm_query", sn::changed_since(from, filter_)},
                                      {"sysparm_fields", fmt::format("{}", fmt::join(fields, ","))},
                                      {"sysparm_limit", std::to_string(wanted)},
                                      {"sysparm_display_value", config_.display_values ? "all" : "false"},
                                      {"sysparm_exclude_reference_link", "true"}},
                                     "listing changed incidents");
        std::vector<host::OwnedIncident> incidents;
        for (const nlohmann::json &record : listed.records) {
            host::OwnedIncident incident = map(record);
            // The query asked for these only; a record that is not after the
            // watermark (the instance dropped part of the query) is skipped,
            // never allowed to move the watermark back.
            if (after_watermark(from, incident.updated_at, incident.id)) incidents.push_back(std::move(incident));
        }
        std::sort(incidents.begin(), incidents.end(), [](const auto &a, const auto &b) {
            return a.updated_at != b.updated_at ? a.updated_at < b.updated_at : compare_ids(a.id, b.id) < 0;
        });
        if (incidents.size() > wanted) incidents.resize(wanted);
        const std::size_t returned = listed.records.size();
        more = returned >= wanted && (!listed.total || *listed.total > returned);
        if (more && incidents.empty())
            throw ConnectorError(fmt::format(
                "connector '{}': listing changed incidents: ServiceNow returned {} incidents, none after the watermark "
                "({}, {}), so paging would not move on; the instance ignored part of the query: check the filter's "
                "field names (ServiceNow drops a condition on a field it does not know) and that the integration user "
                "may read sys_updated_on and sys_id",
                name(), returned, sn::format_time(from.updated_at), from.last_id));
        return incidents;
    }

    host::OwnedIncident map(const nlohmann::json &record) const
    {
        try {
            host::OwnedIncident incident = sn::map_incident(record, name(), config_.display_values);
            if (incident.updated_at == SL_TIMESTAMP_NONE)
                throw std::invalid_argument(fmt::format("incident {} came without sys_updated_on", incident.number));
            return incident;
        } catch (const std::exception &e) {
            throw ConnectorError(fmt::format("connector '{}': reading an incident: {}; the integration user needs read "
                                             "access to the incident fields listed in docs/connectors/servicenow.md",
                                             name(), e.what()));
        }
    }

    // The instance's u_ columns on incident (and task), so that a pull asks
    // for them by name. Read on every pull: an admin may add one at any
    // time, and it is one small request. Without read access to
    // sys_dictionary the pull goes on without custom fields.
    std::vector<std::string> custom_columns()
    {
        static constexpr std::string_view what = "reading the incident table's u_ columns from sys_dictionary";
        http::Response response;
        try {
            response = api_.client().send(get(
                "sys_dictionary",
                {{"sysparm_query", sn::custom_columns()}, {"sysparm_fields", "element"}, {"sysparm_limit", "1000"}}));
        } catch (const http::TransportError &e) {
            throw ConnectorError(fmt::format("connector '{}': {}: {}", name(), what, e.what()));
        } catch (const http::OAuth2Error &e) {
            throw ConnectorError(fmt::format("connector '{}': {}: {}", name(), what, e.what()));
        }
        if (response.status == 403) {
            if (!warned_no_dictionary_)
                spdlog::warn("{}; custom u_ fields are not synced until the integration user may read sys_dictionary",
                             api_.describe(response, what));
            warned_no_dictionary_ = true;
            return {};
        }
        if (!response.ok()) throw ConnectorError(api_.describe(response, what));
        const nlohmann::json body = parse_json(name(), what, response);
        std::set<std::string> columns;
        for (const nlohmann::json &record : body.value("result", nlohmann::json::array())) {
            const std::string column = sn::stored_value(record, "element");
            if (column.starts_with("u_") && plain_name(column)) columns.insert(column);
        }
        return {columns.begin(), columns.end()};
    }

    // Every journal entry of these incidents, a few requests for the whole
    // page rather than one per incident.
    void attach_comments(std::vector<host::OwnedIncident> &incidents)
    {
        std::map<std::string, host::OwnedIncident *> by_id;
        for (host::OwnedIncident &incident : incidents) by_id[incident.id] = &incident;
        for (std::size_t first = 0; first < incidents.size(); first += journal_ids_per_request) {
            std::vector<std::string> ids;
            for (std::size_t i = first; i < std::min(incidents.size(), first + journal_ids_per_request); ++i)
                ids.push_back(incidents[i].id);
            for_each_journal_entry(sn::journal_of(ids), "reading comments and work notes",
                                   [&](const nlohmann::json &record) {
                                       const auto it = by_id.find(sn::stored_value(record, "element_id"));
                                       if (it != by_id.end())
                                           it->second->comments.push_back(sn::map_journal_entry(record));
                                   });
        }
    }

    // Pages through sys_journal_field by offset. The journal only grows, and
    // ordered by creation an entry added while paging lands at the end or,
    // within the same second, repeats one already read (skipped by sys_id):
    // offsets lose nothing here, unlike on incidents, which move when updated.
    template <typename Visit> void for_each_journal_entry(const std::string &query, std::string_view what, Visit visit)
    {
        const std::size_t limit = std::clamp<std::size_t>(page_size_ * 10, 100, 10'000);
        std::set<std::string> seen;
        for (std::size_t offset = 0;;) {
            const ListPage page = list("sys_journal_field",
                                       {{"sysparm_query", query},
                                        {"sysparm_fields", journal_fields},
                                        {"sysparm_limit", std::to_string(limit)},
                                        {"sysparm_offset", std::to_string(offset)},
                                        {"sysparm_display_value", "false"}},
                                       what);
            std::size_t fresh = 0;
            for (const nlohmann::json &record : page.records) {
                if (!seen.insert(sn::stored_value(record, "sys_id")).second) continue;
                ++fresh;
                try {
                    visit(record);
                } catch (const std::invalid_argument &e) {
                    throw ConnectorError(fmt::format("connector '{}': {}: {}", name(), what, e.what()));
                }
            }
            offset += page.records.size();
            if (page.records.size() < limit || fresh == 0 || (page.total && offset >= *page.total)) return;
        }
    }

    bool note_already_there(const store::OutboxEntry &entry)
    {
        bool found = false;
        for_each_journal_entry(sn::work_notes_of(entry.incident_id), "looking for the note among the work notes",
                               [&](const nlohmann::json &record) {
                                   found =
                                       found || has_marker(sn::stored_value(record, "value"), entry.idempotency_key);
                               });
        return found;
    }

    http::Request patch(const store::OutboxEntry &entry, const nlohmann::json &body, std::string fields) const
    {
        http::Request request;
        request.method = "PATCH";
        request.url = fmt::format("{}incident/{}", table_api, entry.incident_id);
        request.query = {{"sysparm_fields", std::move(fields)}, {"sysparm_exclude_reference_link", "true"}};
        request.headers = {{"Accept", "application/json"}, {"Content-Type", "application/json"}};
        request.body = body.dump();
        return request;
    }

    // A work note is a journal entry: writing it twice shows it twice, so the
    // marker is looked for first (a repeat after a crash or a timed-out PATCH).
    void write_note(const store::OutboxEntry &entry)
    {
        if (note_already_there(entry)) return;
        const nlohmann::json body = {{"work_notes", note_with_marker(entry.body, entry.idempotency_key)}};
        api_.call(patch(entry, body, "sys_id"), fmt::format("adding a work note to incident {}", entry.incident_id),
                  true);
    }

    // ServiceNow answers 200 to a PATCH naming a field the table does not
    // have (or one an ACL keeps the user from writing), and drops it: the
    // field asked back in sysparm_fields is missing from the answer then.
    void write_field(const store::OutboxEntry &entry)
    {
        const std::string what = fmt::format("setting field '{}' of incident {}", entry.field, entry.incident_id);
        if (!plain_name(entry.field))
            throw host::WriteBackRejected(
                fmt::format("connector '{}': {}: '{}' is not a ServiceNow column name; check the "
                            "write_back field (like u_sentiment)",
                            name(), what, entry.field));
        const nlohmann::json answer =
            api_.call(patch(entry, {{entry.field, entry.body}}, fmt::format("sys_id,{}", entry.field)), what, true);
        const nlohmann::json record = answer.value("result", nlohmann::json::object());
        if (!record.is_object() || !record.contains(entry.field))
            throw host::WriteBackRejected(fmt::format(
                "connector '{}': {}: ServiceNow accepted the update but the incident has no field '{}' (it ignores "
                "fields it does not know); check the field exists on the incident table and the integration user may "
                "write it",
                name(), what, entry.field));
        if (const std::string now = sn::stored_value(record, entry.field); now != entry.body)
            spdlog::warn(
                "connector '{}': {}: the field reads '{}' after the write, not the value sent; a business rule, "
                "a choice list or the field's length may have changed it",
                name(), what, now);
    }

    config::ConnectorConfig config_;
    std::vector<std::string> filter_;
    std::size_t page_size_;
    VendorApi api_;
    bool warned_no_dictionary_ = false;
};

} // namespace

std::unique_ptr<host::Connector> make_servicenow_connector(const config::ConnectorConfig &config)
{
    return std::make_unique<ServiceNowConnector>(config);
}

} // namespace servicelens::connectors
