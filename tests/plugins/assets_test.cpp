// The assets plugin, loaded through the host library as the host loads it,
// on the exports in tests/plugins/data/assets/. The HTTP path runs against
// a services table of the test's own, since this host offers no HTTP yet.
#include "captured_plugin_log.hpp"
#include "context_test_support.hpp"

#include <servicelens/cpp/strings.hpp>
#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>
#include <servicelens/host_http.h>

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

constexpr sl_timestamp_t march_2_0900 = 1772442000000; // 2026-03-02T09:00:00Z
constexpr sl_timestamp_t hour_ms = 3600 * 1000;
constexpr sl_timestamp_t day_ms = 24 * hour_ms;

fs::path data_file(const std::string &name)
{
    return fs::path(SL_TEST_PLUGIN_DATA) / "assets" / name;
}

const host::PluginLibrary &assets_library()
{
    static const host::PluginLibrary library(fs::path(SL_TEST_PLUGIN_DIR) / "assets.so");
    return library;
}

std::unique_ptr<host::ContextProviderInstance> make_assets(const std::string &instance, const nlohmann::json &config,
                                                           sl_timestamp_t now = march_2_0900)
{
    host::HostEnvironment environment;
    environment.now = [now] { return now; };
    return std::make_unique<host::ContextProviderInstance>(
        assets_library(), host::InstanceSpec{"org.servicelens.assets", instance, config.dump(), environment});
}

nlohmann::json file_config(const fs::path &file)
{
    return {{"file", file.string()}};
}

struct Ticket {
    Ticket(std::string caller_email, sl_timestamp_t opened = march_2_0900, std::string configuration_item = "")
        : email(std::move(caller_email)), opened_at(opened), ci(std::move(configuration_item))
    {
    }
    std::string email;
    sl_timestamp_t opened_at;
    std::string ci;
};

void fill_incident(host::OwnedIncident &incident, const Ticket &ticket)
{
    incident.caller_email = ticket.email;
    incident.opened_at = ticket.opened_at;
    incident.ci = ticket.ci;
}

// What the plugin says about each ticket, by key, in batch order.
std::vector<Found> enrich(host::ContextProviderInstance &assets, const std::vector<Ticket> &tickets)
{
    const IncidentBatch batch(tickets, fill_incident);
    return by_incident(assets.enrich(batch.views()), tickets.size());
}

Found enrich_one(host::ContextProviderInstance &assets, const Ticket &ticket)
{
    return enrich(assets, {ticket}).front();
}

// The numbers of the changes a ci.recent_changes value lists, in order.
std::vector<std::string> change_numbers(const Found &found)
{
    std::vector<std::string> numbers;
    for (const auto &change : nlohmann::json::parse(found.at("ci.recent_changes").text))
        numbers.push_back(change.at("number").get<std::string>());
    return numbers;
}

// A services table of the test's own with a fake servicelens.host-http/1:
// every request gets `status` and `body`, and is remembered.
struct FakeHttpHost {
    int32_t status = 200;
    std::string body;
    std::vector<std::string> requests; // "GET <url>"
    sl_host_http_t http{&perform};
    sl_host_t table{sizeof(sl_host_t), 0, SL_ABI_VERSION_INIT, this, &get_service};

    static const void *get_service(const sl_host_t *host, const char *id)
    {
        return std::string_view(id) == SL_HOST_HTTP_ID ? &static_cast<FakeHttpHost *>(host->host_data)->http : nullptr;
    }
    static sl_status_t perform(const sl_host_t *host, const sl_http_request_t *request, sl_http_response_fn on_response,
                               void *context)
    {
        auto &self = *static_cast<FakeHttpHost *>(host->host_data);
        self.requests.push_back(std::string(view(request->method)) + " " + std::string(view(request->url)));
        sl_http_response_t response{};
        response.struct_size = sizeof response;
        response.status = self.status;
        response.body = str(self.body);
        return on_response(context, &response);
    }
};

