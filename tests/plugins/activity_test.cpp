// The activity plugin, loaded through the host library as the host loads it,
// on tests/plugins/data/activity/telemetry.jsonl.
#include "captured_plugin_log.hpp"

#include <servicelens/host/incident_json.hpp>
#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

using namespace servicelens;
using nlohmann::json;

std::string data_file(const std::string &name)
{
    return std::string(SL_TEST_PLUGIN_DATA) + "/activity/" + name;
}

const host::PluginLibrary &library()
{
    static const host::PluginLibrary loaded(std::string(SL_TEST_PLUGIN_DIR) + "/activity.so");
    return loaded;
}

std::string config_for(const std::string &file, const std::string &more = "")
{
    return json{{"file", file}}.dump().insert(1, more.empty() ? "" : more + ",");
}

host::InstanceSpec spec(const std::string &config, host::HostEnvironment environment = {})
{
    return {"org.servicelens.activity", "activity-test", config, std::move(environment)};
}

sl_timestamp_t at(const char *text)
{
    return *host::parse_utc(text);
}

host::OwnedIncident incident_of(const std::string &email, sl_timestamp_t opened)
{
    host::OwnedIncident i;
    i.id = "INC-1";
    i.caller_email = email;
    i.opened_at = opened;
    return i;
}

host::AttributeCollector enrich(host::ContextProviderInstance &plugin, const host::OwnedIncident &incident)
{
    const host::IncidentView view(incident);
    const sl_incident_t *batch[] = {view.get()};
    host::AttributeCollector found = plugin.enrich(batch);
    REQUIRE(found.failures.empty());
    REQUIRE(found.violations.empty());
    return found;
}

const host::Attribute &attribute(const host::AttributeCollector &found, const std::string &key)
{
    for (const host::Attribute &a : found.attributes)
        if (a.key == key) return a;
    FAIL("no attribute " << key);
    throw std::logic_error("unreachable");
}

bool has(const host::AttributeCollector &found, const std::string &key)
{
    for (const host::Attribute &a : found.attributes)
        if (a.key == key) return true;
    return false;
}

} // namespace

TEST_CASE("activity lists the last distinct apps the caller started before the incident")
{
    host::ContextProviderInstance plugin(library(), spec(config_for(data_file("telemetry.jsonl"))));
    // The file spells the caller " Ana.Keller@Example.COM ": matching ignores case and blanks.
    const auto found = enrich(plugin, incident_of("ana.keller@EXAMPLE.com", at("2026-05-05T10:00:00Z")));
    const host::Attribute &apps = attribute(found, "activity.last_apps");
    CHECK(apps.type == SL_VALUE_JSON);
    // Chrome started after the incident opened; Outlook's later start wins over its earlier one.
    CHECK(json::parse(apps.text) == json::parse(R"([
        {"app": "Outlook", "device": "dev-ana-1", "at": "2026-05-05T09:00:00Z"},
        {"app": "Teams", "device": "dev-ana-2", "at": "2026-05-05T08:00:00Z"},
        {"app": "Word", "device": "dev-ana-1", "at": "2026-05-04T08:00:00Z"}])"));
    CHECK(apps.confidence == Approx(0.9));
    CHECK(apps.source == "telemetry.jsonl");
    CHECK(apps.observed_at == at("2026-05-05T09:00:00Z"));
}

TEST_CASE("activity counts errors and crashes in the window before the incident")
{
    host::ContextProviderInstance plugin(library(), spec(config_for(data_file("telemetry.jsonl"))));
    const auto found = enrich(plugin, incident_of("ana.keller@example.com", at("2026-05-05T10:00:00Z")));
    const host::Attribute &errors = attribute(found, "activity.errors");
    CHECK(errors.type == SL_VALUE_INTEGER);
    CHECK(errors.integer == 3); // Word's error is 25 hours before; Chrome's crash after
    CHECK(errors.confidence == Approx(0.9));
    CHECK(errors.observed_at == at("2026-05-05T09:20:00Z")); // the newest event used: an "update"
    CHECK(attribute(found, "activity.crashes").integer == 2);
    const host::Attribute &by_app = attribute(found, "activity.error_apps");
    CHECK(by_app.type == SL_VALUE_JSON);
    CHECK(json::parse(by_app.text) == json::parse(R"([
        {"app": "Outlook", "errors": 2, "crashes": 1, "last_at": "2026-05-05T08:45:00Z"},
        {"app": "Excel", "errors": 1, "crashes": 1, "last_at": "2026-05-05T09:10:00Z"}])"));
    CHECK(by_app.observed_at == at("2026-05-05T09:10:00Z"));
}

