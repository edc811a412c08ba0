// What only the Jira Service Management connector has to get right: the JQL
// it sends (and the retired search it must not), nextPageToken paging and
// its keyset restarts, minute-resolution literals in the user's time zone,
// comments beyond what the search embeds, and each write-back kind with
// Jira's own error bodies.
#include "connector_test_support.hpp"
#include "fake_jira.hpp"
#include "jira_mapping.hpp"
#include "vendor_fakes.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>

using namespace servicelens;
using namespace servicelens::fakes;
namespace jira = servicelens::connectors::jira;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

std::string issue_id(int i)
{
    return fmt::format("{}", 10000 + i);
}
std::string issue_key(int i)
{
    return fmt::format("ITSM-{}", i + 1);
}

struct JiraSite : FakeSite<FakeJira> {
    explicit JiraSite(int tickets, int comments_each = 1, int page_size = 10)
        : FakeSite({.connector = "jsm",
                    .tickets = tickets,
                    .comments_each = comments_each,
                    .page_size = page_size,
                    .id_of = issue_id,
                    .number_of = issue_key})
    {
    }

    std::vector<json> searches() const { return server.searches(); }

    // Thirty issues, three a minute for ten minutes, read in pages of five:
    // every page ends inside a minute the next page must restart from.
    void put_thirty_over_ten_minutes()
    {
        for (int i = 0; i < 30; ++i) {
            FakeTicket t;
            t.id = issue_id(i);
            t.number = issue_key(i);
            t.title = fmt::format("Printer {}", i);
            t.opened_at = desk_start_ms;
            t.updated_at = desk_start_ms + int64_t{i} * 20'000;
            desk.put(t);
        }
        config.page_size = 5;
    }
};

std::vector<std::string> ids_of(const std::vector<host::OwnedIncident> &incidents)
{
    std::vector<std::string> ids;
    for (const auto &i : incidents) ids.push_back(i.id);
    return ids;
}

} // namespace

