// The desk's memory of callers, as plugins see it through
// servicelens.host-history/1.
#include <servicelens/host/caller_history.hpp>
#include <servicelens/host/host_services.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace servicelens::host;

namespace {

OwnedIncident incident(const std::string &id, const std::string &email, sl_timestamp_t opened, const std::string &sub = "")
{
    OwnedIncident i;
    i.id = id;
    i.caller_email = email;
    i.caller_id = "u-" + email.substr(0, email.find('@'));
    i.opened_at = opened;
    i.category = "software";
    i.subcategory = sub;
    return i;
}

struct Seen {
    std::vector<sl_timestamp_t> opened;
    std::vector<std::string> subcategories;
};

sl_status_t remember(void *context, const sl_past_incident_t *p)
{
    auto &seen = *static_cast<Seen *>(context);
    seen.opened.push_back(p->opened_at);
    seen.subcategories.emplace_back(p->subcategory.data, p->subcategory.size);
    return SL_STATUS_OK;
}

Seen visit(const CallerHistory &h, const std::string &caller, sl_timestamp_t before, uint32_t limit = 0)
{
    Seen seen;
    REQUIRE(h.visit(caller, before, limit, &remember, &seen) == SL_STATUS_OK);
    return seen;
}

} // namespace

TEST_CASE("a caller's incidents come newest first, before the given time, by e-mail in any case or by id")
{
    CallerHistory h;
    h.add(incident("1", "ada@example.com", 100, "how_to"));
    h.add(incident("3", "ada@example.com", 300));
    h.add(incident("2", "ada@example.com", 200));
    h.add(incident("4", "bob@example.com", 150));
    CHECK(visit(h, "ada@example.com", 1000).opened == std::vector<sl_timestamp_t>{300, 200, 100});
    CHECK(visit(h, " ADA@Example.com ", 300).opened == std::vector<sl_timestamp_t>{200, 100});
    CHECK(visit(h, "u-ada", 1000, 2).opened == std::vector<sl_timestamp_t>{300, 200});
    CHECK(visit(h, "ada@example.com", 150).subcategories == std::vector<std::string>{"how_to"});
    CHECK(visit(h, "nobody@example.com", 1000).opened.empty());
}

TEST_CASE("an updated incident replaces its old record, and stored ones never overwrite newer ones")
{
    int loads = 0;
    CallerHistory h([&](CallerHistory &self) {
        ++loads;
        self.add(incident("1", "ada@example.com", 100, "old"), false);   // the stored version
        self.add(incident("9", "ada@example.com", 50), false);
    });
    h.add(incident("1", "ada@example.com", 120, "new"));                 // the batch in hand
    CHECK(visit(h, "ada@example.com", 1000).subcategories == std::vector<std::string>{"new", ""});
    CHECK(visit(h, "ada@example.com", 1000).opened == std::vector<sl_timestamp_t>{120, 50});
    CHECK(loads == 1);
    CHECK(h.size() == 2);
    h.add(incident("1", "grace@example.com", 130, "moved"));   // reassigned to another caller
    CHECK(visit(h, "ada@example.com", 1000).opened == std::vector<sl_timestamp_t>{50});
    CHECK(visit(h, "grace@example.com", 1000).subcategories == std::vector<std::string>{"moved"});
}

TEST_CASE("a caller whose id is their e-mail address, or who has none, is listed once or not at all")
{
    CallerHistory h;
    OwnedIncident same = incident("1", "ada@example.com", 100);
    same.caller_id = "ADA@example.com";   // the same key once lower-cased
    h.add(same);
    h.add(same);   // replaced, still once
    OwnedIncident nobody = incident("2", "", 200);
    nobody.caller_id = " ";
    h.add(nobody);
    OwnedIncident named_like_a_category = incident("3", "eve@example.com", 300);
    named_like_a_category.caller_id = "software";   // also interned as incident 3's category
    h.add(named_like_a_category);
    CHECK(visit(h, "ada@example.com", 1000).opened == std::vector<sl_timestamp_t>{100});
    CHECK(visit(h, "", 1000).opened.empty());
    CHECK(visit(h, "software", 1000).opened == std::vector<sl_timestamp_t>{300});
    CHECK(h.size() == 3);
}

TEST_CASE("a visitor stops the walk with its status, and bad arguments are refused")
{
    CallerHistory h;
    h.add(incident("1", "ada@example.com", 100));
    h.add(incident("2", "ada@example.com", 200));
    int calls = 0;
    const auto stop = [](void *context, const sl_past_incident_t *) -> sl_status_t {
        ++*static_cast<int *>(context);
        return SL_STATUS_UNAVAILABLE;
    };
    CHECK(h.visit("ada@example.com", 1000, 0, stop, &calls) == SL_STATUS_UNAVAILABLE);
    CHECK(calls == 1);
    CHECK(h.visit("ada@example.com", 1000, 0, nullptr, nullptr) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(h.visit("\xff", 1000, 0, stop, &calls) == SL_STATUS_INVALID_ARGUMENT);
}

TEST_CASE("the history service is offered only to instances whose host has a history")
{
    const InstanceServices without("i", "p");
    CHECK(without.table()->get_service(without.table(), SL_HOST_HISTORY_ID) == nullptr);

    auto history = std::make_shared<CallerHistory>();
    history->add(incident("1", "ada@example.com", 100));
    HostEnvironment environment;
    environment.history = history;
    const InstanceServices with("i", "p", environment);
    const auto *service = static_cast<const sl_host_history_t *>(with.table()->get_service(with.table(), SL_HOST_HISTORY_ID));
    REQUIRE(service != nullptr);
    Seen seen;
    CHECK(service->caller_incidents(with.table(), SL_STR("ada@example.com"), 1000, 0, &remember, &seen) == SL_STATUS_OK);
    CHECK(seen.opened == std::vector<sl_timestamp_t>{100});
}
