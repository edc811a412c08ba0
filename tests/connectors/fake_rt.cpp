#include "fake_rt.hpp"

#include "fake_rt_query.hpp"
#include "vendor_fakes.hpp"

#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <sstream>

namespace servicelens::fakes {

namespace {

using nlohmann::json;

constexpr const char *json_type = "application/json; charset=\"utf-8\"";

// --- How a FakeTicket looks in RT ---------------------------------------------

std::string status_of(const std::string &state)
{
    if (state == "in_progress") return "open";
    if (state == "on_hold") return "stalled";
    if (state == "resolved" || state == "closed") return "resolved";
    if (state == "cancelled") return "rejected";
    return "new";
}

// The inverse of the connector's bands (docs/connectors/rt.md): RT 5's
// High (100), Medium (50) and Low (0) labels, and values between them.
int rt_priority_of(int canonical)
{
    switch (canonical) {
    case 1:
        return 100;
    case 2:
        return 75;
    case 3:
        return 50;
    case 4:
        return 10;
    default:
        return -5;
    }
}

std::string iso(int64_t ms)
{
    using namespace std::chrono;
    return date::format("%Y-%m-%dT%H:%M:%SZ",
                        floor<seconds>(sys_time<milliseconds>(milliseconds(std::max<int64_t>(ms, 0)))));
}

std::string seconds_text(int64_t ms)
{
    return std::to_string(ms / 1000);
}

int64_t ticket_number(const std::string &id)
{
    try {
        return std::stoll(id);
    } catch (const std::exception &) {
        return 0;
    }
}

std::vector<std::string> split(const std::string &list)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(list);
    while (std::getline(in, item, ',')) out.push_back(item);
    return out;
}

bool wants(const std::vector<std::string> &fields, std::string_view field)
{
    return std::find(fields.begin(), fields.end(), field) != fields.end();
}

// A transaction of a ticket's history, with the attachments RT keeps for it.
struct Attachment {
    int64_t id;
    std::string content_type, filename, content, headers;
};

struct Transaction {
    int64_t id;
    std::string ticket, type, creator;
    int64_t created_ms;
    std::vector<Attachment> attachments;
};

std::string interface_of(const std::string &channel)
{
    if (channel == "email") return "Email";
    if (channel == "portal") return "Web";
    return "REST";
}

std::string headers_for(const std::string &interface, std::size_t length)
{
    return fmt::format("Content-Disposition: inline\nX-RT-Interface: {}\nContent-Type: text/plain; "
                       "charset=\"utf-8\"\nMIME-Version: 1.0\nContent-Length: {}",
                       interface, length);
}

// The history RT would hold: Create (the description; a multipart message
// with an HTML alternative and, on even tickets, a text file attached), an
// EmailRecord, and per comment a Comment or Correspond followed by a Status
// change — transaction ids in the order things happened, 1000 per ticket.
std::vector<Transaction> history_of(const FakeTicket &t)
{
    const int64_t base = ticket_number(t.id) * 1000;
    std::vector<Transaction> out;
    Transaction create{base, t.id, "Create", t.caller_email, t.opened_at, {}};
    const int64_t a = create.id * 10;
    create.attachments.push_back({a, "multipart/mixed", "", "", "Content-Type: multipart/mixed"});
    create.attachments.push_back(
        {a + 1, "text/plain", "", t.description, headers_for(interface_of(t.channel), t.description.size())});
    create.attachments.push_back({a + 2, "text/html", "", "<p>" + t.description + "</p>", "Content-Type: text/html"});
    if (ticket_number(t.id) % 2 == 0)
        create.attachments.push_back(
            {a + 3, "text/plain", "error.log", "ERROR disk full", "Content-Disposition: attachment"});
    out.push_back(std::move(create));
    out.push_back({base + 1, t.id, "EmailRecord", "RT_System", t.opened_at, {}});
    for (std::size_t c = 0; c < t.comments.size(); ++c) {
        const FakeComment &comment = t.comments[c];
        const int64_t id = base + 2 + 2 * static_cast<int64_t>(c);
        out.push_back({id,
                       t.id,
                       comment.internal ? "Comment" : "Correspond",
                       comment.author,
                       comment.created_at,
                       {{id * 10 + 1, "text/plain", "", comment.body, headers_for("Web", comment.body.size())}}});
        out.push_back({id + 1, t.id, "Status", "RT_System", comment.created_at, {}});
    }
    return out;
}

// --- Collections ----------------------------------------------------------------

struct Paging {
    int page = 1, per_page = 20;
};

Paging paging_of(const httplib::Request &request)
{
    Paging p;
    if (request.has_param("per_page"))
        p.per_page = std::clamp(std::atoi(request.get_param_value("per_page").c_str()), 1, 100);
    if (request.has_param("page")) p.page = std::max(1, std::atoi(request.get_param_value("page").c_str()));
    return p;
}

// {total, count, page, pages, per_page, next_page, prev_page, items} for one
// page of `all`, each item made by `render`.
template <class T, class Render>
json collection(const httplib::Request &request, const std::string &base_url, const std::vector<T> &all, Render render)
{
    const Paging p = paging_of(request);
    const std::size_t total = all.size();
    const std::size_t pages = (total + p.per_page - 1) / p.per_page;
    json items = json::array();
    for (std::size_t i = static_cast<std::size_t>(p.page - 1) * p.per_page;
         i < total && items.size() < static_cast<std::size_t>(p.per_page); ++i)
        items.push_back(render(all[i]));
    json out = {
        {"total", total}, {"count", items.size()}, {"page", p.page}, {"per_page", p.per_page}, {"items", items}};
    out["pages"] = total == 0 ? json(0.0) : json(pages); // RT writes 0.0 for an empty result
    const auto page_url = [&](int page) {
        std::string url = base_url + request.path + "?";
        for (const auto &[key, value] : request.params)
            if (key != "page")
                url +=
                    httplib::detail::encode_query_param(key) + "=" + httplib::detail::encode_query_param(value) + "&";
        return url + "page=" + std::to_string(page);
    };
    if (static_cast<std::size_t>(p.page) < pages) out["next_page"] = page_url(p.page + 1);
    if (p.page > 1) out["prev_page"] = page_url(p.page - 1);
    return out;
}

// orderby/order pairs, in the order given; id ascending when none.
std::vector<std::pair<std::string, bool>> ordering_of(const httplib::Request &request)
{
    std::vector<std::pair<std::string, bool>> keys;
    const std::size_t n = request.get_param_value_count("orderby");
    for (std::size_t i = 0; i < n; ++i) {
        const bool descending =
            i < request.get_param_value_count("order") && request.get_param_value("order", i) == "DESC";
        keys.emplace_back(request.get_param_value("orderby", i), descending);
    }
    if (keys.empty()) keys.emplace_back("id", false);
    return keys;
}

int64_t sort_value(const FakeTicket &t, const std::string &key)
{
    if (key == "LastUpdated") return t.updated_at / 1000; // RT keeps seconds
    if (key == "Created") return t.opened_at / 1000;
    if (key == "Priority") return rt_priority_of(t.priority);
    return ticket_number(t.id);
}

json user_json(const std::string &base_url, const std::string &name, const std::string &real_name,
               const std::vector<std::string> &subfields)
{
    json u = {{"id", name}, {"type", "user"}, {"_url", base_url + "/REST/2.0/user/" + name}};
    if (wants(subfields, "Name")) u["Name"] = name;
    if (wants(subfields, "EmailAddress")) u["EmailAddress"] = name.find('@') == std::string::npos ? "" : name;
    if (wants(subfields, "RealName")) u["RealName"] = real_name;
    return u;
}

std::string subfields_param(const httplib::Request &request, const std::string &field)
{
    const std::string key = "fields[" + field + "]";
    return request.has_param(key) ? request.get_param_value(key) : std::string();
}

bool is_json(const httplib::Request &request)
{
    return request.get_header_value("Content-Type").rfind("application/json", 0) == 0;
}

} // namespace