TEST_CASE("Jira: the search is JQL on updated, ordered by updated and key, with the fields the mapping reads",
          "[connectors][jira]")
{
    JiraSite site(30);
    auto connector = site.connector();
    store::Watermark mark;
    REQUIRE(pull_all(*connector, mark, 100).size() == 30);

    const std::vector<json> searches = site.searches();
    REQUIRE(searches.size() >= 3);
    CHECK(searches[0]["jql"] == R"(updated >= "1970/01/01 00:00" ORDER BY updated ASC, key ASC)");
    CHECK(searches[0]["maxResults"] == 10);
    CHECK_FALSE(searches[0].contains("nextPageToken"));
    const auto fields = searches[0]["fields"].get<std::set<std::string>>();
    for (const char *needed : {"summary", "description", "status", "priority", "created", "updated", "resolutiondate",
                               "reporter", "comment", FakeJira::impact_field, FakeJira::sentiment_field})
        CHECK(fields.count(needed) == 1);
    CHECK(fields.count("*all") == 0);
    // Pages of one minute carry on with the token, under the same JQL.
    bool followed_token = false;
    for (std::size_t i = 1; i < searches.size(); ++i)
        if (searches[i].contains("nextPageToken")) {
            followed_token = true;
            CHECK(searches[i]["jql"] == searches[i - 1]["jql"]);
        }
    CHECK(followed_token);

    SECTION("an incremental pull starts at the watermark's minute")
    {
        const std::size_t before = site.searches().size();
        site.desk.touch(issue_id(4), desk_start_ms + 3 * 3'600'000 + 59'999);
        const auto changed = pull_all(*connector, mark, 100);
        REQUIRE(ids_of(changed) == std::vector<std::string>{issue_id(4)});
        const std::vector<json> later = site.searches();
        CHECK(later.at(before)["jql"] == R"(updated >= "2026/11/02 09:00" ORDER BY updated ASC, key ASC)");
        CHECK(later.back()["jql"] == R"(updated >= "2026/11/02 12:00" ORDER BY updated ASC, key ASC)");
    }
}

TEST_CASE("Jira: the retired /rest/api/3/search answers 410 and is never called", "[connectors][jira]")
{
    JiraSite site(5);
    httplib::Client direct(site.server.base_url());
    direct.set_basic_auth(FakeJira::email, FakeJira::token);
    const auto removed = direct.Get("/rest/api/3/search?jql=updated%20%3E%3D%20-1d");
    REQUIRE(removed);
    CHECK(removed->status == 410);
    CHECK_THAT(removed->body, Catch::Contains("CHANGE-2046"));

    const std::size_t ours = site.server.requests().size();
    auto connector = site.connector();
    store::Watermark mark;
    CHECK(pull_all(*connector, mark, 10).size() == 5);
    connector->write_back(site.entry(issue_id(1), "work_note", "", "Sentiment: negative"));
    const std::vector<FakeVendorServer::Seen> seen = site.server.requests();
    REQUIRE(seen.size() > ours);
    for (std::size_t i = ours; i < seen.size(); ++i) CHECK(seen[i].path != "/rest/api/3/search");
}

TEST_CASE("Jira: the filter is ANDed in parentheses and must not order", "[connectors][jira]")
{
    JiraSite site(6);
    site.config.filter = "project = ITSM";
    store::Watermark mark;
    CHECK(pull_all(*site.connector(), mark, 10).size() == 6);
    CHECK(site.searches().front()["jql"] ==
          R"((project = ITSM) AND updated >= "1970/01/01 00:00" ORDER BY updated ASC, key ASC)");

    site.config.filter = "project = OTHER";
    store::Watermark other;
    CHECK(pull_all(*site.connector(), other, 10).empty());

    site.config.filter = "project = ITSM order by created";
    CHECK_THROWS_WITH(site.connector(), Catch::Contains("ORDER BY") && Catch::Contains("jsm"));
}

TEST_CASE("Jira: pages restart at the last issue's minute and never loop on a crowded minute", "[connectors][jira]")
{
    SECTION("issues spread over minutes: each page starts from the last one read")
    {
        JiraSite site(0);
        site.put_thirty_over_ten_minutes();
        auto connector = site.connector();
        store::Watermark mark;
        const auto pulled = pull_all(*connector, mark, 12);
        REQUIRE(pulled.size() == 30);
        for (int i = 0; i < 30; ++i) CHECK(pulled[static_cast<std::size_t>(i)].id == issue_id(i));
        std::set<std::string> literals;
        for (const json &s : site.searches()) literals.insert(s["jql"].get<std::string>().substr(12, 16));
        CHECK(literals.count("2026/11/02 09:03") == 1);
        CHECK(literals.count("2026/11/02 09:08") == 1);
    }
    SECTION("forty issues in one minute, pages of five")
    {
        JiraSite site(40, 0, 5);
        auto connector = site.connector();
        store::Watermark mark;
        const auto pulled = pull_all(*connector, mark, 7);
        const std::vector<std::string> ids = ids_of(pulled);
        CHECK(ids.size() == 40);
        CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 40);
        CHECK(site.searches().size() < 200);
    }
    SECTION("a dozen issues updated in the same millisecond come out once each")
    {
        JiraSite site(12, 0, 5);
        for (int i = 0; i < 12; ++i) site.desk.touch(issue_id(i), desk_start_ms + 600'000);
        auto connector = site.connector();
        store::Watermark mark;
        const auto pulled = pull_all(*connector, mark, 4);
        REQUIRE(pulled.size() == 12);
        for (int i = 0; i < 12; ++i) CHECK(pulled[static_cast<std::size_t>(i)].id == issue_id(i));
    }
    SECTION("pages shorter than maxResults are not the end (JRACLOUD-92183)")
    {
        JiraSite site(25, 0, 10);
        site.server.set_page_cap(3);
        auto connector = site.connector();
        store::Watermark mark;
        CHECK(pull_all(*connector, mark, 100).size() == 25);
    }
}

TEST_CASE("Jira: JQL literals are read in the user's time zone, so a non-UTC user widens the window",
          "[connectors][jira]")
{
    JiraSite site(10);
    site.server.set_user_time_zone("America/New_York", -300);
    auto connector = site.connector();
    store::Watermark mark;
    const auto first = pull_all(*connector, mark, 100);
    REQUIRE(first.size() == 10);
    // Times come with -0500 and still land on the same instant.
    CHECK(first[3].updated_at == site.desk.find(issue_id(3))->updated_at);
    CHECK(first[3].opened_at == site.desk.find(issue_id(3))->opened_at);

    // 11:00 UTC, 06:00 in New York. The watermark's minute written as it is
    // ("09:00", read as 14:00 UTC) would miss it.
    site.desk.touch(issue_id(2), desk_start_ms + 2 * 3'600'000);
    const std::size_t before = site.searches().size();
    const auto changed = pull_all(*connector, mark, 100);
    REQUIRE(ids_of(changed) == std::vector<std::string>{issue_id(2)});
    // The watermark is 09:00:09 UTC; the literal goes 12 hours back.
    CHECK(site.searches().at(before)["jql"] == R"(updated >= "2026/11/01 21:00" ORDER BY updated ASC, key ASC)");
}

TEST_CASE("Jira: with a user off UTC, pages over many minutes follow the token and end", "[connectors][jira]")
{
    JiraSite site(0);
    site.server.set_user_time_zone("Asia/Kolkata", 330);
    site.put_thirty_over_ten_minutes();
    auto connector = site.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, 12);
    REQUIRE(pulled.size() == 30);
    for (int i = 0; i < 30; ++i) CHECK(pulled[static_cast<std::size_t>(i)].id == issue_id(i));
    // Restarting at a minute would read the twelve hours before it again.
    std::set<std::string> jqls;
    for (const json &s : site.searches()) jqls.insert(s["jql"].get<std::string>());
    CHECK(jqls.size() <= 4); // one per pull: 1970, then each watermark
}

