// The proximity plugin, loaded through the host library as the host loads it,
// on tests/plugins/data/proximity/sites.json, with the host clock fixed so
// that "open now" is checked at known instants.
#include "captured_plugin_log.hpp"
#include "context_test_support.hpp"

#include <servicelens/host/incident_json.hpp>
#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

using namespace servicelens;
using nlohmann::json;
using namespace servicelens::test;

std::string data_file(const std::string &name)
{
    return std::string(SL_TEST_PLUGIN_DATA) + "/proximity/" + name;
}

const host::PluginLibrary &library()
{
    static const host::PluginLibrary loaded(std::string(SL_TEST_PLUGIN_DIR) + "/proximity.so");
    return loaded;
}

sl_timestamp_t at(const char *text)
{
    return *host::parse_utc(text);
}

// 2026-03-02 is a Monday. Europe is on standard time (CET = UTC+1, GMT)
// until 29 March; New York moves to EDT (UTC-4) on 8 March.
const char *const monday_0900_utc = "2026-03-02T09:00:00Z";

// A proximity instance whose host clock stands at `now`.
std::unique_ptr<host::ContextProviderInstance> make_proximity(const char *now, json config = {},
                                                              const std::string &instance = "proximity-test")
{
    if (!config.contains("file")) config["file"] = data_file("sites.json");
    host::HostEnvironment environment;
    const sl_timestamp_t fixed = at(now);
    environment.now = [fixed] { return fixed; };
    return std::make_unique<host::ContextProviderInstance>(
        library(), host::InstanceSpec{"org.servicelens.proximity", instance, config.dump(), environment});
}

Found enrich(host::ContextProviderInstance &plugin, const std::string &location, const std::string &category)
{
    host::OwnedIncident incident;
    incident.id = "INC-1";
    incident.caller_email = "caller@example.com";
    incident.location = location;
    incident.category = category;
    incident.opened_at = at("2026-01-01T00:00:00Z"); // the clock decides "now", not the incident
    const host::IncidentView view(incident);
    const sl_incident_t *batch[] = {view.get()};
    const host::AttributeCollector collected = plugin.enrich(batch);
    REQUIRE(collected.failures.empty());
    REQUIRE(collected.violations.empty());
    Found found;
    for (const host::Attribute &a : collected.attributes) found.emplace(std::string(a.key), a);
    return found;
}

Found enrich_at(const char *now, const std::string &location, const std::string &category)
{
    return enrich(*make_proximity(now), location, category);
}

std::string value(const Found &found, const std::string &key)
{
    const auto it = found.find(key);
    return it == found.end() ? "(none)" : it->second.value_text();
}

} // namespace

TEST_CASE("proximity finds the centre at the caller's own site")
{
    const Found found = enrich_at(monday_0900_utc, "Zurich HQ", "hardware");
    REQUIRE(found.size() == 5);
    const KeptAttribute &name = found.at("support.nearest_walkup");
    CHECK(name.type == SL_VALUE_STRING);
    CHECK(name.text == "Zurich HQ Tech Bar");
    CHECK(name.confidence == Approx(0.9));
    CHECK(name.source == "sites.json");
    CHECK(name.observed_at == modified_ms(data_file("sites.json")));
    const KeptAttribute &distance = found.at("support.nearest_walkup.distance_km");
    CHECK(distance.type == SL_VALUE_NUMBER);
    CHECK(distance.number == 0.0);
    CHECK(value(found, "support.nearest_walkup.location") == "Zurich HQ, A, floor 1");
    const KeptAttribute &open = found.at("support.walkup_open_now");
    CHECK(open.type == SL_VALUE_BOOLEAN);
    CHECK(open.integer == 1); // 10:00 in Zurich
    CHECK(open.confidence == Approx(0.9));
    CHECK(open.observed_at == at(monday_0900_utc));
    CHECK(value(found, "support.can_walk_up_now") == "true");
}

TEST_CASE("proximity prefers an open centre among centres as near")
{
    // 18:30 in Zurich: the Tech Bar has closed, the Evening Bar is open.
    const Found evening = enrich_at("2026-03-02T17:30:00Z", "Zurich HQ", "hardware");
    CHECK(value(evening, "support.nearest_walkup") == "Zurich HQ Evening Bar");
    CHECK(value(evening, "support.nearest_walkup.location") == "Zurich HQ, B, floor 0");
    CHECK(value(evening, "support.can_walk_up_now") == "true");
    // 22:00: both closed, so the first in the file.
    const Found night = enrich_at("2026-03-02T21:00:00Z", "Zurich HQ", "hardware");
    CHECK(value(night, "support.nearest_walkup") == "Zurich HQ Tech Bar");
    CHECK(value(night, "support.walkup_open_now") == "false");
    CHECK(value(night, "support.can_walk_up_now") == "false");
}

