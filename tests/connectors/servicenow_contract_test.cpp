// What only the ServiceNow connector must get right: the encoded query it
// sends (keyset, filter in every ^NQ branch, fields, display mode), OAuth 2.0
// tokens, display values, X-Total-Count and the Link header, many records
// in one second, the journal a page at a time, fields ServiceNow silently
// drops, work notes written once, and its error bodies.
#include "connector_test_support.hpp"
#include "fake_servicenow.hpp"
#include "vendor_fakes.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <catch2/catch.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

using namespace servicelens;
using namespace servicelens::fakes;
using namespace std::chrono_literals;

namespace {

constexpr const char *incident_path = "/api/now/table/incident";
constexpr const char *journal_path = "/api/now/table/sys_journal_field";

const VendorFake &servicenow_fake()
{
    static const std::vector<VendorFake> all = all_vendor_fakes();
    return *std::find_if(all.begin(), all.end(), [](const VendorFake &v) { return v.vendor == "servicenow"; });
}

std::string id_of(int i)
{
    return servicenow_fake().id_of(i);
}

// A fake instance with a generated desk and a connector config for it.
struct Instance : FakeSite<FakeServiceNow> {
    explicit Instance(int tickets, int comments_each = 2, int page_size = 25)
        : FakeSite({.connector = "snow",
                    .tickets = tickets,
                    .comments_each = comments_each,
                    .page_size = page_size,
                    .id_of = servicenow_fake().id_of,
                    .number_of = servicenow_fake().number_of})
    {
        desk.allow_field("u_sentiment");
    }

    // The decoded query parameters of every request to exactly `path`.
    std::vector<std::map<std::string, std::string>> sent(const std::string &method, const std::string &path) const
    {
        std::vector<std::map<std::string, std::string>> out;
        for (const FakeVendorServer::Seen &seen : server.requests()) {
            if (seen.method != method || seen.path != path) continue;
            std::map<std::string, std::string> params;
            std::size_t start = 0;
            while (start < seen.query.size()) {
                std::size_t end = seen.query.find("&sysparm_", start + 1);
                if (end == std::string::npos) end = seen.query.size();
                const std::string pair = seen.query.substr(start, end - start);
                params[pair.substr(0, pair.find('='))] = pair.substr(pair.find('=') + 1);
                start = end + 1;
            }
            out.push_back(std::move(params));
        }
        return out;
    }
    std::size_t count(const std::string &method, const std::string &path) const { return sent(method, path).size(); }
};

std::string utc(int64_t ms)
{
    return fmt::format("{:%Y-%m-%d %H:%M:%S}", fmt::gmtime(static_cast<std::time_t>(ms / 1000)));
}

} // namespace

TEST_CASE("servicenow: the keyset query carries the admin's filter into every ^NQ branch", "[connectors][servicenow]")
{
    Instance snow(30, 0, 10);
    // Tickets 2..9 share one second with the watermark, so the "same second,
    // larger sys_id" branch has matching and non-matching tickets in it.
    const int64_t t = desk_start_ms + 5000;
    for (int i = 2; i <= 9; ++i) snow.desk.touch(id_of(i), t);
    snow.config.filter = "active=true^NQpriority=1^EQ";
    auto connector = snow.connector();
    store::Watermark mark{t, id_of(5)};
    const store::Watermark start = mark;
    const auto pulled = pull_all(*connector, mark, 100);

    const std::string when = utc(t);
    const auto lists = snow.sent("GET", incident_path);
    REQUIRE(!lists.empty());
    CHECK(lists[0].at("sysparm_query") ==
          fmt::format("active=true^sys_updated_on>{0}^NQactive=true^sys_updated_on={0}^sys_id>{1}"
                      "^NQpriority=1^sys_updated_on>{0}^NQpriority=1^sys_updated_on={0}^sys_id>{1}"
                      "^ORDERBYsys_updated_on^ORDERBYsys_id",
                      when, id_of(5)));
    CHECK(lists[0].at("sysparm_limit") == "10");
    CHECK(lists[0].at("sysparm_display_value") == "false");
    CHECK(lists[0].at("sysparm_exclude_reference_link") == "true");

    // What came back is exactly what the filter lets through after the watermark.
    std::set<std::string> expected;
    std::size_t after = 0;
    for (const FakeTicket &ticket : snow.desk.sorted([](const auto &a, const auto &b) { return a.id < b.id; })) {
        const bool active = ticket.state != "resolved" && ticket.state != "closed" && ticket.state != "cancelled";
        if (!connectors::after_watermark(start, ticket.updated_at, ticket.id)) continue;
        ++after;
        if (active || ticket.priority == 1) expected.insert(ticket.id);
    }
    std::set<std::string> got;
    for (const auto &incident : pulled) got.insert(incident.id);
    CHECK(got == expected);
    CHECK(got.size() < after); // the filter did leave some out
}

