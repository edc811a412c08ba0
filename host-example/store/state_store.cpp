#include <servicelens/store/state_store.hpp>

#include "attribute_packing.hpp"
#include "incident_lookup.hpp"
#include "sentiment_packing.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <span>
#include <unordered_map>
#include <utility>

namespace servicelens::store {

namespace {

constexpr int schema_version = 7;

// Version 2 keys enrichment by the incident's integer key and an interned
// plugin, in WITHOUT ROWID tables: a row and its primary key are stored
// once, and a batch writes about half the bytes version 1 did. Only unsent
// outbox entries are indexed, so the index stays as small as the backlog.
constexpr const char *schema_v2 = R"sql(
CREATE TABLE IF NOT EXISTS watermarks (
    connector   TEXT PRIMARY KEY,
    updated_at  INTEGER NOT NULL,
    last_id     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS incidents (
    key         INTEGER PRIMARY KEY,
    connector   TEXT NOT NULL,
    id          TEXT NOT NULL,
    body        TEXT NOT NULL,
    seen_at     INTEGER NOT NULL,
    UNIQUE (connector, id)
);
CREATE TABLE IF NOT EXISTS plugins (
    key         INTEGER PRIMARY KEY,
    plugin_id   TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS attributes (
    incident       INTEGER NOT NULL,
    plugin         INTEGER NOT NULL,
    key            TEXT NOT NULL,
    plugin_version TEXT NOT NULL,
    type           TEXT NOT NULL,
    value          TEXT NOT NULL,
    confidence     REAL NOT NULL,
    source         TEXT NOT NULL,
    observed_at    INTEGER,
    PRIMARY KEY (incident, plugin, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sentiments (
    incident       INTEGER NOT NULL,
    text_id        TEXT NOT NULL,
    plugin         INTEGER NOT NULL,
    plugin_version TEXT NOT NULL,
    label          INTEGER NOT NULL,
    compound       REAL NOT NULL,
    positive       REAL NOT NULL,
    neutral        REAL NOT NULL,
    negative       REAL NOT NULL,
    confidence     REAL NOT NULL,
    written_at     INTEGER,
    PRIMARY KEY (incident, text_id, plugin)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
    id              INTEGER PRIMARY KEY,
    connector       TEXT NOT NULL,
    incident_id     TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    field           TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox (connector, id) WHERE sent_at IS NULL;
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    connector   TEXT NOT NULL,
    command     TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT NOT NULL DEFAULT 'running',
    stats       TEXT
);
)sql";

// Version 1 kept the connector and plugin id as text in every result row.
// Its incidents, attributes and sentiments move into the version 2 tables;
// watermarks, outbox and runs are the same in both.
constexpr const char *migrate_v1_to_v2 = R"sql(
DROP INDEX outbox_pending;
ALTER TABLE incidents RENAME TO incidents_v1;
ALTER TABLE attributes RENAME TO attributes_v1;
ALTER TABLE sentiments RENAME TO sentiments_v1;
)sql";

constexpr const char *copy_v1_into_v2 = R"sql(
INSERT INTO incidents (connector, id, body, seen_at) SELECT connector, id, body, seen_at FROM incidents_v1;
INSERT OR IGNORE INTO plugins (plugin_id)
    SELECT plugin_id FROM attributes_v1 UNION SELECT plugin_id FROM sentiments_v1;
INSERT OR REPLACE INTO attributes
    SELECT i.key, p.key, a.key, a.plugin_version, a.type, a.value, a.confidence, a.source, a.observed_at
    FROM attributes_v1 a JOIN incidents i ON i.connector = a.connector AND i.id = a.incident_id
    JOIN plugins p ON p.plugin_id = a.plugin_id;
INSERT OR REPLACE INTO sentiments
    SELECT i.key, s.text_id, p.key, s.plugin_version, s.label, s.compound, s.positive, s.neutral, s.negative,
           s.confidence, s.written_at
    FROM sentiments_v1 s JOIN incidents i ON i.connector = s.connector AND i.id = s.incident_id
    JOIN plugins p ON p.plugin_id = s.plugin_id;
DROP TABLE incidents_v1;
DROP TABLE attributes_v1;
DROP TABLE sentiments_v1;
)sql";

// Version 3 keeps one row per incident and plugin: a context plugin emits
// ten or more attributes per incident, and a row per attribute made B-tree
// inserts most of a sync's time. The attributes are a JSON array of
// [key, type, value] rows; most of a plugin's attributes share a source,
// confidence and observed time, which the set holds once, and a row that
// differs carries its own as [key, type, value, confidence, source,
// observed_at]. Sets are larger than SQLite likes rows of WITHOUT ROWID
// tables to be, hence a rowid table. The attributes view gives the version
// 2 shape back to anyone querying the file by hand.
constexpr const char *migrate_v2_to_v3 = R"sql(
ALTER TABLE attributes RENAME TO attributes_v2;
CREATE TABLE attribute_sets (
    incident       INTEGER NOT NULL,
    plugin         INTEGER NOT NULL,
    plugin_version TEXT NOT NULL,
    confidence     REAL NOT NULL,
    source         TEXT NOT NULL,
    observed_at    INTEGER,
    attributes     TEXT NOT NULL,
    PRIMARY KEY (incident, plugin)
);
INSERT INTO attribute_sets
    SELECT incident, plugin, max(plugin_version), 0, '', NULL,
           json_group_array(json_array(key, type, value, confidence, source, observed_at))
    FROM (SELECT * FROM attributes_v2 ORDER BY incident, plugin, key) GROUP BY incident, plugin;
DROP TABLE attributes_v2;
CREATE VIEW attributes AS
    SELECT s.incident AS incident, p.plugin_id AS plugin_id, s.plugin_version AS plugin_version,
           a.value ->> 0 AS key, a.value ->> 1 AS type, a.value ->> 2 AS value,
           iif(json_array_length(a.value) = 6, a.value ->> 3, s.confidence) AS confidence,
           iif(json_array_length(a.value) = 6, a.value ->> 4, s.source) AS source,
           iif(json_array_length(a.value) = 6, a.value ->> 5, s.observed_at) AS observed_at
    FROM attribute_sets s JOIN plugins p ON p.key = s.plugin, json_each(s.attributes) a;
)sql";

// The key of `value` in a table that holds each text once under an
// integer key (plugins, attribute_shapes), the row added when new.
int64_t interned_key(Database &db, std::string_view table, std::string_view column, std::string_view value)
{
    Statement q = db.prepare(fmt::format("INSERT INTO {0} ({1}) VALUES (?1) ON CONFLICT ({1}) DO UPDATE SET {1} = "
                                         "excluded.{1} RETURNING key",
                                         table, column));
    q.bind(1, value);
    q.step();
    const int64_t key = q.integer(0);
    q.reset();
    return key;
}

int64_t now_ms()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Version 4: an entry the platform refused for good (the ticket is gone,
// the mapped field does not exist) is parked, kept with its error for the
// admin, and no longer holds up the entries behind it.
constexpr const char *migrate_v3_to_v4 = R"sql(
ALTER TABLE outbox ADD COLUMN rejected_at INTEGER;
DROP INDEX IF EXISTS outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (connector, id) WHERE sent_at IS NULL AND rejected_at IS NULL;
)sql";

// Version 5 stored a set's keys and types once per shape (attribute_packing.hpp),
// and version 7 keeps that. The sets of schema 3 and 4 are repacked from
// attribute_sets_v4 into version 7 rows by the host.
constexpr const char *shapes_v5 = R"sql(
DROP VIEW attributes;
ALTER TABLE attribute_sets RENAME TO attribute_sets_v4;
CREATE TABLE attribute_shapes (
    key         INTEGER PRIMARY KEY,
    attributes  TEXT NOT NULL UNIQUE
);
)sql";

// Version 6 also indexes the outbox's idempotency keys after the incident's
// integer key: the keys begin with the vendor's incident id, in no order,
// so each batch's thousand entries landed all over the unique index, and
// every commit wrote most of its pages again, which at 100,000 incidents
// was a third of what a sync wrote to the WAL. Incident keys grow with
// each new incident, so new entries append. A key names its incident, so
// (incident, key) is unique exactly when the key is.
constexpr const char *outbox_v6 = R"sql(
DROP INDEX outbox_unsent;
ALTER TABLE outbox RENAME TO outbox_v5;
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    connector       TEXT NOT NULL,
    incident        INTEGER NOT NULL,
    incident_id     TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    kind            TEXT NOT NULL,
    field           TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    rejected_at     INTEGER,
    UNIQUE (incident, idempotency_key)
);
INSERT INTO outbox
    SELECT o.id, o.connector, coalesce(i.key, 0), o.incident_id, o.idempotency_key, o.kind, o.field, o.body,
           o.attempts, o.last_error, o.created_at, o.sent_at, o.rejected_at
    FROM outbox_v5 o LEFT JOIN incidents i ON i.connector = o.connector AND i.id = o.incident_id;
