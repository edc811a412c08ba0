// A fake ServiceNow instance: the Table API on incident, sys_journal_field
// and sys_dictionary (GET with sysparm_query, _fields, _limit, _offset,
// _display_value, _exclude_reference_link; Link and X-Total-Count headers),
// PATCH on incident (work_notes appends to the journal, u_ fields the desk
// allows are set, any other field is ignored as the instance does), basic
// auth or OAuth 2.0 client credentials through /oauth_token.do, and errors
// as {"error": {"message", "detail"}, "status": "failure"}.
#pragma once

#include "fake_servicenow_table.hpp"
#include "fake_vendor.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace servicelens::fakes {

class FakeServiceNow final : public FakeVendorServer {
public:
    static constexpr const char *user = "svc.servicelens";
    static constexpr const char *password = "Sn0w-Integration!";
    static constexpr const char *client_id = "9f2b0c1d4e5f60718293a4b5c6d7e8f9";
    static constexpr const char *client_secret = "oauth-Secret-42";
    // Display values of date-times are in the integration user's time zone;
    // the fake's user sits at UTC-8 (no daylight saving) so that a connector
    // reading them instead of the stored UTC values gets every time wrong.
    static constexpr int display_offset_hours = -8;

    explicit FakeServiceNow(FakeDesk &desk);

    // Basic auth as the integration user.
    config::ConnectorConfig connector_config(const std::string &name) const override;
    // OAuth 2.0 client credentials against this instance's /oauth_token.do.
    config::ConnectorConfig oauth_connector_config(const std::string &name) const;

    // Lifetime of the access tokens issued from now on (ServiceNow's default is 1800 s).
    void token_lifetime(std::chrono::seconds lifetime);
    // Every token issued so far stops working (an admin revoked them).
    void revoke_tokens();
    std::size_t tokens_issued() const;

    // Serve listings from one snapshot of the desk, taken at the first
    // listing, instead of a fresh copy per request. Only for a desk nothing
    // changes while it is served, other than through this fake's PATCH
    // (the benchmark's fifty thousand incidents): copying the whole desk
    // per page would measure the fake, not the connector.
    void freeze_listing(bool frozen);

protected:
    void mount_routes() override;
    std::pair<std::string, std::string> error_body(int status, const std::string &message) const override;
    bool authorized(const httplib::Request &request) const override;

private:
    struct Snapshot;

    void list(const std::string &table, const httplib::Request &request, httplib::Response &response);
    void patch_incident(const std::string &sys_id, const httplib::Request &request, httplib::Response &response);
    void issue_token(const httplib::Request &request, httplib::Response &response);

    std::shared_ptr<const Snapshot> snapshot();
    std::vector<servicenow::Row> journal_rows(const servicenow::EncodedQuery &query);
    void send_page(const servicenow::Table &table, const std::vector<const servicenow::Row *> &rows,
                   const httplib::Request &request, httplib::Response &response) const;

    servicenow::Table journal_table_, dictionary_table_;

    mutable std::mutex auth_mutex_;
    std::map<std::string, std::chrono::steady_clock::time_point> tokens_; // token → expiry
    std::chrono::seconds token_lifetime_{1800};
    std::size_t tokens_issued_ = 0;

    std::mutex snapshot_mutex_;
    bool frozen_ = false;
    std::shared_ptr<const Snapshot> frozen_snapshot_;
    int list_pages_served_ = 0;
};

} // namespace servicelens::fakes
