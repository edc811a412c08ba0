// A Request Tracker 5.0 REST2 fake, shaped after what a real RT 5.0.3
// answered (../shared/design/RT.md and our own probes): TicketSQL searches
// on /tickets with several orderby keys and fields[Role] expansion,
// TransactionSQL on /transactions, the JSON search of POST /attachments
// (Content as text), GET/PUT /ticket/{id}, POST /ticket/{id}/comment, and
// RT's quirks: ids as numbers in records but strings in collections,
// every value a string, unset dates as the epoch, "pages": 0.0 when empty,
// 200 with a message array (or []) on a PUT whatever became of each field,
// 400 "Message could not be recorded" when commenting on no ticket, 415 for
// a body that is not JSON, and {"message": ...} error bodies.
#pragma once

#include "fake_vendor.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>

namespace servicelens::fakes {

class FakeRt : public FakeVendorServer {
public:
    static constexpr const char *user = "root";
    static constexpr const char *password = "fake-rt-password";
    static constexpr const char *token = "1-14-0123456789abcdef0123456789abcdef";

    using FakeVendorServer::FakeVendorServer;

    // Basic auth as root; set auth to {type: rt_token, token: FakeRt::token} for a token.
    config::ConnectorConfig connector_config(const std::string &name) const override;

    // The zone RT reads TicketSQL time literals in (the integration user's
    // preference, else $Timezone), as an offset from UTC. Default: UTC.
    void set_user_time_zone(std::chrono::minutes offset_from_utc)
    {
        offset_minutes_ = static_cast<int>(offset_from_utc.count());
    }

    // While set, ticket searches drop the records on their page the way RT
    // drops those the user may not see: after paging, keeping total and next_page.
    void hide_tickets_from(int first_hidden_id, int last_hidden_id);

protected:
    void mount_routes() override;
    std::pair<std::string, std::string> error_body(int status, const std::string &message) const override;
    bool authorized(const httplib::Request &request) const override;

private:
    void list_tickets(const httplib::Request &request, httplib::Response &response);
    void list_transactions(const httplib::Request &request, httplib::Response &response);
    void search_attachments(const httplib::Request &request, httplib::Response &response);
    void get_ticket(const httplib::Request &request, httplib::Response &response);
    void put_ticket(const httplib::Request &request, httplib::Response &response);
    void comment(const httplib::Request &request, httplib::Response &response);

    int id_of_name(std::map<std::string, int> &ids, const std::string &name, int first);
    int queue_id(const std::string &name);
    int field_id(const std::string &name);

    std::atomic<int> offset_minutes_{0};
    std::atomic<int> list_pages_{0};
    std::atomic<int> hidden_from_{0}, hidden_to_{-1};
    std::mutex names_mutex_;
    std::map<std::string, int> queue_ids_, field_ids_;
};

} // namespace servicelens::fakes
