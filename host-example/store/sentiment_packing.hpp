// How the state store holds sentiment scores (schema 7).
//
// An incident's scores, one per text and analyzer, are the `scores` column
// of its row in incidents: a JSON array with an entry
//     [text_id, plugin, plugin_version, label, compound, positive, neutral,
//      negative, confidence, written_at]
// per score, plugin being the analyzer's key in plugins and written_at
// milliseconds since the epoch, or null when unknown. A row per score
// (schema 5) was three B-tree inserts per incident into an index ordered by
// text id; a column of the incident's own row costs no insert at all.
#pragma once

#include <servicelens/store/state_store.hpp>

#include "json_row.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace servicelens::store {

// The positions in a score's entry.
enum ScoreField : std::size_t {
    score_text_id,
    score_plugin,
    score_plugin_version,
    score_label,
    score_compound,
    score_positive,
    score_neutral,
    score_negative,
    score_confidence,
    score_written_at
};

// An incident's row of scores (json_row.hpp).
class ScoresRow : public JsonRow {
public:
    void add(const SentimentRecord &score, int64_t plugin);
};

// A stored score back as a record of `incident_id`; `plugin_ids` maps the
// plugins table's keys to ids. Throws SqliteError for an entry the host
// did not write (a file edited by hand).
SentimentRecord unpack_score(const nlohmann::json &entry, const std::string &incident_id,
                             const std::map<int64_t, std::string> &plugin_ids);

} // namespace servicelens::store
