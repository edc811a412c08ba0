// The directory plugin, loaded through the host library as the host loads
// it, on the exports in tests/plugins/data/directory/.
#include "captured_plugin_log.hpp"
#include "context_test_support.hpp"

#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace servicelens;
using Catch::Matchers::Contains;
using namespace servicelens::test;
namespace fs = std::filesystem;

fs::path data_file(const std::string &name)
{
    return fs::path(SL_TEST_PLUGIN_DATA) / "directory" / name;
}

const host::PluginLibrary &directory_library()
{
    static const host::PluginLibrary library(fs::path(SL_TEST_PLUGIN_DIR) / "directory.so");
    return library;
}

std::string config_for(const fs::path &file, const std::string &format = "")
{
    nlohmann::json config{{"file", file.string()}};
    if (!format.empty()) config["format"] = format;
    return config.dump();
}

std::unique_ptr<host::ContextProviderInstance> make_directory(const std::string &instance, const std::string &config)
{
    return std::make_unique<host::ContextProviderInstance>(
        directory_library(), host::InstanceSpec{"org.servicelens.directory", instance, config, {}});
}

struct Caller {
    std::string email, id, name;
};

void fill_incident(host::OwnedIncident &incident, const Caller &caller)
{
    incident.caller_email = caller.email;
    incident.caller_id = caller.id;
    incident.caller_name = caller.name;
}

// What the plugin says about each caller, by key, in batch order.
std::vector<Found> enrich(host::ContextProviderInstance &directory, const std::vector<Caller> &callers)
{
    const IncidentBatch batch(callers, fill_incident);
    return by_incident(directory.enrich(batch.views()), callers.size());
}

Found enrich_one(host::ContextProviderInstance &directory, const Caller &caller)
{
    return enrich(directory, {caller}).front();
}

const std::map<std::string, std::string> ana_silva = {
    {"caller.department", "Finance"},  {"caller.title", "Controller"},
    {"caller.manager", "Carla Rossi"}, {"caller.cost_centre", "CC-1001"},
    {"caller.vip", "false"},           {"caller.site", "Zurich HQ"},
    {"caller.language", "de"},         {"caller.working_hours", "08:00-17:00 Europe/Zurich"},
};

} // namespace

TEST_CASE("directory: a CSV row joins the caller by email ignoring case and surrounding space")
{
    auto directory = make_directory("directory-csv", config_for(data_file("directory.csv")));
    const Found found = enrich_one(*directory, {"  ANA.Silva@Example.com ", "", ""});
    CHECK(values(found) == ana_silva);
    for (const auto &[key, attribute] : found) {
        INFO(key);
        CHECK(attribute.confidence == 1.0);
        CHECK(attribute.source == "directory:directory.csv");
        CHECK(attribute.observed_at == modified_ms(data_file("directory.csv")));
    }
    CHECK(found.at("caller.vip").type == SL_VALUE_BOOLEAN);
    CHECK(found.at("caller.department").type == SL_VALUE_STRING);
}

TEST_CASE("directory: the manager is named when in the file and given as the file has it otherwise")
{
    auto directory = make_directory("directory-managers", config_for(data_file("directory.csv")));
    // Ben's manager is given by e-mail, Dev's by an id the file lacks, Carla has none.
    const auto found = enrich(
        *directory,
        {{"ben.okafor@example.com", "", ""}, {"dev.patel@example.com", "", ""}, {"carla.rossi@example.com", "", ""}});
    CHECK(values(found[0]).at("caller.manager") == "Carla Rossi");
    CHECK(values(found[0]).at("caller.title") == "Engineer, Platform");
    CHECK(values(found[0]).at("caller.vip") == "true");
    CHECK(values(found[1]).at("caller.manager") == "u99");
    CHECK(values(found[1]).at("caller.vip") == "false");
    CHECK(found[2].count("caller.manager") == 0);
    CHECK(values(found[2]).at("caller.title") == "Chief Financial Officer");
}

TEST_CASE("directory: without an email match the id then the exact name is matched")
{
    auto directory = make_directory("directory-fallbacks", config_for(data_file("directory.csv")));
    const auto found = enrich(*directory, {
                                              {"ghost@example.com", "u4", "Ana Silva"}, // the id wins over the name
                                              {"", "u8", ""},
                                              {"", "", "Gil Moreau"},
                                              {"", "", "gil moreau"},
                                              {"", "", "Sam Lee"},                 // two people share the name
                                              {"ana.silva@example.com", "u4", ""}, // the email wins over the id
                                          });
    CHECK(values(found[0]).at("caller.department") == "Sales");
    CHECK(found[0].at("caller.department").confidence == 1.0);
    CHECK(values(found[1]).at("caller.department") == "Operations");
    CHECK(values(found[2]).at("caller.title") == "Planner");
    CHECK(found[2].at("caller.title").confidence == 0.6);
    CHECK(found[2].count("caller.vip") == 0);                              // the row leaves vip empty
    CHECK(values(found[2]).at("caller.site") == "Z\xEF\xBF\xBDrich West"); // an invalid byte, repaired
    CHECK(found[3].empty());
    CHECK(found[4].empty());
    CHECK(values(found[5]) == ana_silva);
}

