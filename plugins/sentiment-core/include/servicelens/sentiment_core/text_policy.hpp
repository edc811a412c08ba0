// What the text analyzers (lexicon, learned) decide the same way: which
// texts they score, where their neutral band lies, and a label from a
// compound score.
#pragma once

#include "lexicon_scorer.hpp"

#include <servicelens/sentiment.h>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace servicelens::sentiment {

// The plugin config's "thresholds" ({"positive": .., "negative": ..}), else the defaults.
Thresholds thresholds_from_config(const nlohmann::json &config);

// 1 at or above thresholds.positive, -1 at or below thresholds.negative, else 0.
int label_of(double compound, const Thresholds &thresholds) noexcept;

// Why a text of this kind and language tag is not for a text analyzer
// ("the feedback plugin scores ratings and answers", "language 'de'"), or
// empty when it is. `plugin` names the analyzer in the message.
std::string why_not_text(sl_text_kind_t kind, std::string_view language, std::string_view plugin);

} // namespace servicelens::sentiment