DROP TABLE outbox_v5;
CREATE INDEX outbox_unsent ON outbox (connector, id) WHERE sent_at IS NULL AND rejected_at IS NULL;
)sql";

// Version 7 keeps an incident's results in its own row: its attribute sets
// (attribute_packing.hpp) in `sets`, its sentiment scores
// (sentiment_packing.hpp) in `scores`, NULL when there are none. Version 6
// held them in two tables of their own, keyed by the incident's key: three
// inserts per new incident where one does. And version 7 finds incidents
// by incident_id_hash (incident_lookup.hpp) instead of a unique index on
// (connector, id): at 100,000 incidents that index was about a third of
// what a sync wrote to the WAL. SQLite cannot drop a table's UNIQUE
// constraint, so the table is copied, keys and all.
constexpr const char *incidents_v7 = R"sql(
ALTER TABLE incidents RENAME TO incidents_old;
CREATE TABLE incidents (
    key         INTEGER PRIMARY KEY,
    connector   TEXT NOT NULL,
    id          TEXT NOT NULL,
    body        TEXT NOT NULL,
    seen_at     INTEGER NOT NULL,
    id_hash     INTEGER NOT NULL,
    sets        TEXT,
    scores      TEXT
);
)sql";

// Version 6's incidents with their rows of sets and scores.
constexpr const char *copy_incidents_v6 = R"sql(
INSERT INTO incidents (key, connector, id, body, seen_at, id_hash, sets, scores)
    SELECT i.key, i.connector, i.id, i.body, i.seen_at, incident_id_hash(i.connector, i.id), a.sets, s.scores
    FROM incidents_old i LEFT JOIN incident_attributes a ON a.incident = i.key
         LEFT JOIN incident_sentiments s ON s.incident = i.key
    ORDER BY i.key;