TEST_CASE("proximity finds the nearest skilled centre at another site")
{
    // Basel has no centre; the location matches without case and blanks.
    const Found basel = enrich_at(monday_0900_utc, " BASEL ", "hardware");
    CHECK(value(basel, "support.nearest_walkup") == "Zurich HQ Tech Bar");
    CHECK(basel.at("support.nearest_walkup.distance_km").number == Approx(74.5));
    CHECK(value(basel, "support.walkup_open_now") == "true");
    CHECK(value(basel, "support.can_walk_up_now") == "false"); // open, but 74 km away
    // Only Zurich's Network Desk lists "Network"; skills match without case.
    const Found london = enrich_at(monday_0900_utc, "London", "network");
    CHECK(value(london, "support.nearest_walkup") == "Zurich HQ Network Desk");
    CHECK(london.at("support.nearest_walkup").confidence == Approx(0.9));
    CHECK(london.at("support.nearest_walkup.distance_km").number == Approx(776.2));
    CHECK(value(london, "support.nearest_walkup.location") == "Zurich HQ, B, floor 3");
    CHECK(value(london, "support.can_walk_up_now") == "false");
}

TEST_CASE("proximity reads several ranges a day")
{
    // 12:30 in Zurich: the Network Desk's lunch break.
    CHECK(value(enrich_at("2026-03-02T11:30:00Z", "Zurich HQ", "network"), "support.walkup_open_now") == "false");
    CHECK(value(enrich_at("2026-03-02T12:30:00Z", "Zurich HQ", "network"), "support.walkup_open_now") == "true");
}

TEST_CASE("proximity falls back to the nearest centre with less confidence")
{
    for (const std::string category : {"facilities", ""}) {
        const Found found = enrich_at(monday_0900_utc, "London", category);
        CHECK(value(found, "support.nearest_walkup") == "London Tech Bar");
        CHECK(found.at("support.nearest_walkup").confidence == Approx(0.5));
        CHECK(found.at("support.nearest_walkup.distance_km").confidence == Approx(0.5));
        CHECK(value(found, "support.walkup_open_now") == "true");
        CHECK(found.at("support.walkup_open_now").confidence == Approx(0.9));
        CHECK(value(found, "support.can_walk_up_now") == "true");
        CHECK(found.at("support.can_walk_up_now").confidence == Approx(0.5));
    }
}

TEST_CASE("proximity translates categories to skills through skills_by_category")
{
    const auto mapped = make_proximity(monday_0900_utc, {{"skills_by_category", {{"Printer", "printing"}}}});
    const Found found = enrich(*mapped, "London", "printer");
    CHECK(value(found, "support.nearest_walkup") == "New York Tech Bar");
    CHECK(found.at("support.nearest_walkup.distance_km").number == Approx(5570.3));
    CHECK(found.at("support.nearest_walkup").confidence == Approx(0.9));
    // Without the map, "printer" is a skill no centre has.
    const Found plain = enrich_at(monday_0900_utc, "London", "printer");
    CHECK(value(plain, "support.nearest_walkup") == "London Tech Bar");
    CHECK(plain.at("support.nearest_walkup").confidence == Approx(0.5));
}

TEST_CASE("proximity tells open from closed in each centre's own time zone")
{
    // 02:00 UTC is 10:00 in Singapore: open there, though 08:00-17:00 UTC would be closed.
    CHECK(value(enrich_at("2026-03-02T02:00:00Z", "Singapore", "access"), "support.walkup_open_now") == "true");
    // 10:00 UTC is 18:00 in Singapore: closed, though open by UTC.
    CHECK(value(enrich_at("2026-03-02T10:00:00Z", "Singapore", "access"), "support.walkup_open_now") == "false");
    // 21:30 UTC: 16:30 in New York on Friday 6 March (EST), 17:30 on Monday 9 March (EDT).
    CHECK(value(enrich_at("2026-03-06T21:30:00Z", "New York", "access"), "support.walkup_open_now") == "true");
    CHECK(value(enrich_at("2026-03-09T21:30:00Z", "New York", "access"), "support.walkup_open_now") == "false");
    // Saturday: London opens 09:00-12:00, Zurich not at all.
    CHECK(value(enrich_at("2026-03-07T11:30:00Z", "London", "access"), "support.walkup_open_now") == "true");
    CHECK(value(enrich_at("2026-03-07T10:00:00Z", "Zurich HQ", "access"), "support.walkup_open_now") == "false");
}

