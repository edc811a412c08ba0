// One contract every vendor connector keeps, run against each vendor's fake:
// paging that loses nothing, comments with their visibility, write-backs
// that happen once, and failures that say what to check.
#include "connector_test_support.hpp"
#include "vendor_fakes.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

using namespace servicelens;
using namespace servicelens::fakes;
using namespace std::chrono_literals;

namespace {

// One vendor's fake with its desk, serving, and a connector config for it.
struct VendorUnderTest : FakeSite<FakeVendorServer> {
    VendorUnderTest(const VendorFake &v, int tickets, int comments_each = 2, int page_size = 25)
        : FakeSite(v.make, {.connector = "under-test",
                            .tickets = tickets,
                            .comments_each = comments_each,
                            .page_size = page_size,
                            .id_of = v.id_of,
                            .number_of = v.number_of})
    {
        desk.allow_field(v.custom_field);
    }

    store::OutboxEntry field(const std::string &incident, const std::string &name, const std::string &value) const
    {
        return entry(incident, "field", name, value, "field-" + incident + "-" + value);
    }
};

} // namespace

TEST_CASE("every connector pulls every ticket once, oldest first, with its comments", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 120);
            auto connector = v.connector();
            store::Watermark mark;
            const auto pulled = pull_all(*connector, mark);

            REQUIRE(pulled.size() == 120);
            std::set<std::string> ids;
            for (std::size_t i = 0; i < pulled.size(); ++i) {
                ids.insert(pulled[i].id);
                if (i > 0)
                    CHECK(!connectors::after_watermark({pulled[i].updated_at, pulled[i].id}, pulled[i - 1].updated_at,
                                                       pulled[i - 1].id));
            }
            CHECK(ids.size() == 120);

            const FakeTicket expected = *v.desk.find(vendor.id_of(7));
            const host::OwnedIncident &got = incident_with_id(pulled, expected.id);
            CHECK(got.number == expected.number);
            CHECK(got.title == expected.title);
            CHECK(got.updated_at == expected.updated_at);
            CHECK(got.opened_at == expected.opened_at);
            CHECK(got.state == expected.state);
            CHECK(got.priority == expected.priority);
            REQUIRE(got.comments.size() == expected.comments.size());
            for (std::size_t c = 0; c < expected.comments.size(); ++c) {
                CHECK(got.comments[c].body == expected.comments[c].body);
                CHECK(got.comments[c].visibility ==
                      (expected.comments[c].internal ? SL_VISIBILITY_INTERNAL : SL_VISIBILITY_PUBLIC));
                CHECK(got.comments[c].created_at == expected.comments[c].created_at);
            }
            CHECK(mark.updated_at == pulled.back().updated_at);
            CHECK(mark.last_id == pulled.back().id);
        }
    }
}

TEST_CASE("every connector ends on an empty last page and picks up only what changed since", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            // 50 tickets in pages of 25: the last HTTP page is full and the next one empty.
            VendorUnderTest v(vendor, 50, 1, 25);
            auto connector = v.connector();
            store::Watermark mark;
            CHECK(pull_all(*connector, mark, 25).size() == 50);
            CHECK(connector->pull(mark, 25).incidents.empty());

            const std::string changed = vendor.id_of(3);
            v.desk.touch(changed, desk_start_ms + 3'600'000);
            const auto again = pull_all(*connector, mark);
            REQUIRE(again.size() == 1);
            CHECK(again[0].id == changed);
            CHECK(again[0].updated_at == desk_start_ms + 3'600'000);
        }
    }
}

TEST_CASE("a ticket updated while the connector pages is neither lost nor stale", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 100, 0, 20);
            // After the first HTTP page, a ticket already read and one not yet
            // read both move to the end of the order.
            const std::string seen = vendor.id_of(5), unseen = vendor.id_of(60);
            v.desk.on_list_page([&, done = false](int page) mutable {
                if (page != 0 || done) return;
                done = true;
                v.desk.touch(seen, desk_start_ms + 7'200'000);
                v.desk.touch(unseen, desk_start_ms + 7'201'000);
            });
            auto connector = v.connector();
            store::Watermark mark;
            const auto pulled = pull_all(*connector, mark, 100);

            std::map<std::string, int64_t> last_version;
            for (const auto &p : pulled) last_version[p.id] = p.updated_at;
            CHECK(last_version.size() == 100);
            CHECK(last_version[seen] == desk_start_ms + 7'200'000);
            CHECK(last_version[unseen] == desk_start_ms + 7'201'000);
        }
    }
}