TEST_CASE("activity follows last_apps and window_hours from the config")
{
    host::ContextProviderInstance plugin(
        library(), spec(config_for(data_file("telemetry.jsonl"), R"("last_apps": 2, "window_hours": 48)")));
    const auto found = enrich(plugin, incident_of("ana.keller@example.com", at("2026-05-05T10:00:00Z")));
    const json apps = json::parse(attribute(found, "activity.last_apps").text);
    REQUIRE(apps.size() == 2);
    CHECK(apps[0]["app"] == "Outlook");
    CHECK(apps[1]["app"] == "Teams");
    CHECK(attribute(found, "activity.errors").integer == 4);
    CHECK(json::parse(attribute(found, "activity.error_apps").text)[2]["app"] == "Word");
}

TEST_CASE("activity uses the host clock when the incident has no opened time")
{
    host::HostEnvironment environment;
    environment.now = [] { return at("2026-05-05T08:50:00Z"); };
    host::ContextProviderInstance plugin(library(), spec(config_for(data_file("telemetry.jsonl")), environment));
    const auto found = enrich(plugin, incident_of("ana.keller@example.com", SL_TIMESTAMP_NONE));
    const json apps = json::parse(attribute(found, "activity.last_apps").text);
    REQUIRE(apps.size() == 3);
    CHECK(apps[0] == json::parse(R"({"app": "Teams", "device": "dev-ana-2", "at": "2026-05-05T08:00:00Z"})"));
    CHECK(apps[1]["at"] == "2026-05-05T07:00:00Z");          // Outlook's start before the clock, not the later one
    CHECK(attribute(found, "activity.errors").integer == 3); // Word's error is now inside the 24 hours
    CHECK(attribute(found, "activity.crashes").integer == 1);
}

TEST_CASE("activity says no errors with less confidence when the agent sent nothing in the window")
{
    host::ContextProviderInstance plugin(library(), spec(config_for(data_file("telemetry.jsonl"))));
    const auto found = enrich(plugin, incident_of("bob.osei@example.com", at("2026-05-05T10:00:00Z")));
    CHECK(json::parse(attribute(found, "activity.last_apps").text) == json::parse(R"([
        {"app": "SAP GUI", "device": "dev-bob", "at": "2026-04-21T10:00:00Z"},
        {"app": "Teams", "device": "dev-bob", "at": "2026-04-20T10:00:00Z"}])"));
    const host::Attribute &errors = attribute(found, "activity.errors");
    CHECK(errors.integer == 0);
    CHECK(errors.confidence == Approx(0.5));
    CHECK(errors.observed_at == at("2026-04-21T10:00:00Z"));
    CHECK(attribute(found, "activity.crashes").integer == 0);
    CHECK_FALSE(has(found, "activity.error_apps"));
}

TEST_CASE("activity leaves out an unknown device and keeps milliseconds")
{
    host::ContextProviderInstance plugin(library(), spec(config_for(data_file("telemetry.jsonl"))));
    const auto carol = enrich(plugin, incident_of("carol.meier@example.com", at("2026-05-05T07:00:00Z")));
    CHECK(json::parse(attribute(carol, "activity.last_apps").text) ==
          json::parse(R"([{"app": "VPN Client", "at": "2026-05-05T06:00:00Z"}])"));
    CHECK(attribute(carol, "activity.errors").integer == 1);
    CHECK(attribute(carol, "activity.crashes").integer == 0);
    const auto dave = enrich(plugin, incident_of("dave.iyer@example.com", at("2026-05-05T07:00:00Z")));
    CHECK(json::parse(attribute(dave, "activity.last_apps").text)[0]["at"] == "2026-05-05T06:00:00.250Z");
}

