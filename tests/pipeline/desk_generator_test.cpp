#include <servicelens/host/desk_generator.hpp>
#include <servicelens/host/incident_json.hpp>

#include <catch2/catch.hpp>

#include <map>

using namespace servicelens::host;

TEST_CASE("the same seed gives the same desk, and another seed another")
{
    const Desk a = generate_desk({500, 3, 1});
    const Desk b = generate_desk({500, 3, 1});
    const Desk c = generate_desk({500, 3, 2});
    REQUIRE(a.incidents.size() == 500);
    for (std::size_t i = 0; i < a.incidents.size(); ++i)
        REQUIRE(incident_to_json(a.incidents[i]) == incident_to_json(b.incidents[i]));
    CHECK(incident_to_json(a.incidents[0]) != incident_to_json(c.incidents[0]));
}

TEST_CASE("the generated desk looks like a service desk")
{
    const Desk desk = generate_desk({4000, 6, 42});
    std::map<int, int> by_priority;
    std::map<sl_contact_type_t, int> by_channel;
    int weekend = 0, office_hours = 0, escalated = 0, reopened = 0, with_change = 0, surveyed = 0;
    for (const OwnedIncident &i : desk.incidents) {
        ++by_priority[i.priority];
        ++by_channel[i.contact_type];
        const int weekday = static_cast<int>(((i.opened_at / 86400000) + 4) % 7);
        const int hour = static_cast<int>((i.opened_at / 3600000) % 24);
        weekend += weekday == 0 || weekday == 6;
        office_hours += hour >= 7 && hour < 19;
        escalated += i.escalation_level > 0;
        reopened += i.reopen_count > 0;
        with_change += !i.related_change.empty();
        surveyed += !i.survey.empty();
        REQUIRE(i.updated_at >= i.opened_at);
        if (i.resolved_at != SL_TIMESTAMP_NONE) REQUIRE(i.resolved_at > i.opened_at);
    }
    CHECK(by_priority[1] > 0);
    CHECK(by_priority[3] + by_priority[4] > by_priority[1] + by_priority[2]);   // most tickets are routine
    for (sl_contact_type_t c : {SL_CONTACT_PHONE, SL_CONTACT_EMAIL, SL_CONTACT_PORTAL, SL_CONTACT_WALK_UP, SL_CONTACT_CHAT})
        CHECK(by_channel[c] > 0);
    CHECK(weekend < 4000 / 10);                 // quiet weekends
    CHECK(office_hours > 4000 * 8 / 10);        // business hours
    CHECK(escalated > 4000 / 10);
    CHECK(escalated < 4000 / 2);                // level 1 resolves most
    CHECK(reopened > 0);
    CHECK(with_change > 4000 / 20);             // change-related spikes
    CHECK(surveyed > 4000 / 10);
}
