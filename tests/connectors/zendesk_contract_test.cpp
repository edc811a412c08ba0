// What only the Zendesk connector has to get right: the incremental export
// (start_time, then after_cursor until end_of_stream), tickets the export
// repeats or reports deleted, generated_timestamp, the minute the export
// holds back, comments one ticket at a time, and each write-back kind with
// Zendesk's own error bodies (JSON, and the plain-text 429).
#include "connector_test_support.hpp"
#include "fake_zendesk.hpp"
#include "vendor_fakes.hpp"
#include "zendesk_mapping.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <set>

using namespace servicelens;
using namespace servicelens::fakes;
namespace zendesk = servicelens::connectors::zendesk;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

constexpr const char *export_path = "/api/v2/incremental/tickets/cursor.json";

std::string ticket_id(int i)
{
    return fmt::format("{}", i + 1);
}

struct ZendeskAccount : FakeSite<FakeZendesk> {
    explicit ZendeskAccount(int tickets, int comments_each = 1, int page_size = 10)
        : FakeSite({.connector = "zd",
                    .tickets = tickets,
                    .comments_each = comments_each,
                    .page_size = page_size,
                    .id_of = ticket_id,
                    .number_of = ticket_id})
    {
    }

    std::vector<FakeVendorServer::Seen> exports() const
    {
        std::vector<FakeVendorServer::Seen> out;
        for (const auto &seen : server.requests())
            if (seen.path == export_path) out.push_back(seen);
        return out;
    }
};

std::map<std::string, host::OwnedIncident> by_id(std::vector<host::OwnedIncident> incidents)
{
    std::map<std::string, host::OwnedIncident> out;
    for (auto &i : incidents) out[i.id] = std::move(i);
    return out;
}

} // namespace