TEST_CASE("activity says nothing about an unknown caller or one with no events before the incident")
{
    host::ContextProviderInstance plugin(library(), spec(config_for(data_file("telemetry.jsonl"))));
    CHECK(enrich(plugin, incident_of("nobody@example.com", at("2026-05-05T10:00:00Z"))).attributes.empty());
    CHECK(enrich(plugin, incident_of("", at("2026-05-05T10:00:00Z"))).attributes.empty());
    CHECK(enrich(plugin, incident_of("ana.keller@example.com", at("2026-05-01T00:00:00Z"))).attributes.empty());
}

TEST_CASE("activity warns about each malformed line with its file and line and skips it")
{
    const std::string telemetry_file = data_file("telemetry.jsonl");
    const CapturedPluginLog log("activity-warnings");
    host::ContextProviderInstance plugin(
        library(), {"org.servicelens.activity", "activity-warnings", config_for(telemetry_file), {}});
    const std::string warnings = log.text();
    CHECK_THAT(warnings, Catch::Contains(telemetry_file + ":12: not a JSON object"));
    CHECK_THAT(warnings, Catch::Contains(telemetry_file + ":13: not a JSON object"));
    CHECK_THAT(warnings, Catch::Contains(telemetry_file + ":18: no \"user\""));
    CHECK_THAT(warnings, Catch::Contains(telemetry_file + ":19: \"time\" is not an ISO-8601 UTC time"));
    CHECK_THAT(warnings, Catch::Contains(telemetry_file + ":20: \"app\" is empty"));
    // The cut line 12 would have added an Excel crash for Ana.
    const auto found = enrich(plugin, incident_of("ana.keller@example.com", at("2026-05-05T10:00:00Z")));
    CHECK(attribute(found, "activity.crashes").integer == 2);
}

TEST_CASE("activity fails at create when the file is missing and names it")
{
    const std::string missing = data_file("no-such-telemetry.jsonl");
    try {
        host::ContextProviderInstance plugin(library(), spec(config_for(missing)));
        FAIL("create succeeded without the file");
    } catch (const host::PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
        CHECK_THAT(e.what(), Catch::Contains(missing));
    }
}

TEST_CASE("activity refuses settings out of range")
{
    CHECK_THROWS(
        host::ContextProviderInstance(library(), spec(config_for(data_file("telemetry.jsonl"), R"("last_apps": 0)"))));
    CHECK_THROWS(host::ContextProviderInstance(
        library(), spec(config_for(data_file("telemetry.jsonl"), R"("window_hours": 721)"))));
}

TEST_CASE("activity reloads the file when it changes")
{
    const auto file =
        std::filesystem::temp_directory_path() / ("activity-reload-" + std::to_string(getpid()) + ".jsonl");
    const auto write = [&](const std::string &lines) { std::ofstream(file, std::ios::trunc) << lines; };
    write(
        R"({"user": "erin@example.com", "device": "d1", "app": "Teams", "event": "start", "time": "2026-05-05T08:00:00Z"})"
        "\n");
    host::ContextProviderInstance plugin(library(), spec(config_for(file.string())));
    const auto incident = incident_of("erin@example.com", at("2026-05-05T10:00:00Z"));
    CHECK(json::parse(attribute(enrich(plugin, incident), "activity.last_apps").text).size() == 1);
    CHECK(attribute(enrich(plugin, incident), "activity.errors").integer == 0);

    write(
        R"({"user": "erin@example.com", "device": "d1", "app": "Teams", "event": "start", "time": "2026-05-05T08:00:00Z"})"
        "\n"
        R"({"user": "erin@example.com", "device": "d1", "app": "Excel", "event": "start", "time": "2026-05-05T09:00:00Z"})"
        "\n"
        R"({"user": "erin@example.com", "device": "d1", "app": "Excel", "event": "crash", "time": "2026-05-05T09:30:00Z"})"
        "\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100)); // the plugin looks at most once a second
    const auto found = enrich(plugin, incident);
    const json apps = json::parse(attribute(found, "activity.last_apps").text);
    REQUIRE(apps.size() == 2);
    CHECK(apps[0]["app"] == "Excel");
    CHECK(attribute(found, "activity.crashes").integer == 1);
    std::filesystem::remove(file);
}