DROP VIEW attributes;
DROP VIEW sentiments;
DROP TABLE incident_attributes;
DROP TABLE incident_sentiments;
)sql";

// Older incidents, whose results the host repacks into them afterwards.
constexpr const char *copy_incidents_v5 = R"sql(
INSERT INTO incidents (key, connector, id, body, seen_at, id_hash)
    SELECT key, connector, id, body, seen_at, incident_id_hash(connector, id) FROM incidents_old ORDER BY key;
)sql";

constexpr const char *incidents_index_v7 = R"sql(
DROP TABLE incidents_old;
CREATE INDEX incidents_by_id ON incidents (id_hash);
)sql";

// One row per attribute and one per score, the version 2 shape, for anyone
// querying the file by hand.
constexpr const char *result_views_v7 = R"sql(
CREATE VIEW attributes AS
    SELECT i.key AS incident, p.plugin_id AS plugin_id, s.value ->> 1 AS plugin_version,
           k.value ->> 0 AS key, k.value ->> 1 AS type,
           iif(v.type = 'array', v.value ->> 0, v.value) AS value,
           iif(v.type = 'array', v.value ->> 1, s.value ->> 3) AS confidence,
           iif(v.type = 'array', v.value ->> 2, s.value ->> 4) AS source,
           iif(v.type = 'array', v.value ->> 3, s.value ->> 5) AS observed_at
    FROM incidents i, json_each(i.sets) s
         JOIN plugins p ON p.key = s.value ->> 0
         JOIN attribute_shapes sh ON sh.key = s.value ->> 2,
         json_each(s.value, '$[6]') v JOIN json_each(sh.attributes) k ON k.key = v.key;
CREATE VIEW sentiments AS
    SELECT i.key AS incident, e.value ->> 0 AS text_id, e.value ->> 1 AS plugin, e.value ->> 2 AS plugin_version,
           e.value ->> 3 AS label, e.value ->> 4 AS compound, e.value ->> 5 AS positive, e.value ->> 6 AS neutral,
           e.value ->> 7 AS negative, e.value ->> 8 AS confidence, e.value ->> 9 AS written_at
    FROM incidents i, json_each(i.scores) e;
)sql";

SetProvenance provenance_at(const Statement &row, int first_column)
{
    return {row.real(first_column), row.text(first_column + 1),
            row.is_null(first_column + 2) ? SL_TIMESTAMP_NONE : row.integer(first_column + 2)};
}

// JSON the host wrote into the file, which only a hand edit can break.
nlohmann::json parse_stored(std::string_view json, int64_t incident, std::string_view table)
{
    try {
        nlohmann::json row = nlohmann::json::parse(json);
        if (!row.is_array()) throw SqliteError("not an array");
        return row;
    } catch (const std::exception &e) {
        throw SqliteError(fmt::format("the row of incident key {} in {} is not the JSON this host writes ({}); "
                                      "was the state store edited by hand?",
                                      incident, table, e.what()));
    }
}

std::map<int64_t, AttributeShape> load_shapes(Database &db)
{
    std::map<int64_t, AttributeShape> shapes;
    Statement all = db.prepare("SELECT key, attributes FROM attribute_shapes");
    while (all.step()) shapes.emplace(all.integer(0), parse_shape(all.text(1)));
    return shapes;
}

