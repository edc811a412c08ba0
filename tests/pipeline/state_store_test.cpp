#include <servicelens/store/state_store.hpp>

#include "incident_lookup.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <unordered_map>
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

// The set borrows `incident` (AttributeSet): callers pass literals or
// strings that outlive the commit.
BatchCommit batch(std::string_view incident, sl_timestamp_t updated)
{
    BatchCommit b;
    b.connector = "desk";
    b.incidents.push_back({"desk", std::string(incident), "{}"});
    b.attribute_sets.push_back({incident, "p", "1.0.0", {{"caller.site", "string", "Zurich", 1.0, "test", SL_TIMESTAMP_NONE}}});
    b.outbox.push_back({0, "desk", std::string(incident), fmt::format("desk:{}:{}", incident, updated), "work_note", "", "hi", 0});
    b.watermark = {updated, std::string(incident)};
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

TEST_CASE("acknowledging marks exactly the entries named, in runs or alone, once each")
{
    TempStore temp;
    StateStore state(temp.file);
    for (const char *incident : {"a", "b", "c", "d", "e"}) state.commit_batch(batch(incident, 100));
    const auto pending = state.pending_outbox("desk", 10);
    REQUIRE(pending.size() == 5);
    // a, b and d (b named twice), out of order; c and e stay.
    state.acknowledge(std::vector<int64_t>{pending[3].id, pending[1].id, pending[0].id, pending[1].id});
    const auto left = state.pending_outbox("desk", 10);
    REQUIRE(left.size() == 2);
    CHECK(left[0].incident_id == "c");
    CHECK(left[1].incident_id == "e");
    Statement attempts = state.database().prepare("SELECT incident_id, attempts FROM outbox WHERE sent_at IS NOT NULL ORDER BY id");
    std::vector<std::string> sent;
    while (attempts.step()) sent.push_back(attempts.text(0) + std::to_string(attempts.integer(1)));
    CHECK(sent == std::vector<std::string>{"a1", "b1", "d1"});
    BatchCommit next = batch("f", 200);   // acknowledgements that ride in a batch's commit
    next.acknowledged = {left[1].id};
    state.commit_batch(next);
    const auto after = state.pending_outbox("desk", 10);
    REQUIRE(after.size() == 2);
    CHECK(after[0].incident_id == "c");
    CHECK(after[1].incident_id == "f");
}

TEST_CASE("a write the platform refused for good is parked with its error, holds up nothing, and is tried again when queued again")
{
    TempStore temp;
    {
        StateStore state(temp.file);
        state.commit_batch(batch("a", 100));
        state.commit_batch(batch("b", 200));
        const auto pending = state.pending_outbox("desk", 10);
        REQUIRE(pending.size() == 2);
        state.park(pending[0].id, "HTTP 404: the ticket was deleted");
    }
    StateStore reopened(temp.file);   // parked stays parked
    const auto pending = reopened.pending_outbox("desk", 10);
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].incident_id == "b");
    const auto parked = reopened.parked_outbox("desk");
    REQUIRE(parked.size() == 1);
    CHECK(parked[0].incident_id == "a");
    CHECK(parked[0].error == "HTTP 404: the ticket was deleted");
    // The same write queued again (the incident came back changed) is tried again.
    reopened.commit_batch(batch("a", 100));
    CHECK(reopened.pending_outbox("desk", 10).size() == 2);
    CHECK(reopened.parked_outbox("desk").empty());
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

TEST_CASE("incidents whose ids share a hash are told apart, and each is found again when it comes back")
{
    // Two ids with the same 32-bit hash: a birthday search finds one in
    // about 80,000 tries; the bound only stops a broken hash.
    std::unordered_map<int64_t, std::string> id_of_hash;
    std::string first, second;
    for (int n = 0; n < 2'000'000 && second.empty(); ++n) {
        std::string id = "INC" + std::to_string(n);
        const auto [known, added] = id_of_hash.emplace(incident_id_hash("desk", id), id);
        if (!added) first = known->second, second = id;
    }
    REQUIRE_FALSE(second.empty());
    REQUIRE(incident_id_hash("desk", first) == incident_id_hash("desk", second));
    TempStore temp;
    StateStore state(temp.file);
    state.commit_batch(batch(first, 100));
    state.commit_batch(batch(second, 200));
    BatchCommit again = batch(first, 300);
    again.incidents[0].json = R"({"again":true})";
    state.commit_batch(again);
    std::map<std::string, std::string> bodies;
    state.for_each_incident([&](const StoredIncident &i, const auto &, const auto &) { bodies[i.id] = i.json; });
    CHECK(bodies == std::map<std::string, std::string>{{first, R"({"again":true})"}, {second, "{}"}});
}