// An instance created straight through the library's factory with the
// fake host's table, as a host that offers HTTP would create it.
class DirectInstance {
public:
    DirectInstance(const FakeHttpHost &host, const nlohmann::json &config)
    {
        const sl_plugin_factory_t *factory = assets_library().factory(host::PluginKind::context);
        REQUIRE(factory);
        const std::string config_json = config.dump();
        sl_create_args_t args{};
        args.struct_size = sizeof args;
        args.plugin_id = SL_STR("org.servicelens.assets");
        args.instance_name = SL_STR("assets-http");
        args.config_json = str(config_json);
        args.host = &host.table;
        void *out = nullptr;
        status_ = factory->create(factory, &args, &out);
        self_ = static_cast<sl_context_provider_t *>(out);
        if (status_ != SL_STATUS_OK && self_) error_ = copy(self_->api->get_last_error(self_));
    }
    ~DirectInstance()
    {
        if (self_) self_->api->destroy(self_);
    }
    DirectInstance(const DirectInstance &) = delete;
    DirectInstance &operator=(const DirectInstance &) = delete;

    sl_status_t status() const noexcept { return status_; }
    const std::string &error() const noexcept { return error_; }

    std::vector<Found> enrich(const std::vector<Ticket> &tickets)
    {
        const IncidentBatch batch(tickets, fill_incident);
        host::AttributeCollector collected(batch.size());
        REQUIRE(self_->api->enrich(self_, batch.views().data(), batch.size(), collected.sink()) == SL_STATUS_OK);
        return by_incident(collected, tickets.size());
    }

private:
    sl_context_provider_t *self_ = nullptr;
    sl_status_t status_ = SL_STATUS_INTERNAL;
    std::string error_;
};

} // namespace

TEST_CASE("assets: the flagged primary device of the caller as of the incident")
{
    auto assets = make_assets("assets-primary", file_config(data_file("assets.csv")));
    const Found found = enrich_one(*assets, {" Ana.Silva@EXAMPLE.com"});
    CHECK(values(found) == std::map<std::string, std::string>{
                               {"device.primary.model", "Dell Latitude 7440"},
                               {"device.primary.os", "Windows 11"},
                               {"device.primary.os_version", "23H2"},
                               {"device.primary.age_days", "863"},
                               {"device.primary.warranty_end", "2026-10-20T00:00:00.000Z"},
                               {"device.primary.warranty_expired", "false"},
                               {"device.primary.last_seen", "2026-10-29T23:00:00.000Z"},
                               {"device.count", "2"},
                           });
    CHECK(found.at("device.primary.age_days").type == SL_VALUE_INTEGER);
    CHECK(found.at("device.primary.warranty_end").type == SL_VALUE_TIME);
    CHECK(found.at("device.primary.warranty_expired").type == SL_VALUE_BOOLEAN);
    CHECK(found.at("device.primary.last_seen").type == SL_VALUE_TIME);
    CHECK(found.at("device.count").type == SL_VALUE_INTEGER);
    for (const auto &[key, attribute] : found) {
        INFO(key);
        CHECK(attribute.source == "assets:assets.csv");
        CHECK(attribute.confidence == 1.0);
    }
    // Device facts were last seen true at the device's check-in; the count, when the export was written.
    CHECK(found.at("device.primary.model").observed_at == found.at("device.primary.last_seen").integer);
    CHECK(found.at("device.count").observed_at == modified_ms(data_file("assets.csv")));
}

TEST_CASE("assets: without a flagged primary the most recently seen device answers")
{
    auto assets = make_assets("assets-unflagged", file_config(data_file("assets.csv")));
    const auto found = enrich(*assets, {{"ben.okafor@example.com"}, {"dev.patel@example.com"}});
    CHECK(values(found[0]).at("device.primary.model") == "Dell OptiPlex 7010");
    CHECK(values(found[0]).at("device.primary.age_days") == "1813");
    CHECK(values(found[0]).at("device.primary.warranty_expired") == "true");
    CHECK(values(found[0]).at("device.count") == "3");
    CHECK(found[0].at("device.primary.model").confidence == 0.8); // a guess among three
    CHECK(found[0].at("device.count").confidence == 1.0);
    // Two flagged primaries: the more recently seen one.
    CHECK(values(found[1]).at("device.primary.model") == "HP EliteBook 860");
    CHECK(values(found[1]).at("device.primary.os_version") == "24H2");
    CHECK(values(found[1]).at("device.count") == "2");
    CHECK(found[1].at("device.primary.model").confidence == 1.0);
}