const AttributeShape &shape_of(const std::map<int64_t, AttributeShape> &shapes, int64_t shape, int64_t incident)
{
    const auto found = shapes.find(shape);
    if (found == shapes.end())
        throw SqliteError(fmt::format("an attribute set of incident key {} names shape {}, which attribute_shapes "
                                      "lacks; was the state store edited by hand?",
                                      incident, shape));
    return found->second;
}

// Marks outbox entries sent, each once however often it is named: one
// place for the acknowledgements that ride in a batch's commit and those
// made on their own.
void mark_sent(Database &db, std::span<const int64_t> ids, int64_t now)
{
    std::vector<int64_t> unique(ids.begin(), ids.end());
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    Statement q = db.prepare("UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1");
    for (const int64_t id : unique) {
        q.bind(1, id).bind(2, now);
        q.run();
    }
}

// A batch's result with its incident's place in the batch and its plugin's key.
template <class Result>
struct Keyed {
    std::size_t incident;
    int64_t plugin;
    const Result *result;
};

// The results at the front of `rest` that belong to `incident`, taken off
// it; `rest` is in incident order, and incidents are asked for in order.
template <class Result>
std::span<const Keyed<Result>> take_run(std::span<const Keyed<Result>> &rest, std::size_t incident)
{
    std::size_t end = 0;
    while (end < rest.size() && rest[end].incident == incident) ++end;
    const auto run = rest.first(end);
    rest = rest.subspan(end);
    return run;
}

// Whether a result after the k-th in `results` replaces it.
template <class Result, class Same>
bool replaced_later(std::span<const Keyed<Result>> results, std::size_t k, Same same)
{
    return std::any_of(results.begin() + static_cast<std::ptrdiff_t>(k + 1), results.end(),
                       [&](const Keyed<Result> &later) { return same(results[k], later); });
}

int64_t plugin_of(const nlohmann::json &set) { return set.at(set_plugin).get<int64_t>(); }

} // namespace


StateStore::StateStore(const std::filesystem::path &file)
    : db_(file),
      sets_{"sets", set_plugin, {set_plugin}, {}, {}},
      scores_{"scores", score_plugin, {score_text_id, score_plugin}, {}, {}}
{
    Transaction migrate(db_);
    Statement version = db_.prepare("PRAGMA user_version");
    version.step();
    const int64_t found = version.integer(0);
    version.reset();
    if (found > schema_version)
        throw SqliteError(file.string() + ": the state store was written by a newer ServiceLens (schema " +
                          std::to_string(found) + "); upgrade this host");
    // A new store is laid out as version 2 and migrated like an old one:
    // one path, tested by every test that opens a store.
    if (found == 1) db_.execute(migrate_v1_to_v2);
    if (found < 3) db_.execute(schema_v2);
    if (found == 1) db_.execute(copy_v1_into_v2);
    if (found < 3) db_.execute(migrate_v2_to_v3);
    if (found < 4) db_.execute(migrate_v3_to_v4);
    if (found < 5) db_.execute(shapes_v5);
    // The outbox first: it finds its incidents' keys through the unique
    // (connector, id) index that version 7 drops.
    if (found < 6) db_.execute(outbox_v6);
    if (found < 7) {
        define_incident_id_hash(db_);
        db_.execute(incidents_v7);
        db_.execute(found == 6 ? copy_incidents_v6 : copy_incidents_v5);
        db_.execute(incidents_index_v7);
    }
    if (found < 6) {
        if (found < 5) {
            Statement v4 = db_.prepare("SELECT incident, plugin, plugin_version, confidence, source, observed_at, "
                                       "attributes FROM attribute_sets_v4 ORDER BY incident, plugin");
            copy_sets(v4, [](const Statement &row) { return unpack_v3_attributes(row.text(6), provenance_at(row, 3)); });
            db_.execute("DROP TABLE attribute_sets_v4");
        } else {
            const std::map<int64_t, AttributeShape> shapes = load_shapes(db_);
            Statement v5 = db_.prepare("SELECT incident, plugin, plugin_version, confidence, source, observed_at, "
                                       "shape, attribute_values FROM attribute_sets ORDER BY incident, plugin");
            copy_sets(v5, [&](const Statement &row) {
                return unpack_values(shape_of(shapes, row.integer(6), row.integer(0)), parse_stored(row.text(7), row.integer(0), "attribute_sets"),
                                     provenance_at(row, 3));
            });
            db_.execute("DROP VIEW attributes; DROP TABLE attribute_sets");
        }
        copy_scores();
        db_.execute("DROP TABLE sentiments");
    }
    if (found < 7) db_.execute(result_views_v7);
    db_.execute("PRAGMA user_version = " + std::to_string(schema_version));
    migrate.commit();
}

