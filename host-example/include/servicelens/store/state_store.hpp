// The host's memory (one SQLite file, WAL): per-connector watermarks, the
// incidents seen, enrichment results with plugin id and version, the
// write-back outbox with idempotency keys, and run history.
//
// The rule that makes a sync lose and duplicate nothing lives here: a
// batch's results, its outbox entries and the watermark after it are
// committed in one transaction (commit_batch), and an outbox entry leaves
// only through acknowledge(), after the connector confirmed the write.
#pragma once

#include "sqlite.hpp"

#include <servicelens/timestamp.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace servicelens::store {

class JsonRow;   // an incident's row of results as it is written (json_row.hpp)

// Where the next pull starts: after (updated_at, id), so ties on
// updated_at neither skip nor repeat an incident.
struct Watermark {
    sl_timestamp_t updated_at = SL_TIMESTAMP_NONE;
    std::string last_id;
};

struct AttributeRecord {
    std::string incident_id;
    std::string plugin_id;
    std::string plugin_version;
    std::string key;
    std::string type;          // string, integer, number, boolean, time, json
    std::string value;         // as text
    double confidence = 0;
    std::string source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
};

// One attribute as a plugin gave it; its set says for which incident and
// by which plugin. The key, type and source are borrowed, like a set's
// ids: whoever fills a BatchCommit keeps the texts alive until
// commit_batch returns (the sync engine's collectors and descriptors hold
// them, string literals do). A batch has tens of thousands of attributes
// and a few dozen distinct keys and sources; copying them was two
// allocations an attribute.
struct AttributeValue {
    std::string_view key;
    std::string_view type;     // string, integer, number, boolean, time, json
    std::string value;         // as text
    double confidence = 0;
    std::string_view source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
};

// Everything one plugin said about one incident in one run: stored as one
// entry of the incident's row, and it replaces what the plugin said about
// the incident before. The ids are borrowed (see AttributeValue).
struct AttributeSet {
    std::string_view incident_id;
    std::string_view plugin_id;
    std::string_view plugin_version;
    std::vector<AttributeValue> attributes;
};

struct SentimentRecord {
    std::string incident_id;
    std::string text_id;       // comment or survey response id
    std::string plugin_id;
    std::string plugin_version;
    int label = 0;
    double compound = 0, positive = 0, neutral = 0, negative = 0, confidence = 0;
    sl_timestamp_t written_at = SL_TIMESTAMP_NONE;   // when the text was written
};

struct OutboxEntry {
    int64_t id = 0;
    std::string connector;
    std::string incident_id;
    std::string idempotency_key;   // unique: the same write is never queued twice
    std::string kind;              // work_note, field, tag
    std::string field;
    std::string body;
    int attempts = 0;
};

struct ParkedEntry {
    int64_t id = 0;
    std::string incident_id, kind, field, error;
    int64_t rejected_at = 0;   // ms since the epoch
    int attempts = 0;
};

struct StoredIncident {
    std::string connector;
    std::string id;
    std::string json;              // canonical incident JSON
};

// Everything one batch produced, committed at once.
struct BatchCommit {
    std::string connector;
    std::vector<StoredIncident> incidents;
    std::vector<AttributeSet> attribute_sets;
    std::vector<SentimentRecord> sentiments;
    std::vector<OutboxEntry> outbox;
    Watermark watermark;           // after this batch
    // Outbox entries the connector confirmed since the last commit; they
    // leave the outbox in this same transaction (one fsync fewer per batch).
    std::vector<int64_t> acknowledged;
};

class StateStore {
public:
    // Opens or creates the file and brings its schema up to date.
    explicit StateStore(const std::filesystem::path &file);

    std::optional<Watermark> watermark(const std::string &connector);

    // One transaction: incidents, results (an attribute set replaces the
    // plugin's earlier set for the incident), outbox entries (a known
    // idempotency key is skipped), and the new watermark.
    void commit_batch(const BatchCommit &batch);

    // Up to `limit` unsent entries with an id above `after_id`, oldest first.
    std::vector<OutboxEntry> pending_outbox(const std::string &connector, std::size_t limit, int64_t after_id = 0);
    // The connector confirmed the write: the entry leaves the outbox.
    void acknowledge(int64_t outbox_id);
    // The same for many entries, in one transaction.
    void acknowledge(std::span<const int64_t> outbox_ids);
    // The write failed; the entry stays, with the error, for the next sync.
    void record_failure(int64_t outbox_id, const std::string &error);
    // The platform refused the write for good: the entry is kept with the
    // error, for the admin, and no longer pending.
    void park(int64_t outbox_id, const std::string &error);
    std::vector<ParkedEntry> parked_outbox(const std::string &connector);
    // Parked entries pending again, for the next sync to send (the admin
    // fixed what the platform refused). Returns the ids that were parked;
    // the others are left alone.
    std::vector<int64_t> requeue_parked(const std::string &connector, std::span<const int64_t> outbox_ids);
    std::vector<int64_t> requeue_all_parked(const std::string &connector);

    int64_t begin_run(const std::string &connector, const std::string &command);
    void finish_run(int64_t run_id, const std::string &status, const std::string &stats_json);

    // Every stored incident, without its results.
    void for_each_stored_incident(const std::function<void(const StoredIncident &)> &visit);

    // Every stored incident with its attributes and sentiment results.
    void for_each_incident(const std::function<void(const StoredIncident &, const std::vector<AttributeRecord> &,
                                                    const std::vector<SentimentRecord> &)> &visit);

    Database &database() noexcept { return db_; }

private:
    // The plugin's key in the plugins table, added when new.
    int64_t plugin_key(std::string_view plugin_id);
    // The key of the attributes' shape in attribute_shapes, added when new.
    int64_t shape_key(int64_t plugin, const std::vector<AttributeValue> &attributes);
    // Results kept in a column of the incident's row (schema 7), a JSON
    // array of entries: sets (attribute_packing.hpp) or scores
    // (sentiment_packing.hpp).
    struct ResultColumn {
        const char *column;
        std::size_t plugin_field;             // where an entry names its plugin
        std::vector<std::size_t> identity;    // the fields a later entry that replaces it shares
        std::optional<Statement> update, select;   // prepared once
    };
    // Writes an incident's results, entries in plugin order; with
    // `keep_earlier`, the stored entries that none of `fresh` replaces stay
    // (a plugin that said nothing this time, or failed, keeps its last word).
    void write_results(ResultColumn &results, int64_t incident, std::string_view fresh, bool keep_earlier);
    // Repacks older results, `rows` in incident order, into the incidents'
    // `column`: add() puts each old row's entry into `row`.
    void copy_rows(Statement &rows, ResultColumn &column, JsonRow &row, const std::function<void(const Statement &)> &add);
    // Repacks older sets, rows of (incident, plugin, plugin_version, ...) in
    // incident order, into the incidents' sets.
    void copy_sets(Statement &rows, const std::function<std::vector<AttributeRecord>(const Statement &)> &attributes_of);
    // Repacks version 5's sentiments table, a row per score, into the incidents' scores.
    void copy_scores();

    Database db_;
    std::map<std::string, int64_t, std::less<>> plugin_keys_;
    std::unordered_map<std::string, int64_t> shape_keys_;   // by shape signature
    struct RecentShape {
        std::string signature;
        int64_t key = 0;
    };
    std::unordered_map<int64_t, RecentShape> recent_shapes_;   // by plugin key: its last set's shape
    ResultColumn sets_, scores_;
};

} // namespace servicelens::store
