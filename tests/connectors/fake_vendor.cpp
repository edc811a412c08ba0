#include "fake_vendor.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace servicelens::fakes {

// --- FakeDesk ---------------------------------------------------------------

void FakeDesk::generate(int count, int64_t start_ms, int comments_each, const std::function<std::string(int)> &id_of,
                        const std::function<std::string(int)> &number_of)
{
    static constexpr const char *channels[] = {"phone", "email", "portal", "walk_up", "chat"};
    static constexpr const char *states[] = {"new", "in_progress", "resolved"};
    static constexpr const char *groups[] = {"Service Desk", "Network", "Workplace"};
    static constexpr const char *remarks[] = {"The VPN keeps dropping, this is really frustrating.",
                                              "Thank you, fixed quickly!", "Still broken after the reboot.",
                                              "Works now, great support."};
    for (int i = 0; i < count; ++i) {
        FakeTicket t;
        t.id = id_of(i);
        t.number = number_of(i);
        t.title = fmt::format("Laptop issue {}", i);
        t.description = fmt::format("Reported by user{} at the front desk", i);
        t.state = states[i % 3];
        t.priority = 1 + i % 4;
        t.impact = 1 + i % 3;
        t.urgency = 1 + (i / 3) % 3;
        t.channel = channels[i % 5];
        t.caller_email = fmt::format("user{}@example.com", i);
        t.caller_name = fmt::format("User {}", i);
        t.assignment_group = groups[i % 3];
        t.category = "hardware";
        t.opened_at = start_ms + int64_t{i} * 1000 - 3'600'000;
        t.updated_at = start_ms + int64_t{i} * 1000;
        if (t.state == "resolved") t.resolved_at = t.updated_at;
        for (int c = 0; c < comments_each; ++c)
            t.comments.push_back({fmt::format("{}-c{}", t.id, c), t.caller_email, remarks[(i + c) % 4], c % 2 == 1,
                                  t.opened_at + int64_t{c + 1} * 1000});
        put(std::move(t));
    }
}

void FakeDesk::put(FakeTicket ticket)
{
    std::lock_guard lock(mutex_);
    const std::string id = ticket.id;
    tickets_[id] = std::move(ticket);
}

void FakeDesk::touch(const std::string &id, int64_t updated_at)
{
    std::lock_guard lock(mutex_);
    const auto it = tickets_.find(id);
    if (it == tickets_.end()) throw std::invalid_argument("FakeDesk::touch: no ticket " + id);
    it->second.updated_at = updated_at;
    it->second.title += " (edited)";
}

void FakeDesk::remove(const std::string &id)
{
    std::lock_guard lock(mutex_);
    tickets_.erase(id);
}

void FakeDesk::vanish_on_write(const std::string &id)
{
    std::lock_guard lock(mutex_);
    vanishing_.insert(id);
}

void FakeDesk::allow_field(const std::string &name)
{
    std::lock_guard lock(mutex_);
    allowed_fields_.insert(name);
}

bool FakeDesk::field_allowed(const std::string &name) const
{
    std::lock_guard lock(mutex_);
    return allowed_fields_.count(name) > 0;
}

std::vector<FakeTicket> FakeDesk::sorted(const std::function<bool(const FakeTicket &, const FakeTicket &)> &less) const
{
    std::vector<FakeTicket> all;
    {
        std::lock_guard lock(mutex_);
        all.reserve(tickets_.size());
        for (const auto &[id, t] : tickets_) all.push_back(t);
    }
    std::sort(all.begin(), all.end(), less);
    return all;
}

std::optional<FakeTicket> FakeDesk::find(const std::string &id) const
{
    std::lock_guard lock(mutex_);
    const auto it = tickets_.find(id);
    if (it == tickets_.end()) return std::nullopt;
    return it->second;
}

bool FakeDesk::apply(const FakeWrite &write, int64_t now_ms)
{
    std::lock_guard lock(mutex_);
    if (vanishing_.count(write.ticket_id)) tickets_.erase(write.ticket_id);
    const auto it = tickets_.find(write.ticket_id);
    if (it == tickets_.end()) return false;
    FakeTicket &t = it->second;
    if (write.kind == "note")
        t.comments.push_back({fmt::format("{}-n{}", t.id, t.comments.size()), "servicelens@example.com", write.value,
                              true, now_ms});
    else if (write.kind == "field")
        t.fields[write.name] = write.value;
    else if (write.kind == "tag")
        t.tags.insert(write.name);
    else
        throw std::invalid_argument("FakeDesk::apply: unknown kind " + write.kind);
    // A write is an update, as on every platform: the ticket comes back in the next pull.
    t.updated_at = std::max(t.updated_at, now_ms - now_ms % 1000);
    writes_.push_back(write);
    return true;
}

std::vector<FakeWrite> FakeDesk::writes() const
{
    std::lock_guard lock(mutex_);
    return writes_;
}

std::size_t FakeDesk::size() const
{
    std::lock_guard lock(mutex_);
    return tickets_.size();
}

void FakeDesk::on_list_page(const std::function<void(int)> &hook)
{
    std::lock_guard lock(mutex_);
    list_page_hook_ = hook;
}

void FakeDesk::list_page_served(int page)
{
    std::function<void(int)> hook;
    {
        std::lock_guard lock(mutex_);
        hook = list_page_hook_;
    }
    if (hook) hook(page);
}

// --- FakeVendorServer --------------------------------------------------------

FakeVendorServer::FakeVendorServer(FakeDesk &desk) : desk_(desk) {}