std::optional<Watermark> StateStore::watermark(const std::string &connector)
{
    Statement q = db_.prepare("SELECT updated_at, last_id FROM watermarks WHERE connector = ?1");
    q.bind(1, connector);
    if (!q.step()) return std::nullopt;
    return Watermark{q.integer(0), q.text(1)};
}

int64_t StateStore::plugin_key(std::string_view plugin_id)
{
    if (const auto known = plugin_keys_.find(plugin_id); known != plugin_keys_.end()) return known->second;
    return plugin_keys_.emplace(plugin_id, interned_key(db_, "plugins", "plugin_id", plugin_id)).first->second;
}

int64_t StateStore::shape_key(int64_t plugin, const std::vector<AttributeValue> &attributes)
{
    // Most sets have the shape of the plugin's set before: checked in place,
    // that costs a fifth of building the signature and looking it up.
    RecentShape &recent = recent_shapes_[plugin];
    if (!recent.signature.empty() && has_signature(attributes, recent.signature)) return recent.key;
    shape_signature(attributes, recent.signature);
    if (const auto known = shape_keys_.find(recent.signature); known != shape_keys_.end())
        return recent.key = known->second;
    // A plugin whose keys vary from incident to incident could make the
    // cache grow like the store; it is only a cache.
    if (shape_keys_.size() >= 4096) shape_keys_.clear();
    return recent.key = shape_keys_[recent.signature] =
               interned_key(db_, "attribute_shapes", "attributes", shape_json(attributes));
}

void StateStore::copy_rows(Statement &rows, ResultColumn &column, JsonRow &row, const std::function<void(const Statement &)> &add)
{
    int64_t incident = 0;
    const auto write_incident = [&] {
        if (!row.empty()) write_results(column, incident, row.text(), false);
        row.clear();
    };
    while (rows.step()) {
        if (rows.integer(0) != incident) write_incident();
        incident = rows.integer(0);
        add(rows);
    }
    write_incident();
}

void StateStore::copy_sets(Statement &rows, const std::function<std::vector<AttributeRecord>(const Statement &)> &attributes_of)
{
    SetsRow row;
    copy_rows(rows, sets_, row, [&](const Statement &old) {
        const std::vector<AttributeRecord> records = attributes_of(old);
        const std::vector<AttributeValue> attributes = values_of(records);
        if (!attributes.empty()) row.add(old.integer(1), old.text(2), shape_key(old.integer(1), attributes), attributes);
    });
}

void StateStore::copy_scores()
{
    Statement v5 = db_.prepare("SELECT incident, text_id, plugin, plugin_version, label, compound, positive, neutral, "
                               "negative, confidence, written_at FROM sentiments ORDER BY incident, plugin, text_id");
    ScoresRow row;
    copy_rows(v5, scores_, row, [&](const Statement &old) {
        const SentimentRecord score{{}, old.text(1), {}, old.text(3), static_cast<int>(old.integer(4)), old.real(5),
                                    old.real(6), old.real(7), old.real(8), old.real(9),
                                    old.is_null(10) ? SL_TIMESTAMP_NONE : old.integer(10)};
        row.add(score, old.integer(2));
    });
}

void StateStore::write_results(ResultColumn &results, int64_t incident, std::string_view fresh, bool keep_earlier)
{
    if (!results.update)
        results.update.emplace(db_, fmt::format("UPDATE incidents SET {} = ?2 WHERE key = ?1", results.column));
    if (!keep_earlier) {
        results.update->bind(1, incident).bind_borrowed(2, fresh);
        results.update->run();
        return;
    }
    nlohmann::json entries = nlohmann::json::parse(fresh);
    if (!results.select)
        results.select.emplace(db_, fmt::format("SELECT {} FROM incidents WHERE key = ?1", results.column));
    Statement &q = *results.select;
    q.bind(1, incident);
    const auto replaces = [&](const nlohmann::json &later, const nlohmann::json &earlier) {
        return std::all_of(results.identity.begin(), results.identity.end(),
                           [&](std::size_t field) { return later.at(field) == earlier.at(field); });
    };
    const std::string where = fmt::format("incidents.{}", results.column);
    try {
        if (q.step() && !q.is_null(0)) {
            const std::size_t fresh_count = entries.size();
            for (nlohmann::json &earlier : parse_stored(q.text(0), incident, where))
                if (std::none_of(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(fresh_count),
                                 [&](const nlohmann::json &later) { return replaces(later, earlier); }))
                    entries.push_back(std::move(earlier));
        }
        q.reset();
        std::stable_sort(entries.begin(), entries.end(), [&](const nlohmann::json &a, const nlohmann::json &b) {
            return a.at(results.plugin_field).get<int64_t>() < b.at(results.plugin_field).get<int64_t>();
        });
    } catch (const nlohmann::json::exception &e) {
        q.reset();
        throw SqliteError(fmt::format("an entry in the row of incident key {} in {} is not what this host writes "
                                      "({}); was the state store edited by hand?",
                                      incident, where, e.what()));
    }
    results.update->bind(1, incident).bind(2, entries.dump());
    results.update->run();
}