TEST_CASE("directory: an unknown caller yields no attributes and no error")
{
    auto directory = make_directory("directory-unknown", config_for(data_file("directory.csv")));
    const auto found = enrich(*directory, {{"nobody@example.com", "u404", "No Body"}, {"", "", ""}});
    CHECK(found[0].empty());
    CHECK(found[1].empty());
}

TEST_CASE("directory: malformed and duplicate rows are warned with file and line and skipped")
{
    CapturedPluginLog log("directory-malformed");
    auto directory = make_directory("directory-malformed", config_for(data_file("directory.csv")));
    const std::string file = data_file("directory.csv").string();
    const std::string warnings = log.text();
    CHECK_THAT(warnings, Contains(file + ":6: 4 fields, the header has 11; row skipped"));
    CHECK_THAT(warnings, Contains(file + ":7: vip is \"maybe\", not true or false; row skipped"));
    CHECK_THAT(warnings, Contains(file + ":8: email \"ana.silva@example.com\" is already on line 2; the first row "
                                         "wins and this one is skipped"));
    CHECK_THAT(warnings, Contains(file + ":9: id \"u2\" is already on line 3"));
    CHECK_THAT(warnings, Contains(file + ":13: no id, email or name to match callers on; row skipped"));
    CHECK_THAT(warnings, Contains("info loaded 7 people from " + file));
    CHECK_THAT(warnings, Contains("1 names belong to more than one person"));

    const auto found = enrich(*directory, {{"eve.martin@example.com", "u6", ""},
                                           {"broken.row@example.com", "u5", ""},
                                           {"frank.dupont@example.com", "", "Frank Dupont"},
                                           {"", "u7", "Ana Again"}});
    for (const Found &f : found) CHECK(f.empty());
}

TEST_CASE("directory: JSON lines with the CSV's keys")
{
    CapturedPluginLog log("directory-jsonl");
    auto directory = make_directory("directory-jsonl", config_for(data_file("directory.jsonl")));
    const auto found = enrich(*directory, {{"ana.silva@example.com", "", ""},
                                           {"", "1042", ""}, // a numeric id
                                           {"carla.rossi@example.com", "", ""},
                                           {"dev.patel@example.com", "u4", ""}});
    CHECK(values(found[0]) == ana_silva);
    CHECK(found[0].at("caller.language").source == "directory:directory.jsonl");
    CHECK(values(found[1]).at("caller.department") == "Engineering");
    CHECK(values(found[1]).at("caller.vip") == "true");
    CHECK(found[1].count("caller.working_hours") == 0); // null
    CHECK(values(found[2]).at("caller.vip") == "true"); // "TRUE"
    CHECK(found[3].empty());

    const std::string file = data_file("directory.jsonl").string();
    CHECK_THAT(log.text(), Contains(file + ":4: not a JSON object; line skipped"));
    CHECK_THAT(log.text(), Contains(file + ":5: \"department\" is an object or an array, not a value; line skipped"));
    CHECK_THAT(log.text(), Contains(file + ":7: email \"ana.silva@example.com\" is already on line 1"));
}

TEST_CASE("directory: LDIF entries with the documented attribute mapping")
{
    CapturedPluginLog log("directory-ldif");
    auto directory = make_directory("directory-ldif", config_for(data_file("directory.ldif")));
    const auto found = enrich(*directory, {{"ana.silva@example.com", "", ""},
                                           {"", "", "Chloé Rossi"},
                                           {"", "u4", ""},
                                           {"", "2001", ""},
                                           {"", "u5", ""},
                                           {"", "u6", "Broken Entry"},
                                           {"", "", "Helpdesk Admins"}}); // a group, not a person
    // The manager DN differs in case and spacing from the manager's own dn.
    CHECK(values(found[0]) == std::map<std::string, std::string>{
                                  {"caller.department", "Finance"},
                                  {"caller.title", "Controller"},
                                  {"caller.manager", "Chloé Rossi"},
                                  {"caller.cost_centre", "CC-1001"},
                                  {"caller.vip", "false"},
                                  {"caller.site", "Zurich HQ"},
                                  {"caller.language", "de"},
                                  {"caller.working_hours", "08:00-17:00 Europe/Zurich"},
                              });
    CHECK(found[0].at("caller.site").source == "directory:directory.ldif");
    // A base64 name, a folded title, ou for the department, costCenter, vip: TRUE.
    CHECK(values(found[1]) == std::map<std::string, std::string>{
                                  {"caller.department", "Finance"},
                                  {"caller.title", "Chief Financial Officer"},
                                  {"caller.cost_centre", "CC-1000"},
                                  {"caller.vip", "true"},
                                  {"caller.site", "Zurich HQ"},
                                  {"caller.language", "it"},
                              });
    CHECK(found[1].at("caller.title").confidence == 0.6);
    CHECK(values(found[2]) == std::map<std::string, std::string>{
                                  {"caller.department", "Sales"},
                                  {"caller.manager", "uid=u99,ou=People,dc=example,dc=com"},
                                  {"caller.vip", "true"}, // employeeType: VIP
                                  {"caller.site", "New York"},
                              });
    CHECK(values(found[3]) == std::map<std::string, std::string>{{"caller.department", "Operations"}});
    CHECK(found[4].empty());
    CHECK(found[5].empty());
    CHECK(found[6].empty());

    const std::string file = data_file("directory.ldif").string();
    CHECK_THAT(log.text(), Contains(file + ":41: a change record (changetype), not an entry; skipped"));
    CHECK_THAT(log.text(), Contains(file + ":47: not \"name: value\"; entry skipped"));
    CHECK_THAT(log.text(), Contains(file + ":50: email \"ana.silva@example.com\" is already on line 5"));
    CHECK_THAT(log.text(), Contains(file + ":58: values by URL (\"jpegphoto:<\") are not read; attribute left out"));
    CHECK_THAT(log.text(), Contains("loaded 4 people from " + file + " (passed over 2 entries that are not people)"));
    CHECK(log.text().find(file + ":61:") == std::string::npos); // an organisational unit is no mistake
}

