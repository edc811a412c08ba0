// feedback: five-face ratings and yes/no answers ("is IT making your job
// easier?") on the scale text sentiment uses, so portal clicks and free
// text land in one trend.
#include <servicelens/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <string>

class Feedback final : public servicelens::SentimentAnalyzer {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.feedback",
        .name = "Five-face and yes/no feedback",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "Scores five-face ratings and yes/no survey answers on the compound scale of text sentiment.",
        .config_schema = R"({"type": "object", "additionalProperties": false, "properties": {
            "ratings": {"type": "array", "minItems": 5, "maxItems": 5, "items": {"type": "number", "minimum": -1, "maximum": 1},
                        "description": "The compound score of ratings 1 to 5."},
            "yes": {"type": "number", "minimum": -1, "maximum": 1, "description": "The compound score of a yes."},
            "no": {"type": "number", "minimum": -1, "maximum": 1, "description": "The compound score of a no."}}})",
        .emits = "compound,label",
        .thread_safe = true,
    };

    explicit Feedback(const servicelens::CreateContext &context)
    {
        const auto config = nlohmann::json::parse(context.config_json);
        if (config.contains("ratings")) ratings_ = config["ratings"].get<std::array<double, 5>>();
        yes_ = config.value("yes", yes_);
        no_ = config.value("no", no_);
    }

    void score(servicelens::TextBatch texts, servicelens::SentimentSink &sink) override
    {
        for (const servicelens::Text text : texts) {
            if (text.kind() == SL_TEXT_FIVE_FACE) {
                if (text.rating() < 1 || text.rating() > 5) {
                    sink.fail(text.index(), "five-face rating " + std::to_string(text.rating()) + " is not 1 to 5",
                              SL_STATUS_INVALID_ARGUMENT);
                    continue;
                }
                const std::string term = "rating " + std::to_string(text.rating()) + " of 5";
                emit(sink, text.index(), ratings_[static_cast<std::size_t>(text.rating() - 1)], term);
            } else if (text.kind() == SL_TEXT_YES_NO) {
                if (text.answer() == SL_UNKNOWN) {
                    sink.fail(text.index(), "the yes/no answer is missing", SL_STATUS_INVALID_ARGUMENT);
                    continue;
                }
                const bool yes = text.answer() == SL_YES;
                emit(sink, text.index(), yes ? yes_ : no_, yes ? "answered yes" : "answered no");
            } else {
                sink.fail(text.index(), "feedback scores ratings and yes/no answers; text goes to a text analyzer",
                          SL_STATUS_NOT_SUPPORTED);
            }
        }
    }

private:
    // A click is the caller's own verdict: the whole text is that verdict,
    // with full confidence.
    static void emit(servicelens::SentimentSink &sink, std::size_t index, double compound, const std::string &term)
    {
        const servicelens::Term terms[] = {{term, compound}};
        sink.emit(index, {.label = servicelens::label_of(compound), .compound = compound,
                          .positive = std::max(compound, 0.0), .neutral = 1 - std::abs(compound),
                          .negative = std::max(-compound, 0.0), .confidence = 1.0, .terms = terms});
    }

    // Five faces, evenly spaced from very unhappy to very happy. A yes is
    // less than a top rating: it answers a narrower question.
    std::array<double, 5> ratings_{-1.0, -0.5, 0.0, 0.5, 1.0};
    double yes_ = 0.6;
    double no_ = -0.6;
};

SERVICELENS_PLUGINS(Feedback)