TEST_CASE("servicenow: sysparm_fields names what the mapping reads and the instance's u_ columns",
          "[connectors][servicenow]")
{
    Instance snow(5, 0);
    FakeTicket custom = *snow.desk.find(id_of(1));
    custom.fields = {{"u_sentiment", "negative"}, {"u_region", "EMEA"}};
    snow.desk.put(custom);
    auto connector = snow.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark);

    const auto dictionary = snow.sent("GET", "/api/now/table/sys_dictionary");
    REQUIRE(!dictionary.empty());
    CHECK(dictionary[0].at("sysparm_query") == "nameINincident,task^elementSTARTSWITHu_^ORDERBYelement");
    const std::string fields = snow.sent("GET", incident_path).at(0).at("sysparm_fields");
    std::set<std::string> asked;
    for (std::size_t start = 0; start <= fields.size();) {
        const std::size_t comma = std::min(fields.find(',', start), fields.size());
        asked.insert(fields.substr(start, comma - start));
        start = comma + 1;
    }
    for (const char *needed : {"sys_id", "number", "sys_updated_on", "state", "caller_id", "caller_id.email",
                               "assignment_group", "opened_at", "made_sla", "u_sentiment", "u_region"})
        CHECK(asked.count(needed) == 1);
    // Not the journal fields, not the columns nothing maps, not another table's u_ column.
    for (const char *unwanted : {"comments", "work_notes", "sys_domain", "active", "u_cab_reference"})
        CHECK(asked.count(unwanted) == 0);

    const host::OwnedIncident &incident = incident_with_id(pulled, id_of(1));
    CHECK(incident.custom.at("u_sentiment") == "negative");
    CHECK(incident.custom.at("u_region") == "EMEA");
    CHECK(incident.custom.count("sys_class_name") == 0); // the fake's unasked extra field is ignored
    CHECK(incident_with_id(pulled, id_of(2)).custom.empty());
}

TEST_CASE("servicenow: without read access to sys_dictionary the pull goes on without u_ fields",
          "[connectors][servicenow]")
{
    Instance snow(5, 0);
    snow.server.fail_next(1, 403, "/api/now/table/sys_dictionary");
    auto connector = snow.connector();
    store::Watermark mark;
    CHECK(connector->pull(mark, 10).incidents.size() == 5);
}

TEST_CASE("servicenow: more incidents in one second than fit a page are all read, and paging ends",
          "[connectors][servicenow]")
{
    Instance snow(250, 0, 100);
    const int64_t t = desk_start_ms + 42'000;
    for (int i = 0; i < 250; ++i) snow.desk.touch(id_of(i), t);
    auto connector = snow.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, 100);

    std::set<std::string> ids;
    for (const auto &incident : pulled) ids.insert(incident.id);
    CHECK(pulled.size() == 250);
    CHECK(ids.size() == 250);
    CHECK(mark.updated_at == t);
    // Three pages and the empty answer that ends the sync: no loop, no repeat.
    CHECK(snow.count("GET", incident_path) == 4);
}

