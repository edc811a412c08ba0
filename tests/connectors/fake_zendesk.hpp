// A Zendesk Support account on 127.0.0.1, as documented: the cursor-based
// incremental ticket export (start_time, then after_cursor until
// end_of_stream; ordered by generated_timestamp; deleted tickets once more
// with status "deleted"; users, groups and metric_sets sideloads), ticket
// comments (cursor pages, the description as the first comment, public
// flags), ticket updates (private comment, custom fields) and tags. Tickets
// render with unexpected extra fields; the 429 body is text/plain.
#pragma once

#include "fake_vendor.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace servicelens::fakes {

class FakeZendesk : public FakeVendorServer {
public:
    static constexpr const char *email = "servicelens@example.com";
    static constexpr const char *token = "zendesk-api-token";

    using FakeVendorServer::FakeVendorServer;

    config::ConnectorConfig connector_config(const std::string &name) const override;

    // Deletes a ticket as an agent would: it leaves the desk, and the export
    // shows it once more with status "deleted", as of `at_ms`.
    void delete_ticket(const std::string &id, int64_t at_ms);
    // Leaves out of the export what changed in the minute before each
    // request, as Zendesk does. Off by default: the conformance suite writes
    // and reads back at once.
    void exclude_last_minute(bool exclude);
    // Sets a ticket's generated_timestamp later than its updated_at, as a
    // system update (an SLA recalculation) does without a visible change.
    void regenerate(const std::string &id, int64_t generated_ms);
    // Answers 200 to a write of a custom field the account does not have and
    // leaves it out, instead of 422.
    void ignore_unknown_fields(bool ignore);

protected:
    void mount_routes() override;
    std::pair<std::string, std::string> error_body(int status, const std::string &message) const override;
    bool authorized(const httplib::Request &request) const override;

private:
    struct Position {
        int64_t generated = 0; // seconds
        int64_t id = 0;
    };
    struct Cursor {
        Position after;
        int page = 0;
    };
    struct Exported {
        FakeTicket ticket;
        int64_t generated = 0; // seconds
        bool deleted = false;
    };

    void export_tickets(const httplib::Request &request, httplib::Response &response);
    void list_comments(const httplib::Request &request, httplib::Response &response);
    void update_ticket(const httplib::Request &request, httplib::Response &response);
    void add_tags(const httplib::Request &request, httplib::Response &response);

    std::vector<Exported> export_order() const;
    nlohmann::json render_ticket(const FakeTicket &ticket, int64_t generated, bool deleted) const;
    std::vector<FakeComment> comments_of(const FakeTicket &ticket) const;
    void reply_error(httplib::Response &response, int status, const std::string &error, const std::string &description,
                     const nlohmann::json &details = nlohmann::json()) const;

    mutable std::mutex state_mutex_;
    std::map<std::string, Exported> deleted_;
    std::map<std::string, int64_t> generated_ms_;
    std::map<std::string, Cursor> cursors_;
    int next_cursor_ = 1;
    bool exclude_last_minute_ = false;
    bool ignore_unknown_fields_ = false;
};

} // namespace servicelens::fakes
