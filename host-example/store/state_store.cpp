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
#include <unordered_set>
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
// and version 6 keeps that. The sets of schema 3 and 4 are repacked from
// attribute_sets_v4 into version 6 rows by the host.
constexpr const char *shapes_v5 = R"sql(
DROP VIEW attributes;
ALTER TABLE attribute_sets RENAME TO attribute_sets_v4;
CREATE TABLE attribute_shapes (
    key         INTEGER PRIMARY KEY,
    attributes  TEXT NOT NULL UNIQUE
);
)sql";

// Version 6 keeps all of an incident's attribute sets in one row
// (attribute_packing.hpp), keyed by the incident's key: a sync appends one
// row per incident instead of one per incident and plugin, and a row
// keyed by an integer is a B-tree append. Version 5's attribute_sets, one
// row per incident and plugin, are repacked by the host.
constexpr const char *incident_attributes_v6 = R"sql(
CREATE TABLE incident_attributes (
    incident  INTEGER PRIMARY KEY,
    sets      TEXT NOT NULL
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

// Version 6 keeps all of an incident's sentiment scores in one row too
// (sentiment_packing.hpp); the sentiments view gives the version 2 shape
// back to anyone querying the file by hand.
constexpr const char *incident_sentiments_v6 = R"sql(
ALTER TABLE sentiments RENAME TO sentiments_v5;
CREATE TABLE incident_sentiments (
    incident  INTEGER PRIMARY KEY,
    scores    TEXT NOT NULL
);
)sql";

constexpr const char *sentiments_view_v6 = R"sql(
DROP TABLE sentiments_v5;
CREATE VIEW sentiments AS
    SELECT s.incident AS incident, e.value ->> 0 AS text_id, e.value ->> 1 AS plugin, e.value ->> 2 AS plugin_version,
           e.value ->> 3 AS label, e.value ->> 4 AS compound, e.value ->> 5 AS positive, e.value ->> 6 AS neutral,
           e.value ->> 7 AS negative, e.value ->> 8 AS confidence, e.value ->> 9 AS written_at
    FROM incident_sentiments s, json_each(s.scores) e;
)sql";

// The attributes view: one row per attribute, the version 2 shape, for
// anyone querying the file by hand.
constexpr const char *attributes_view_v6 = R"sql(
CREATE VIEW attributes AS
    SELECT a.incident AS incident, p.plugin_id AS plugin_id, s.value ->> 1 AS plugin_version,
           k.value ->> 0 AS key, k.value ->> 1 AS type,
           iif(v.type = 'array', v.value ->> 0, v.value) AS value,
           iif(v.type = 'array', v.value ->> 1, s.value ->> 3) AS confidence,
           iif(v.type = 'array', v.value ->> 2, s.value ->> 4) AS source,
           iif(v.type = 'array', v.value ->> 3, s.value ->> 5) AS observed_at
    FROM incident_attributes a, json_each(a.sets) s
         JOIN plugins p ON p.key = s.value ->> 0
         JOIN attribute_shapes sh ON sh.key = s.value ->> 2,
         json_each(s.value, '$[6]') v JOIN json_each(sh.attributes) k ON k.key = v.key;
)sql";

// Version 7 finds incidents by incident_id_hash (incident_lookup.hpp)
// instead of a unique index on (connector, id): at 100,000 incidents that
// index was about a third of what a sync wrote to the WAL. SQLite cannot
// drop a table's UNIQUE constraint, so the table is copied, keys and all.
constexpr const char *incidents_v7 = R"sql(
ALTER TABLE incidents RENAME TO incidents_v6;
CREATE TABLE incidents (
    key         INTEGER PRIMARY KEY,
    connector   TEXT NOT NULL,
    id          TEXT NOT NULL,
    body        TEXT NOT NULL,
    seen_at     INTEGER NOT NULL,
    id_hash     INTEGER NOT NULL
);
INSERT INTO incidents (key, connector, id, body, seen_at, id_hash)
    SELECT key, connector, id, body, seen_at, incident_id_hash(connector, id) FROM incidents_v6 ORDER BY key;
DROP TABLE incidents_v6;
CREATE INDEX incidents_by_id ON incidents (id_hash);
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

// A batch's result with its incident's and plugin's keys.
template <class Result>
struct Keyed {
    int64_t incident, plugin;
    const Result *result;
};