TEST_CASE("servicenow: comments and work notes come a page at a time from sys_journal_field",
          "[connectors][servicenow]")
{
    SECTION("one journal request per page of incidents")
    {
        Instance snow(40, 3, 20);
        auto connector = snow.connector();
        store::Watermark mark;
        const auto pulled = connector->pull(mark, 40).incidents;
        REQUIRE(pulled.size() == 40);
        CHECK(snow.count("GET", incident_path) == 2);
        const auto journal = snow.sent("GET", journal_path);
        REQUIRE(journal.size() == 2);
        CHECK(journal[0].at("sysparm_query").starts_with("name=incident^element_idIN"));
        CHECK(journal[0]
                  .at("sysparm_query")
                  .ends_with("^elementINcomments,work_notes^ORDERBYsys_created_on^ORDERBYsys_id"));

        const FakeTicket ticket = *snow.desk.find(id_of(11));
        const host::OwnedIncident &incident = incident_with_id(pulled, ticket.id);
        REQUIRE(incident.comments.size() == 3);
        for (std::size_t c = 0; c < 3; ++c) {
            CHECK(incident.comments[c].id == ticket.comments[c].id);
            CHECK(incident.comments[c].author == ticket.comments[c].author);
            CHECK(incident.comments[c].visibility ==
                  (ticket.comments[c].internal ? SL_VISIBILITY_INTERNAL : SL_VISIBILITY_PUBLIC));
            CHECK(incident.comments[c].created_at == ticket.comments[c].created_at);
        }
    }
    SECTION("a journal longer than one response is paged by offset, nothing lost")
    {
        // Pages of 5 incidents: journal responses of 100 entries, 125 entries per page.
        Instance snow(6, 25, 5);
        auto connector = snow.connector();
        store::Watermark mark;
        const auto pulled = pull_all(*connector, mark, 10);
        REQUIRE(pulled.size() == 6);
        for (const auto &incident : pulled) {
            const FakeTicket ticket = *snow.desk.find(incident.id);
            REQUIRE(incident.comments.size() == 25);
            for (std::size_t c = 0; c < 25; ++c) CHECK(incident.comments[c].id == ticket.comments[c].id);
        }
        const auto journal = snow.sent("GET", journal_path);
        REQUIRE(journal.size() == 3);
        CHECK(journal[0].at("sysparm_offset") == "0");
        CHECK(journal[1].at("sysparm_offset") == "100");
        CHECK(journal[1].at("sysparm_query") == journal[0].at("sysparm_query"));
    }
}

TEST_CASE("servicenow: display values give references as people see them, codes and times stay stored",
          "[connectors][servicenow]")
{
    Instance snow(10, 1);
    const FakeTicket ticket = *snow.desk.find(id_of(7));
    SECTION("display_values: true")
    {
        snow.config.display_values = true;
        auto connector = snow.connector();
        store::Watermark mark;
        const auto pulled = pull_all(*connector, mark);
        CHECK(snow.sent("GET", incident_path).at(0).at("sysparm_display_value") == "all");
        const host::OwnedIncident &incident = incident_with_id(pulled, ticket.id);
        CHECK(incident.assignment_group == ticket.assignment_group);
        CHECK(incident.caller_name == ticket.caller_name);
        CHECK(incident.caller_email == ticket.caller_email);
        CHECK(incident.caller_id.size() == 32); // the caller's sys_id: an id stays an id
        // Display times are the user's (UTC-8 here); the stored UTC values are what count.
        CHECK(incident.opened_at == ticket.opened_at);
        CHECK(incident.updated_at == ticket.updated_at);
        CHECK(incident.state == ticket.state);
        CHECK(incident.priority == ticket.priority);
        CHECK(incident.impact == ticket.impact);
        CHECK(incident.contact_type == SL_CONTACT_PORTAL); // ticket 7's channel, "self-service"
        REQUIRE(incident.comments.size() == 1);
        CHECK(incident.comments[0].created_at == ticket.comments[0].created_at);
    }
    SECTION("display_values: false")
    {
        auto connector = snow.connector();
        store::Watermark mark;
        const auto pulled = pull_all(*connector, mark);
        const host::OwnedIncident &incident = incident_with_id(pulled, ticket.id);
        CHECK(incident.assignment_group.size() == 32);
        CHECK(incident.assignment_group != ticket.assignment_group);
        CHECK(incident.caller_name.empty());
        CHECK(incident.caller_email == ticket.caller_email);
        CHECK(incident.opened_at == ticket.opened_at);
    }
}