TEST_CASE("Zendesk: the export starts at start_time and follows after_cursor until end_of_stream",
          "[connectors][zendesk]")
{
    ZendeskAccount account(30);
    auto connector = account.connector();
    store::Watermark mark;
    REQUIRE(pull_all(*connector, mark, 100).size() == 30);

    // Three full pages; the third says end_of_stream and nothing follows.
    std::vector<FakeVendorServer::Seen> exports = account.exports();
    REQUIRE(exports.size() == 4); // the last is the empty pull that ends pull_all
    CHECK_THAT(exports[0].query, Catch::Contains("start_time=0") && Catch::Contains("per_page=10") &&
                                     Catch::Contains("include=users,groups,metric_sets"));
    for (std::size_t i : {1u, 2u}) {
        CHECK_THAT(exports[i].query, Catch::Contains("cursor=") && Catch::Contains("per_page=10"));
        CHECK_THAT(exports[i].query, !Catch::Contains("start_time"));
    }
    // The next pull starts again at the watermark's second.
    CHECK_THAT(exports[3].query, Catch::Contains(fmt::format("start_time={}", mark.updated_at / 1000)));
    CHECK(mark.updated_at == desk_start_ms + 29'000);

    // The API token is basic auth as {email}/token.
    CHECK(exports[0].authorization ==
          httplib::make_basic_authentication_header(std::string(FakeZendesk::email) + "/token", FakeZendesk::token)
              .second);
}

TEST_CASE("Zendesk: a ticket the export repeats comes out once, as its last version", "[connectors][zendesk]")
{
    ZendeskAccount account(25, 0, 10);
    // After the first page a ticket already exported changes: the export
    // shows it again at the end.
    account.desk.on_list_page([&, done = false](int page) mutable {
        if (page != 0 || done) return;
        done = true;
        account.desk.touch(ticket_id(2), desk_start_ms + 600'000);
    });
    auto connector = account.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, 100);
    REQUIRE(pulled.size() == 25);
    const auto ids = by_id(pulled);
    CHECK(ids.size() == 25);
    CHECK(ids.at(ticket_id(2)).updated_at == desk_start_ms + 600'000);
    CHECK_THAT(ids.at(ticket_id(2)).title, Catch::EndsWith("(edited)"));
    CHECK(pulled.back().id == ticket_id(2));
}

TEST_CASE("Zendesk: deleted tickets are skipped", "[connectors][zendesk]")
{
    ZendeskAccount account(8);
    account.server.delete_ticket(ticket_id(3), desk_start_ms + 100'000);
    auto connector = account.connector();
    store::Watermark mark;
    const auto ids = by_id(pull_all(*connector, mark, 100));
    CHECK(ids.size() == 7);
    CHECK(ids.count(ticket_id(3)) == 0);

    // Deleted after the last sync: it shows up only as "deleted", and is skipped.
    account.server.delete_ticket(ticket_id(5), desk_start_ms + 200'000);
    CHECK(pull_all(*connector, mark, 100).empty());
}

TEST_CASE("Zendesk: a system update (generated_timestamp) moves the ticket in the sync order", "[connectors][zendesk]")
{
    ZendeskAccount account(5);
    auto connector = account.connector();
    store::Watermark mark;
    REQUIRE(pull_all(*connector, mark, 100).size() == 5);
    account.server.regenerate(ticket_id(1), desk_start_ms + 900'000);
    const auto again = pull_all(*connector, mark, 100);
    REQUIRE(again.size() == 1);
    CHECK(again[0].id == ticket_id(1));
    CHECK(again[0].updated_at == desk_start_ms + 900'000);
}

TEST_CASE("Zendesk: what the export holds back for a minute comes in the next sync", "[connectors][zendesk]")
{
    ZendeskAccount account(4);
    account.server.exclude_last_minute(true);
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    account.desk.touch(ticket_id(0), now_ms - now_ms % 1000);
    auto connector = account.connector();
    store::Watermark mark;
    const auto first = by_id(pull_all(*connector, mark, 100));
    CHECK(first.size() == 3);
    CHECK(first.count(ticket_id(0)) == 0);
    // The watermark is the last ticket returned, not "now": once the minute
    // has passed, the ticket changed in it arrives.
    account.server.exclude_last_minute(false);
    const auto later = pull_all(*connector, mark, 100);
    REQUIRE(later.size() == 1);
    CHECK(later[0].id == ticket_id(0));
}

TEST_CASE("Zendesk: comments are read per ticket, without repeating the description", "[connectors][zendesk]")
{
    ZendeskAccount account(0);
    for (int i = 0; i < 3; ++i) {
        FakeTicket t;
        t.id = ticket_id(i);
        t.number = t.id;
        t.description = fmt::format("The printer {} is jammed.", i);
        t.caller_email = "ana@example.com";
        t.opened_at = desk_start_ms - 3'600'000;
        t.updated_at = desk_start_ms + i * 1000;
        const int comments = i == 2 ? 150 : 3;
        for (int c = 0; c < comments; ++c)
            t.comments.push_back({fmt::format("{}-{}", t.id, c), c % 2 ? "agent@example.com" : "ana@example.com",
                                  fmt::format("reply {}", c), c % 2 == 1, desk_start_ms - 3'000'000 + c * 1000});
        account.desk.put(t);
    }
    auto connector = account.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, 10);
    REQUIRE(pulled.size() == 3);
    CHECK(pulled[0].description == "The printer 0 is jammed.");
    REQUIRE(pulled[0].comments.size() == 3);
    CHECK(pulled[0].comments[0].body == "reply 0");
    CHECK(pulled[0].comments[0].author == "ana@example.com");
    CHECK(pulled[0].comments[1].author == "agent@example.com");
    CHECK(pulled[0].comments[1].visibility == SL_VISIBILITY_INTERNAL);
    CHECK(pulled[0].comments[2].created_at == desk_start_ms - 3'000'000 + 2000);
    REQUIRE(pulled[2].comments.size() == 150);
    CHECK(pulled[2].comments[149].body == "reply 149");

    std::vector<std::string> listed;
    for (const auto &seen : account.server.requests())
        if (seen.path.find("/comments.json") != std::string::npos) listed.push_back(seen.path + "?" + seen.query);
    // One request per ticket; two for the one with 151 comments.
    REQUIRE(listed.size() == 4);
    CHECK_THAT(listed[0], Catch::Contains("page[size]=100") && Catch::Contains("include=users"));
    CHECK_THAT(listed[3], Catch::Contains("/tickets/3/comments.json") && Catch::Contains("page[after]="));
}

TEST_CASE("Zendesk: a ticket maps status, priority, channel, people, metrics and fields", "[connectors][zendesk]")
{
    ZendeskAccount account(0);
    FakeTicket t;
    t.id = "42";
    t.number = "42";
    t.title = "Laptop will not boot";
    t.description = "Black screen.";
    t.state = "on_hold";
    t.priority = 1;
    t.channel = "phone";
    t.caller_email = "ana@example.com";
    t.assignment_group = "Workplace";
    t.opened_at = desk_start_ms - 7'200'000;
    t.updated_at = desk_start_ms;
    t.resolved_at = desk_start_ms - 60'000;
    t.fields["360000000050"] = "negative";
    t.tags = {"laptop", "vip"};
    account.desk.put(t);
    store::Watermark mark;
    const auto pulled = pull_all(*account.connector(), mark, 10);
    REQUIRE(pulled.size() == 1);
    const host::OwnedIncident &i = pulled[0];
    CHECK(i.id == "42");
    CHECK(i.number == "42");
    CHECK(i.source == "zd");
    CHECK(i.title == "Laptop will not boot");
    CHECK(i.state == "on_hold");
    CHECK(i.priority == 1);
    CHECK(i.impact == 0);
    CHECK(i.contact_type == SL_CONTACT_PHONE);
    CHECK(i.caller_email == "ana@example.com");
    CHECK(i.caller_name == "ana");
    CHECK(i.assignment_group == "Workplace");
    CHECK(i.opened_at == t.opened_at);
    CHECK(i.resolved_at == t.resolved_at);
    CHECK(i.reassignment_count == 1);
    CHECK(i.custom.at("360000000050") == "negative");
    CHECK(i.custom.at("tags") == "laptop vip");
    CHECK(i.custom.at("type") == "incident");
    CHECK(i.custom.count("360000000999") == 0); // an empty field stays out
    CHECK(i.comments.empty());                  // the description alone
}

TEST_CASE("Zendesk: a private comment is written once, and never retried blindly", "[connectors][zendesk]")
{
    ZendeskAccount account(3, 1);
    auto connector = account.connector();
    const auto note = account.note(ticket_id(1), "zd:2:rule0:a1");
    connector->write_back(note);
    connector->write_back(note);
    CHECK(account.server.count("PUT", "/api/v2/tickets/2.json") == 1);
    // The fake takes private comments only.
    const FakeComment written = account.desk.find(ticket_id(1))->comments.back();
    CHECK(written.internal);
    CHECK(connectors::has_marker(written.body, note.idempotency_key));

    SECTION("a 503 on the write is not retried: the next attempt looks for the marker first")
    {
        const auto other = account.entry(ticket_id(0), "work_note", "", "Sentiment: positive", "zd:1:rule0:b2");
        account.server.fail_next(1, 503, "/api/v2/tickets/1.json");
        CHECK_THROWS_AS(connector->write_back(other), connectors::ConnectorError);
        CHECK(account.server.count("PUT", "/api/v2/tickets/1.json") == 1);
        connector->write_back(other);
        CHECK(account.server.count("PUT", "/api/v2/tickets/1.json") == 2);
        CHECK(account.desk.find(ticket_id(0))->comments.size() == 2);
    }
    SECTION("a deleted ticket is refused for good")
    {
        account.desk.remove(ticket_id(2));
        CHECK_THAT(rejection([&] { connector->write_back(account.entry(ticket_id(2), "work_note", "", "x")); }),
                   Catch::Contains("404") && Catch::Contains("RecordNotFound"));
    }
    SECTION("a closed ticket is refused for good, quoting Zendesk")
    {
        FakeTicket closed = *account.desk.find(ticket_id(2));
        closed.state = "closed";
        account.desk.put(closed);
        CHECK_THAT(rejection([&] { connector->write_back(account.entry(ticket_id(2), "work_note", "", "x")); }),
                   Catch::Contains("422") && Catch::Contains("closed prevents ticket update"));
    }
}

TEST_CASE("Zendesk: custom fields by numeric id, refused or ignored ones named", "[connectors][zendesk]")
{
    ZendeskAccount account(2, 0);
    account.desk.allow_field("360000000050");
    auto connector = account.connector();
    connector->write_back(account.entry(ticket_id(0), "field", "360000000050", "negative"));
    CHECK(account.desk.find(ticket_id(0))->fields.at("360000000050") == "negative");

    CHECK_THAT(rejection([&] { connector->write_back(account.entry(ticket_id(0), "field", "360000000099", "x")); }),
               Catch::Contains("360000000099") && Catch::Contains("RecordInvalid") &&
                   Catch::Contains("does not exist on this account"));
    account.server.ignore_unknown_fields(true);
    CHECK_THAT(rejection([&] { connector->write_back(account.entry(ticket_id(0), "field", "360000000099", "x")); }),
               Catch::Contains("360000000099") && Catch::Contains("no custom field"));
    const std::size_t before = account.server.requests().size();
    CHECK_THAT(rejection([&] { connector->write_back(account.entry(ticket_id(0), "field", "Sentiment", "x")); }),
               Catch::Contains("'Sentiment'") && Catch::Contains("numeric id"));
    CHECK(account.server.requests().size() == before);
}

TEST_CASE("Zendesk: tags are added, not replaced, and a tag with a space is refused", "[connectors][zendesk]")
{
    ZendeskAccount account(1, 0);
    FakeTicket t = *account.desk.find(ticket_id(0));
    t.tags = {"vip"};
    account.desk.put(t);
    auto connector = account.connector();
    connector->write_back(account.entry(ticket_id(0), "tag", "", "sentiment_negative"));
    CHECK(account.desk.find(ticket_id(0))->tags == std::set<std::string>{"sentiment_negative", "vip"});
    const auto last = account.server.requests().back();
    CHECK(last.method == "PUT");
    CHECK(last.path == "/api/v2/tickets/1/tags.json");
    CHECK_THAT(rejection([&] { connector->write_back(account.entry(ticket_id(0), "tag", "", "very negative")); }),
               Catch::Contains("no spaces"));
    CHECK_THROWS_AS(connector->write_back(account.entry("abc", "tag", "", "x")), host::WriteBackRejected);
}

TEST_CASE("Zendesk: a 429 past the retries quotes the plain-text body", "[connectors][zendesk]")
{
    ZendeskAccount account(3);
    auto connector = account.connector();
    account.server.throttle_next(10, "0", export_path);
    store::Watermark mark;
    CHECK_THROWS_WITH(connector->pull(mark, 10), Catch::Contains("zd") && Catch::Contains("429") &&
                                                     Catch::Contains("Rate limit for incremental exports exceeded"));
}

TEST_CASE("Zendesk: channels, statuses, priorities and error bodies read as documented, and no filter is taken",
          "[connectors][zendesk]")
{
    CHECK(zendesk::contact_type_of("web") == SL_CONTACT_PORTAL);
    CHECK(zendesk::contact_type_of("voice") == SL_CONTACT_PHONE);
    CHECK(zendesk::contact_type_of("native_messaging") == SL_CONTACT_CHAT);
    CHECK(zendesk::contact_type_of("whatsapp") == SL_CONTACT_SOCIAL);
    CHECK(zendesk::contact_type_of("api") == SL_CONTACT_UNKNOWN);
    CHECK(zendesk::state_of("hold") == "on_hold");
    CHECK(zendesk::state_of("open") == "in_progress");
    CHECK(zendesk::priority_of(json()) == 0);
    CHECK(zendesk::priority_of("low") == 4);
    CHECK(
        zendesk::error_message(json::parse(R"({"error":{"title":"Forbidden","message":"You do not have access"}})")) ==
        "Forbidden; You do not have access");
    CHECK(
        zendesk::error_message(json::parse(
            R"({"error":"RecordInvalid","description":"Record validation errors","details":{"base":[{"description":"Too long"}]}})")) ==
        "RecordInvalid; Record validation errors; base: Too long");

    ZendeskAccount account(1);
    account.config.filter = "status:open";
    CHECK_THROWS_WITH(account.connector(), Catch::Contains("zd") && Catch::Contains("no filter"));
}