TEST_CASE("the same id from two connectors is two incidents, read back in connector and id order")
{
    TempStore temp;
    StateStore state(temp.file);
    state.commit_batch(batch("b", 100));
    BatchCommit other = batch("a", 100);
    other.connector = other.incidents[0].connector = other.outbox[0].connector = "cmdb";
    state.commit_batch(other);
    other.incidents[0].id = other.attribute_sets[0].incident_id = other.outbox[0].incident_id = "b";
    other.outbox[0].idempotency_key = "cmdb:b";
    state.commit_batch(other);
    state.commit_batch(batch("a", 200));
    std::vector<std::string> seen;
    state.for_each_incident([&](const StoredIncident &i, const auto &, const auto &) { seen.push_back(i.connector + "/" + i.id); });
    CHECK(seen == std::vector<std::string>{"cmdb/a", "cmdb/b", "desk/a", "desk/b"});
}

TEST_CASE("a version 6 state store is migrated: its incidents keep their keys and results and are found by their id hash")
{
    TempStore temp;
    {
        StateStore current(temp.file);   // lays out version 7; turned back into version 6 below
        current.commit_batch(batch("a", 100));
        current.database().execute(R"sql(
            DROP VIEW attributes;
            DROP VIEW sentiments;
            CREATE TABLE incident_attributes (incident INTEGER PRIMARY KEY, sets TEXT NOT NULL);
            INSERT INTO incident_attributes SELECT key, sets FROM incidents WHERE sets IS NOT NULL;
            CREATE TABLE incident_sentiments (incident INTEGER PRIMARY KEY, scores TEXT NOT NULL);
            INSERT INTO incident_sentiments VALUES (7, '[["c1",1,"1.0.0",1,0.5,0.5,0.5,0.0,0.25,9]]');
            CREATE VIEW attributes AS SELECT incident FROM incident_attributes;
            CREATE VIEW sentiments AS SELECT incident FROM incident_sentiments;
            DROP TABLE incidents;
            CREATE TABLE incidents (key INTEGER PRIMARY KEY, connector TEXT NOT NULL, id TEXT NOT NULL,
                body TEXT NOT NULL, seen_at INTEGER NOT NULL, UNIQUE (connector, id));
            INSERT INTO incidents VALUES (1, 'desk', 'a', '{"v":6}', 1), (7, 'desk', 'b', '{"v":6}', 1);
            PRAGMA user_version = 6;
        )sql");
    }
    StateStore state(temp.file);
    Statement hashes = state.database().prepare("SELECT key, id, id_hash FROM incidents ORDER BY key");
    std::vector<std::string> rows;
    while (hashes.step()) {
        CHECK(hashes.integer(2) == incident_id_hash("desk", hashes.text(1)));
        rows.push_back(std::to_string(hashes.integer(0)) + " " + hashes.text(1));
    }
    CHECK(rows == std::vector<std::string>{"1 a", "7 b"});
    // Incident a comes back: the same key, its new body, and its results from before the migration kept.
    BatchCommit again = batch("a", 200);
    again.incidents[0].json = R"({"v":7})";
    again.attribute_sets[0].plugin_id = "q";
    state.commit_batch(again);
    std::map<std::string, std::string> bodies;
    std::size_t sets_of_a = 0;
    std::vector<std::string> scores_of_b;
    state.for_each_incident([&](const StoredIncident &i, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &scores) {
        bodies[i.id] = i.json;
        if (i.id == "a") sets_of_a = attributes.size();
        if (i.id == "b")
            for (const SentimentRecord &r : scores) scores_of_b.push_back(fmt::format("{} {} {}", r.plugin_id, r.text_id, r.compound));
    });
    CHECK(bodies == std::map<std::string, std::string>{{"a", R"({"v":7})"}, {"b", R"({"v":6})"}});
    CHECK(sets_of_a == 2);   // plugin p's from before, and q's
    CHECK(scores_of_b == std::vector<std::string>{"p c1 0.5"});
    Statement views = state.database().prepare("SELECT (SELECT count(*) FROM attributes), (SELECT count(*) FROM sentiments)");
    REQUIRE(views.step());
    CHECK(views.integer(0) == 2);
    CHECK(views.integer(1) == 1);
    Statement keys = state.database().prepare("SELECT key FROM incidents WHERE id = 'a'");
    REQUIRE(keys.step());
    CHECK(keys.integer(0) == 1);
}

