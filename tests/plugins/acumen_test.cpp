// acumen: judged against a generated desk whose people have a known skill
// (the desk generator makes novices ask how-to questions and experts bring
// real faults), and on hand-made histories.
#include <servicelens/host/caller_history.hpp>
#include <servicelens/host/desk_generator.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

using namespace servicelens::host;

namespace {

const std::filesystem::path plugin = std::filesystem::path(SL_TEST_PLUGIN_DIR) / "acumen.so";

HostEnvironment with_history(std::shared_ptr<CallerHistory> history)
{
    HostEnvironment environment;
    environment.history = std::move(history);
    return environment;
}

std::map<std::string, std::string> attributes_of(const AttributeCollector &found)
{
    std::map<std::string, std::string> out;
    for (const Attribute &a : found.attributes) out[std::string(a.key)] = a.value_text();
    return out;
}

OwnedIncident past(const std::string &id, sl_timestamp_t opened, sl_contact_type_t channel, const std::string &sub,
                   int escalation)
{
    OwnedIncident i;
    i.id = id;
    i.caller_email = "ada@example.com";
    i.opened_at = opened;
    i.resolved_at = opened + 3600000;
    i.contact_type = channel;
    i.subcategory = sub;
    i.escalation_level = escalation;
    return i;
}

} // namespace

TEST_CASE("acumen scores a self-served, escalated history as expert and explains why")
{
    auto history = std::make_shared<CallerHistory>();
    for (int k = 0; k < 10; ++k) history->add(past("p" + std::to_string(k), 1000 + k, SL_CONTACT_PORTAL, "vpn", k % 2));
    const PluginLibrary library(plugin);
    ContextProviderInstance acumen(library, {"org.servicelens.acumen", "test", "{}", with_history(history)});
    OwnedIncident now = past("now", 5000, SL_CONTACT_PHONE, "vpn", 0);
    now.caller_email = " ADA@example.com ";
    const IncidentView view(now);
    const sl_incident_t *batch[] = {view.get()};
    const auto found = attributes_of(acumen.enrich(batch));
    CHECK(found.at("caller.it_acumen") == "expert");
    CHECK(found.at("caller.ticket_count") == "10");
    const auto reasons = nlohmann::json::parse(found.at("caller.it_acumen_reasons"));
    CHECK(reasons.dump().find("100% opened through self-service channels") != std::string::npos);
}

TEST_CASE("acumen says nothing of a caller with no earlier incidents, and sees only what came before")
{
    auto history = std::make_shared<CallerHistory>();
    history->add(past("later", 9000, SL_CONTACT_PHONE, "how_to", 0));
    const PluginLibrary library(plugin);
    ContextProviderInstance acumen(library, {"org.servicelens.acumen", "test", "{}", with_history(history)});
    const OwnedIncident now = past("now", 5000, SL_CONTACT_PHONE, "vpn", 0);
    const IncidentView view(now);
    const sl_incident_t *batch[] = {view.get()};
    CHECK(acumen.enrich(batch).attributes.empty());
}

TEST_CASE("acumen refuses to start without the host's history service, and says so")
{
    const PluginLibrary library(plugin);
    try {
        ContextProviderInstance acumen(library, {"org.servicelens.acumen", "test", "{}", {}});
        FAIL("created without a history service");
    } catch (const PluginCallError &e) {
        CHECK(std::string(e.what()).find("servicelens.host-history/1") != std::string::npos);
    }
}

TEST_CASE("on a generated desk, acumen ranks novices below experts")
{
    const Desk desk = generate_desk({.incidents = 6000, .months = 12, .seed = 7});
    auto history = std::make_shared<CallerHistory>();
    for (const OwnedIncident &incident : desk.incidents) history->add(incident);
    std::map<std::string, int> skill_of;
    for (const Person &p : desk.people) skill_of[p.email] = p.skill;

    // Each caller's last incident, judged by everything before it.
    std::map<std::string, const OwnedIncident *> last;
    for (const OwnedIncident &incident : desk.incidents) last[incident.caller_email] = &incident;
    std::vector<std::unique_ptr<IncidentView>> views;
    std::vector<const sl_incident_t *> batch;
    std::vector<int> skills;
    for (const auto &[email, incident] : last) {
        views.push_back(std::make_unique<IncidentView>(*incident));
        batch.push_back(views.back()->get());
        skills.push_back(skill_of.at(email));
    }
    const PluginLibrary library(plugin);
    ContextProviderInstance acumen(library, {"org.servicelens.acumen", "test", "{}", with_history(history)});
    const AttributeCollector found = acumen.enrich(batch);
    double sum[3] = {0, 0, 0};
    int count[3] = {0, 0, 0};
    for (const Attribute &a : found.attributes)
        if (a.key == "caller.it_acumen_score") {
            sum[skills[a.incident_index]] += static_cast<double>(a.integer);
            ++count[skills[a.incident_index]];
        }
    REQUIRE(count[0] > 10);
    REQUIRE(count[2] > 10);
    const double novice = sum[0] / count[0], expert = sum[2] / count[2];
    INFO("mean score: novices " << novice << ", intermediates " << sum[1] / std::max(1, count[1]) << ", experts " << expert);
    CHECK(expert - novice > 10);
}