// --- The server -------------------------------------------------------------------

config::ConnectorConfig FakeRt::connector_config(const std::string &name) const
{
    return config_for(name, "rt", "basic", {{"username", user}, {"password", password}});
}

void FakeRt::hide_tickets_from(int first, int last)
{
    hidden_from_ = first;
    hidden_to_ = last;
}

std::pair<std::string, std::string> FakeRt::error_body(int status, const std::string &message) const
{
    return {json{{"message", status == 401 ? std::string("Unauthorized") : message}}.dump(), json_type};
}

bool FakeRt::authorized(const httplib::Request &request) const
{
    return has_basic_auth(request, user, password) ||
           request.get_header_value("Authorization") == std::string("token ") + token;
}

int FakeRt::id_of_name(std::map<std::string, int> &ids, const std::string &name, int first)
{
    std::lock_guard lock(names_mutex_);
    const auto [it, added] = ids.emplace(name, first + static_cast<int>(ids.size()));
    return it->second;
}

int FakeRt::queue_id(const std::string &name)
{
    return id_of_name(queue_ids_, name, 3);
} // 1 General, 2 ___Approvals
int FakeRt::field_id(const std::string &name)
{
    return id_of_name(field_ids_, name, 2);
}

void FakeRt::mount_routes()
{
    const auto bind = [this](void (FakeRt::*handler)(const httplib::Request &, httplib::Response &)) {
        return [this, handler](const httplib::Request &q, httplib::Response &r) { (this->*handler)(q, r); };
    };
    server_.Get("/REST/2.0/rt", [](const httplib::Request &, httplib::Response &r) {
        r.set_content(json{{"Version", "5.0.3+dfsg-3~deb12u6"}, {"Plugins", json::array()}}.dump(), json_type);
    });
    server_.Get("/REST/2.0/tickets", bind(&FakeRt::list_tickets));
    server_.Get("/REST/2.0/transactions", bind(&FakeRt::list_transactions));
    server_.Post("/REST/2.0/attachments", bind(&FakeRt::search_attachments));
    server_.Get(R"(/REST/2.0/ticket/(\w+))", bind(&FakeRt::get_ticket));
    server_.Put(R"(/REST/2.0/ticket/(\w+))", bind(&FakeRt::put_ticket));
    server_.Post(R"(/REST/2.0/ticket/(\w+)/comment)", bind(&FakeRt::comment));
    server_.set_error_handler([this](const httplib::Request &, httplib::Response &r) {
        if (r.body.empty()) send_error(r, r.status, r.status == 404 ? "Not Found" : "Error");
    });
}

