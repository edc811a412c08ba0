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

TEST_CASE("a newer plugin version replaces the results of the older one")
{
    TempStore temp;
    StateStore state(temp.file);
    state.commit_batch(batch("a", 100));
    BatchCommit again = batch("a", 200);
    again.attributes[0].plugin_version = "1.1.0";
    again.attributes[0].value = "Basel";
    state.commit_batch(again);
    int visited = 0;
    state.for_each_incident([&](const StoredIncident &, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &) {
        ++visited;
        REQUIRE(attributes.size() == 1);
        CHECK(attributes[0].plugin_version == "1.1.0");
        CHECK(attributes[0].value == "Basel");
    });
    CHECK(visited == 1);
}

TEST_CASE("a version 1 state store is migrated with its results, outbox and watermark")
{
    TempStore temp;
    {
        // The version 1 layout as ServiceLens wrote it before results were
        // keyed by integers.
        Database v1(temp.file);
        v1.execute(R"sql(
            CREATE TABLE watermarks (connector TEXT PRIMARY KEY, updated_at INTEGER NOT NULL, last_id TEXT NOT NULL);
            CREATE TABLE incidents (connector TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL,
                                    seen_at INTEGER NOT NULL, PRIMARY KEY (connector, id));
            CREATE TABLE attributes (connector TEXT NOT NULL, incident_id TEXT NOT NULL, plugin_id TEXT NOT NULL,
                plugin_version TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL,
                confidence REAL NOT NULL, source TEXT NOT NULL, observed_at INTEGER,
                PRIMARY KEY (connector, incident_id, plugin_id, key));
            CREATE TABLE sentiments (connector TEXT NOT NULL, incident_id TEXT NOT NULL, text_id TEXT NOT NULL,
                plugin_id TEXT NOT NULL, plugin_version TEXT NOT NULL, label INTEGER NOT NULL, compound REAL NOT NULL,
                positive REAL NOT NULL, neutral REAL NOT NULL, negative REAL NOT NULL, confidence REAL NOT NULL,
                written_at INTEGER, PRIMARY KEY (connector, incident_id, text_id, plugin_id));
            CREATE TABLE outbox (id INTEGER PRIMARY KEY, connector TEXT NOT NULL, incident_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, field TEXT NOT NULL, body TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER);
            CREATE INDEX outbox_pending ON outbox (connector, sent_at, id);
            CREATE TABLE runs (id INTEGER PRIMARY KEY, connector TEXT NOT NULL, command TEXT NOT NULL,
                started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL DEFAULT 'running', stats TEXT);
            INSERT INTO watermarks VALUES ('desk', 100, 'a');
            INSERT INTO incidents VALUES ('desk', 'a', '{"id":"a"}', 1);
            INSERT INTO attributes VALUES ('desk', 'a', 'p', '1.0.0', 'caller.site', 'string', 'Zurich', 1.0, 'hr', NULL);
            INSERT INTO sentiments VALUES ('desk', 'a', 'c1', 'q', '2.0.0', 1, 0.5, 0.5, 0.5, 0, 0.9, 7);
            INSERT INTO outbox (connector, incident_id, idempotency_key, kind, field, body, created_at)
                VALUES ('desk', 'a', 'desk:a:100:rule0', 'work_note', '', 'hi', 1);
            PRAGMA user_version = 1;
        )sql");
    }
    StateStore state(temp.file);
    CHECK(state.watermark("desk")->last_id == "a");
    REQUIRE(state.pending_outbox("desk", 10).size() == 1);
    int visited = 0;
    state.for_each_incident([&](const StoredIncident &i, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &sentiments) {
        ++visited;
        CHECK(i.json == R"({"id":"a"})");
        REQUIRE(attributes.size() == 1);
        CHECK(attributes[0].plugin_id == "p");
        CHECK(attributes[0].value == "Zurich");
        REQUIRE(sentiments.size() == 1);
        CHECK(sentiments[0].plugin_id == "q");
        CHECK(sentiments[0].written_at == 7);
    });
    CHECK(visited == 1);
    state.commit_batch(batch("b", 200));   // and it goes on working in the new layout
    CHECK(state.pending_outbox("desk", 10).size() == 2);
}