void StateStore::commit_batch(const BatchCommit &batch)
{
    Transaction tx(db_);
    // Keys learnt inside a transaction that rolls back would be stale.
    struct ForgetKeysUnlessCommitted {
        StateStore &store;
        bool committed = false;
        ~ForgetKeysUnlessCommitted()
        {
            if (committed) return;
            store.plugin_keys_.clear();
            store.shape_keys_.clear();
            store.recent_shapes_.clear();
        }
    } forget{*this};
    const int64_t now = now_ms();
    // An incident's results go into its row where the batch first carries it.
    std::unordered_map<std::string_view, std::size_t> position_of(batch.incidents.size() * 2);
    for (std::size_t p = 0; p < batch.incidents.size(); ++p) position_of.try_emplace(batch.incidents[p].id, p);
    const auto position = [&](std::string_view incident_id) {
        const auto found = position_of.find(incident_id);
        if (found == position_of.end())
            throw SqliteError(fmt::format("a result for incident '{}' is not in the batch that carries it", incident_id));
        return found->second;
    };
    // The results by position, and within it in plugin order, as a row keeps them.
    std::vector<Keyed<AttributeSet>> sets;
    sets.reserve(batch.attribute_sets.size());
    for (const AttributeSet &set : batch.attribute_sets)
        if (!set.attributes.empty()) sets.push_back({position(set.incident_id), plugin_key(set.plugin_id), &set});
    std::stable_sort(sets.begin(), sets.end(), [](const auto &a, const auto &b) {
        return a.incident != b.incident ? a.incident < b.incident : a.plugin < b.plugin;
    });
    std::vector<Keyed<SentimentRecord>> scores;
    scores.reserve(batch.sentiments.size());
    for (const SentimentRecord &r : batch.sentiments) scores.push_back({position(r.incident_id), plugin_key(r.plugin_id), &r});
    std::stable_sort(scores.begin(), scores.end(), [](const auto &a, const auto &b) { return a.incident < b.incident; });

    // The id hash finds candidates, connector and id decide (incident_lookup.hpp).
    // A probe and an insert: INSERT ... WHERE NOT EXISTS on the same table
    // would make SQLite stage every row in a temporary table first.
    Statement find_incident = db_.prepare("SELECT key FROM incidents WHERE id_hash = ?1 AND connector = ?2 AND id = ?3");
    Statement insert_incident = db_.prepare(
        "INSERT INTO incidents (connector, id, body, seen_at, id_hash, sets, scores) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    Statement update_incident = db_.prepare("UPDATE incidents SET body = ?2, seen_at = ?3 WHERE key = ?1");
    std::vector<int64_t> key_at(batch.incidents.size());
    SetsRow set_row;
    ScoresRow score_row;
    std::span<const Keyed<AttributeSet>> sets_left(sets);
    std::span<const Keyed<SentimentRecord>> scores_left(scores);
    for (std::size_t p = 0; p < batch.incidents.size(); ++p) {
        const StoredIncident &i = batch.incidents[p];
        set_row.clear();
        score_row.clear();
        const auto those_sets = take_run(sets_left, p);
        for (std::size_t k = 0; k < those_sets.size(); ++k)
            // A plugin's later set for the incident in the same batch replaces this one.
            if (!replaced_later(those_sets, k, [](const auto &a, const auto &b) { return a.plugin == b.plugin; }))
                set_row.add(those_sets[k].plugin, those_sets[k].result->plugin_version,
                            shape_key(those_sets[k].plugin, those_sets[k].result->attributes), those_sets[k].result->attributes);
        const auto those_scores = take_run(scores_left, p);
        for (std::size_t k = 0; k < those_scores.size(); ++k)
            // A later score for the same text by the same analyzer replaces this one.
            if (!replaced_later(those_scores, k, [](const auto &a, const auto &b) {
                    return a.plugin == b.plugin && a.result->text_id == b.result->text_id;
                }))
                score_row.add(*those_scores[k].result, those_scores[k].plugin);

        const int64_t hash = incident_id_hash(batch.connector, i.id);
        find_incident.bind(1, hash).bind_borrowed(2, batch.connector).bind_borrowed(3, i.id);
        const bool seen = find_incident.step();
        key_at[p] = seen ? find_incident.integer(0) : 0;
        find_incident.reset();
        if (!seen) {
            // New (the common case): one insert with its results.
            insert_incident.bind_borrowed(1, batch.connector).bind_borrowed(2, i.id).bind_borrowed(3, i.json);
            insert_incident.bind(4, now).bind(5, hash);
            set_row.empty() ? insert_incident.bind_null(6) : insert_incident.bind_borrowed(6, set_row.text());
            score_row.empty() ? insert_incident.bind_null(7) : insert_incident.bind_borrowed(7, score_row.text());
            insert_incident.run();
            key_at[p] = db_.last_insert_id();
            continue;
        }
        update_incident.bind(1, key_at[p]).bind_borrowed(2, i.json).bind(3, now);
        update_incident.run();
        // Seen before: what plugins absent from this batch said stays.
        if (!set_row.empty()) write_results(sets_, key_at[p], set_row.text(), true);
        if (!score_row.empty()) write_results(scores_, key_at[p], score_row.text(), true);
    }

    Statement outbox = db_.prepare(
        "INSERT INTO outbox (connector, incident, incident_id, idempotency_key, kind, field, body, created_at) "
        "VALUES (?1, ?8, ?2, ?3, ?4, ?5, ?6, ?7) "
        // A known key is the same write: skipped. A parked one is queued
        // again, since the incident came back changed; the admin may have
        // created the field the platform refused.
        "ON CONFLICT (incident, idempotency_key) DO UPDATE SET rejected_at = NULL, last_error = NULL "
        "WHERE rejected_at IS NOT NULL");
    for (const OutboxEntry &o : batch.outbox) {
        outbox.bind_borrowed(1, o.connector).bind_borrowed(2, o.incident_id).bind_borrowed(3, o.idempotency_key);
        outbox.bind_borrowed(4, o.kind).bind_borrowed(5, o.field).bind_borrowed(6, o.body);
        outbox.bind(7, now).bind(8, key_at[position(o.incident_id)]);
        outbox.run();
    }
    Statement mark = db_.prepare(
        "INSERT INTO watermarks (connector, updated_at, last_id) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (connector) DO UPDATE SET updated_at = excluded.updated_at, last_id = excluded.last_id");
    mark.bind(1, batch.connector).bind(2, batch.watermark.updated_at).bind(3, batch.watermark.last_id);
    mark.run();
    mark_sent(db_, batch.acknowledged, now);
    tx.commit();
    forget.committed = true;
}

std::vector<OutboxEntry> StateStore::pending_outbox(const std::string &connector, std::size_t limit, int64_t after_id)
{
    Statement q = db_.prepare(
        "SELECT id, connector, incident_id, idempotency_key, kind, field, body, attempts FROM outbox "
        "WHERE connector = ?1 AND sent_at IS NULL AND rejected_at IS NULL AND id > ?3 ORDER BY id LIMIT ?2");
    q.bind(1, connector).bind(2, static_cast<int64_t>(limit)).bind(3, after_id);
    std::vector<OutboxEntry> entries;
    while (q.step())
        entries.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.text(5), q.text(6),
                           static_cast<int>(q.integer(7))});
    return entries;
}