TEST_CASE("proximity keeps a centre with unusable hours but says nothing of whether it is open")
{
    const Found lab = enrich_at(monday_0900_utc, "Singapore", "lab"); // "8am-5pm"
    CHECK(value(lab, "support.nearest_walkup") == "Singapore Lab Desk");
    CHECK(value(lab, "support.nearest_walkup.location") == "Singapore, B, floor 2");
    CHECK(lab.count("support.walkup_open_now") == 0);
    CHECK(lab.count("support.can_walk_up_now") == 0);
    // From another site it is out of walking reach whatever its hours.
    const Found from_london = enrich_at(monday_0900_utc, "London", "lab");
    CHECK(value(from_london, "support.nearest_walkup") == "Singapore Lab Desk");
    CHECK(from_london.count("support.walkup_open_now") == 0);
    CHECK(value(from_london, "support.can_walk_up_now") == "false");
    // An unknown time zone leaves the hours unusable too.
    CHECK(enrich_at(monday_0900_utc, "Basel", "space").count("support.walkup_open_now") == 0);
}

TEST_CASE("proximity says nothing when the location is not a known site")
{
    CHECK(enrich_at(monday_0900_utc, "Paris", "hardware").empty());
    CHECK(enrich_at(monday_0900_utc, "", "hardware").empty());
    CHECK(enrich_at(monday_0900_utc, "Atlantis", "hardware").empty()); // its entry is malformed
}

TEST_CASE("proximity warns about each malformed entry with the file and its index")
{
    const std::string file = data_file("sites.json");
    const CapturedPluginLog log("proximity-warnings");
    const auto plugin = make_proximity(monday_0900_utc, {}, "proximity-warnings");
    const std::string warnings = log.text();
    CHECK_THAT(warnings,
               Catch::Contains(file + ": sites[5]: \"lat\" is missing or not a number from -90 to 90; site skipped"));
    CHECK_THAT(warnings, Catch::Contains(file + ": sites[6]: a site named \"zurich hq\" comes earlier"));
    CHECK_THAT(warnings,
               Catch::Contains(file + ": walkup_centres[6]: hours \"mon-fri\": \"8am\" is not a time of day"));
    CHECK_THAT(warnings,
               Catch::Contains(file + ": walkup_centres[7]: site \"Atlantis\" is not in \"sites\"; centre skipped"));
    CHECK_THAT(warnings,
               Catch::Contains(file + ": walkup_centres[8]: hours \"fri-mon\": day range \"fri-mon\" runs backwards"));
    CHECK_THAT(warnings,
               Catch::Contains(file + ": walkup_centres[9]: time zone \"Moon/Tranquility\" is not in the tz database"));
    CHECK_THAT(warnings, Catch::Contains("5 sites and 9 walk-up centres"));
}

TEST_CASE("proximity fails at create when the file is missing or not a sites file")
{
    const auto temp = std::filesystem::temp_directory_path() / ("proximity-bad-" + std::to_string(getpid()) + ".json");
    const std::string missing = data_file("no-such-sites.json");
    const std::string broken = temp.string();
    for (const auto &[file, content] :
         std::map<std::string, std::string>{{missing, ""}, {broken, R"({"sites": [], "walkup_centres": )"}}) {
        if (file == broken) std::ofstream(temp) << content;
        try {
            make_proximity(monday_0900_utc, {{"file", file}});
            FAIL("create succeeded with " << file);
        } catch (const host::PluginCallError &e) {
            CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
            CHECK_THAT(e.what(), Catch::Contains(file));
        }
    }
    std::ofstream(temp, std::ios::trunc) << R"({"sites": []})";
    CHECK_THROWS_WITH(make_proximity(monday_0900_utc, {{"file", broken}}),
                      Catch::Contains("no \"walkup_centres\" array"));
    std::filesystem::remove(temp);
}

TEST_CASE("proximity reloads the file when it changes")
{
    const auto file =
        std::filesystem::temp_directory_path() / ("proximity-reload-" + std::to_string(getpid()) + ".json");
    const auto write = [&](const std::string &centre) {
        std::ofstream(file, std::ios::trunc) << json{
            {"sites", {{{"name", "Oslo"}, {"lat", 59.91}, {"lon", 10.75}, {"time_zone", "Europe/Oslo"}}}},
            {"walkup_centres",
             {{{"name", centre},
               {"site", "Oslo"},
               {"building", "A"},
               {"floor", 2},
               {"hours", {{"mon-fri", "08:00-16:00"}}},
               {"skills", {"hardware"}}}}}}.dump();
    };
    write("Oslo Tech Bar");
    const auto plugin = make_proximity(monday_0900_utc, {{"file", file.string()}});
    CHECK(value(enrich(*plugin, "Oslo", "hardware"), "support.nearest_walkup") == "Oslo Tech Bar");
    write("Oslo Tech Bar, second floor");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the plugin looks at most once a second
    CHECK(value(enrich(*plugin, "Oslo", "hardware"), "support.nearest_walkup") == "Oslo Tech Bar, second floor");
    std::filesystem::remove(file);
}
