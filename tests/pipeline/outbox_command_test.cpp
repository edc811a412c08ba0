// `servicelens outbox`: what a platform refused is listed with its error,
// and queued again on request, through the command line as an admin uses it.
#include "../config/cli_runner.hpp"

#include <servicelens/store/state_store.hpp>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

namespace fs = std::filesystem;
using Catch::Contains;
using servicelens::test::run_cli;

TEST_CASE("outbox parked lists refused write-backs with their errors, and outbox retry queues them again")
{
    const fs::path dir = fs::temp_directory_path() / ("servicelens-outbox-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const std::string env = "SERVICELENS_PLUGIN_PATH='" SL_TEST_PLUGIN_DIR "'";
    REQUIRE(run_cli("seed --incidents 10 --out '" + dir.string() + "'", env).exit_code == 0);
    const std::string config = " --config '" + (dir / "servicelens.yaml").string() + "'";
    {
        const auto empty = run_cli("outbox parked" + config, env);
        CHECK(empty.exit_code == 0);
        CHECK_THAT(empty.output, Contains("nothing parked"));
    }
    int64_t refused = 0;
    {
        servicelens::store::StateStore state(dir / "state.db");
        servicelens::store::BatchCommit batch;
        batch.connector = "desk";
        batch.incidents.push_back({"desk", "gone-1", "{}"});
        for (const char *key : {"k1", "k2"})
            batch.outbox.push_back({0, "desk", "gone-1", key, "field", "u_caller_mood", "calm", 0});
        batch.watermark = {1, "gone-1"};
        state.commit_batch(batch);
        refused = state.pending_outbox("desk", 10).front().id;
        state.park(refused, "the field u_caller_mood does not exist on incident; create it or map another");
    }
    const auto listed = run_cli("outbox parked" + config, env);
    CHECK(listed.exit_code == 0);
    CHECK_THAT(listed.output, Contains("#" + std::to_string(refused) + ": incident gone-1, field u_caller_mood"));
    CHECK_THAT(listed.output, Contains("create it or map another"));
    CHECK_THAT(listed.output, Contains("1 write-back parked"));
    const auto as_json = run_cli("--log-level warn outbox parked --json" + config, env);
    REQUIRE(as_json.exit_code == 0);
    const auto entries = nlohmann::json::parse(as_json.output);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].at("id") == refused);
    CHECK(entries[0].at("connector") == "desk");

    const auto unknown = run_cli("outbox retry " + std::to_string(refused + 1) + config, env);   // pending, not parked
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.output, Contains("not parked: " + std::to_string(refused + 1)));
    CHECK(run_cli("outbox retry" + config, env).exit_code == 2);   // neither ids nor --all

    const auto retried = run_cli("outbox retry " + std::to_string(refused) + config, env);
    CHECK(retried.exit_code == 0);
    CHECK_THAT(retried.output, Contains("1 write-back queued again"));
    servicelens::store::StateStore state(dir / "state.db");
    CHECK(state.parked_outbox("desk").empty());
    CHECK(state.pending_outbox("desk", 10).size() == 2);
    fs::remove_all(dir);
}