TEST_CASE("directory: a missing file fails create with a message naming it")
{
    const std::string missing = (fs::temp_directory_path() / "servicelens-no-such-directory.csv").string();
    try {
        make_directory("directory-missing", config_for(missing));
        FAIL("create succeeded without the file");
    } catch (const host::PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
        CHECK_THAT(e.what(), Contains(missing + ": no such file"));
    }
}

TEST_CASE("directory: the format comes from the config when the extension does not tell")
{
    ScratchFolder scratch("directory-format");
    const fs::path export_file = scratch.path() / "people.export";
    fs::copy_file(data_file("directory.csv"), export_file);
    try {
        make_directory("directory-no-format", config_for(export_file));
        FAIL("create succeeded without a format");
    } catch (const host::PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
        CHECK_THAT(e.what(), Contains(export_file.string() + ": cannot tell the format"));
    }
    auto directory = make_directory("directory-format", config_for(export_file, "csv"));
    CHECK(values(enrich_one(*directory, {"ana.silva@example.com", "", ""})) == ana_silva);
    CHECK(enrich_one(*directory, {"ana.silva@example.com", "", ""}).at("caller.site").source ==
          "directory:people.export");
}

TEST_CASE("directory: a CSV without id email or name columns fails create")
{
    ScratchFolder scratch("directory-columns");
    const fs::path file = scratch.path() / "people.csv";
    write_file(file, "department,title\nFinance,Controller\nSales,Account Executive\n");
    CapturedPluginLog log("directory-columns");
    try {
        make_directory("directory-columns", config_for(file));
        FAIL("create succeeded without a column to match on");
    } catch (const host::PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
        CHECK_THAT(e.what(), Contains(file.string() + ": no id, email or name column"));
    }
    CHECK(log.text().find("people.csv:2:") == std::string::npos); // the header alone decides
}

TEST_CASE("directory: the file is reloaded when it changes and kept when a reload fails")
{
    ScratchFolder scratch("directory-reload");
    const fs::path file = scratch.path() / "people.csv";
    const std::string header = "id,email,name,department,title,manager,cost_centre,vip,site,language,working_hours\n";
    write_file(file, header + "u1,ana.silva@example.com,Ana Silva,Finance,Controller,,CC-1001,false,Zurich HQ,de,\n");
    CapturedPluginLog log("directory-reload");
    auto directory = make_directory("directory-reload", config_for(file));
    CHECK(values(enrich_one(*directory, {"ana.silva@example.com", "", ""})).at("caller.department") == "Finance");

    write_file(file, header + "u1,ana.silva@example.com,Ana Silva,Treasury,Controller,,CC-1001,true,Zurich HQ,de,\n" +
                         "u2,ben.okafor@example.com,Ben Okafor,Engineering,Engineer,u1,CC-1407,false,London,en,\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    auto ana = enrich_one(*directory, {"ana.silva@example.com", "", ""});
    CHECK(values(ana).at("caller.department") == "Treasury");
    CHECK(values(ana).at("caller.vip") == "true");
    CHECK(ana.at("caller.vip").observed_at == modified_ms(file));
    CHECK(values(enrich_one(*directory, {"ben.okafor@example.com", "", ""})).at("caller.manager") == "Ana Silva");

    fs::remove(file);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(values(enrich_one(*directory, {"ana.silva@example.com", "", ""})).at("caller.department") == "Treasury");
    CHECK_THAT(log.text(), Contains("kept the data loaded before: reloading failed: " + file.string()));
}
