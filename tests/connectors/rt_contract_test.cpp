// What only the Request Tracker connector must get right, against the RT
// fake (fake_rt.hpp): the TicketSQL it sends (RT reads time literals its own
// way), a second with more tickets than a page, a time zone that is not
// UTC, pages RT empties for lack of rights, the few requests a page's
// comments cost, RT's mapping, its auth token, and write-backs RT answers
// with 200 whatever it did.
#include "connector_test_support.hpp"
#include "fake_rt.hpp"
#include "fake_rt_query.hpp"

#include "rt_mapping.hpp"
#include "rt_ticket_sql.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

using namespace servicelens;
using namespace servicelens::fakes;
using namespace std::chrono_literals;

namespace {

std::string rt_id(int i)
{
    return std::to_string(i + 1);
}

struct Rt : FakeSite<FakeRt> {
    explicit Rt(int tickets, int comments_each = 2, int page_size = 25)
        : FakeSite({.connector = "rt-test",
                    .tickets = tickets,
                    .comments_each = comments_each,
                    .page_size = page_size,
                    .id_of = rt_id,
                    .number_of = rt_id})
    {
        desk.allow_field("Sentiment");
    }

    std::vector<FakeVendorServer::Seen> seen(const std::string &method, const std::string &path) const
    {
        std::vector<FakeVendorServer::Seen> out;
        for (auto &s : server.requests())
            if (s.method == method && s.path == path) out.push_back(s);
        return out;
    }
};

// More than any desk here holds: one pull reads everything, so request
// counts are those of a single listing.
constexpr std::size_t everything = 1000;

} // namespace

TEST_CASE("rt: the change query is a keyset on LastUpdated with literals RT reads to the second", "[rt]")
{
    CHECK(connectors::rt::time_literal(desk_start_ms + 1500) == "2026-11-02 09:00:01");
    CHECK(connectors::rt::changed_since("", {}) == "id > 0");
    CHECK(connectors::rt::changed_since("Queue = 'CI'", {desk_start_ms, "17"}) ==
          "(Queue = 'CI') AND ((LastUpdated >= '2026-11-02 09:00:00' AND id > 17) OR LastUpdated > '2026-11-02 "
          "09:00:00')");
    // A watermark inside a second is past every ticket of that second.
    CHECK(connectors::rt::changed_since("", {desk_start_ms + 250, "17"}) == "LastUpdated > '2026-11-02 09:00:00'");
    // Not a ticket id: the whole second again (the client-side check drops what was seen).
    CHECK(connectors::rt::changed_since("", {desk_start_ms, "x; DROP"}) ==
          "(LastUpdated >= '2026-11-02 09:00:00' AND id > 0) OR LastUpdated > '2026-11-02 09:00:00'");
}

TEST_CASE("rt: the fake reads TicketSQL time literals as RT 5.0 does", "[rt][fake]")
{
    const SqlRecord ticket = {{"id", "5"}, {"LastUpdated", std::to_string(desk_start_ms / 1000 + 30)}}; // 09:00:30 UTC
    CHECK(SqlQuery("LastUpdated > '2026-11-02 09:00:29'", 0min).matches(ticket));
    CHECK_FALSE(SqlQuery("LastUpdated > '2026-11-02 09:00:30'", 0min).matches(ticket));
    // The ISO form is read as the day: everything that day is "after" it.
    CHECK(SqlQuery("LastUpdated > '2026-11-02T09:00:30Z'", 0min).matches(ticket));
    // "=" is the whole day.
    CHECK(SqlQuery("LastUpdated = '2026-11-02 23:59:59'", 0min).matches(ticket));
    // A user in UTC-5 means 09:00:29 there, 14:00:29 UTC.
    CHECK_FALSE(SqlQuery("LastUpdated > '2026-11-02 09:00:29'", -300min).matches(ticket));
    CHECK(SqlQuery("(LastUpdated >= '2026-11-02 09:00:30' AND id > 4) OR id = 1", 0min).matches(ticket));
    CHECK_THROWS_WITH(SqlQuery("Queue = = 'CI'", 0min), Catch::Contains("Wrong query"));
}

