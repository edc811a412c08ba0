#include <servicelens/store/state_store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using namespace servicelens::store;
namespace fs = std::filesystem;

namespace {

struct TempStore {
    fs::path file = fs::temp_directory_path() / ("servicelens-state-test-" + std::to_string(::getpid()) + ".db");
    TempStore() { fs::remove(file); }
    ~TempStore()
    {
        for (const char *suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
    }
};

BatchCommit batch(const std::string &incident, sl_timestamp_t updated)
{
    BatchCommit b;
    b.connector = "desk";
    b.incidents.push_back({"desk", incident, "{}"});
    b.attributes.push_back({incident, "p", "1.0.0", "caller.site", "string", "Zurich", 1.0, "test", SL_TIMESTAMP_NONE});
    b.outbox.push_back({0, "desk", incident, "desk:" + incident + ":" + std::to_string(updated), "work_note", "", "hi", 0});
    b.watermark = {updated, incident};
    return b;
}

} // namespace

TEST_CASE("a batch commits results, outbox entries and the watermark together")
{
    TempStore temp;
    StateStore state(temp.file);
    CHECK_FALSE(state.watermark("desk"));
    state.commit_batch(batch("a", 100));
    CHECK(state.watermark("desk")->updated_at == 100);
    CHECK(state.watermark("desk")->last_id == "a");
    REQUIRE(state.pending_outbox("desk", 10).size() == 1);
}

TEST_CASE("the same write is never queued twice, and leaves only when acknowledged")
{
    TempStore temp;
    StateStore state(temp.file);
    state.commit_batch(batch("a", 100));
    state.commit_batch(batch("a", 100));   // the same batch again, as after a crash
    auto pending = state.pending_outbox("desk", 10);
    REQUIRE(pending.size() == 1);
    state.record_failure(pending[0].id, "503 from the vendor");
    CHECK(state.pending_outbox("desk", 10).size() == 1);
    state.acknowledge(pending[0].id);
    CHECK(state.pending_outbox("desk", 10).empty());
}

TEST_CASE("results survive reopening the file, one incident at a time")
{
    TempStore temp;
    {
        StateStore state(temp.file);
        state.commit_batch(batch("a", 100));
        state.commit_batch(batch("b", 200));
    }
    StateStore reopened(temp.file);
    std::vector<std::string> seen;
    reopened.for_each_incident([&](const StoredIncident &i, const std::vector<AttributeRecord> &attributes,
                                   const std::vector<SentimentRecord> &) {
        seen.push_back(i.id);
        REQUIRE(attributes.size() == 1);
        CHECK(attributes[0].incident_id == i.id);
    });
    CHECK(seen == std::vector<std::string>{"a", "b"});
}