void StateStore::acknowledge(int64_t outbox_id) { acknowledge(std::span<const int64_t>(&outbox_id, 1)); }

void StateStore::acknowledge(std::span<const int64_t> outbox_ids)
{
    Transaction tx(db_);
    mark_sent(db_, outbox_ids, now_ms());
    tx.commit();
}

void StateStore::record_failure(int64_t outbox_id, const std::string &error)
{
    Statement q = db_.prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1");
    q.bind(1, outbox_id).bind(2, error);
    q.run();
}

void StateStore::park(int64_t outbox_id, const std::string &error)
{
    Statement q = db_.prepare("UPDATE outbox SET attempts = attempts + 1, last_error = ?2, rejected_at = ?3 WHERE id = ?1");
    q.bind(1, outbox_id).bind(2, error).bind(3, now_ms());
    q.run();
}

std::vector<ParkedEntry> StateStore::parked_outbox(const std::string &connector)
{
    Statement q = db_.prepare("SELECT id, incident_id, kind, field, last_error, rejected_at, attempts FROM outbox "
                              "WHERE connector = ?1 AND rejected_at IS NOT NULL ORDER BY id");
    q.bind(1, connector);
    std::vector<ParkedEntry> parked;
    while (q.step())
        parked.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4), q.integer(5), static_cast<int>(q.integer(6))});
    return parked;
}

std::vector<int64_t> StateStore::requeue_parked(const std::string &connector, std::span<const int64_t> outbox_ids)
{
    Transaction tx(db_);
    Statement q = db_.prepare("UPDATE outbox SET rejected_at = NULL WHERE id = ?1 AND connector = ?2 "
                              "AND rejected_at IS NOT NULL RETURNING id");
    std::vector<int64_t> requeued;
    for (const int64_t id : outbox_ids) {
        q.bind(1, id).bind(2, connector);
        if (q.step()) requeued.push_back(q.integer(0));
        q.reset();
    }
    tx.commit();
    return requeued;
}