// Calls write(incident, results) for each incident's run of `keyed`,
// which is in incident order.
template <class Result, class Write>
void for_each_incident_of(const std::vector<Keyed<Result>> &keyed, Write write)
{
    for (std::size_t first = 0, end = 0; first < keyed.size(); first = end) {
        while (end < keyed.size() && keyed[end].incident == keyed[first].incident) ++end;
        write(keyed[first].incident, std::span<const Keyed<Result>>(keyed).subspan(first, end - first));
    }
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
      set_rows_{"incident_attributes", "sets", set_plugin, {set_plugin}, {}, {}},
      score_rows_{"incident_sentiments", "scores", score_plugin, {score_text_id, score_plugin}, {}, {}}
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
    if (found < 6) {
        db_.execute(incident_attributes_v6);
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
        db_.execute(attributes_view_v6);
        db_.execute(outbox_v6);
        db_.execute(incident_sentiments_v6);
        copy_scores();
        db_.execute(sentiments_view_v6);
    }
    if (found < 7) {
        define_incident_id_hash(db_);
        db_.execute(incidents_v7);
    }
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

void StateStore::copy_rows(Statement &rows, ResultRows &table, JsonRow &row, const std::function<void(const Statement &)> &add)
{
    int64_t incident = 0;
    const auto write_incident = [&] {
        if (!row.empty()) write_row(table, incident, row.text(), false);
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
    copy_rows(rows, set_rows_, row, [&](const Statement &old) {
        const std::vector<AttributeRecord> records = attributes_of(old);
        const std::vector<AttributeValue> attributes = values_of(records);
        if (!attributes.empty()) row.add(old.integer(1), old.text(2), shape_key(old.integer(1), attributes), attributes);
    });
}

void StateStore::copy_scores()
{
    Statement v5 = db_.prepare("SELECT incident, text_id, plugin, plugin_version, label, compound, positive, neutral, "
                               "negative, confidence, written_at FROM sentiments_v5 ORDER BY incident, plugin, text_id");
    ScoresRow row;
    copy_rows(v5, score_rows_, row, [&](const Statement &old) {
        const SentimentRecord score{{}, old.text(1), {}, old.text(3), static_cast<int>(old.integer(4)), old.real(5),
                                    old.real(6), old.real(7), old.real(8), old.real(9),
                                    old.is_null(10) ? SL_TIMESTAMP_NONE : old.integer(10)};
        row.add(score, old.integer(2));
    });
}

void StateStore::write_row(ResultRows &rows, int64_t incident, std::string_view fresh, bool keep_earlier)
{
    if (!rows.insert)
        rows.insert.emplace(db_, fmt::format("INSERT OR REPLACE INTO {} (incident, {}) VALUES (?1, ?2)", rows.table, rows.column));
    if (!keep_earlier) {
        rows.insert->bind(1, incident).bind_borrowed(2, fresh);
        rows.insert->run();
        return;
    }
    nlohmann::json entries = nlohmann::json::parse(fresh);
    if (!rows.select)
        rows.select.emplace(db_, fmt::format("SELECT {} FROM {} WHERE incident = ?1", rows.column, rows.table));
    Statement &q = *rows.select;
    q.bind(1, incident);
    const auto replaces = [&](const nlohmann::json &later, const nlohmann::json &earlier) {
        return std::all_of(rows.identity.begin(), rows.identity.end(),
                           [&](std::size_t field) { return later.at(field) == earlier.at(field); });
    };
    try {
        if (q.step()) {
            const std::size_t fresh_count = entries.size();
            for (nlohmann::json &earlier : parse_stored(q.text(0), incident, rows.table))
                if (std::none_of(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(fresh_count),
                                 [&](const nlohmann::json &later) { return replaces(later, earlier); }))
                    entries.push_back(std::move(earlier));
        }
        q.reset();
        std::stable_sort(entries.begin(), entries.end(), [&](const nlohmann::json &a, const nlohmann::json &b) {
            return a.at(rows.plugin_field).get<int64_t>() < b.at(rows.plugin_field).get<int64_t>();
        });
    } catch (const nlohmann::json::exception &e) {
        q.reset();
        throw SqliteError(fmt::format("an entry in the row of incident key {} in {} is not what this host writes "
                                      "({}); was the state store edited by hand?",
                                      incident, rows.table, e.what()));
    }
    rows.insert->bind(1, incident).bind(2, entries.dump());
    rows.insert->run();
}

void StateStore::write_attribute_sets(const std::vector<AttributeSet> &batch_sets,
                                      const std::function<int64_t(std::string_view)> &key_of,
                                      const std::unordered_set<int64_t> &seen_before)
{
    std::vector<Keyed<AttributeSet>> keyed;
    keyed.reserve(batch_sets.size());
    for (const AttributeSet &set : batch_sets)
        if (!set.attributes.empty()) keyed.push_back({key_of(set.incident_id), plugin_key(set.plugin_id), &set});
    // In plugin order within an incident, as the row keeps them.
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
        return a.incident != b.incident ? a.incident < b.incident : a.plugin < b.plugin;
    });
    SetsRow row;
    for_each_incident_of(keyed, [&](int64_t incident, std::span<const Keyed<AttributeSet>> sets) {
        row.clear();
        for (std::size_t k = 0; k < sets.size(); ++k)
            // A plugin's later set for the incident in the same batch replaces this one.
            if (!replaced_later(sets, k, [](const auto &a, const auto &b) { return a.plugin == b.plugin; }))
                row.add(sets[k].plugin, sets[k].result->plugin_version, shape_key(sets[k].plugin, sets[k].result->attributes),
                        sets[k].result->attributes);
        write_row(set_rows_, incident, row.text(), seen_before.contains(incident));
    });
}