TEST_CASE("assets: age and warranty are as of the incident or else the host clock")
{
    auto assets = make_assets("assets-times", file_config(data_file("assets.csv")), 1798761600000); // 2027-01-01
    const sl_timestamp_t october_21 = 1792540800000; // 2026-10-21T00:00:00Z, the day after the warranty ends
    const auto found = enrich(*assets, {{"ana.silva@example.com", october_21 - 1},
                                        {"ana.silva@example.com", october_21},
                                        {"ana.silva@example.com", SL_TIMESTAMP_NONE},
                                        {"dev.patel@example.com", 1735689600000}}); // 2025-01-01: before purchase
    CHECK(values(found[0]).at("device.primary.warranty_expired") == "false");       // the end day is covered
    CHECK(values(found[1]).at("device.primary.warranty_expired") == "true");
    CHECK(values(found[1]).at("device.primary.age_days") == "1096");
    CHECK(values(found[2]).at("device.primary.warranty_expired") == "true");
    CHECK(values(found[2]).at("device.primary.age_days") == "1168"); // 2023-10-21 to 2027-01-01
    CHECK(found[3].count("device.primary.age_days") == 0);
    CHECK(values(found[3]).at("device.primary.model") == "HP EliteBook 860");
}

TEST_CASE("assets: an unknown caller or one without email yields nothing")
{
    auto assets = make_assets("assets-unknown", file_config(data_file("assets.csv")));
    const auto found = enrich(*assets, {{"nobody@example.com"}, {""}, {"   "}});
    for (const Found &f : found) CHECK(f.empty());
}

TEST_CASE("assets: malformed and repeated rows are warned with file and line and skipped")
{
    CapturedPluginLog log("assets-malformed");
    auto assets = make_assets("assets-malformed", file_config(data_file("assets.csv")));
    const std::string file = data_file("assets.csv").string();
    const std::string text = log.text();
    CHECK_THAT(text, Contains(file + ":7: purchased \"2026-13-45\" is not a date"));
    CHECK_THAT(text, Contains(file + ":8: 5 fields, the header has 10; row skipped"));
    CHECK_THAT(text, Contains(file + ":9: primary is \"perhaps\", not true or false; row skipped"));
    CHECK_THAT(text, Contains(file + ":10: last_seen \"yesterday\" is not a date"));
    CHECK_THAT(text, Contains(file + ":11: asset_id \"A001\" is already on line 2; the first row wins"));
    CHECK_THAT(text, Contains("loaded the assets of 4 owners from " + file + " (1 assets have no owner)"));
    // Every row of Carla's is broken; Dev's repeated A001 is not his.
    CHECK(enrich_one(*assets, {"carla.rossi@example.com"}).empty());
    CHECK(values(enrich_one(*assets, {"dev.patel@example.com"})).at("device.count") == "2");
}

TEST_CASE("assets: JSON lines with the CSV's keys")
{
    CapturedPluginLog log("assets-jsonl");
    auto assets = make_assets("assets-jsonl", file_config(data_file("assets.jsonl")));
    const auto found = enrich(*assets, {{"ana.silva@example.com"}, {"ben.okafor@example.com"}});
    CHECK(values(found[0]) == std::map<std::string, std::string>{
                                  {"device.primary.model", "Apple MacBook Pro 14"},
                                  {"device.primary.os", "macOS"},
                                  {"device.primary.os_version", "14.6"}, // a JSON number
                                  {"device.primary.age_days", "172"},
                                  {"device.primary.warranty_end", "2028-09-10T00:00:00.000Z"},
                                  {"device.primary.warranty_expired", "false"},
                                  {"device.primary.last_seen", "2026-10-31T20:00:00.000Z"},
                                  {"device.count", "2"},
                              });
    CHECK(found[0].at("device.count").source == "assets:assets.jsonl");
    CHECK(found[1].empty());
    const std::string file = data_file("assets.jsonl").string();
    CHECK_THAT(log.text(), Contains(file + ":3: purchased \"30/12/2022\" is not a date"));
    CHECK_THAT(log.text(), Contains(file + ":4: no \"owner_email\"; line skipped"));
    CHECK_THAT(log.text(), Contains(file + ":5: not a JSON object; line skipped"));
}