void FakeRt::list_tickets(const httplib::Request &request, httplib::Response &response)
{
    std::optional<SqlQuery> query;
    try {
        query.emplace(request.get_param_value("query"), std::chrono::minutes(offset_minutes_.load()));
    } catch (const std::invalid_argument &e) {
        return send_error(response, 400, e.what());
    }
    const auto keys = ordering_of(request);
    std::vector<FakeTicket> found = desk_.sorted([&](const FakeTicket &a, const FakeTicket &b) {
        for (const auto &[key, descending] : keys) {
            const int64_t x = sort_value(a, key), y = sort_value(b, key);
            if (x != y) return descending ? x > y : x < y;
        }
        return false;
    });
    std::erase_if(found, [&](const FakeTicket &t) {
        return !query->matches({{"id", t.id},
                                {"LastUpdated", seconds_text(t.updated_at)},
                                {"Created", seconds_text(t.opened_at)},
                                {"Status", status_of(t.state)},
                                {"Queue", t.assignment_group},
                                {"Subject", t.title},
                                {"Priority", std::to_string(rt_priority_of(t.priority))}});
    });
    const std::vector<std::string> fields = split(request.get_param_value("fields"));
    const auto queue_sub = split(subfields_param(request, "Queue")),
               owner_sub = split(subfields_param(request, "Owner")),
               requestor_sub = split(subfields_param(request, "Requestors"));
    const std::string base = base_url();
    json body = collection(request, base, found, [&](const FakeTicket &t) {
        json item = {{"id", t.id}, {"type", "ticket"}, {"_url", base + "/REST/2.0/ticket/" + t.id}};
        const auto put = [&](const char *field, json value) {
            if (wants(fields, field)) item[field] = std::move(value);
        };
        put("Subject", t.title);
        put("Status", status_of(t.state));
        put("Priority", std::to_string(rt_priority_of(t.priority)));
        put("Created", iso(t.opened_at));
        put("LastUpdated", iso(t.updated_at));
        put("Resolved", iso(t.resolved_at));
        put("Started", iso(t.state == "new" ? 0 : t.opened_at));
        put("Due", iso(0));
        const std::string queue = t.assignment_group.empty() ? "General" : t.assignment_group;
        json q = {
            {"id", std::to_string(queue_id(queue))}, {"type", "queue"}, {"_url", base + "/REST/2.0/queue/" + queue}};
        if (wants(queue_sub, "Name")) q["Name"] = queue;
        put("Queue", q);
        put("Owner", user_json(base, "Nobody", "Nobody in particular", owner_sub));
        json requestors = json::array();
        if (!t.caller_email.empty())
            requestors.push_back(user_json(base, t.caller_email, t.caller_name, requestor_sub));
        put("Requestors", requestors);
        json cfs = json::array();
        for (const auto &[name, value] : t.fields)
            cfs.push_back(
                {{"id", std::to_string(field_id(name))}, {"name", name}, {"type", "customfield"}, {"values", {value}}});
        put("CustomFields", cfs);
        item["TimeWorked"] = "0"; // nobody asked: RT's callers must ignore what they do not read
        return item;
    });
    // Rights are applied after paging: a hidden ticket leaves a hole in its page.
    json &items = body["items"];
    const int hide_from = hidden_from_, hide_to = hidden_to_;
    items.erase(std::remove_if(items.begin(), items.end(),
                               [&](const json &i) {
                                   const int64_t n = ticket_number(i["id"].get<std::string>());
                                   return n >= hide_from && n <= hide_to;
                               }),
                items.end());
    body["count"] = items.size();
    response.set_content(body.dump(), json_type);
    // A page of a changed-since listing (oldest first), as the desk's hook counts them.
    if (!keys.empty() && keys.front().first == "LastUpdated" && !keys.front().second)
        desk_.list_page_served(list_pages_++);
}