void StateStore::write_scores(const std::vector<SentimentRecord> &scores,
                              const std::function<int64_t(std::string_view)> &key_of,
                              const std::unordered_set<int64_t> &seen_before)
{
    std::vector<Keyed<SentimentRecord>> keyed;
    keyed.reserve(scores.size());
    for (const SentimentRecord &r : scores) keyed.push_back({key_of(r.incident_id), plugin_key(r.plugin_id), &r});
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) { return a.incident < b.incident; });
    ScoresRow row;
    for_each_incident_of(keyed, [&](int64_t incident, std::span<const Keyed<SentimentRecord>> group) {
        row.clear();
        for (std::size_t k = 0; k < group.size(); ++k)
            // A later score for the same text by the same analyzer replaces this one.
            if (!replaced_later(group, k, [](const auto &a, const auto &b) {
                    return a.plugin == b.plugin && a.result->text_id == b.result->text_id;
                }))
                row.add(*group[k].result, group[k].plugin);
        write_row(score_rows_, incident, row.text(), seen_before.contains(incident));
    });
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
    // The id hash finds candidates, connector and id decide (incident_lookup.hpp).
    // A probe and an insert: INSERT ... WHERE NOT EXISTS on the same table
    // would make SQLite stage every row in a temporary table first.
    Statement find_incident = db_.prepare("SELECT key FROM incidents WHERE id_hash = ?1 AND connector = ?2 AND id = ?3");
    Statement insert_incident =
        db_.prepare("INSERT INTO incidents (connector, id, body, seen_at, id_hash) VALUES (?1, ?2, ?3, ?4, ?5)");
    Statement update_incident = db_.prepare("UPDATE incidents SET body = ?2, seen_at = ?3 WHERE key = ?1");
    std::unordered_map<std::string_view, int64_t> incident_keys(batch.incidents.size() * 2);
    std::unordered_set<int64_t> seen_before;
    for (const StoredIncident &i : batch.incidents) {
        const int64_t hash = incident_id_hash(batch.connector, i.id);
        find_incident.bind(1, hash).bind_borrowed(2, batch.connector).bind_borrowed(3, i.id);
        const bool seen = find_incident.step();
        const int64_t key = seen ? find_incident.integer(0) : 0;
        find_incident.reset();
        if (!seen) {
            insert_incident.bind_borrowed(1, batch.connector).bind_borrowed(2, i.id).bind_borrowed(3, i.json);
            insert_incident.bind(4, now).bind(5, hash);
            insert_incident.run();
            incident_keys[i.id] = db_.last_insert_id();
            continue;
        }
        update_incident.bind(1, key).bind_borrowed(2, i.json).bind(3, now);
        update_incident.run();
        seen_before.insert(incident_keys[i.id] = key);
    }
    const auto key_of = [&](std::string_view incident_id) {
        const auto found = incident_keys.find(incident_id);
        if (found == incident_keys.end())
            throw SqliteError(fmt::format("a result for incident '{}' is not in the batch that carries it", incident_id));
        return found->second;
    };
    write_attribute_sets(batch.attribute_sets, key_of, seen_before);
    write_scores(batch.sentiments, key_of, seen_before);
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
        outbox.bind(7, now).bind(8, key_of(o.incident_id));
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
    Statement incidents = db_.prepare("SELECT key, connector, id, body FROM incidents WHERE key = ?1");
    Statement attributes = db_.prepare("SELECT sets FROM incident_attributes WHERE incident = ?1");
    std::vector<AttributeRecord> found_attributes;
    const std::map<int64_t, AttributeShape> shapes = load_shapes(db_);
    std::map<int64_t, std::string> plugin_ids;
    Statement plugins = db_.prepare("SELECT key, plugin_id FROM plugins");
    while (plugins.step()) plugin_ids.emplace(plugins.integer(0), plugins.text(1));
    const auto unpack_sets = [&](int64_t incident_key, const std::string &incident_id) {
        for (const nlohmann::json &set : parse_stored(attributes.text(0), incident_key, "incident_attributes")) {
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
    Statement sentiments = db_.prepare("SELECT scores FROM incident_sentiments WHERE incident = ?1");
    std::vector<SentimentRecord> found_sentiments;
    for (const int64_t key : keys) {
        incidents.bind(1, key);
        if (!incidents.step()) throw SqliteError(fmt::format("incident key {} vanished while it was read", key));
        const StoredIncident incident{incidents.text(1), incidents.text(2), incidents.text(3)};
        found_attributes.clear();
        attributes.bind(1, incidents.integer(0));
        if (attributes.step()) unpack_sets(incidents.integer(0), incident.id);
        attributes.reset();
        found_sentiments.clear();
        sentiments.bind(1, incidents.integer(0));
        if (sentiments.step())
            for (const nlohmann::json &entry : parse_stored(sentiments.text(0), incidents.integer(0), "incident_sentiments"))
                found_sentiments.push_back(unpack_score(entry, incident.id, plugin_ids));
        sentiments.reset();
        incidents.reset();
        visit(incident, found_attributes, found_sentiments);
    }
}

} // namespace servicelens::store