std::vector<int64_t> StateStore::requeue_all_parked(const std::string &connector)
{
    std::vector<int64_t> ids;
    for (const ParkedEntry &e : parked_outbox(connector)) ids.push_back(e.id);
    return requeue_parked(connector, ids);
}

int64_t StateStore::begin_run(const std::string &connector, const std::string &command)
{
    Statement q = db_.prepare("INSERT INTO runs (connector, command, started_at) VALUES (?1, ?2, ?3)");
    q.bind(1, connector).bind(2, command).bind(3, now_ms());
    q.run();
    return db_.last_insert_id();
}

void StateStore::finish_run(int64_t run_id, const std::string &status, const std::string &stats_json)
{
    Statement q = db_.prepare("UPDATE runs SET finished_at = ?2, status = ?3, stats = ?4 WHERE id = ?1");
    q.bind(1, run_id).bind(2, now_ms()).bind(3, status).bind(4, stats_json);
    q.run();
}

void StateStore::for_each_stored_incident(const std::function<void(const StoredIncident &)> &visit)
{
    Statement incidents = db_.prepare("SELECT connector, id, body FROM incidents ORDER BY key");
    while (incidents.step()) visit({incidents.text(0), incidents.text(1), incidents.text(2)});
}

void StateStore::for_each_incident(
    const std::function<void(const StoredIncident &, const std::vector<AttributeRecord> &,
                             const std::vector<SentimentRecord> &)> &visit)
{
    // One incident's results at a time, looked up by its key: memory holds
    // one incident and the keys, not the whole store. In (connector, id) order, whatever
    // order the syncs met them in; the order is sorted on the keys alone,
    // since sorting whole rows would copy every body into a temporary file.
    std::vector<int64_t> keys;
    Statement order = db_.prepare("SELECT key FROM incidents ORDER BY connector, id");
    while (order.step()) keys.push_back(order.integer(0));
    Statement incidents = db_.prepare("SELECT connector, id, body, sets, scores FROM incidents WHERE key = ?1");
    std::vector<AttributeRecord> found_attributes;
    const std::map<int64_t, AttributeShape> shapes = load_shapes(db_);
    std::map<int64_t, std::string> plugin_ids;
    Statement plugins = db_.prepare("SELECT key, plugin_id FROM plugins");
    while (plugins.step()) plugin_ids.emplace(plugins.integer(0), plugins.text(1));
    const auto unpack_sets = [&](int64_t incident_key, const std::string &incident_id) {
        for (const nlohmann::json &set : parse_stored(incidents.text(3), incident_key, "incidents.sets")) {
            try {
                const auto plugin = plugin_ids.find(plugin_of(set));
                if (plugin == plugin_ids.end())
                    throw SqliteError(fmt::format("plugin key {} is not in the plugins table", plugin_of(set)));
                const std::string plugin_version = set.at(set_plugin_version).get<std::string>();
                const nlohmann::json &observed = set.at(set_observed_at);
                const SetProvenance provenance{set.at(set_confidence).get<double>(), set.at(set_source).get<std::string>(),
                                               observed.is_null() ? SL_TIMESTAMP_NONE : observed.get<sl_timestamp_t>()};
                const AttributeShape &shape = shape_of(shapes, set.at(set_shape).get<int64_t>(), incident_key);
                for (AttributeRecord &a : unpack_values(shape, set.at(set_values), provenance)) {
                    a.incident_id = incident_id;
                    a.plugin_id = plugin->second;
                    a.plugin_version = plugin_version;
                    found_attributes.push_back(std::move(a));
                }
            } catch (const nlohmann::json::exception &e) {
                throw SqliteError(fmt::format("an attribute set of incident '{}' is not the JSON this host writes ({}); "
                                              "was the state store edited by hand?",
                                              incident_id, e.what()));
            }
        }
    };
    std::vector<SentimentRecord> found_sentiments;
    for (const int64_t key : keys) {
        incidents.bind(1, key);
        if (!incidents.step()) throw SqliteError(fmt::format("incident key {} vanished while it was read", key));
        const StoredIncident incident{incidents.text(0), incidents.text(1), incidents.text(2)};
        found_attributes.clear();
        if (!incidents.is_null(3)) unpack_sets(key, incident.id);
        found_sentiments.clear();
        if (!incidents.is_null(4))
            for (const nlohmann::json &entry : parse_stored(incidents.text(4), key, "incidents.scores"))
                found_sentiments.push_back(unpack_score(entry, incident.id, plugin_ids));
        incidents.reset();
        visit(incident, found_attributes, found_sentiments);
    }
}

} // namespace servicelens::store