TEST_CASE("rt: the listing asks RT for what the mapping reads, sorted by LastUpdated then id", "[rt]")
{
    Rt rt(30, 1, 500); // more than RT's 100 per page
    auto connector = rt.connector();
    store::Watermark mark;
    REQUIRE(pull_all(*connector, mark, everything).size() == 30);
    const auto lists = rt.seen("GET", "/REST/2.0/tickets");
    // The listing proper, not the time-zone check that looks for the newest ticket first.
    const auto listing = std::find_if(lists.begin(), lists.end(), [](const auto &s) {
        return s.query.find("orderby=LastUpdated") != std::string::npos &&
               s.query.find("order=ASC") != std::string::npos;
    });
    REQUIRE(listing != lists.end());
    CHECK_THAT(listing->query, Catch::Contains("per_page=100"));
    CHECK_THAT(listing->query, Catch::Contains("fields[Queue]=Name"));
    CHECK_THAT(listing->query, Catch::Contains("Requestors"));
    // A second pull after the last ticket: the literal is RT's form, never "...T...Z".
    connector->pull(mark, 10);
    const auto last = rt.seen("GET", "/REST/2.0/tickets").back();
    CHECK_THAT(last.query, Catch::Contains("LastUpdated > '2026-11-02 09:00:29'"));
    CHECK_THAT(last.query, !Catch::Contains("T09:00:29Z"));
}

TEST_CASE("rt: more tickets in one second than fit a page are each read once, in a bounded number of requests", "[rt]")
{
    Rt rt(0);
    for (int i = 0; i < 250; ++i) {
        FakeTicket t;
        t.id = t.number = std::to_string(i + 1);
        t.title = fmt::format("Mass update {}", i);
        t.caller_email = "bulk@example.com";
        t.opened_at = desk_start_ms - 60'000;
        t.updated_at = desk_start_ms; // one bulk edit touched them all
        rt.desk.put(t);
    }
    rt.config.page_size = 100;
    auto connector = rt.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, 120);
    REQUIRE(pulled.size() == 250);
    std::set<std::string> ids;
    for (const auto &p : pulled) ids.insert(p.id);
    CHECK(ids.size() == 250);
    CHECK(mark.last_id == "250");
    CHECK(rt.seen("GET", "/REST/2.0/tickets").size() <= 10);
}

TEST_CASE("rt: a page of tickets costs a few requests for all their comments, not several per ticket", "[rt]")
{
    Rt rt(100, 3, 100);
    auto connector = rt.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, everything);
    REQUIRE(pulled.size() == 100);
    // 100 tickets x (Create + 3 messages) = 400 transactions, 4 pages; their 400 text/plain
    // parts and the 50 text files attached to even tickets' Create, 5 pages. Each search
    // reads on to an empty page (RT leaves next_page out for a user without SuperUser), so
    // one request more per search: 1 for the transactions, 2 for the attachments, which
    // are searched in two batches of transaction ids.
    CHECK(rt.seen("GET", "/REST/2.0/transactions").size() == 4 + 1);
    CHECK(rt.seen("POST", "/REST/2.0/attachments").size() == 5 + 2);

    const FakeTicket expected = *rt.desk.find("8"); // an even ticket: its Create carries an attached file
    const host::OwnedIncident &got = incident_with_id(pulled, "8");
    CHECK(got.description == expected.description); // the text/plain part, not the HTML nor the file
    REQUIRE(got.comments.size() == 3);
    CHECK(got.comments[0].author == expected.comments[0].author);
    CHECK(got.comments[1].visibility == SL_VISIBILITY_INTERNAL);
}

