// learned: a linear model trained on the organisation's own labelled texts
// (typically survey comments labelled by their five-face rating) with
// `servicelens sentiment train`, blended with the lexicon: the lexicon's
// verdict is one of the model's features, so it learns how far to trust it.
#include <servicelens/cpp/plugin.hpp>
#include <servicelens/sentiment_core/features.hpp>
#include <servicelens/sentiment_core/linear_model.hpp>
#include <servicelens/sentiment_core/text_policy.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using namespace servicelens::sentiment;

class LearnedSentiment final : public servicelens::SentimentAnalyzer {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.learned",
        .name = "Learned sentiment",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "Sentiment from a model trained on your own labelled texts (hashed word and character "
                       "n-grams, logistic regression) blended with the lexicon.",
        .config_schema = R"({"type": "object", "additionalProperties": false, "required": ["model"], "properties": {
            "model": {"type": "string", "minLength": 1, "description": "The file `servicelens sentiment train` wrote."},
            "thresholds": {"type": "object", "additionalProperties": false,
                           "properties": {"positive": {"type": "number", "minimum": 0, "maximum": 1},
                                          "negative": {"type": "number", "minimum": -1, "maximum": 0}}}}})",
        .emits = "compound,label,positive,neutral,negative,confidence,terms",
        .thread_safe = true,
    };

    explicit LearnedSentiment(const servicelens::CreateContext &context)
    {
        const auto config = nlohmann::json::parse(context.config_json);
        try {
            model_.emplace(LinearModel::load(config.at("model").get<std::string>()));
        } catch (const std::runtime_error &e) {
            throw servicelens::invalid_argument(e.what());
        }
        thresholds_ = thresholds_from_config(config);
    }

    void score(servicelens::TextBatch texts, servicelens::SentimentSink &sink) override
    {
        const Lexicon &lexicon = Lexicon::builtin();
        const LexiconScorer scorer(lexicon);
        SparseVector features;
        std::vector<servicelens::Term> terms;
        for (const servicelens::Text text : texts) {
            if (const std::string why = why_not_text(text.kind(), text.language(), "learned"); !why.empty()) {
                sink.fail(text.index(), why, SL_STATUS_NOT_SUPPORTED);
                continue;
            }
            const std::vector<Token> tokens = scorer.tokenize(text.text());
            const LexiconScore &lexicon_score = scorer.score(tokens);
            if (!lexicon_score.covered) {
                sink.fail(text.index(), "not scored: " + lexicon_score.not_covered_why, SL_STATUS_NOT_SUPPORTED);
                continue;
            }
            extract_features(tokens, lexicon, lexicon_score, model_->bits(), features);
            const std::vector<double> p = model_->probabilities(features);
            const double compound = model_->compound(p);
            const double positive = p.back(), negative = p.front(), neutral = std::max(0.0, 1.0 - positive - negative);
            // The words behind the verdict, as the lexicon saw them.
            terms.clear();
            for (const TermWeight &t : lexicon_score.terms) terms.push_back({t.term, t.weight});
            sink.emit(text.index(),
                      {.label = static_cast<sl_sentiment_label_t>(label_of(compound, thresholds_)), .compound = compound, .positive = positive, .neutral = neutral, .negative = negative,
                       .confidence = *std::max_element(p.begin(), p.end()), .terms = terms});
        }
    }

private:
    std::optional<LinearModel> model_;
    Thresholds thresholds_;
};

SERVICELENS_PLUGINS(LearnedSentiment)