TEST_CASE("Jira: comments beyond what the search embeds come from the request's comment list", "[connectors][jira]")
{
    JiraSite site(0);
    site.server.set_embedded_comment_limit(2);
    for (int i = 0; i < 3; ++i) {
        FakeTicket t;
        t.id = issue_id(i);
        t.number = issue_key(i);
        t.opened_at = desk_start_ms;
        t.updated_at = desk_start_ms + i * 1000;
        const int comments = i == 1 ? 130 : 2; // over a servicedeskapi page of 100, too
        for (int c = 0; c < comments; ++c)
            t.comments.push_back({fmt::format("{}-{}", t.id, c), "agent@example.com", fmt::format("comment {}", c),
                                  c % 3 == 0, desk_start_ms + c * 1000});
        site.desk.put(t);
    }
    auto connector = site.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, 10);
    REQUIRE(pulled.size() == 3);
    REQUIRE(pulled[1].comments.size() == 130);
    for (int c = 0; c < 130; ++c) {
        const host::OwnedComment &comment = pulled[1].comments[static_cast<std::size_t>(c)];
        CHECK(comment.body == fmt::format("comment {}", c));
        CHECK(comment.visibility == (c % 3 == 0 ? SL_VISIBILITY_INTERNAL : SL_VISIBILITY_PUBLIC));
        CHECK(comment.created_at == desk_start_ms + c * 1000);
    }
    CHECK(pulled[0].comments.size() == 2);
    std::vector<std::string> listed;
    for (const auto &seen : site.server.requests())
        if (seen.path.rfind("/rest/servicedeskapi/", 0) == 0) listed.push_back(seen.path + "?" + seen.query);
    // Only the issue over the limit, in two pages.
    REQUIRE(listed.size() == 2);
    CHECK_THAT(listed[0], Catch::Contains("/request/10001/comment") && Catch::Contains("start=0"));
    CHECK_THAT(listed[1], Catch::Contains("start=100"));
}

TEST_CASE("Jira: an issue maps state, priority, impact, urgency, request type, people and text", "[connectors][jira]")
{
    JiraSite site(0);
    FakeTicket t;
    t.id = issue_id(0);
    t.number = issue_key(0);
    t.title = "VPN drops";
    t.description = "Since Monday.\nEvery hour.\n\nPlease help.";
    t.state = "on_hold";
    t.priority = 5;
    t.impact = 1;
    t.urgency = 3;
    t.category = "Network access";
    t.caller_email = "ana@example.com";
    t.caller_name = "Ana Lima";
    t.opened_at = desk_start_ms - 3'600'000;
    t.updated_at = desk_start_ms;
    t.resolved_at = desk_start_ms - 60'000;
    t.fields[FakeJira::sentiment_field] = "negative";
    t.fields[FakeJira::score_field] = "-0.5";
    t.tags = {"vpn", "remote"};
    site.desk.put(t);
    store::Watermark mark;
    const auto pulled = pull_all(*site.connector(), mark, 10);
    REQUIRE(pulled.size() == 1);
    const host::OwnedIncident &i = pulled[0];
    CHECK(i.id == "10000");
    CHECK(i.number == "ITSM-1");
    CHECK(i.source == "jsm");
    CHECK(i.description == t.description);
    CHECK(i.state == "on_hold");
    CHECK(i.priority == 5);
    CHECK(i.impact == 1);
    CHECK(i.urgency == 3);
    CHECK(i.category == "Network access");
    CHECK(i.caller_email == "ana@example.com");
    CHECK(i.caller_name == "Ana Lima");
    CHECK(i.resolved_at == t.resolved_at);
    CHECK(i.custom.at(FakeJira::sentiment_field) == "negative");
    CHECK(i.custom.at(FakeJira::score_field) == "-0.5");
    CHECK(i.custom.at("labels") == "remote, vpn");
    CHECK(i.custom.count(FakeJira::impact_field) == 0);
}