FakeVendorServer::~FakeVendorServer() { stop(); }

void FakeVendorServer::start()
{
    server_.set_pre_routing_handler(
        [this](const httplib::Request &request, httplib::Response &response) { return before_route(request, response); });
    // Recorded after routing: cpp-httplib reads the body only after the
    // pre-routing handler ran.
    server_.set_post_routing_handler([this](const httplib::Request &request, const httplib::Response &) { record(request); });
    mount_routes();
    // Without it every answer after the first on a kept-alive connection
    // waits ~40 ms for Nagle's algorithm, which the real vendors do not.
    server_.set_tcp_nodelay(true);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("fake vendor server: could not bind a port on 127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() before the thread runs would find the server not running yet,
    // do nothing, and leave join() waiting on a server that then listens
    // forever: wait (boundedly) until it runs.
    for (int i = 0; i < 2000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (!server_.is_running()) throw std::runtime_error("fake vendor server: did not start listening within 2 s");
}

void FakeVendorServer::stop()
{
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
}

std::string FakeVendorServer::base_url() const { return fmt::format("http://127.0.0.1:{}", port_); }

void FakeVendorServer::fail_next(int count, int status, const std::string &path_prefix)
{
    std::lock_guard lock(mutex_);
    faults_.push_back({Fault::Kind::fail, count, status, {}, {}, path_prefix});
}

void FakeVendorServer::throttle_next(int count, const std::string &retry_after, const std::string &path_prefix)
{
    std::lock_guard lock(mutex_);
    faults_.push_back({Fault::Kind::throttle, count, 429, retry_after, {}, path_prefix});
}

void FakeVendorServer::delay_next(int count, std::chrono::milliseconds delay, const std::string &path_prefix)
{
    std::lock_guard lock(mutex_);
    faults_.push_back({Fault::Kind::delay, count, 0, {}, delay, path_prefix});
}

void FakeVendorServer::garble_next(int count, const std::string &path_prefix)
{
    std::lock_guard lock(mutex_);
    faults_.push_back({Fault::Kind::garble, count, 200, {}, {}, path_prefix});
}

void FakeVendorServer::expire_credentials(bool expired)
{
    std::lock_guard lock(mutex_);
    expired_ = expired;
}

std::vector<FakeVendorServer::Seen> FakeVendorServer::requests() const
{
    std::lock_guard lock(mutex_);
    return seen_;
}

std::size_t FakeVendorServer::count(const std::string &method, const std::string &path_prefix) const
{
    std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(seen_.begin(), seen_.end(), [&](const Seen &s) {
        return s.method == method && s.path.rfind(path_prefix, 0) == 0;
    }));
}

void FakeVendorServer::send_error(httplib::Response &response, int status, const std::string &message) const
{
    auto [body, content_type] = error_body(status, message);
    response.status = status;
    response.set_content(body, content_type.c_str());
}

void FakeVendorServer::reply_json(httplib::Response &response, int status, const nlohmann::json &body)
{
    response.status = status;
    response.set_content(body.dump(), "application/json");
}

config::ConnectorConfig FakeVendorServer::config_for(const std::string &name, const std::string &kind,
                                                     const std::string &auth_type,
                                                     std::map<std::string, std::string> auth_fields) const
{
    config::ConnectorConfig c;
    c.name = name;
    c.kind = kind;
    c.base_url = base_url();
    c.auth.type = auth_type;
    c.auth.fields = std::move(auth_fields);
    return c;
}

bool FakeVendorServer::has_basic_auth(const httplib::Request &request, const std::string &user,
                                      const std::string &password)
{
    return request.get_header_value("Authorization") ==
           httplib::make_basic_authentication_header(user, password).second;
}

int64_t FakeVendorServer::now_ms()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

void FakeVendorServer::record(const httplib::Request &request)
{
    std::string query;
    for (const auto &[key, value] : request.params) query += (query.empty() ? "" : "&") + key + "=" + value;
    std::lock_guard lock(mutex_);
    seen_.push_back({request.method, request.path, query, request.get_header_value("Authorization"), request.body});
}

httplib::Server::HandlerResponse FakeVendorServer::before_route(const httplib::Request &request,
                                                                 httplib::Response &response)
{
    std::optional<Fault> fault;
    bool expired = false;
    {
        std::lock_guard lock(mutex_);
        expired = expired_;
        for (auto it = faults_.begin(); it != faults_.end(); ++it) {
            if (request.path.rfind(it->path_prefix, 0) != 0) continue;
            fault = *it;
            if (--it->remaining == 0) faults_.erase(it);
            break;
        }
    }
    if (expired || !authorized(request)) {
        send_error(response, 401, "Authentication failed");
        return httplib::Server::HandlerResponse::Handled;
    }
    if (!fault) return httplib::Server::HandlerResponse::Unhandled;
    switch (fault->kind) {
    case Fault::Kind::fail:
        send_error(response, fault->status, "Injected failure");
        return httplib::Server::HandlerResponse::Handled;
    case Fault::Kind::throttle:
        response.set_header("Retry-After", fault->retry_after);
        send_error(response, 429, "Too many requests");
        return httplib::Server::HandlerResponse::Handled;
    case Fault::Kind::delay:
        std::this_thread::sleep_for(fault->delay);
        return httplib::Server::HandlerResponse::Unhandled;
    case Fault::Kind::garble:
        response.status = 200;
        response.set_content(R"({"result": [{"truncated": tr)", "application/json");
        return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
}

} // namespace servicelens::fakes