void FakeRt::list_transactions(const httplib::Request &request, httplib::Response &response)
{
    std::optional<SqlQuery> query;
    try {
        query.emplace(request.get_param_value("query"), std::chrono::minutes(offset_minutes_.load()));
    } catch (const std::invalid_argument &e) {
        return send_error(response, 400, e.what());
    }
    std::vector<Transaction> found;
    for (const FakeTicket &t : desk_.sorted([](const FakeTicket &a, const FakeTicket &b) { return a.id < b.id; }))
        for (Transaction &x : history_of(t))
            if (query->matches({{"id", std::to_string(x.id)},
                                {"ObjectType", "RT::Ticket"},
                                {"ObjectId", x.ticket},
                                {"Type", x.type},
                                {"Created", seconds_text(x.created_ms)}}))
                found.push_back(std::move(x));
    const bool descending = ordering_of(request).front().second;
    std::sort(found.begin(), found.end(),
              [&](const auto &a, const auto &b) { return descending ? a.id > b.id : a.id < b.id; });
    const std::vector<std::string> fields = split(request.get_param_value("fields"));
    const auto creator_sub = split(subfields_param(request, "Creator"));
    const std::string base = base_url();
    response.set_content(collection(request, base, found,
                                    [&](const Transaction &x) {
                                        json item = {{"id", std::to_string(x.id)},
                                                     {"type", "transaction"},
                                                     {"_url", base + "/REST/2.0/transaction/" + std::to_string(x.id)}};
                                        if (wants(fields, "Type")) item["Type"] = x.type;
                                        if (wants(fields, "Created")) item["Created"] = iso(x.created_ms);
                                        if (wants(fields, "ObjectId")) item["ObjectId"] = x.ticket;
                                        if (wants(fields, "Creator"))
                                            item["Creator"] = user_json(base, x.creator, "", creator_sub);
                                        item["TimeTaken"] = "0";
                                        return item;
                                    })
                             .dump(),
                         json_type);
}