TEST_CASE("Jira: an internal comment is written once, through servicedeskapi", "[connectors][jira]")
{
    JiraSite site(3, 1);
    auto connector = site.connector();
    const auto note = site.note(issue_id(1), "jsm:10001:rule0:a1");
    connector->write_back(note);
    connector->write_back(note);
    CHECK(site.server.count("POST", "/rest/servicedeskapi/request/10001/comment") == 1);
    // The fake takes {"body", "public": false} only.
    const FakeComment written = site.desk.find(issue_id(1))->comments.back();
    CHECK(written.internal);
    CHECK(connectors::has_marker(written.body, note.idempotency_key));

    SECTION("the next search asks Jira to reconcile the issue just written")
    {
        store::Watermark mark;
        pull_all(*connector, mark, 10);
        const std::vector<json> searches = site.searches();
        REQUIRE(searches.size() >= 2);
        CHECK(searches.front()["reconcileIssues"] == json::array({10001}));
        CHECK_FALSE(searches.back().contains("reconcileIssues"));
    }
    SECTION("a deleted request is refused for good, quoting servicedeskapi")
    {
        site.desk.remove(issue_id(2));
        CHECK_THAT(rejection([&] { connector->write_back(site.entry(issue_id(2), "work_note", "", "x")); }),
                   Catch::Contains("404") && Catch::Contains("Request does not exist"));
    }
}

TEST_CASE("Jira: a field is set in the shape its type takes, and a field Jira refuses is named", "[connectors][jira]")
{
    JiraSite site(3, 0);
    for (const char *f :
         {FakeJira::sentiment_field, FakeJira::score_field, FakeJira::label_field, FakeJira::notes_field})
        site.desk.allow_field(f);
    auto connector = site.connector();
    const std::string id = issue_id(1);
    // The fake answers 400 to any other shape (a string for a number, a bare
    // option value, plain text for a paragraph field), as Jira does.
    connector->write_back(site.entry(id, "field", FakeJira::score_field, "-0.62"));
    connector->write_back(site.entry(id, "field", FakeJira::label_field, "negative"));
    connector->write_back(site.entry(id, "field", FakeJira::notes_field, "Angry.\n\nTwice."));
    connector->write_back(site.entry(id, "field", FakeJira::sentiment_field, "negative"));
    const FakeTicket ticket = *site.desk.find(id);
    CHECK(ticket.fields.at(FakeJira::score_field) == "-0.62");
    CHECK(ticket.fields.at(FakeJira::label_field) == "negative");
    CHECK(ticket.fields.at(FakeJira::notes_field) == "Angry.\n\nTwice.");
    CHECK(ticket.fields.at(FakeJira::sentiment_field) == "negative");
    const std::size_t writes = site.desk.writes().size();

    CHECK_THAT(rejection([&] { connector->write_back(site.entry(id, "field", "customfield_10999", "x")); }),
               Catch::Contains("customfield_10999") &&
                   Catch::Contains("cannot be set. It is not on the appropriate screen"));
    CHECK_THAT(rejection([&] { connector->write_back(site.entry(id, "field", FakeJira::score_field, "very")); }),
               Catch::Contains(FakeJira::score_field) && Catch::Contains("number"));
    CHECK_THROWS_AS(connector->write_back(site.entry(id, "field", "", "x")), host::WriteBackRejected);
    CHECK_THROWS_AS(connector->write_back(site.entry("10001/../10002", "field", FakeJira::sentiment_field, "x")),
                    host::WriteBackRejected);
    CHECK(site.desk.writes().size() == writes);
}

TEST_CASE("Jira: tags are labels, and other kinds are refused", "[connectors][jira]")
{
    JiraSite site(2, 0);
    auto connector = site.connector();
    connector->write_back(site.entry(issue_id(0), "tag", "", "sentiment-negative"));
    CHECK(site.desk.find(issue_id(0))->tags.count("sentiment-negative") == 1);
    CHECK(site.server.count("PUT", "/rest/api/3/issue/10000") == 1);
    CHECK_THAT(rejection([&] { connector->write_back(site.entry(issue_id(0), "tag", "", "two words")); }),
               Catch::Contains("contains spaces"));
    CHECK_THAT(rejection([&] { connector->write_back(site.entry(issue_id(0), "attachment", "", "x")); }),
               Catch::Contains("attachment"));
}

