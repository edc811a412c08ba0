// What every vendor fake shares: a desk of tickets in a neutral shape (each
// fake renders it in its vendor's JSON), an HTTP server on 127.0.0.1 with a
// free port, and faults a test can inject into the next requests: error
// statuses, 429 with Retry-After, slow answers, malformed JSON, expired
// credentials. Every request is recorded for the test to check.
#pragma once

#include <servicelens/config/host_config.hpp>

#include <httplib.h>
#include <nlohmann/json_fwd.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace servicelens::fakes {

struct FakeComment {
    std::string id;
    std::string author;            // an email
    std::string body;
    bool internal = false;         // work note / private comment
    int64_t created_at = 0;        // ms since the epoch, UTC, whole seconds
};

struct FakeTicket {
    std::string id;                // the vendor's record id (sys_id, issue id, ticket id)
    std::string number;            // what people quote (INC0010001, ITSM-17, 17)
    std::string title, description;
    std::string state = "new";     // canonical: new, in_progress, on_hold, resolved, closed, cancelled
    int priority = 3, impact = 2, urgency = 2;   // canonical 1..5, 1..3, 1..3
    std::string channel = "portal";              // phone, email, portal, walk_up, chat
    std::string caller_email, caller_name, assignment_group, category;
    int64_t opened_at = 0, updated_at = 0;       // ms, whole seconds
    int64_t resolved_at = 0;                     // 0: not resolved
    std::vector<FakeComment> comments;
    std::map<std::string, std::string> fields;   // custom fields by the vendor's name for them
    std::set<std::string> tags;
};

// One write the fake accepted, in the order it came.
struct FakeWrite {
    std::string ticket_id;
    std::string kind;              // note, field, tag
    std::string name;              // field name or tag; empty for a note
    std::string value;
};

// The tickets a fake serves. Thread-safe: the server thread reads it while
// the test changes it.
class FakeDesk {
public:
    // `count` believable tickets, one second apart from `start_ms`, each
    // with `comments_each` comments alternating public and internal. Ids are
    // made by `id_of(i)` (vendors differ: numbers, 32-hex sys_ids).
    void generate(int count, int64_t start_ms, int comments_each, const std::function<std::string(int)> &id_of,
                  const std::function<std::string(int)> &number_of);

    void put(FakeTicket ticket);
    // Moves the ticket's updated_at (and title) as an agent's edit would.
    void touch(const std::string &id, int64_t updated_at);
    void remove(const std::string &id);
    // The ticket is listed and read as usual, but is deleted the moment a
    // write arrives for it, which then fails as for a missing ticket: an
    // agent deleted it between our list and our write-back.
    void vanish_on_write(const std::string &id);
    // The custom fields a write may set; a write to another is the vendor's error.
    void allow_field(const std::string &name);
    bool field_allowed(const std::string &name) const;

    // Tickets ordered by (updated_at, id as the vendor orders it).
    std::vector<FakeTicket> sorted(const std::function<bool(const FakeTicket &, const FakeTicket &)> &less) const;
    std::optional<FakeTicket> find(const std::string &id) const;
    // Applies a write (note appended as an internal comment, field set, tag
    // added) and records it; false when the ticket does not exist.
    bool apply(const FakeWrite &write, int64_t now_ms);
    std::vector<FakeWrite> writes() const;
    std::size_t size() const;

    // Called by a fake after it served a page of a listing (0-based), with
    // no lock held: a test changes the desk "while the connector pages".
    void on_list_page(const std::function<void(int page)> &hook);
    void list_page_served(int page);

private:
    mutable std::mutex mutex_;
    std::map<std::string, FakeTicket> tickets_;
    std::set<std::string> allowed_fields_;
    std::set<std::string> vanishing_;
    std::vector<FakeWrite> writes_;
    std::function<void(int)> list_page_hook_;
};

class FakeVendorServer {
public:
    explicit FakeVendorServer(FakeDesk &desk);
    virtual ~FakeVendorServer();
    FakeVendorServer(const FakeVendorServer &) = delete;
    FakeVendorServer &operator=(const FakeVendorServer &) = delete;

    // Mounts the vendor's routes and listens on 127.0.0.1:<free port>.
    void start();
    // Stops listening and waits for the requests in hand. Call it before a
    // derived fake is destroyed: the base destructor's own stop() runs after
    // the derived members are gone, while a handler may still use them.
    void stop();
    std::string base_url() const;

    // A connector config (kind, base_url, auth the fake accepts) pointing here.
    virtual config::ConnectorConfig connector_config(const std::string &name) const = 0;

    // Faults for the next `count` requests whose path starts with `path_prefix`.
    void fail_next(int count, int status, const std::string &path_prefix = "");
    void throttle_next(int count, const std::string &retry_after, const std::string &path_prefix = "");
    void delay_next(int count, std::chrono::milliseconds delay, const std::string &path_prefix = "");
    void garble_next(int count, const std::string &path_prefix = "");
    // While set, every request gets the vendor's 401.
    void expire_credentials(bool expired);

    struct Seen {
        std::string method, path, query, authorization, body;
    };
    std::vector<Seen> requests() const;
    std::size_t count(const std::string &method, const std::string &path_prefix) const;

protected:
    FakeDesk &desk_;
    httplib::Server server_;

    virtual void mount_routes() = 0;
    // The vendor's error body and its content type for a status.
    virtual std::pair<std::string, std::string> error_body(int status, const std::string &message) const = 0;
    virtual bool authorized(const httplib::Request &request) const = 0;

    void send_error(httplib::Response &response, int status, const std::string &message) const;
    // Answers `body` as application/json with `status`: what most of a
    // vendor's replies are, its own error shapes included.
    static void reply_json(httplib::Response &response, int status, const nlohmann::json &body);
    static int64_t now_ms();

    // What every connector_config() starts from: `kind`, this server's
    // base_url, and the auth the fake's authorized() accepts.
    config::ConnectorConfig config_for(const std::string &name, const std::string &kind, const std::string &auth_type,
                                       std::map<std::string, std::string> auth_fields) const;
    // True when the request's Authorization header is HTTP basic auth for
    // exactly `user` and `password` (the vendors differ only in what they
    // put in each: a user name, an email, "email/token").
    static bool has_basic_auth(const httplib::Request &request, const std::string &user, const std::string &password);

private:
    struct Fault {
        enum class Kind { fail, throttle, delay, garble } kind;
        int remaining;
        int status;
        std::string retry_after;
        std::chrono::milliseconds delay;
        std::string path_prefix;
    };
    httplib::Server::HandlerResponse before_route(const httplib::Request &request, httplib::Response &response);
    void record(const httplib::Request &request);

    mutable std::mutex mutex_;
    std::vector<Fault> faults_;
    std::vector<Seen> seen_;
    bool expired_ = false;
    int port_ = 0;
    std::thread thread_;
};

} // namespace servicelens::fakes