TEST_CASE("servicenow: X-Total-Count gives remaining(), and the Link header and sysparm_offset are right",
          "[connectors][servicenow]")
{
    Instance snow(57, 0, 25);
    auto connector = snow.connector();
    CHECK(connector->remaining({}) == 57u);
    const FakeTicket tenth = *snow.desk.find(id_of(9));
    CHECK(connector->remaining({tenth.updated_at, tenth.id}) == 47u);

    SECTION("the instance's Link header and sysparm_offset")
    {
        httplib::Client http(snow.server.base_url());
        http.set_basic_auth(FakeServiceNow::user, FakeServiceNow::password);
        const auto answer = http.Get(fmt::format("{}?sysparm_query=ORDERBYsys_updated_on&sysparm_fields=number"
                                                 "&sysparm_limit=10&sysparm_offset=20",
                                                 incident_path));
        REQUIRE(answer);
        REQUIRE(answer->status == 200);
        CHECK(answer->get_header_value("X-Total-Count") == "57");
        std::map<std::string, std::string> offsets; // rel → sysparm_offset
        const std::string link = answer->get_header_value("Link");
        for (std::size_t at = link.find('<'); at != std::string::npos; at = link.find('<', at + 1)) {
            const std::string url = link.substr(at + 1, link.find('>', at) - at - 1);
            const std::size_t rel = link.find("rel=\"", at) + 5;
            const std::size_t offset = url.find("sysparm_offset=") + 15;
            offsets[link.substr(rel, link.find('"', rel) - rel)] = url.substr(offset, url.find('&', offset) - offset);
            CHECK(url.starts_with(snow.server.base_url() + incident_path + "?"));
            CHECK(url.find("sysparm_limit=10") != std::string::npos);
        }
        CHECK(offsets ==
              std::map<std::string, std::string>{{"first", "0"}, {"prev", "10"}, {"next", "30"}, {"last", "50"}});
        const auto body = nlohmann::json::parse(answer->body);
        REQUIRE(body.at("result").size() == 10);
        CHECK(body["result"][0]["number"] == servicenow_fake().number_of(20));
    }
}

TEST_CASE("servicenow: a listing that ends on a full page asks for no empty page after it", "[connectors][servicenow]")
{
    Instance snow(50, 0, 25);
    auto connector = snow.connector();
    store::Watermark mark;
    CHECK(connector->pull(mark, 100).incidents.size() == 50);
    CHECK(snow.count("GET", incident_path) == 2);
}

TEST_CASE("servicenow: OAuth 2.0 client credentials: a token is fetched, reused and fetched again when refused",
          "[connectors][servicenow]")
{
    Instance snow(12, 1, 5);
    snow.config = snow.server.oauth_connector_config("snow");
    snow.config.page_size = 5;
    snow.config.timeout = 2s;
    auto connector = snow.connector();
    store::Watermark mark;
    CHECK(pull_all(*connector, mark).size() == 12);
    CHECK(snow.server.tokens_issued() == 1);
    std::size_t api_calls = 0;
    for (const FakeVendorServer::Seen &seen : snow.server.requests()) {
        if (seen.path == "/oauth_token.do") continue;
        ++api_calls;
        CHECK(seen.authorization.starts_with("Bearer snow-token-1-"));
    }
    CHECK(api_calls > 5);

    SECTION("an admin revoked the token")
    {
        snow.server.revoke_tokens();
        store::Watermark again;
        CHECK(pull_all(*connector, again).size() == 12);
        CHECK(snow.server.tokens_issued() == 2);
    }
    SECTION("the token expired")
    {
        snow.server.token_lifetime(1s);
        snow.server.revoke_tokens();
        store::Watermark again;
        CHECK(connector->pull(again, 5).incidents.size() == 5);
        const std::size_t issued = snow.server.tokens_issued();
        std::this_thread::sleep_for(1100ms);
        CHECK(connector->pull(again, 5).incidents.size() == 5);
        CHECK(snow.server.tokens_issued() > issued);
    }
    SECTION("a wrong client secret says so")
    {
        snow.config.auth.fields["client_secret"] = "not-the-secret";
        auto refused = snow.connector();
        store::Watermark again;
        CHECK_THROWS_WITH(refused->pull(again, 5), Catch::Contains("snow") && Catch::Contains("401") &&
                                                       Catch::Contains("client_secret") &&
                                                       !Catch::Contains("not-the-secret"));
    }
}

