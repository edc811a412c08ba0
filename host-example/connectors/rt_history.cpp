#include "rt_history.hpp"

#include "json_fields.hpp"
#include "rt_rest.hpp"
#include "rt_ticket_sql.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace servicelens::connectors::rt {

namespace {

constexpr int per_page = 100; // RT's maximum
constexpr std::size_t transactions_per_search = 250;

// A Create, Correspond or Comment transaction, and the text of its message.
struct Message {
    std::string ticket, type, author;
    sl_timestamp_t at = SL_TIMESTAMP_NONE;
    std::string text, headers;
    bool has_text = false;
};

int64_t number_of(const std::string &id)
{
    try {
        return std::stoll(id);
    } catch (const std::exception &) {
        return -1;
    }
}

// Each step of a keyset loop must move forward, or RT ignored the condition
// and the loop would never end.
void require_progress(const VendorApi &api, std::string_view what, int64_t before, int64_t after)
{
    if (after <= before)
        throw ConnectorError(fmt::format("connector '{}': {}: RT answered a next page that does not start after id {} "
                                         "(it ends at {}); RT did not apply the search condition",
                                         api.connector(), what, before, after));
}

void read_transactions(VendorApi &api, std::span<const std::string> ticket_ids, std::map<int64_t, Message> &messages)
{
    const std::string what = fmt::format("reading the messages of {} ticket(s)", ticket_ids.size());
    int64_t after = 0;
    for (;;) {
        http::Request request{.url = "/transactions"};
        request.query = {{"query", messages_of(ticket_ids, after ? std::to_string(after) : "")},
                         {"fields", "Type,Created,Creator,ObjectId"},
                         {"fields[Creator]", "Name,EmailAddress"},
                         {"orderby", "id"},
                         {"order", "ASC"},
                         {"per_page", std::to_string(per_page)}};
        const nlohmann::json page = api.call(request, what);
        const nlohmann::json &items = items_of(page, api.connector(), what);
        int64_t last = after;
        for (const auto &item : items) {
            const int64_t id = number_of(id_text(member(item, "id")));
            if (id <= 0) continue;
            Message &m = messages[id];
            m.ticket = id_text(member(item, "ObjectId"));
            m.type = text_at(item, "Type");
            m.at = time_of(member(item, "Created"));
            const nlohmann::json &creator = member(item, "Creator");
            m.author = text_at(creator, "EmailAddress").empty() ? id_text(creator) : text_at(creator, "EmailAddress");
            last = std::max(last, id);
        }
        // Until an empty page, not until next_page stops: RT leaves next_page
        // (and total) out for a user without SuperUser, and a page cut short
        // by rights is not the end either.
        if (items.empty()) return;
        require_progress(api, what, after, last);
        after = last;
    }
}

// One condition of an RT JSON search.
nlohmann::json condition(const char *field, const char *op, nlohmann::json value)
{
    return {{"field", field}, {"operator", op}, {"value", std::move(value)}};
}

// The first text/plain part of each message that is not a file attached to
// it: the message body as the author wrote it (HTML mail carries a
// text/plain alternative RT keeps beside it).
void read_texts(VendorApi &api, std::span<const int64_t> transactions, std::map<int64_t, Message> &messages)
{
    const std::string what = fmt::format("reading the text of {} message(s)", transactions.size());
    int64_t after = 0;
    for (;;) {
        const nlohmann::json search = nlohmann::json::array(
            {condition("TransactionId", "IN", std::vector<int64_t>(transactions.begin(), transactions.end())),
             condition("ContentType", "=", "text/plain"), condition("id", ">", after)});
        http::Request request = json_request("POST", "/attachments", search);
        request.query = {{"fields", "TransactionId,ContentType,Filename,Headers,Content"},
                         {"orderby", "id"},
                         {"order", "ASC"},
                         {"per_page", std::to_string(per_page)}};
        request.idempotent = true; // a search: repeating it changes nothing
        const nlohmann::json page = api.call(request, what);
        const nlohmann::json &items = items_of(page, api.connector(), what);
        int64_t last = after;
        for (const auto &item : items) {
            last = std::max(last, number_of(id_text(member(item, "id"))));
            if (!text_at(item, "Filename").empty()) continue;
            const auto it = messages.find(number_of(id_text(member(item, "TransactionId"))));
            if (it == messages.end() || it->second.has_text) continue;
            it->second.text = text_at(item, "Content");
            it->second.headers = text_at(item, "Headers");
            it->second.has_text = true;
        }
        // Until an empty page, not until next_page stops: RT leaves next_page
        // (and total) out for a user without SuperUser, and a page cut short
        // by rights is not the end either.
        if (items.empty()) return;
        require_progress(api, what, after, last);
        after = last;
    }
}

// The value of one header in an attachment's header block ("Name: value" lines).
std::string header_value(std::string_view headers, std::string_view name)
{
    for (std::size_t start = 0; start < headers.size();) {
        const std::size_t end = std::min(headers.find('\n', start), headers.size());
        const std::string_view line = headers.substr(start, end - start);
        if (line.size() > name.size() && line[name.size()] == ':' && line.substr(0, name.size()) == name) {
            std::string_view value = line.substr(name.size() + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.remove_suffix(1);
            return std::string(value);
        }
        start = end + 1;
    }
    return {};
}

} // namespace

std::map<std::string, TicketHistory> read_histories(VendorApi &api, std::span<const std::string> ticket_ids)
{
    std::map<std::string, TicketHistory> histories;
    if (ticket_ids.empty()) return histories;
    std::map<int64_t, Message> messages; // by transaction id: the order they were made in
    read_transactions(api, ticket_ids, messages);

    std::vector<int64_t> ids;
    for (const auto &[id, m] : messages) ids.push_back(id);
    for (std::size_t from = 0; from < ids.size(); from += transactions_per_search)
        read_texts(api, std::span(ids).subspan(from, std::min(transactions_per_search, ids.size() - from)), messages);

    for (auto &[id, m] : messages) {
        TicketHistory &h = histories[m.ticket];
        if (m.type == "Create") {
            h.description = std::move(m.text);
            h.contact_type = contact_type_of_interface(header_value(m.headers, "X-RT-Interface"));
        } else {
            h.comments.push_back({std::to_string(id), std::move(m.author), std::move(m.text),
                                  m.type == "Comment" ? SL_VISIBILITY_INTERNAL : SL_VISIBILITY_PUBLIC, m.at});
        }
    }
    return histories;
}

} // namespace servicelens::connectors::rt