void FakeRt::search_attachments(const httplib::Request &request, httplib::Response &response)
{
    // RT reads the search only from a JSON body; any other body searches for nothing.
    json conditions = json::array();
    if (is_json(request)) {
        try {
            conditions = json::parse(request.body);
        } catch (const json::parse_error &e) {
            return send_error(response, 400, std::string("JSON parse error: ") + e.what());
        }
    }
    const auto holds = [&](const Attachment &a, const std::string &transaction) {
        for (const json &c : conditions) {
            const std::string field = c.value("field", ""), op = c.value("operator", "=");
            const json &value = c["value"];
            const auto number = [&](const json &v) {
                return v.is_number() ? v.get<int64_t>() : ticket_number(v.get<std::string>());
            };
            bool ok = true;
            if (field == "TransactionId" && (op == "IN" || op == "NOT IN")) {
                const int64_t t = ticket_number(transaction);
                const bool in = std::any_of(value.begin(), value.end(), [&](const json &v) { return number(v) == t; });
                ok = op == "IN" ? in : !in;
            } else if (field == "TransactionId") {
                ok = number(value) == ticket_number(transaction);
            } else if (field == "id") {
                const int64_t v = number(value);
                ok = op == ">" ? a.id > v : op == "<" ? a.id < v : op == ">=" ? a.id >= v : a.id == v;
            } else if (field == "ContentType") {
                ok = (a.content_type == value.get<std::string>()) == (op == "=");
            } else if (field == "Filename") {
                ok = (a.filename == value.get<std::string>()) == (op == "=");
            }
            if (!ok) return false;
        }
        return true;
    };
    std::vector<std::pair<Attachment, std::string>> found; // with its transaction id
    try {
        for (const FakeTicket &t : desk_.sorted([](const FakeTicket &a, const FakeTicket &b) { return a.id < b.id; }))
            for (const Transaction &x : history_of(t))
                for (const Attachment &a : x.attachments)
                    if (holds(a, std::to_string(x.id))) found.emplace_back(a, std::to_string(x.id));
    } catch (const json::exception &e) {
        return send_error(response, 400, std::string("Invalid search: ") + e.what());
    }
    std::sort(found.begin(), found.end(), [](const auto &a, const auto &b) { return a.first.id < b.first.id; });
    const std::vector<std::string> fields = split(request.get_param_value("fields"));
    const std::string base = base_url();
    response.set_content(collection(request, base, found,
                                    [&](const auto &entry) {
                                        const auto &[a, transaction] = entry;
                                        json item = {{"id", std::to_string(a.id)},
                                                     {"type", "attachment"},
                                                     {"_url", base + "/REST/2.0/attachment/" + std::to_string(a.id)}};
                                        if (wants(fields, "TransactionId")) item["TransactionId"] = transaction;
                                        if (wants(fields, "ContentType")) item["ContentType"] = a.content_type;
                                        if (wants(fields, "Filename")) item["Filename"] = a.filename;
                                        if (wants(fields, "Headers")) item["Headers"] = a.headers;
                                        if (wants(fields, "Content"))
                                            item["Content"] =
                                                a.content; // text here; base64 only in GET /attachment/{id}
                                        item["MessageId"] = "";
                                        return item;
                                    })
                             .dump(),
                         json_type);
}

