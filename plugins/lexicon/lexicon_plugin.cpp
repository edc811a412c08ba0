// lexicon: scores ticket comments, survey text and social posts with a
// lexicon written for this project (general English plus an IT-support
// layer, LEXICON.md) and rules for negation, intensity, contrast, capitals,
// exclamation, emoticons and emoji. Admins add or override terms.
#include <servicelens/cpp/plugin.hpp>
#include <servicelens/sentiment_core/lexicon_scorer.hpp>
#include <servicelens/sentiment_core/text_policy.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace servicelens::sentiment;

class LexiconSentiment final : public servicelens::SentimentAnalyzer {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.lexicon",
        .name = "Lexicon sentiment",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "Sentiment of English support texts from a lexicon written for IT support, with negation, "
                       "intensifiers, contrast, capitals, exclamation, emoticons and emoji.",
        .config_schema = R"({"type": "object", "additionalProperties": false, "properties": {
            "terms": {"type": "object", "description": "Terms to add or override: a word, a phrase, an emoticon or an emoji, and its valence.",
                      "additionalProperties": {"type": "number", "minimum": -4, "maximum": 4}},
            "thresholds": {"type": "object", "additionalProperties": false,
                           "description": "Compound scores at or beyond these are positive or negative; between them, neutral.",
                           "properties": {"positive": {"type": "number", "minimum": 0, "maximum": 1},
                                          "negative": {"type": "number", "minimum": -1, "maximum": 0}}}}})",
        .emits = "compound,label,positive,neutral,negative,confidence,terms",
        .thread_safe = true,
    };

    explicit LexiconSentiment(const servicelens::CreateContext &context) : lexicon_(Lexicon::builtin())
    {
        const auto config = nlohmann::json::parse(context.config_json);
        if (const auto terms = config.find("terms"); terms != config.end())
            for (const auto &[term, valence] : terms->items()) lexicon_.set(term, valence.get<double>());
        thresholds_ = thresholds_from_config(config);
    }

    void score(servicelens::TextBatch texts, servicelens::SentimentSink &sink) override
    {
        const LexiconScorer scorer(lexicon_, thresholds_);
        std::vector<servicelens::Term> terms;
        for (const servicelens::Text text : texts) {
            if (const std::string why = why_not_text(text.kind(), text.language(), "lexicon"); !why.empty()) {
                sink.fail(text.index(), why, SL_STATUS_NOT_SUPPORTED);
                continue;
            }
            const LexiconScore &s = scorer.score(text.text());
            if (!s.covered) {
                sink.fail(text.index(), "not scored: " + s.not_covered_why, SL_STATUS_NOT_SUPPORTED);
                continue;
            }
            terms.clear();
            for (const TermWeight &t : s.terms) terms.push_back({t.term, t.weight});
            sink.emit(text.index(), {.label = static_cast<sl_sentiment_label_t>(s.label), .compound = s.compound,
                                     .positive = s.positive, .neutral = s.neutral, .negative = s.negative,
                                     .confidence = s.confidence, .terms = terms});
        }
    }

private:
    Lexicon lexicon_;
    Thresholds thresholds_;
};

SERVICELENS_PLUGINS(LexiconSentiment)