TEST_CASE("a newer plugin version replaces the results of the older one")
{
    TempStore temp;
    StateStore state(temp.file);
    state.commit_batch(batch("a", 100));
    BatchCommit again = batch("a", 200);
    again.attribute_sets[0].plugin_version = "1.1.0";
    again.attribute_sets[0].attributes[0].value = "Basel";
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

TEST_CASE("an attribute set replaces the plugin's whole earlier set, and other plugins' sets stay")
{
    TempStore temp;
    StateStore state(temp.file);
    BatchCommit first = batch("a", 100);
    first.attribute_sets[0].attributes.push_back({"caller.vip", "boolean", "true", 0.5, "test", 7});
    first.attribute_sets.push_back({"a", "q", "2.0.0", {{"device.count", "integer", "2", 1.0, "cmdb", 9}}});
    state.commit_batch(first);
    state.commit_batch(batch("a", 200));   // plugin p now says only caller.site
    std::vector<std::string> keys;
    state.for_each_incident([&](const StoredIncident &, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &) {
        for (const AttributeRecord &a : attributes) keys.push_back(a.plugin_id + ":" + a.key);
    });
    std::sort(keys.begin(), keys.end());
    CHECK(keys == std::vector<std::string>{"p:caller.site", "q:device.count"});
}

TEST_CASE("packed attributes read back exactly, and the attributes view shows one row per attribute")
{
    TempStore temp;
    StateStore state(temp.file);
    BatchCommit b = batch("a", 100);
    const std::string awkward = "say \"hi\"\n\tZ\u00fcrich \xe2\x9c\x93 [1,2]";
    b.attribute_sets[0].attributes = {{"caller.note", "string", awkward, 0.125, "hr:7", 1700000000123},
                                      {"activity.last_apps", "json", R"([{"app":"Teams"}])", 1.0, "t", SL_TIMESTAMP_NONE},
                                      {"incident.age_hours", "number", "9177.616191944444", 0.3, "x", -5}};
    state.commit_batch(b);
    std::vector<AttributeRecord> found;
    state.for_each_incident([&](const StoredIncident &, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &) { found = attributes; });
    REQUIRE(found.size() == 3);
    CHECK(found[0].value == awkward);
    CHECK(found[0].confidence == 0.125);
    CHECK(found[0].observed_at == 1700000000123);
    CHECK(found[0].source == "hr:7");
    CHECK(found[1].type == "json");
    CHECK(found[1].value == R"([{"app":"Teams"}])");
    CHECK(found[1].observed_at == SL_TIMESTAMP_NONE);
    CHECK(found[2].value == "9177.616191944444");
    CHECK(found[2].observed_at == -5);
    Statement view = state.database().prepare(
        "SELECT plugin_id, plugin_version, key, type, value, confidence, source, observed_at FROM attributes ORDER BY key");
    std::vector<std::string> rows;
    while (view.step())
        rows.push_back(view.text(0) + "|" + view.text(1) + "|" + view.text(2) + "|" + view.text(3) + "|" +
                       view.text(5) + "|" + view.text(6) + "|" + (view.is_null(7) ? "null" : view.text(7)));
    CHECK(rows == std::vector<std::string>{"p|1.0.0|activity.last_apps|json|1.0|t|null",
                                           "p|1.0.0|caller.note|string|0.125|hr:7|1700000000123",
                                           "p|1.0.0|incident.age_hours|number|0.3|x|-5"});
}

TEST_CASE("values read back exactly whether they need escaping or not")
{
    TempStore temp;
    StateStore state(temp.file);
    BatchCommit b = batch("a", 100);
    const std::vector<std::string> values{"",         "Zurich, floor 3",  "quote \" inside", "back\\slash",
                                          "tab\there", std::string("nul\0in", 6), "\x7f delete",  "Z\u00fcrich",
                                          "\x1f unit separator", "{\"json\": [1, 2]}"};
    b.attribute_sets[0].attributes.clear();
    std::vector<std::string> keys;   // the set borrows its keys
    for (std::size_t k = 0; k < values.size(); ++k) keys.push_back("caller.v" + std::to_string(k));
    for (std::size_t k = 0; k < values.size(); ++k)
        b.attribute_sets[0].attributes.push_back({keys[k], "string", values[k], 1.0, "t", SL_TIMESTAMP_NONE});
    state.commit_batch(b);
    std::vector<std::string> found;
    state.for_each_incident([&](const StoredIncident &, const std::vector<AttributeRecord> &attributes, const auto &) {
        for (const AttributeRecord &a : attributes) found.push_back(a.value);
    });
    CHECK(found == values);
}

TEST_CASE("sets with the same keys share one shape, each set stores only its values, and an incident's sets are one row")
{
    TempStore temp;
    StateStore state(temp.file);
    BatchCommit b = batch("a", 100);
    b.incidents.push_back({"desk", "b", "{}"});
    b.attribute_sets.push_back({"b", "p", "1.0.0", {{"caller.site", "string", "Basel", 1.0, "test", SL_TIMESTAMP_NONE}}});
    b.attribute_sets.push_back({"b", "q", "1.0.0", {{"caller.site", "string", "Bern", 1.0, "test", SL_TIMESTAMP_NONE},
                                                    {"caller.vip", "boolean", "true", 0.5, "vip-list", 7}}});
    state.commit_batch(b);
    Statement shapes = state.database().prepare("SELECT attributes FROM attribute_shapes ORDER BY key");
    std::vector<std::string> found;
    while (shapes.step()) found.push_back(shapes.text(0));
    CHECK(found == std::vector<std::string>{R"([["caller.site","string"]])",
                                            R"([["caller.site","string"],["caller.vip","boolean"]])"});
    // One row per incident: [plugin, plugin_version, shape, confidence, source, observed_at, values] per set.
    Statement rows = state.database().prepare("SELECT sets FROM incidents WHERE sets IS NOT NULL ORDER BY key");
    found.clear();
    while (rows.step()) found.push_back(rows.text(0));
    CHECK(found == std::vector<std::string>{R"([[1,"1.0.0",1,1.0,"test",null,["Zurich"]]])",
                                            R"([[1,"1.0.0",1,1.0,"test",null,["Basel"]],)"
                                            R"([2,"1.0.0",2,1.0,"test",null,["Bern",["true",0.5,"vip-list",7]]]])"});
}

TEST_CASE("a set of 200 attributes reads back exactly, and so do confidences of any digits")
{
    TempStore temp;
    StateStore state(temp.file);
    for (const std::size_t size : {std::size_t{3}, std::size_t{200}}) {
        BatchCommit b = batch("a", 100);
        std::vector<AttributeValue> &set = b.attribute_sets[0].attributes;
        set.clear();
        std::vector<std::string> keys;   // the set borrows its keys
        for (std::size_t k = 0; k < size; ++k) keys.push_back("caller.k" + std::to_string(k));
        for (std::size_t k = 0; k < size; ++k)   // every third with its own provenance, 5/6 as a confidence
            set.push_back({keys[k], "string", "v\"" + std::to_string(k),
                           k % 3 == 1 ? 5.0 / 6.0 : 1.0, k % 3 == 1 ? "own" : "set", k % 3 == 1 ? 42 : SL_TIMESTAMP_NONE});
        state.commit_batch(b);
        std::vector<AttributeRecord> found;
        state.for_each_incident([&](const StoredIncident &, const std::vector<AttributeRecord> &attributes,
                                    const std::vector<SentimentRecord> &) { found = attributes; });
        REQUIRE(found.size() == size);
        for (std::size_t k = 0; k < size; ++k) {
            CHECK(found[k].key == set[k].key);
            CHECK(found[k].value == set[k].value);
            CHECK(found[k].confidence == set[k].confidence);
            CHECK(found[k].source == set[k].source);
            CHECK(found[k].observed_at == set[k].observed_at);
        }
        Statement view = state.database().prepare("SELECT count(*) FROM attributes");
        view.step();
        CHECK(view.integer(0) == static_cast<int64_t>(size));
    }
}

TEST_CASE("shapes learnt in a batch that rolled back are not reused")
{
    TempStore temp;
    StateStore state(temp.file);
    const auto one_set = [](std::string_view incident, const AttributeValue &a) {
        BatchCommit b = batch(incident, 100);
        b.attribute_sets[0].attributes = {a};
        return b;
    };
    state.commit_batch(batch("a", 100));
    // The second set names an incident the batch does not carry: the whole
    // batch rolls back, the shape of its first set with it.
    BatchCommit broken = one_set("b", {"caller.vip", "boolean", "true", 1.0, "test", 0});
    broken.attribute_sets.push_back({"elsewhere", "p", "1.0.0", {{"caller.site", "string", "Basel", 1.0, "test", 0}}});
    CHECK_THROWS_AS(state.commit_batch(broken), SqliteError);
    state.commit_batch(one_set("c", {"device.count", "integer", "2", 1.0, "test", 0}));   // takes the key it had
    state.commit_batch(one_set("d", {"caller.vip", "boolean", "true", 1.0, "test", 0}));
    std::map<std::string, std::string> keys;
    state.for_each_incident([&](const StoredIncident &i, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &) {
        for (const AttributeRecord &a : attributes) keys[i.id] += a.key;
    });
    CHECK(keys == std::map<std::string, std::string>{{"a", "caller.site"}, {"c", "device.count"}, {"d", "caller.vip"}});
}

TEST_CASE("a row of sets edited by hand into something else is reported, naming what to check")
{
    TempStore temp;
    StateStore state(temp.file);
    state.commit_batch(batch("a", 100));
    const auto read_all = [&] {
        state.for_each_incident(
            [](const StoredIncident &, const std::vector<AttributeRecord> &, const std::vector<SentimentRecord> &) {});
    };
    const auto edit = [&](const std::string &sets) {
        Statement q = state.database().prepare("UPDATE incidents SET sets = ?1");
        q.bind(1, sets);
        q.run();
    };
    SECTION("values that do not fit the shape")
    {
        edit(R"([[1,"1.0.0",1,1.0,"test",null,["Zurich","extra"]]])");
        CHECK_THROWS_WITH(read_all(), Catch::Contains("2 values for a shape of 1") && Catch::Contains("edited by hand"));
    }
    SECTION("a shape that attribute_shapes lacks")
    {
        edit(R"([[1,"1.0.0",9,1.0,"test",null,["Zurich"]]])");
        CHECK_THROWS_WITH(read_all(), Catch::Contains("names shape 9") && Catch::Contains("edited by hand"));
    }
    SECTION("a set cut short")
    {
        edit(R"([[1,"1.0.0",1]])");
        CHECK_THROWS_WITH(read_all(), Catch::Contains("incident 'a'") && Catch::Contains("edited by hand"));
    }
    SECTION("text that is not JSON, also when a later batch keeps the other plugins' sets")
    {
        edit("[[1,");
        CHECK_THROWS_WITH(read_all(), Catch::Contains("not the JSON this host writes") && Catch::Contains("edited by hand"));
        CHECK_THROWS_WITH(state.commit_batch(batch("a", 200)), Catch::Contains("edited by hand"));
    }
}

TEST_CASE("an incident's scores are one row: a new score replaces the same analyzer's for the same text, others stay")
{
    TempStore temp;
    StateStore state(temp.file);
    const auto score = [](const std::string &text, const std::string &plugin, double compound) {
        return SentimentRecord{"a", text, plugin, "1.0.0", 1, compound, 0.25, 0.5, 0.25, 1.0 / 3.0, 42};
    };
    BatchCommit first = batch("a", 100);
    first.sentiments = {score("c1", "lexicon", 0.1), score("c1", "keywords", 0.2), score("s1", "lexicon", 0.3)};
    state.commit_batch(first);
    BatchCommit second = batch("a", 200);   // the incident changed: c1 scored again by one analyzer only
    second.sentiments = {score("c1", "lexicon", 0.4), score("c1", "lexicon", 0.123456789012345678)};
    state.commit_batch(second);
    std::vector<std::string> found;
    state.for_each_incident([&](const StoredIncident &, const std::vector<AttributeRecord> &,
                                const std::vector<SentimentRecord> &sentiments) {
        for (const SentimentRecord &r : sentiments) {
            found.push_back(r.plugin_id + " " + r.text_id + " " + fmt::format("{}", r.compound));
            CHECK(r.confidence == 1.0 / 3.0);
            CHECK(r.written_at == 42);
        }
    });
    std::sort(found.begin(), found.end());
    CHECK(found == std::vector<std::string>{"keywords c1 0.2", "lexicon c1 0.12345678901234568", "lexicon s1 0.3"});
    Statement rows = state.database().prepare("SELECT count(*) FROM incidents WHERE scores IS NOT NULL");
    rows.step();
    CHECK(rows.integer(0) == 1);
}

TEST_CASE("a plugin's later set for an incident in the same batch replaces its earlier one")
{
    TempStore temp;
    StateStore state(temp.file);
    BatchCommit b = batch("a", 100);
    b.attribute_sets.push_back({"a", "p", "1.0.0", {{"caller.site", "string", "Basel", 1.0, "test", SL_TIMESTAMP_NONE}}});
    state.commit_batch(b);
    std::vector<std::string> values;
    state.for_each_incident([&](const StoredIncident &, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &) {
        for (const AttributeRecord &a : attributes) values.push_back(a.value);
    });
    CHECK(values == std::vector<std::string>{"Basel"});
}

TEST_CASE("a version 5 state store is migrated: its sets and scores, a row per plugin or score, become a row per incident each")
{
    TempStore temp;
    {
        // The version 5 tables that versions 6 and 7 change, as ServiceLens wrote them; the others are version 4's.
        StateStore current(temp.file);   // lays out version 7; turned back into version 5 below
        current.database().execute(R"sql(
            DROP VIEW attributes;
            CREATE TABLE attribute_sets (incident INTEGER NOT NULL, plugin INTEGER NOT NULL,
                plugin_version TEXT NOT NULL, confidence REAL NOT NULL, source TEXT NOT NULL, observed_at INTEGER,
                shape INTEGER NOT NULL, attribute_values TEXT NOT NULL, PRIMARY KEY (incident, plugin)) WITHOUT ROWID;
            CREATE VIEW attributes AS SELECT incident FROM attribute_sets;
            DROP VIEW sentiments;
            CREATE TABLE sentiments (incident INTEGER NOT NULL, text_id TEXT NOT NULL, plugin INTEGER NOT NULL,
                plugin_version TEXT NOT NULL, label INTEGER NOT NULL, compound REAL NOT NULL, positive REAL NOT NULL,
                neutral REAL NOT NULL, negative REAL NOT NULL, confidence REAL NOT NULL, written_at INTEGER,
                PRIMARY KEY (incident, text_id, plugin)) WITHOUT ROWID;
            INSERT INTO sentiments VALUES (1, 'c1', 2, '3.0.0', -1, -0.7071067811865475, 0.1, 0.2, 0.7, 0.9, 7),
                                          (1, 'c1', 1, '1.0.0', 0, 0.0, 0.0, 1.0, 0.0, 1.0, NULL),
                                          (2, 's1', 1, '1.0.0', 1, 0.5, 0.5, 0.5, 0.0, 0.25, 9);
            DROP TABLE outbox;
            CREATE TABLE outbox (id INTEGER PRIMARY KEY, connector TEXT NOT NULL, incident_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, field TEXT NOT NULL, body TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER,
                rejected_at INTEGER);
            CREATE INDEX outbox_unsent ON outbox (connector, id) WHERE sent_at IS NULL AND rejected_at IS NULL;
            INSERT INTO outbox (connector, incident_id, idempotency_key, kind, field, body, created_at)
                VALUES ('desk', 'b', 'desk:b:100', 'work_note', '', 'hi', 1),
                       ('desk', 'a', 'desk:a:100', 'work_note', '', 'hi', 1);
            DROP TABLE incidents;
            CREATE TABLE incidents (key INTEGER PRIMARY KEY, connector TEXT NOT NULL, id TEXT NOT NULL,
                body TEXT NOT NULL, seen_at INTEGER NOT NULL, UNIQUE (connector, id));
            INSERT INTO incidents (key, connector, id, body, seen_at) VALUES (1, 'desk', 'a', '{}', 1), (2, 'desk', 'b', '{}', 1);
            INSERT INTO plugins VALUES (1, 'p'), (2, 'q');
            INSERT INTO attribute_shapes VALUES (1, '[["caller.site","string"],["caller.vip","boolean"]]'),
                                                (2, '[["device.count","integer"]]');
            INSERT INTO attribute_sets VALUES
                (1, 1, '1.0.0', 1.0, 'hr', NULL, 1, '["Zurich",["true",0.1,"vip-list",42]]'),
                (1, 2, '3.0.0', 0.3333333333333333, 'cmdb', 9, 2, '["2"]'),
                (2, 1, '1.0.0', 1.0, 'hr', NULL, 1, '["Say \"hi\"","false"]');
            PRAGMA user_version = 5;
        )sql");
    }
    StateStore state(temp.file);
    std::map<std::string, std::vector<std::string>> seen, scores;
    state.for_each_incident([&](const StoredIncident &i, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &sentiments) {
        for (const SentimentRecord &r : sentiments)
            scores[i.id].push_back(fmt::format("{} {} {} {} {} {} {} {} {} {}", r.plugin_id, r.plugin_version, r.text_id,
                                               r.label, r.compound, r.positive, r.neutral, r.negative, r.confidence,
                                               r.written_at == SL_TIMESTAMP_NONE ? "none" : std::to_string(r.written_at)));
        for (const AttributeRecord &a : attributes)
            seen[i.id].push_back(fmt::format("{} {} {}={} {} {} {} {}", a.plugin_id, a.plugin_version, a.key, a.value,
                                             a.type, a.confidence, a.source,
                                             a.observed_at == SL_TIMESTAMP_NONE ? "none" : std::to_string(a.observed_at)));
    });
    CHECK(seen["a"] == std::vector<std::string>{"p 1.0.0 caller.site=Zurich string 1 hr none",
                                                "p 1.0.0 caller.vip=true boolean 0.1 vip-list 42",
                                                "q 3.0.0 device.count=2 integer 0.3333333333333333 cmdb 9"});
    CHECK(seen["b"] == std::vector<std::string>{"p 1.0.0 caller.site=Say \"hi\" string 1 hr none",
                                                "p 1.0.0 caller.vip=false boolean 1 hr none"});
    CHECK(scores["a"] == std::vector<std::string>{"p 1.0.0 c1 0 0 0 1 0 1 none",
                                                  "q 3.0.0 c1 -1 -0.7071067811865475 0.1 0.2 0.7 0.9 7"});
    CHECK(scores["b"] == std::vector<std::string>{"p 1.0.0 s1 1 0.5 0.5 0.5 0 0.25 9"});
    Statement rows = state.database().prepare("SELECT (SELECT count(*) FROM incidents WHERE sets IS NOT NULL), "
                                              "(SELECT count(*) FROM incidents WHERE scores IS NOT NULL), "
                                              "(SELECT count(*) FROM sentiments)");
    rows.step();
    CHECK(rows.integer(0) == 2);
    CHECK(rows.integer(1) == 2);
    CHECK(rows.integer(2) == 3);   // the view: a row per score
    Statement view = state.database().prepare("SELECT count(*) FROM attributes");
    view.step();
    CHECK(view.integer(0) == 5);
    // The outbox keeps its entries, each now knowing its incident's key, and
    // the same write queued again is still the same write.
    const auto pending = state.pending_outbox("desk", 10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].incident_id == "b");
    Statement keyed = state.database().prepare("SELECT incident FROM outbox ORDER BY id");
    std::vector<int64_t> incident_keys;
    while (keyed.step()) incident_keys.push_back(keyed.integer(0));
    CHECK(incident_keys == std::vector<int64_t>{2, 1});
    BatchCommit again = batch("a", 100);   // its outbox entry's key is desk:a:100
    again.attribute_sets.clear();
    state.commit_batch(again);
    CHECK(state.pending_outbox("desk", 10).size() == 2);
}