TEST_CASE("assets: recent changes on the incident's CI within the window newest first")
{
    CapturedPluginLog log("assets-changes");
    auto assets = make_assets("assets-changes", {{"file", data_file("assets.csv").string()},
                                                 {"changes_file", data_file("changes.csv").string()}});
    const auto found = enrich(*assets, {{"", march_2_0900, "exchange-online"},
                                        {"", march_2_0900, " M365-Apps"},
                                        {"", march_2_0900, "vpn-gateway-01"},
                                        {"", march_2_0900 + 90 * day_ms, "exchange-online"}, // nothing recent
                                        {"", march_2_0900, "sap-prod"},
                                        {"", march_2_0900, ""},
                                        {"ana.silva@example.com", march_2_0900, "exchange-online"}});
    CHECK(change_numbers(found[0]) == std::vector<std::string>{"CHG013", "CHG003", "CHG002"});
    CHECK(nlohmann::json::parse(found[0].at("ci.recent_changes").text)[2] ==
          nlohmann::json{{"number", "CHG002"},
                         {"implemented_at", "2026-02-20T10:00:00Z"},
                         {"description", "Mailbox quota raised, all users"}});
    CHECK(found[0].at("ci.recent_changes").type == SL_VALUE_JSON);
    CHECK(found[0].at("ci.recent_changes").source == "assets:changes.csv");
    CHECK(found[0].at("ci.recent_changes").observed_at == modified_ms(data_file("changes.csv")));
    CHECK(found[0].size() == 1);
    CHECK(change_numbers(found[1]) == std::vector<std::string>{"CHG012", "CHG011", "CHG010", "CHG009", "CHG008"});
    CHECK(change_numbers(found[2]) == std::vector<std::string>{"CHG006"});
    CHECK(found[3].empty());
    CHECK(found[4].empty());
    CHECK(found[5].empty());
    CHECK(found[6].count("ci.recent_changes") == 1);
    CHECK(found[6].count("device.count") == 1);
    CHECK_THAT(log.text(),
               Contains(data_file("changes.csv").string() + ":6: implemented_at \"next tuesday\" is not a UTC time"));
}

TEST_CASE("assets: the change window is configurable")
{
    auto assets = make_assets("assets-window", {{"file", data_file("assets.csv").string()},
                                                {"changes_file", data_file("changes.csv").string()},
                                                {"change_window_days", 30}});
    CHECK(change_numbers(enrich_one(*assets, {"", march_2_0900, "exchange-online"})) ==
          std::vector<std::string>{"CHG013", "CHG003", "CHG002", "CHG001"});
}

TEST_CASE("assets: missing files fail create with a message naming them")
{
    const std::string missing = (fs::temp_directory_path() / "servicelens-no-such-assets.csv").string();
    try {
        make_assets("assets-missing", file_config(missing));
        FAIL("create succeeded without the asset file");
    } catch (const host::PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
        CHECK_THAT(e.what(), Contains(missing + ": no such file"));
    }
    const std::string missing_changes = (fs::temp_directory_path() / "servicelens-no-such-changes.csv").string();
    try {
        make_assets("assets-missing-changes",
                    {{"file", data_file("assets.csv").string()}, {"changes_file", missing_changes}});
        FAIL("create succeeded without the changes file");
    } catch (const host::PluginCallError &e) {
        CHECK_THAT(e.what(), Contains(missing_changes + ": no such file"));
    }
}

TEST_CASE("assets: exactly one of file and url is required")
{
    CHECK_THROWS_AS(make_assets("assets-neither", nlohmann::json::object()), host::PluginCallError);
    CHECK_THROWS_AS(
        make_assets("assets-both", {{"file", data_file("assets.csv").string()}, {"url", "https://x/a.csv"}}),
        host::PluginCallError);
    // The plugin checks too, for hosts that do not validate against its schema.
    FakeHttpHost host;
    DirectInstance neither(host, nlohmann::json::object());
    CHECK(neither.status() == SL_STATUS_INVALID_ARGUMENT);
    CHECK_THAT(neither.error(), Contains("set exactly one of \"file\""));
}