void FakeRt::get_ticket(const httplib::Request &request, httplib::Response &response)
{
    const auto ticket = desk_.find(request.matches[1].str());
    if (!ticket) return send_error(response, 404, "Not Found");
    const FakeTicket &t = *ticket;
    const std::string base = base_url();
    json cfs = json::array();
    const auto add_field = [&](const std::string &name, json values) {
        cfs.push_back({{"id", std::to_string(field_id(name))},
                       {"name", name},
                       {"type", "customfield"},
                       {"_url", base + "/REST/2.0/customfield/" + std::to_string(field_id(name))},
                       {"values", values}});
    };
    for (const auto &[name, value] : t.fields) add_field(name, {value});
    json body = {{"id", ticket_number(t.id)}, // a number here, a string in collections
                 {"Subject", t.title},
                 {"Status", status_of(t.state)},
                 {"Priority", std::to_string(rt_priority_of(t.priority))},
                 {"InitialPriority", "0"},
                 {"Created", iso(t.opened_at)},
                 {"LastUpdated", iso(t.updated_at)},
                 {"Resolved", iso(t.resolved_at)},
                 {"Due", iso(0)},
                 {"Queue", {{"id", std::to_string(queue_id(t.assignment_group))}, {"type", "queue"}}},
                 {"CustomFields", cfs},
                 {"_hyperlinks", json::array({{{"ref", "self"}, {"type", "ticket"}, {"id", ticket_number(t.id)}}})}};
    response.set_header("ETag", fmt::format("\"{}\"", t.updated_at / 1000));
    response.set_content(body.dump(), json_type);
}

void FakeRt::put_ticket(const httplib::Request &request, httplib::Response &response)
{
    if (!is_json(request)) return send_error(response, 415, "Unsupported Media Type");
    json body;
    try {
        body = json::parse(request.body);
    } catch (const json::parse_error &e) {
        return send_error(response, 400, std::string("JSON parse error: ") + e.what());
    }
    const auto ticket = desk_.find(request.matches[1].str());
    if (!ticket) return send_error(response, 404, "Resource does not exist; use POST to create");
    json messages = json::array();
    const json fields = body.value("CustomFields", json::object());
    for (const auto &[name, value] : fields.items()) {
        // An unknown field, or one not applied to the queue: RT says nothing at all.
        if (!desk_.field_allowed(name) || !value.is_string()) continue;
        const std::string v = value.get<std::string>();
        const auto old = ticket->fields.find(name);
        if (old != ticket->fields.end() && old->second == v) continue; // unchanged: no message either
        if (!desk_.apply({ticket->id, "field", name, v}, now_ms()))    // deleted meanwhile
            return send_error(response, 404, "Resource does not exist; use POST to create");
        messages.push_back(old == ticket->fields.end() ? fmt::format("{} {} added", name, v)
                                                       : fmt::format("{} {} changed to {}", name, old->second, v));
    }
    response.set_content(messages.dump(), json_type);
}

void FakeRt::comment(const httplib::Request &request, httplib::Response &response)
{
    std::string content;
    const std::string type = request.get_header_value("Content-Type");
    if (type.rfind("text/plain", 0) == 0) {
        content = request.body;
    } else if (is_json(request)) {
        try {
            content = json::parse(request.body).value("Content", "");
        } catch (const json::exception &e) {
            return send_error(response, 400, std::string("JSON parse error: ") + e.what());
        }
    } else {
        return send_error(response, 415, "Unsupported Media Type");
    }
    if (!desk_.apply({request.matches[1].str(), "note", "", content}, now_ms()))
        return send_error(response, 400, "Message could not be recorded");
    response.status = 201;
    response.set_content(json::array({"Comments added"}).dump(), json_type);
}

std::unique_ptr<FakeVendorServer> make_fake_rt(FakeDesk &desk)
{
    return std::make_unique<FakeRt>(desk);
}

} // namespace servicelens::fakes
