#include <servicelens/store/state_store.hpp>

#include <chrono>
#include <map>

namespace servicelens::store {

namespace {

constexpr int schema_version = 1;

constexpr const char *schema_v1 = R"sql(
CREATE TABLE IF NOT EXISTS watermarks (
    connector   TEXT PRIMARY KEY,
    updated_at  INTEGER NOT NULL,
    last_id     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS incidents (
    connector   TEXT NOT NULL,
    id          TEXT NOT NULL,
    body        TEXT NOT NULL,
    seen_at     INTEGER NOT NULL,
    PRIMARY KEY (connector, id)
);
CREATE TABLE IF NOT EXISTS attributes (
    connector      TEXT NOT NULL,
    incident_id    TEXT NOT NULL,
    plugin_id      TEXT NOT NULL,
    plugin_version TEXT NOT NULL,
    key            TEXT NOT NULL,
    type           TEXT NOT NULL,
    value          TEXT NOT NULL,
    confidence     REAL NOT NULL,
    source         TEXT NOT NULL,
    observed_at    INTEGER,
    PRIMARY KEY (connector, incident_id, plugin_id, key)
);
CREATE TABLE IF NOT EXISTS sentiments (
    connector      TEXT NOT NULL,
    incident_id    TEXT NOT NULL,
    text_id        TEXT NOT NULL,
    plugin_id      TEXT NOT NULL,
    plugin_version TEXT NOT NULL,
    label          INTEGER NOT NULL,
    compound       REAL NOT NULL,
    positive       REAL NOT NULL,
    neutral        REAL NOT NULL,
    negative       REAL NOT NULL,
    confidence     REAL NOT NULL,
    written_at     INTEGER,
    PRIMARY KEY (connector, incident_id, text_id, plugin_id)
);
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
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (connector, sent_at, id);
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

int64_t now_ms()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

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
    db_.execute(schema_v1);
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

void StateStore::commit_batch(const BatchCommit &batch)
{
    Transaction tx(db_);
    const int64_t now = now_ms();
    Statement incident = db_.prepare(
        "INSERT INTO incidents (connector, id, body, seen_at) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (connector, id) DO UPDATE SET body = excluded.body, seen_at = excluded.seen_at");
    for (const StoredIncident &i : batch.incidents) {
        incident.bind(1, batch.connector).bind(2, i.id).bind(3, i.json).bind(4, now);
        incident.run();
    }
    Statement attribute = db_.prepare(
        "INSERT OR REPLACE INTO attributes (connector, incident_id, plugin_id, plugin_version, key, type, value, "
        "confidence, source, observed_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    for (const AttributeRecord &a : batch.attributes) {
        attribute.bind(1, batch.connector).bind(2, a.incident_id).bind(3, a.plugin_id).bind(4, a.plugin_version);
        attribute.bind(5, a.key).bind(6, a.type).bind(7, a.value).bind(8, a.confidence).bind(9, a.source);
        if (a.observed_at == SL_TIMESTAMP_NONE) attribute.bind_null(10);
        else attribute.bind(10, a.observed_at);
        attribute.run();
    }
    Statement sentiment = db_.prepare(
        "INSERT OR REPLACE INTO sentiments (connector, incident_id, text_id, plugin_id, plugin_version, label, "
        "compound, positive, neutral, negative, confidence, written_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    for (const SentimentRecord &s : batch.sentiments) {
        sentiment.bind(1, batch.connector).bind(2, s.incident_id).bind(3, s.text_id).bind(4, s.plugin_id);
        sentiment.bind(5, s.plugin_version).bind(6, static_cast<int64_t>(s.label)).bind(7, s.compound);
        sentiment.bind(8, s.positive).bind(9, s.neutral).bind(10, s.negative).bind(11, s.confidence);
        if (s.written_at == SL_TIMESTAMP_NONE) sentiment.bind_null(12);
        else sentiment.bind(12, s.written_at);
        sentiment.run();
    }
    Statement outbox = db_.prepare(
        "INSERT OR IGNORE INTO outbox (connector, incident_id, idempotency_key, kind, field, body, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
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
}

std::vector<OutboxEntry> StateStore::pending_outbox(const std::string &connector, std::size_t limit, int64_t after_id)
{
    Statement q = db_.prepare(
        "SELECT id, connector, incident_id, idempotency_key, kind, field, body, attempts FROM outbox "
        "WHERE connector = ?1 AND sent_at IS NULL AND id > ?3 ORDER BY id LIMIT ?2");
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

void StateStore::for_each_incident(
    const std::function<void(const StoredIncident &, const std::vector<AttributeRecord> &,
                             const std::vector<SentimentRecord> &)> &visit)
{
    // Enrichment is read in one ordered pass each and matched by key, so
    // memory holds one incident's results at a time, not the whole store.
    Statement incidents = db_.prepare("SELECT connector, id, body FROM incidents ORDER BY connector, id");
    Statement attributes = db_.prepare(
        "SELECT connector, incident_id, plugin_id, plugin_version, key, type, value, confidence, source, observed_at "
        "FROM attributes ORDER BY connector, incident_id");
    Statement sentiments = db_.prepare(
        "SELECT connector, incident_id, text_id, plugin_id, plugin_version, label, compound, positive, neutral, "
        "negative, confidence, written_at FROM sentiments ORDER BY connector, incident_id");
    bool more_attributes = attributes.step();
    bool more_sentiments = sentiments.step();
    while (incidents.step()) {
        const StoredIncident incident{incidents.text(0), incidents.text(1), incidents.text(2)};
        const auto key = std::make_pair(incident.connector, incident.id);
        std::vector<AttributeRecord> found_attributes;
        while (more_attributes && std::make_pair(attributes.text(0), attributes.text(1)) <= key) {
            if (std::make_pair(attributes.text(0), attributes.text(1)) == key)
                found_attributes.push_back({attributes.text(1), attributes.text(2), attributes.text(3), attributes.text(4),
                                            attributes.text(5), attributes.text(6), attributes.real(7), attributes.text(8),
                                            attributes.is_null(9) ? SL_TIMESTAMP_NONE : attributes.integer(9)});
            more_attributes = attributes.step();
        }
        std::vector<SentimentRecord> found_sentiments;
        while (more_sentiments && std::make_pair(sentiments.text(0), sentiments.text(1)) <= key) {
            if (std::make_pair(sentiments.text(0), sentiments.text(1)) == key)
                found_sentiments.push_back({sentiments.text(1), sentiments.text(2), sentiments.text(3), sentiments.text(4),
                                            static_cast<int>(sentiments.integer(5)), sentiments.real(6), sentiments.real(7),
                                            sentiments.real(8), sentiments.real(9), sentiments.real(10),
                                            sentiments.is_null(11) ? SL_TIMESTAMP_NONE : sentiments.integer(11)});
            more_sentiments = sentiments.step();
        }
        visit(incident, found_attributes, found_sentiments);
    }
}

} // namespace servicelens::store
