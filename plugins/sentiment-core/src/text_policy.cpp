#include <servicelens/sentiment_core/text_policy.hpp>

namespace servicelens::sentiment {

Thresholds thresholds_from_config(const nlohmann::json &config)
{
    Thresholds t;
    if (const auto found = config.find("thresholds"); found != config.end()) {
        t.positive = found->value("positive", t.positive);
        t.negative = found->value("negative", t.negative);
    }
    return t;
}

int label_of(double compound, const Thresholds &thresholds) noexcept
{
    return compound >= thresholds.positive ? 1 : compound <= thresholds.negative ? -1 : 0;
}

std::string why_not_text(sl_text_kind_t kind, std::string_view language, std::string_view plugin)
{
    if (kind == SL_TEXT_FIVE_FACE || kind == SL_TEXT_YES_NO)
        return std::string(plugin) + " scores words; the feedback plugin scores ratings and answers";
    const bool english = language.starts_with("en") && (language.size() == 2 || language[2] == '-');
    if (!language.empty() && !english)
        return "not scored: language '" + std::string(language) + "'; the lexicon covers English";
    return {};
}

} // namespace servicelens::sentiment