TEST_CASE("a version 2 state store is migrated: one attribute row each becomes one set per plugin in a row per incident")
{
    TempStore temp;
    {
        // The version 2 layout, as ServiceLens wrote it before attributes were packed.
        Database v2(temp.file);
        v2.execute(R"sql(
            CREATE TABLE watermarks (connector TEXT PRIMARY KEY, updated_at INTEGER NOT NULL, last_id TEXT NOT NULL);
            CREATE TABLE incidents (key INTEGER PRIMARY KEY, connector TEXT NOT NULL, id TEXT NOT NULL,
                body TEXT NOT NULL, seen_at INTEGER NOT NULL, UNIQUE (connector, id));
            CREATE TABLE plugins (key INTEGER PRIMARY KEY, plugin_id TEXT NOT NULL UNIQUE);
            CREATE TABLE attributes (incident INTEGER NOT NULL, plugin INTEGER NOT NULL, key TEXT NOT NULL,
                plugin_version TEXT NOT NULL, type TEXT NOT NULL, value TEXT NOT NULL, confidence REAL NOT NULL,
                source TEXT NOT NULL, observed_at INTEGER, PRIMARY KEY (incident, plugin, key)) WITHOUT ROWID;
            CREATE TABLE sentiments (incident INTEGER NOT NULL, text_id TEXT NOT NULL, plugin INTEGER NOT NULL,
                plugin_version TEXT NOT NULL, label INTEGER NOT NULL, compound REAL NOT NULL, positive REAL NOT NULL,
                neutral REAL NOT NULL, negative REAL NOT NULL, confidence REAL NOT NULL, written_at INTEGER,
                PRIMARY KEY (incident, text_id, plugin)) WITHOUT ROWID;
            CREATE TABLE outbox (id INTEGER PRIMARY KEY, connector TEXT NOT NULL, incident_id TEXT NOT NULL,
                idempotency_key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, field TEXT NOT NULL, body TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, created_at INTEGER NOT NULL, sent_at INTEGER);
            CREATE INDEX outbox_unsent ON outbox (connector, id) WHERE sent_at IS NULL;
            CREATE TABLE runs (id INTEGER PRIMARY KEY, connector TEXT NOT NULL, command TEXT NOT NULL,
                started_at INTEGER NOT NULL, finished_at INTEGER, status TEXT NOT NULL DEFAULT 'running', stats TEXT);
            INSERT INTO watermarks VALUES ('desk', 100, 'b');
            INSERT INTO incidents VALUES (1, 'desk', 'a', '{"id":"a"}', 1), (2, 'desk', 'b', '{"id":"b"}', 1);
            INSERT INTO plugins VALUES (1, 'p'), (2, 'q');
            INSERT INTO attributes VALUES (1, 1, 'caller.site', '1.0.0', 'string', 'Zurich', 1.0, 'hr', NULL),
                                          (1, 1, 'caller.vip', '1.0.0', 'boolean', 'true', 0.5, 'hr', 42),
                                          (1, 2, 'device.count', '3.0.0', 'integer', '2', 1.0, 'cmdb', 9),
                                          (2, 1, 'caller.site', '1.0.0', 'string', 'Say "hi"', 1.0, 'hr', NULL);
            INSERT INTO sentiments VALUES (2, 'c1', 2, '3.0.0', -1, -0.5, 0.1, 0.2, 0.7, 0.9, 7);
            INSERT INTO outbox (connector, incident_id, idempotency_key, kind, field, body, created_at)
                VALUES ('desk', 'b', 'desk:b:100:rule0', 'work_note', '', 'hi', 1);
            PRAGMA user_version = 2;
        )sql");
    }
    StateStore state(temp.file);
    CHECK(state.watermark("desk")->last_id == "b");
    REQUIRE(state.pending_outbox("desk", 10).size() == 1);
    std::map<std::string, std::vector<std::string>> seen;
    state.for_each_incident([&](const StoredIncident &i, const std::vector<AttributeRecord> &attributes,
                                const std::vector<SentimentRecord> &sentiments) {
        for (const AttributeRecord &a : attributes)
            seen[i.id].push_back(a.plugin_id + " " + a.plugin_version + " " + a.key + "=" + a.value + " " + a.type + " " +
                                 std::to_string(a.confidence).substr(0, 3) + " " + a.source + " " +
                                 (a.observed_at == SL_TIMESTAMP_NONE ? "none" : std::to_string(a.observed_at)));
        for (const SentimentRecord &r : sentiments) seen[i.id].push_back(r.plugin_id + " " + r.text_id);
    });
    for (auto &[id, lines] : seen) std::sort(lines.begin(), lines.end());
    CHECK(seen["a"] == std::vector<std::string>{"p 1.0.0 caller.site=Zurich string 1.0 hr none",
                                                "p 1.0.0 caller.vip=true boolean 0.5 hr 42",
                                                "q 3.0.0 device.count=2 integer 1.0 cmdb 9"});
    CHECK(seen["b"] == std::vector<std::string>{"p 1.0.0 caller.site=Say \"hi\" string 1.0 hr none", "q c1"});
    Statement sets = state.database().prepare("SELECT count(*), sum(json_array_length(sets)) FROM incidents WHERE sets IS NOT NULL");
    sets.step();
    CHECK(sets.integer(0) == 2);   // incidents
    CHECK(sets.integer(1) == 3);   // sets
    state.commit_batch(batch("c", 200));   // and it goes on working in the new layout
    CHECK(state.pending_outbox("desk", 10).size() == 2);
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