TEST_CASE("every connector writes a note once, however often it is asked", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 3, 1);
            auto connector = v.connector();
            const std::string ticket = vendor.id_of(1);
            const auto entry = v.note(ticket, "under-test:" + ticket + ":rule0:00000000000000a1");
            connector->write_back(entry);
            // After a crash the host sends the same entry again.
            connector->write_back(entry);
            CHECK(notes_with(v.desk, ticket, entry.idempotency_key) == 1);
            const FakeComment note = v.desk.find(ticket)->comments.back();
            CHECK(note.internal);
            CHECK(note.body.find("Sentiment: negative (-0.62)") != std::string::npos);

            // A pulled ticket shows the note as an internal comment.
            store::Watermark mark;
            const auto pulled = pull_all(*connector, mark);
            const host::OwnedIncident &got = incident_with_id(pulled, ticket);
            CHECK(got.comments.back().visibility == SL_VISIBILITY_INTERNAL);
        }
    }
}

TEST_CASE("every connector writes a mapped field and reads it back", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 3, 0);
            auto connector = v.connector();
            const std::string ticket = vendor.id_of(2);
            connector->write_back(v.field(ticket, vendor.custom_field, "negative"));
            CHECK(v.desk.find(ticket)->fields.at(vendor.custom_field) == "negative");

            store::Watermark mark;
            const auto pulled = pull_all(*connector, mark);
            const host::OwnedIncident &got = incident_with_id(pulled, ticket);
            // Read back under the name write-back uses, so the host sees the value is already there.
            REQUIRE(got.custom.count(vendor.custom_field) == 1);
            CHECK(got.custom.at(vendor.custom_field) == "negative");
        }
    }
}

TEST_CASE("every connector waits out 429 Retry-After and rides out a burst of 5xx", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 10, 1);
            auto connector = v.connector();
            SECTION("Retry-After in seconds")
            {
                v.server.throttle_next(1, "1");
                const auto started = std::chrono::steady_clock::now();
                store::Watermark mark;
                CHECK(pull_all(*connector, mark).size() == 10);
                CHECK(std::chrono::steady_clock::now() - started >= 900ms);
            }
            SECTION("Retry-After as an HTTP-date in the past")
            {
                v.server.throttle_next(2, "Wed, 21 Oct 2015 07:28:00 GMT");
                store::Watermark mark;
                CHECK(pull_all(*connector, mark).size() == 10);
            }
            SECTION("three 503s in a row")
            {
                v.server.fail_next(3, 503);
                store::Watermark mark;
                CHECK(pull_all(*connector, mark).size() == 10);
            }
        }
    }
}

TEST_CASE("every connector retries a response slower than its timeout", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 5, 0);
            v.config.timeout = 300ms;
            auto connector = v.connector();
            v.server.delay_next(1, 800ms);
            store::Watermark mark;
            CHECK(pull_all(*connector, mark).size() == 5);
        }
    }
}

TEST_CASE("every connector explains garbage, refused credentials and a wrong address", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 5, 0);
            auto connector = v.connector();
            store::Watermark mark;
            SECTION("malformed JSON")
            {
                v.server.garble_next(1);
                CHECK_THROWS_WITH(connector->pull(mark, 10),
                                  Catch::Contains("not JSON") && Catch::Contains("under-test"));
            }
            SECTION("expired credentials")
            {
                v.server.expire_credentials(true);
                CHECK_THROWS_WITH(connector->pull(mark, 10), Catch::Contains("401") && Catch::Contains("credentials"));
            }
            SECTION("nothing listening at base_url")
            {
                config::ConnectorConfig wrong = v.config;
                v.server.stop();
                auto lost = connectors::make_connector(wrong);
                CHECK_THROWS_WITH(lost->pull(mark, 10), Catch::Contains("under-test") && Catch::Contains("base_url"));
            }
        }
    }
}

TEST_CASE("every connector refuses for good a write to a deleted ticket or a field that does not exist", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorUnderTest v(vendor, 3, 0);
            auto connector = v.connector();
            SECTION("deleted between list and write-back")
            {
                const std::string ticket = vendor.id_of(0);
                v.desk.remove(ticket);
                CHECK_THROWS_AS(connector->write_back(v.note(ticket, "k-deleted")), host::WriteBackRejected);
            }
            SECTION("a mapped field the platform does not have")
            {
                const std::string missing = vendor.custom_field + "_missing";
                CHECK_THAT(rejection([&] { connector->write_back(v.field(vendor.id_of(1), missing, "x")); }),
                           Catch::Contains(missing));
                CHECK(v.desk.writes().empty());
            }
            SECTION("the batch goes on past neither: it stops at the refusal and says so")
            {
                const std::string gone = vendor.id_of(0);
                v.desk.remove(gone);
                const std::vector<store::OutboxEntry> entries = {v.note(vendor.id_of(1), "k-1"), v.note(gone, "k-0"),
                                                                 v.note(vendor.id_of(2), "k-2")};
                const host::WriteBackResult result = connector->write_back_batch(entries);
                CHECK(result.acknowledged == 1);
                CHECK(result.rejected);
                CHECK_THAT(result.error, Catch::Contains("under-test"));
            }
        }
    }
}