TEST_CASE("rt: tickets map onto the canonical incident as docs/connectors/rt.md says", "[rt]")
{
    Rt rt(0);
    const auto add = [&](const std::string &id, const std::string &state, int priority, const std::string &channel) {
        FakeTicket t;
        t.id = t.number = id;
        t.title = "Printer on fire " + id;
        t.description = "It is on fire.";
        t.state = state;
        t.priority = priority;
        t.channel = channel;
        t.caller_email = "ada@example.com";
        t.caller_name = "Ada Lovelace";
        t.assignment_group = "Facilities";
        t.opened_at = desk_start_ms;
        t.updated_at = desk_start_ms + std::stoll(id) * 1000;
        t.resolved_at = state == "resolved" || state == "cancelled" ? t.updated_at : 0;
        t.comments = {{"", "ada@example.com", "Still burning", false, desk_start_ms + 10'000},
                      {"", "agent@example.com", "Extinguisher on the way", false, desk_start_ms + 20'000}};
        t.fields = {{"Sentiment", "negative"}};
        rt.desk.put(t);
    };
    add("1", "new", 1, "email");
    add("2", "in_progress", 2, "portal");
    add("3", "on_hold", 3, "phone");
    add("4", "resolved", 4, "email");
    add("5", "cancelled", 5, "email");
    auto connector = rt.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, everything);
    REQUIRE(pulled.size() == 5);

    const std::vector<std::string> states = {"new", "in_progress", "on_hold", "resolved", "cancelled"};
    for (int i = 0; i < 5; ++i) {
        const host::OwnedIncident &got = pulled[static_cast<std::size_t>(i)];
        CHECK(got.id == std::to_string(i + 1));
        CHECK(got.number == got.id);
        CHECK(got.source == "rt-test");
        CHECK(got.state == states[static_cast<std::size_t>(i)]);
        CHECK(got.priority == i + 1);
        CHECK(got.impact == 0); // RT has neither impact nor urgency
        CHECK(got.caller_email == "ada@example.com");
        CHECK(got.caller_name == "Ada Lovelace");
        CHECK(got.assignment_group == "Facilities");
        CHECK(got.assigned_to.empty()); // RT's "Nobody"
        CHECK(got.opened_at == desk_start_ms);
        CHECK(got.sla_due_at == SL_TIMESTAMP_NONE); // 1970-01-01T00:00:00Z is RT's "not set"
        CHECK(got.custom.at("Sentiment") == "negative");
        CHECK(got.first_response_at == desk_start_ms + 20'000); // the agent's reply, not the requestor's
    }
    CHECK(pulled[0].contact_type == SL_CONTACT_EMAIL);
    CHECK(pulled[1].contact_type == SL_CONTACT_PORTAL);
    CHECK(pulled[2].contact_type == SL_CONTACT_UNKNOWN); // RT does not record phone calls
    CHECK(pulled[3].resolved_at == desk_start_ms + 4000);
    CHECK(pulled[4].resolved_at == SL_TIMESTAMP_NONE);
    CHECK(pulled[4].closed_at == desk_start_ms + 5000);
    CHECK(pulled[0].resolved_at == SL_TIMESTAMP_NONE);

    using connectors::rt::priority_of;
    CHECK(priority_of(100) == 1);
    CHECK(priority_of(90) == 1);
    CHECK(priority_of(89) == 2);
    CHECK(priority_of(50) == 3);
    CHECK(priority_of(0) == 4);
    CHECK(priority_of(-1) == 5);
    CHECK(connectors::rt::state_of("closed", true) == "resolved"); // a lifecycle's own inactive status
    CHECK(connectors::rt::state_of("triage", false) == "in_progress");
}

TEST_CASE("rt: a user time zone other than UTC stops the sync with what to change", "[rt]")
{
    for (const auto offset : {-300min, 60min}) {
        Rt rt(5, 0);
        rt.server.set_user_time_zone(offset);
        auto connector = rt.connector();
        store::Watermark mark;
        CHECK_THROWS_WITH(connector->pull(mark, 10),
                          Catch::Contains("rt-test") && Catch::Contains("time zone") && Catch::Contains("UTC"));
    }
}

TEST_CASE("rt: a page RT empties for lack of rights does not end the listing", "[rt]")
{
    Rt rt(60, 0, 20);
    rt.server.hide_tickets_from(21, 40);
    auto connector = rt.connector();
    store::Watermark mark;
    const auto pulled = pull_all(*connector, mark, everything);
    CHECK(pulled.size() == 40);
    CHECK(mark.last_id == "60");
}

TEST_CASE("rt: remaining counts the tickets changed since the watermark", "[rt]")
{
    Rt rt(30, 0);
    auto connector = rt.connector();
    CHECK(connector->remaining({}) == std::optional<std::size_t>(30));
    CHECK(connector->remaining({desk_start_ms + 9000, "10"}) == std::optional<std::size_t>(20));
}

TEST_CASE("rt: an auth token, a REST2 base_url and a bad filter", "[rt]")
{
    Rt rt(3, 0);
    SECTION("Authorization: token")
    {
        rt.config.auth = {"rt_token", {{"token", FakeRt::token}}};
        store::Watermark mark;
        CHECK(pull_all(*rt.connector(), mark, everything).size() == 3);
        CHECK(rt.server.requests().back().authorization == std::string("token ") + FakeRt::token);
        rt.config.auth = {"rt_token", {{"token", "1-14-00000000000000000000000000000000"}}};
        store::Watermark fresh;
        CHECK_THROWS_WITH(rt.connector()->pull(fresh, 10), Catch::Contains("401") && Catch::Contains("credentials"));
    }
    SECTION("base_url naming REST2 itself")
    {
        rt.config.base_url += "/REST/2.0/";
        store::Watermark mark;
        CHECK(pull_all(*rt.connector(), mark, everything).size() == 3);
    }
    SECTION("a filter RT cannot parse")
    {
        rt.config.filter = "Queue = = 'CI'";
        store::Watermark mark;
        CHECK_THROWS_WITH(rt.connector()->pull(mark, 10), Catch::Contains("Wrong query") && Catch::Contains("filter"));
    }
}

TEST_CASE("rt: a note is an RT comment, written once, in JSON", "[rt]")
{
    Rt rt(3, 1);
    auto connector = rt.connector();
    const auto note = rt.entry("2", "work_note", "", "Sentiment: negative", "rt-test:2:rule0:00000000000000b2");
    connector->write_back(note);
    connector->write_back(note);
    CHECK(rt.seen("POST", "/REST/2.0/ticket/2/comment").size() == 1); // the fake takes only a JSON or text body
    REQUIRE(rt.desk.writes().size() == 1);
    const FakeComment written = rt.desk.find("2")->comments.back();
    CHECK(written.internal);
    CHECK(connectors::has_marker(written.body, note.idempotency_key));
}

TEST_CASE("rt: a ticket deleted after its comments were read refuses the note for good", "[rt]")
{
    Rt rt(3, 1);
    rt.desk.vanish_on_write("3");
    // RT answers a comment on a ticket that is not there with 400 "Message could not be recorded".
    CHECK_THROWS_AS(rt.connector()->write_back(rt.entry("3", "work_note", "", "x", "k-gone")), host::WriteBackRejected);
    CHECK_FALSE(rt.desk.find("3"));
    CHECK(rt.desk.writes().empty());
}

TEST_CASE("rt: a custom field is set with PUT and checked by reading the ticket back", "[rt]")
{
    Rt rt(3, 0);
    auto connector = rt.connector();
    SECTION("set, and set again to the value it holds (RT answers [] both times it changes nothing)")
    {
        connector->write_back(rt.entry("1", "field", "Sentiment", "positive", "k1"));
        CHECK(rt.desk.find("1")->fields.at("Sentiment") == "positive");
        connector->write_back(rt.entry("1", "field", "Sentiment", "positive", "k1"));
        CHECK(rt.desk.writes().size() == 1);
        CHECK(rt.seen("GET", "/REST/2.0/ticket/1").size() == 2);
    }
    SECTION("a field RT does not have: refused for good, naming it and the queue to check")
    {
        CHECK_THROWS_AS(connector->write_back(rt.entry("1", "field", "Mood", "x", "k2")), host::WriteBackRejected);
        CHECK_THROWS_WITH(connector->write_back(rt.entry("1", "field", "Mood", "x", "k2")),
                          Catch::Contains("'Mood'") && Catch::Contains("queue"));
        CHECK(rt.desk.writes().empty());
    }
    SECTION("a ticket that is gone")
    {
        rt.desk.remove("3");
        CHECK_THROWS_AS(connector->write_back(rt.entry("3", "field", "Sentiment", "x", "k3")), host::WriteBackRejected);
    }
    SECTION("tags: RT has none, say what to use instead")
    {
        CHECK_THROWS_AS(connector->write_back(rt.entry("1", "tag", "", "negative", "k4")), host::WriteBackRejected);
        CHECK_THROWS_WITH(connector->write_back(rt.entry("1", "tag", "", "negative", "k4")),
                          Catch::Contains("custom field"));
    }
}
