#include <servicelens/host/incident_json.hpp>
#include <servicelens/host/local_ticket_store.hpp>

#include <chrono>

namespace servicelens::host {

namespace {

constexpr const char *schema = R"sql(
CREATE TABLE IF NOT EXISTS incidents (
    id          TEXT PRIMARY KEY,
    updated_at  INTEGER NOT NULL,
    body        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_by_update ON incidents (updated_at, id);
CREATE TABLE IF NOT EXISTS written_back (
    id              INTEGER PRIMARY KEY,
    incident_id     TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    field           TEXT NOT NULL,
    body            TEXT NOT NULL,
    written_at      INTEGER NOT NULL
);
)sql";

} // namespace

LocalTicketStore::LocalTicketStore(std::string name, const std::filesystem::path &file)
    : name_(std::move(name)), db_(file)
{
    db_.execute(schema);
}

IncidentPage LocalTicketStore::pull(const store::Watermark &since, std::size_t limit)
{
    store::Statement q = db_.prepare(
        "SELECT id, updated_at, body FROM incidents WHERE updated_at > ?1 OR (updated_at = ?1 AND id > ?2) "
        "ORDER BY updated_at, id LIMIT ?3");
    q.bind(1, since.updated_at).bind(2, since.last_id).bind(3, static_cast<int64_t>(limit));
    IncidentPage page{{}, since, {}};
    while (q.step()) {
        nlohmann::json body = nlohmann::json::parse(q.text(2));
        body["source"] = name_;
        page.incidents.push_back(incident_from_json(body));
        page.canonical_json.push_back(body.dump());
        page.next = {q.integer(1), q.text(0)};
    }
    return page;
}

void LocalTicketStore::write_back(const store::OutboxEntry &entry) { write_back_batch({&entry, 1}); }

WriteBackResult LocalTicketStore::write_back_batch(std::span<const store::OutboxEntry> entries)
{
    using namespace std::chrono;
    const int64_t now = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    store::Transaction tx(db_);
    store::Statement q = db_.prepare(
        "INSERT OR IGNORE INTO written_back (incident_id, idempotency_key, kind, field, body, written_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const store::OutboxEntry &entry : entries) {
        q.bind(1, entry.incident_id).bind(2, entry.idempotency_key).bind(3, entry.kind).bind(4, entry.field);
        q.bind(5, entry.body).bind(6, now);
        q.run();
    }
    tx.commit();
    return {entries.size(), {}};
}

void LocalTicketStore::put(const std::vector<OwnedIncident> &incidents)
{
    store::Transaction tx(db_);
    store::Statement q = db_.prepare("INSERT OR REPLACE INTO incidents (id, updated_at, body) VALUES (?1, ?2, ?3)");
    for (const OwnedIncident &incident : incidents) {
        q.bind(1, incident.id).bind(2, incident.updated_at).bind(3, incident_to_json(incident).dump());
        q.run();
    }
    tx.commit();
}

std::optional<std::size_t> LocalTicketStore::remaining(const store::Watermark &since)
{
    store::Statement q = db_.prepare("SELECT count(*) FROM incidents WHERE updated_at > ?1 OR (updated_at = ?1 AND id > ?2)");
    q.bind(1, since.updated_at).bind(2, since.last_id);
    q.step();
    return static_cast<std::size_t>(q.integer(0));
}

std::size_t LocalTicketStore::incident_count()
{
    store::Statement q = db_.prepare("SELECT count(*) FROM incidents");
    q.step();
    return static_cast<std::size_t>(q.integer(0));
}

std::vector<WrittenBack> LocalTicketStore::written_back()
{
    store::Statement q =
        db_.prepare("SELECT incident_id, idempotency_key, kind, field, body FROM written_back ORDER BY id");
    std::vector<WrittenBack> all;
    while (q.step()) all.push_back({q.text(0), q.text(1), q.text(2), q.text(3), q.text(4)});
    return all;
}

} // namespace servicelens::host
