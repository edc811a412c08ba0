// How the configuration steers a sync: which plugins run for which
// connector, what the logging section does, and that a platform that cannot
// be reached fails its connector by name.
#include "../config/cli_runner.hpp"

#include <servicelens/store/state_store.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <set>

namespace fs = std::filesystem;
using servicelens::test::run_cli;
using Catch::Matchers::Contains;

namespace {

const std::string plugin_path = "SERVICELENS_PLUGIN_PATH='" SL_TEST_PLUGIN_DIR "'";

// A seeded desk of 40 incidents in its own folder, with the configuration
// replaced by `yaml`.
struct SeededDesk {
    fs::path dir = fs::temp_directory_path() / ("servicelens-sync-config-test-" + std::to_string(::getpid()));
    explicit SeededDesk(const std::string &yaml)
    {
        fs::remove_all(dir);
        const auto seeded = run_cli("seed --incidents 40 --out '" + dir.string() + "'", plugin_path);
        REQUIRE(seeded.exit_code == 0);
        std::ofstream(dir / "servicelens.yaml") << yaml;
    }
    ~SeededDesk() { fs::remove_all(dir); }
    servicelens::test::CliRun sync(const std::string &options = "") const
    {
        return run_cli(options + " sync --once --no-progress --config '" + (dir / "servicelens.yaml").string() + "'",
                       plugin_path);
    }
};

const std::string plugins = R"(version: 1
plugins:
  - name: email-domain
    plugin: org.servicelens.example.email-domain
  - name: priority-label
    plugin: org.servicelens.example.priority-label-c
)";

} // namespace

TEST_CASE("a pipeline rule with a connector runs its plugins only on that connector's incidents")
{
    SeededDesk desk(plugins + R"(connectors:
  - {name: first, kind: local, path: desk.db}
  - {name: second, kind: local, path: second.db}
state_store: {path: state.db}
pipeline:
  - {on: incident_changed, connector: first, run: [email-domain]}
  - {on: incident_changed, run: [priority-label]}
)");
    fs::copy_file(desk.dir / "desk.db", desk.dir / "second.db");
    const auto run = desk.sync();
    INFO(run.output);
    REQUIRE(run.exit_code == 0);

    std::set<std::pair<std::string, std::string>> plugins_per_connector;
    servicelens::store::StateStore state(desk.dir / "state.db");
    state.for_each_incident([&](const auto &incident, const auto &attributes, const auto &) {
        for (const auto &a : attributes) plugins_per_connector.emplace(incident.connector, a.plugin_id);
    });
    CHECK(plugins_per_connector == std::set<std::pair<std::string, std::string>>{
                                       {"first", "org.servicelens.example.email-domain"},
                                       {"first", "org.servicelens.example.priority-label-c"},
                                       {"second", "org.servicelens.example.priority-label-c"}});
}

TEST_CASE("the logging section sets level and format, and the command line outranks it")
{
    SeededDesk desk(plugins + R"(connectors:
  - {name: desk, kind: local, path: desk.db}
state_store: {path: state.db}
pipeline:
  - {on: incident_changed, run: [email-domain]}
logging: {level: info, format: json}
)");
    const auto from_file = desk.sync();
    REQUIRE(from_file.exit_code == 0);
    CHECK_THAT(from_file.output, Contains(R"("level":"info","logger":"servicelens.sync")"));

    const auto quieter = desk.sync("--log-level warn");
    REQUIRE(quieter.exit_code == 0);
    CHECK_THAT(quieter.output, !Contains(R"("level":"info")"));

    const auto as_text = desk.sync("--log-format text");
    REQUIRE(as_text.exit_code == 0);
    CHECK_THAT(as_text.output, !Contains(R"("level":)"));
    CHECK_THAT(as_text.output, Contains("sync desk"));
}

TEST_CASE("a vendor platform that cannot be reached fails its connector by name, after the ones before it synced")
{
    // Port 9 (discard) on the loopback: nothing listens, the connection is refused at once.
    SeededDesk desk(plugins + R"(connectors:
  - {name: desk, kind: local, path: desk.db}
  - name: zendesk
    kind: zendesk
    base_url: http://127.0.0.1:9
    timeout: 2s
    auth: {type: api_token, email: agent@example.com, token: not-a-real-token}
state_store: {path: state.db}
pipeline:
  - {on: incident_changed, run: [email-domain]}
)");
    const auto run = desk.sync();
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.output, Contains("connector 'zendesk'"));
    CHECK_THAT(run.output, Contains("base_url"));
    CHECK_THAT(run.output, !Contains("not-a-real-token"));
    CHECK(servicelens::store::StateStore(desk.dir / "state.db").watermark("desk"));
    CHECK_FALSE(servicelens::store::StateStore(desk.dir / "state.db").watermark("zendesk"));
}