TEST_CASE("servicenow: a field the incident table does not have is refused, naming it", "[connectors][servicenow]")
{
    Instance snow(3, 0);
    auto connector = snow.connector();
    const store::OutboxEntry entry = snow.entry(id_of(1), "field", "u_sentiment_score", "negative", "field-1");
    CHECK_THAT(rejection([&] { connector->write_back(entry); }),
               Catch::Contains("u_sentiment_score") && Catch::Contains("check the field exists on the incident table"));
    CHECK(snow.desk.writes().empty());
    const auto patches = snow.sent("PATCH", fmt::format("{}/{}", incident_path, id_of(1)));
    REQUIRE(patches.size() == 1);
    CHECK(patches[0].at("sysparm_fields") == "sys_id,u_sentiment_score");

    SECTION("a field that exists is written")
    {
        connector->write_back(snow.entry(id_of(1), "field", "u_sentiment", "negative", "field-2"));
        CHECK(snow.desk.find(id_of(1))->fields.at("u_sentiment") == "negative");
    }
    SECTION("tags are not a ServiceNow thing")
    {
        CHECK_THAT(rejection([&] { connector->write_back(snow.entry(id_of(1), "tag", "", "negative", "tag-1")); }),
                   Catch::Contains("u_ field"));
    }
}

TEST_CASE("servicenow: a work note is written once, even after a PATCH that timed out", "[connectors][servicenow]")
{
    Instance snow(3, 1);
    const std::string ticket = id_of(2);
    const std::string patch_path = fmt::format("{}/{}", incident_path, ticket);
    SECTION("repeated")
    {
        auto connector = snow.connector();
        connector->write_back(snow.note(ticket, "snow:k1"));
        connector->write_back(snow.note(ticket, "snow:k1"));
        CHECK(snow.count("PATCH", patch_path) == 1);
        CHECK(notes_with(snow.desk, ticket, "snow:k1") == 1);
        const auto checks = snow.sent("GET", journal_path);
        REQUIRE(checks.size() == 2);
        CHECK(
            checks[0].at("sysparm_query") ==
            fmt::format("name=incident^element_id={}^element=work_notes^ORDERBYsys_created_on^ORDERBYsys_id", ticket));
    }
    SECTION("the instance applied a PATCH whose answer never came")
    {
        snow.config.timeout = 300ms;
        auto connector = snow.connector();
        snow.server.delay_next(1, 900ms, patch_path);
        CHECK_THROWS(connector->write_back(snow.note(ticket, "snow:k2")));
        for (int i = 0; i < 40 && notes_with(snow.desk, ticket, "snow:k2") == 0; ++i) std::this_thread::sleep_for(50ms);
        REQUIRE(notes_with(snow.desk, ticket, "snow:k2") == 1);
        connector->write_back(snow.note(ticket, "snow:k2"));
        CHECK(notes_with(snow.desk, ticket, "snow:k2") == 1);
        CHECK(snow.count("PATCH", patch_path) == 1);
    }
}

TEST_CASE("servicenow: errors quote ServiceNow's {\"error\": {message, detail}} and say what to check",
          "[connectors][servicenow]")
{
    Instance snow(3, 0);
    auto connector = snow.connector();
    SECTION("an ACL refuses the table")
    {
        snow.server.fail_next(1, 403, incident_path);
        store::Watermark mark;
        CHECK_THROWS_AS(connector->pull(mark, 10), connectors::ConnectorError);
        snow.server.fail_next(1, 403, incident_path);
        CHECK_THROWS_WITH(connector->pull(mark, 10), Catch::Contains("snow") && Catch::Contains("HTTP 403") &&
                                                         Catch::Contains("Injected failure") &&
                                                         Catch::Contains("ACL restricts the table") &&
                                                         Catch::Contains("permission"));
    }
    SECTION("a deleted incident")
    {
        snow.desk.remove(id_of(0));
        CHECK_THAT(rejection([&] { connector->write_back(snow.note(id_of(0), "snow:k3")); }),
                   Catch::Contains("No Record found") && Catch::Contains("404"));
    }
}

TEST_CASE("servicenow: a filter that sorts is refused when the connector is made", "[connectors][servicenow]")
{
    config::ConnectorConfig sorted;
    sorted.name = "snow";
    sorted.kind = "servicenow";
    sorted.base_url = "https://example.service-now.com";
    sorted.filter = "active=true^ORDERBYnumber";
    CHECK_THROWS_WITH(connectors::make_connector(sorted), Catch::Contains("snow") && Catch::Contains("ORDERBYnumber"));
    sorted.filter = "active=true^EQ";
    CHECK_NOTHROW(connectors::make_connector(sorted));
}
