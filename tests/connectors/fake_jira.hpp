// A Jira Service Management Cloud site on 127.0.0.1, as documented: the JQL
// search (GET or POST /rest/api/3/search/jql, nextPageToken paging, no
// total), the retired /rest/api/3/search (410 Gone), servicedeskapi request
// comments (start/limit paging, public flags), issue edits (fields and
// labels), /myself and /field. Tickets render with unexpected extra fields,
// times carry the integration user's offset, descriptions and comments are
// Atlassian Document Format.
#pragma once

#include "fake_vendor.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace servicelens::fakes {

class FakeJira : public FakeVendorServer {
public:
    // The site's custom fields (GET /rest/api/3/field). A write to one still
    // needs desk.allow_field(id), as a field must be on the edit screen.
    static constexpr const char *impact_field = "customfield_10004";       // select: Extensive / Widespread ..
    static constexpr const char *urgency_field = "customfield_10005";      // select: Critical .. Low
    static constexpr const char *request_type_field = "customfield_10010"; // JSM request type
    static constexpr const char *sentiment_field = "customfield_10050";    // text field
    static constexpr const char *score_field = "customfield_10051";        // number
    static constexpr const char *label_field = "customfield_10052";        // select
    static constexpr const char *notes_field = "customfield_10053";        // paragraph (ADF)

    static constexpr const char *email = "servicelens@example.com";
    static constexpr const char *token = "jira-api-token";

    using FakeVendorServer::FakeVendorServer;

    config::ConnectorConfig connector_config(const std::string &name) const override;

    // The integration user's zone: JQL date literals are read in it and
    // times are written with its offset. Default UTC.
    void set_user_time_zone(const std::string &zone, int offset_minutes);
    // How many comments the search embeds per issue; the rest are only in
    // the servicedeskapi comment list. Default 20.
    void set_embedded_comment_limit(int limit);
    // The most issues a search page holds, whatever maxResults asks
    // (JRACLOUD-92183: pages can be shorter than asked). Default 100.
    void set_page_cap(int cap);

    // Every search received, GET or POST, as {jql, fields, maxResults,
    // nextPageToken, reconcileIssues}: what the connector asked for.
    std::vector<nlohmann::json> searches() const;

protected:
    void mount_routes() override;
    std::pair<std::string, std::string> error_body(int status, const std::string &message) const override;
    bool authorized(const httplib::Request &request) const override;

private:
    struct Position {
        int64_t updated_at = 0;
        int64_t key_number = 0;
    };
    struct PageToken {
        std::string jql;
        Position after;
        int page = 0;
    };
    void search(const httplib::Request &request, httplib::Response &response);
    void list_comments(const httplib::Request &request, httplib::Response &response);
    void add_comment(const httplib::Request &request, httplib::Response &response);
    void edit_issue(const httplib::Request &request, httplib::Response &response);

    std::optional<FakeTicket> find_issue(const std::string &id_or_key) const;
    nlohmann::json render_issue(const FakeTicket &ticket, const std::vector<std::string> &fields) const;
    nlohmann::json render_field(const FakeTicket &ticket, const std::string &field) const;
    nlohmann::json render_comment(const FakeComment &comment) const;
    nlohmann::json user(const std::string &email) const;
    std::string time(int64_t ms) const;

    mutable std::mutex options_mutex_;
    std::string zone_ = "UTC";
    int offset_minutes_ = 0;
    int embedded_comments_ = 20;
    int page_cap_ = 100;
    std::map<std::string, PageToken> tokens_;
    std::vector<nlohmann::json> searches_;
    int next_token_ = 1;
};

} // namespace servicelens::fakes