TEST_CASE("assets: a url on a host without HTTP fails create and says to use file")
{
    const std::string url = "https://cmdb.example.com/export/assets.csv";
    try {
        make_assets("assets-url", {{"url", url}});
        FAIL("create succeeded without an HTTP service");
    } catch (const host::PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
        CHECK_THAT(e.what(), Contains(url));
        CHECK_THAT(e.what(), Contains("no HTTP service (servicelens.host-http/1)"));
        CHECK_THAT(e.what(), Contains("set \"file\""));
    }
}

TEST_CASE("assets: a url is fetched through the host's HTTP service when it has one")
{
    FakeHttpHost host;
    host.body = read_file(data_file("assets.csv"));
    DirectInstance assets(host, {{"url", "https://cmdb.example.com/export/assets.csv?since=all"}});
    REQUIRE(assets.status() == SL_STATUS_OK);
    CHECK(host.requests == std::vector<std::string>{"GET https://cmdb.example.com/export/assets.csv?since=all"});
    const Found found = assets.enrich({{"ana.silva@example.com"}}).front();
    CHECK(values(found).at("device.primary.model") == "Dell Latitude 7440");
    CHECK(values(found).at("device.count") == "2");
    CHECK(found.at("device.count").source == "assets:assets.csv");

    FakeHttpHost failing;
    failing.status = 404;
    failing.body = "no such export";
    DirectInstance refused(failing, {{"url", "https://cmdb.example.com/export/assets.csv"}});
    CHECK(refused.status() == SL_STATUS_UNAVAILABLE);
    CHECK_THAT(refused.error(), Contains("GET https://cmdb.example.com/export/assets.csv: HTTP 404: no such export"));
}

TEST_CASE("assets: the exports are reloaded when they change")
{
    ScratchFolder scratch("assets-reload");
    const fs::path assets_file = scratch.path() / "assets.csv";
    const fs::path changes_file = scratch.path() / "changes.csv";
    const std::string header =
        "asset_id,owner_email,type,model,os,os_version,purchased,warranty_end,last_seen,primary\n";
    write_file(assets_file, header + "A1,ana.silva@example.com,laptop,Dell Latitude 7440,Windows 11,23H2,2023-10-21,"
                                     "2026-10-20,2026-10-29T23:00:00Z,true\n");
    write_file(changes_file, "number,ci,implemented_at,description\nCHG1,teams,2026-03-01T08:00:00Z,Teams policy\n");
    auto assets =
        make_assets("assets-reload", {{"file", assets_file.string()}, {"changes_file", changes_file.string()}});
    auto found = enrich_one(*assets, {"ana.silva@example.com", march_2_0900, "teams"});
    CHECK(values(found).at("device.primary.model") == "Dell Latitude 7440");
    CHECK(change_numbers(found) == std::vector<std::string>{"CHG1"});

    write_file(assets_file,
               header +
                   "A1,ana.silva@example.com,laptop,Dell Latitude 7450,Windows 11,24H2,2024-10-21,"
                   "2027-10-20,2026-11-01T23:00:00Z,true\n" +
                   "A2,ana.silva@example.com,phone,Apple iPhone 16,iOS,18.1,2025-01-01,2027-01-01,,false\n");
    write_file(changes_file, "number,ci,implemented_at,description\nCHG1,teams,2026-03-01T08:00:00Z,Teams policy\n"
                             "CHG2,teams,2026-03-02T08:00:00Z,Teams meeting policy\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    found = enrich_one(*assets, {"ana.silva@example.com", march_2_0900, "teams"});
    CHECK(values(found).at("device.primary.model") == "Dell Latitude 7450");
    CHECK(values(found).at("device.count") == "2");
    CHECK(found.at("device.count").observed_at == modified_ms(assets_file));
    CHECK(change_numbers(found) == std::vector<std::string>{"CHG2", "CHG1"});
}