TEST_CASE("Jira: failures quote Jira's error body and say what to check", "[connectors][jira]")
{
    JiraSite site(3);
    auto connector = site.connector();
    store::Watermark mark;
    site.server.expire_credentials(true);
    CHECK_THROWS_WITH(connector->pull(mark, 10), Catch::Contains("jsm") && Catch::Contains("401") &&
                                                     Catch::Contains("You are not authenticated") &&
                                                     Catch::Contains("credentials"));
    site.server.expire_credentials(false);
    CHECK(pull_all(*connector, mark, 10).size() == 3);

    // The API token is basic auth with the account's email.
    const std::string expected = httplib::make_basic_authentication_header(FakeJira::email, FakeJira::token).second;
    CHECK(site.server.requests().back().authorization == expected);
}

TEST_CASE("Jira: statuses, priorities, levels, rich text and error bodies read as documented", "[connectors][jira]")
{
    const auto status = [](const char *name, const char *category) {
        return json{{"name", name}, {"statusCategory", {{"key", category}}}};
    };
    CHECK(jira::state_of(status("Open", "new")) == "new");
    CHECK(jira::state_of(status("Waiting for support", "indeterminate")) == "in_progress");
    CHECK(jira::state_of(status("Waiting for customer", "indeterminate")) == "on_hold");
    CHECK(jira::state_of(status("Pending", "indeterminate")) == "on_hold");
    CHECK(jira::state_of(status("Resolved", "done")) == "resolved");
    CHECK(jira::state_of(status("Closed", "done")) == "closed");
    CHECK(jira::state_of(status("Declined", "done")) == "cancelled");
    CHECK(jira::state_of(status("Won't Do", "done")) == "cancelled");

    CHECK(jira::priority_of("Highest") == 1);
    CHECK(jira::priority_of("critical") == 2);
    CHECK(jira::priority_of("P5") == 5);
    CHECK(jira::priority_of("Whenever") == 0);
    CHECK(jira::level_of("Significant / Large") == 1);
    CHECK(jira::level_of("Moderate / Limited") == 2);
    CHECK(jira::level_of("Minor / Localized") == 3);
    CHECK(jira::level_of("Critical") == 1);
    CHECK(jira::level_of("") == 0);

    const json doc = json::parse(R"({"type":"doc","version":1,"content":[
        {"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"VPN"}]},
        {"type":"paragraph","content":[{"type":"text","text":"Hi "},{"type":"mention","attrs":{"id":"1","text":"@Ana"}},
                                        {"type":"text","text":" it fails","marks":[{"type":"strong"}]},{"type":"hardBreak"},
                                        {"type":"emoji","attrs":{"shortName":":angry:"}}]},
        {"type":"bulletList","content":[
            {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"one"}]}]},
            {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"two"}]}]}]},
        {"type":"paragraph","content":[{"type":"inlineCard","attrs":{"url":"https://status.example"}}]},
        {"type":"mediaSingle","content":[{"type":"media","attrs":{"id":"x"}}]}]})");
    CHECK(jira::adf_to_text(doc) == "VPN\n\nHi @Ana it fails\n:angry:\n\none\ntwo\n\nhttps://status.example");
    CHECK(jira::adf_to_text(jira::text_to_adf("a\nb\n\nc")) == "a\nb\n\nc");

    CHECK(jira::custom_value_text(json::parse(R"({"value":"Hardware","child":{"value":"Laptop"}})")) ==
          "Hardware / Laptop");
    CHECK(jira::custom_value_text(json::parse(R"([{"value":"a"},{"value":"b"}])")) == "a, b");
    CHECK_FALSE(jira::custom_value_text(json()).has_value());

    CHECK(jira::error_message(json::parse(R"({"errorMessages":["Bad JQL"],"errors":{"customfield_1":"nope"}})")) ==
          "Bad JQL; customfield_1: nope");
    CHECK(jira::error_message(json::parse(R"({"errorMessage":"Request does not exist"})")) == "Request does not exist");
    CHECK(jira::error_message(json::parse(R"({"errorMessages":null})")).empty());
}
