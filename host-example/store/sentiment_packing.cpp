#include "sentiment_packing.hpp"

#include <servicelens/store/sqlite.hpp>

#include <fmt/format.h>

namespace servicelens::store {

void ScoresRow::add(const SentimentRecord &score, int64_t plugin)
{
    auto &w = begin_entry();
    string(score.text_id);
    w.Int64(plugin);
    string(score.plugin_version);
    w.Int(score.label);
    for (const double share : {score.compound, score.positive, score.neutral, score.negative, score.confidence})
        w.Double(share);
    score.written_at == SL_TIMESTAMP_NONE ? w.Null() : w.Int64(score.written_at);
    end_entry();
}

SentimentRecord unpack_score(const nlohmann::json &entry, const std::string &incident_id,
                             const std::map<int64_t, std::string> &plugin_ids)
{
    try {
        const auto plugin = plugin_ids.find(entry.at(score_plugin).get<int64_t>());
        if (plugin == plugin_ids.end())
            throw SqliteError(fmt::format("a sentiment score of incident '{}' names plugin key {}, which the plugins "
                                          "table lacks; was the state store edited by hand?",
                                          incident_id, entry.at(score_plugin).get<int64_t>()));
        const nlohmann::json &written = entry.at(score_written_at);
        return {incident_id,
                entry.at(score_text_id).get<std::string>(),
                plugin->second,
                entry.at(score_plugin_version).get<std::string>(),
                entry.at(score_label).get<int>(),
                entry.at(score_compound).get<double>(),
                entry.at(score_positive).get<double>(),
                entry.at(score_neutral).get<double>(),
                entry.at(score_negative).get<double>(),
                entry.at(score_confidence).get<double>(),
                written.is_null() ? SL_TIMESTAMP_NONE : written.get<sl_timestamp_t>()};
    } catch (const nlohmann::json::exception &e) {
        throw SqliteError(fmt::format("a sentiment score of incident '{}' is not the JSON this host writes ({}); "
                                      "was the state store edited by hand?",
                                      incident_id, e.what()));
    }
}

} // namespace servicelens::store
