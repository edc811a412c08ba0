#include <servicelens/store/state_store.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <utility>

namespace servicelens::store {

namespace {

constexpr int schema_version = 4;

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

bool same_provenance(const AttributeValue &a, const AttributeValue &b) noexcept
{
    return a.confidence == b.confidence && a.source == b.source && a.observed_at == b.observed_at;
}

// A set's attributes as attribute_sets stores them; the first attribute
// gives the set's provenance. The rows of `scratch` keep their strings'
// capacity from set to set: a sync packs hundreds of thousands of sets, and
// building a fresh document for each was most of the packing time.
std::string pack_attributes(const std::vector<AttributeValue> &attributes, nlohmann::json &scratch)
{
    auto &rows = scratch.get_ref<nlohmann::json::array_t &>();
    rows.resize(attributes.size(), nlohmann::json::array({"", "", ""}));
    for (std::size_t i = 0; i < attributes.size(); ++i) {
        const AttributeValue &a = attributes[i];
        auto &row = rows[i].get_ref<nlohmann::json::array_t &>();
        row.resize(same_provenance(a, attributes.front()) ? 3 : 6, "");
        row[0].get_ref<std::string &>() = a.key;
        row[1].get_ref<std::string &>() = a.type;
        row[2].get_ref<std::string &>() = a.value;
        if (row.size() == 3) continue;
        row[3] = a.confidence;
        row[4] = a.source;
        row[5] = a.observed_at == SL_TIMESTAMP_NONE ? nlohmann::json() : nlohmann::json(a.observed_at);
    }
    return scratch.dump();
}

void unpack_attributes(const Statement &set, const std::string &incident_id, std::vector<AttributeRecord> &out)
{
    // Columns: plugin_id, plugin_version, confidence, source, observed_at, attributes.
    const std::string plugin_id = set.text(0), plugin_version = set.text(1), source = set.text(3);
    const double confidence = set.real(2);
    const sl_timestamp_t observed_at = set.is_null(4) ? SL_TIMESTAMP_NONE : set.integer(4);
    for (const nlohmann::json &a : nlohmann::json::parse(set.text(5))) {
        AttributeRecord &r = out.emplace_back(AttributeRecord{incident_id, plugin_id, plugin_version,
                                                              a.at(0).get<std::string>(), a.at(1).get<std::string>(),
                                                              a.at(2).get<std::string>(), confidence, source,
                                                              observed_at});
        if (a.size() < 6) continue;
        r.confidence = a.at(3).get<double>();
        r.source = a.at(4).get<std::string>();
        r.observed_at = a.at(5).is_null() ? SL_TIMESTAMP_NONE : a.at(5).get<sl_timestamp_t>();
    }
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

} // namespace


StateStore::StateStore(const std::filesystem::path &file) : db_(file)
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

int64_t StateStore::plugin_key(const std::string &plugin_id)
{
    if (const auto known = plugin_keys_.find(plugin_id); known != plugin_keys_.end()) return known->second;
    Statement insert = db_.prepare("INSERT OR IGNORE INTO plugins (plugin_id) VALUES (?1)");
    insert.bind(1, plugin_id).run();
    Statement find = db_.prepare("SELECT key FROM plugins WHERE plugin_id = ?1");
    find.bind(1, plugin_id);
    find.step();
    return plugin_keys_[plugin_id] = find.integer(0);
}

void StateStore::commit_batch(const BatchCommit &batch)
{
    Transaction tx(db_);
    // Keys learnt inside a transaction that rolls back would be stale.
    struct ForgetKeysUnlessCommitted {
        std::map<std::string, int64_t> &keys;
        bool committed = false;
        ~ForgetKeysUnlessCommitted()
        {
            if (!committed) keys.clear();
        }
    } forget{plugin_keys_};
    const int64_t now = now_ms();
    // New incidents (the common case) are one insert; seen ones an update.
    Statement insert_incident = db_.prepare(
        "INSERT OR IGNORE INTO incidents (connector, id, body, seen_at) VALUES (?1, ?2, ?3, ?4)");
    Statement update_incident = db_.prepare(
        "UPDATE incidents SET body = ?3, seen_at = ?4 WHERE connector = ?1 AND id = ?2 RETURNING key");
    std::map<std::string_view, int64_t> incident_keys;
    for (const StoredIncident &i : batch.incidents) {
        insert_incident.bind(1, batch.connector).bind(2, i.id).bind(3, i.json).bind(4, now);
        insert_incident.run();
        if (db_.changes() == 1) {
            incident_keys[i.id] = db_.last_insert_id();
            continue;
        }
        update_incident.bind(1, batch.connector).bind(2, i.id).bind(3, i.json).bind(4, now);
        update_incident.step();
        incident_keys[i.id] = update_incident.integer(0);
        update_incident.reset();
    }
    const auto key_of = [&](const std::string &incident_id) {
        const auto found = incident_keys.find(incident_id);
        if (found == incident_keys.end())
            throw SqliteError("a result for incident '" + incident_id + "' is not in the batch that carries it");
        return found->second;
    };
    Statement attribute_set = db_.prepare(
        "INSERT OR REPLACE INTO attribute_sets (incident, plugin, plugin_version, confidence, source, observed_at, "
        "attributes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    for (const AttributeSet &set : batch.attribute_sets) {
        if (set.attributes.empty()) continue;
        const AttributeValue &first = set.attributes.front();
        attribute_set.bind(1, key_of(set.incident_id)).bind(2, plugin_key(set.plugin_id)).bind(3, set.plugin_version);
        attribute_set.bind(4, first.confidence).bind(5, first.source);
        if (first.observed_at == SL_TIMESTAMP_NONE) attribute_set.bind_null(6);
        else attribute_set.bind(6, first.observed_at);
        attribute_set.bind(7, pack_attributes(set.attributes, packing_scratch_));
        attribute_set.run();
    }
    Statement sentiment = db_.prepare(
        "INSERT OR REPLACE INTO sentiments (incident, text_id, plugin, plugin_version, label, compound, positive, "
        "neutral, negative, confidence, written_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
    for (const SentimentRecord &r : batch.sentiments) {
        sentiment.bind(1, key_of(r.incident_id)).bind(2, r.text_id).bind(3, plugin_key(r.plugin_id));
        sentiment.bind(4, r.plugin_version).bind(5, static_cast<int64_t>(r.label)).bind(6, r.compound);
        sentiment.bind(7, r.positive).bind(8, r.neutral).bind(9, r.negative).bind(10, r.confidence);
        if (r.written_at == SL_TIMESTAMP_NONE) sentiment.bind_null(11);
        else sentiment.bind(11, r.written_at);
        sentiment.run();
    }
    Statement outbox = db_.prepare(
        "INSERT INTO outbox (connector, incident_id, idempotency_key, kind, field, body, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        // A known key is the same write: skipped. A parked one is queued
        // again, since the incident came back changed; the admin may have
        // created the field the platform refused.
        "ON CONFLICT (idempotency_key) DO UPDATE SET rejected_at = NULL, last_error = NULL "
        "WHERE rejected_at IS NOT NULL");
    for (const OutboxEntry &o : batch.outbox) {
        outbox.bind(1, o.connector).bind(2, o.incident_id).bind(3, o.idempotency_key).bind(4, o.kind);
        outbox.bind(5, o.field).bind(6, o.body).bind(7, now);
        outbox.run();
    }
    Statement mark = db_.prepare(
        "INSERT INTO watermarks (connector, updated_at, last_id) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (connector) DO UPDATE SET updated_at = excluded.updated_at, last_id = excluded.last_id");
    mark.bind(1, batch.connector).bind(2, batch.watermark.updated_at).bind(3, batch.watermark.last_id);
    mark.run();
    Statement sent = db_.prepare("UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1");
    for (const int64_t id : batch.acknowledged) {
        sent.bind(1, id).bind(2, now);
        sent.run();
    }
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
    Statement q = db_.prepare("UPDATE outbox SET sent_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1");
    const int64_t now = now_ms();
    for (const int64_t id : outbox_ids) {
        q.bind(1, id).bind(2, now);
        q.run();
    }
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
    Statement q = db_.prepare("SELECT id, incident_id, kind, field, last_error FROM outbox "
                              "WHERE connector = ?1 AND rejected_at IS NOT NULL ORDER BY id");
    q.bind(1, connector);
    std::vector<ParkedEntry> parked;
    while (q.step()) parked.push_back({q.integer(0), q.text(1), q.text(2), q.text(3), q.text(4)});
    return parked;
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
    // one incident, not the whole store.
    Statement incidents = db_.prepare("SELECT key, connector, id, body FROM incidents ORDER BY connector, id");
    Statement attributes = db_.prepare(
        "SELECT p.plugin_id, s.plugin_version, s.confidence, s.source, s.observed_at, s.attributes "
        "FROM attribute_sets s JOIN plugins p ON p.key = s.plugin WHERE s.incident = ?1");
    Statement sentiments = db_.prepare(
        "SELECT s.text_id, p.plugin_id, s.plugin_version, s.label, s.compound, s.positive, s.neutral, s.negative, "
        "s.confidence, s.written_at FROM sentiments s JOIN plugins p ON p.key = s.plugin WHERE s.incident = ?1");
    std::vector<AttributeRecord> found_attributes;
    std::vector<SentimentRecord> found_sentiments;
    while (incidents.step()) {
        const StoredIncident incident{incidents.text(1), incidents.text(2), incidents.text(3)};
        found_attributes.clear();
        attributes.bind(1, incidents.integer(0));
        while (attributes.step()) unpack_attributes(attributes, incident.id, found_attributes);
        attributes.reset();
        found_sentiments.clear();
        sentiments.bind(1, incidents.integer(0));
        while (sentiments.step())
            found_sentiments.push_back({incident.id, sentiments.text(0), sentiments.text(1), sentiments.text(2),
                                        static_cast<int>(sentiments.integer(3)), sentiments.real(4), sentiments.real(5),
                                        sentiments.real(6), sentiments.real(7), sentiments.real(8),
                                        sentiments.is_null(9) ? SL_TIMESTAMP_NONE : sentiments.integer(9)});
        sentiments.reset();
        visit(incident, found_attributes, found_sentiments);
    }
}

} // namespace servicelens::store
