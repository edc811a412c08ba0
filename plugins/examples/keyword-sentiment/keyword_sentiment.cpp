// Example sentiment analyzer: weighs a dozen support words. It shows the
// shape of an analyzer, not a way to measure sentiment.
#include <servicelens/cpp/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

class KeywordSentiment final : public servicelens::SentimentAnalyzer {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.example.keyword-sentiment",
        .name = "Keyword sentiment (example)",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "Scores text by a dozen support keywords; an example of the sentiment ABI.",
        .emits = "compound,label",
        .thread_safe = true,
    };

    explicit KeywordSentiment(const servicelens::CreateContext &) {}

    void score(servicelens::TextBatch texts, servicelens::SentimentSink &sink) override
    {
        for (const servicelens::Text text : texts) {
            std::vector<servicelens::Term> terms;
            std::string word;
            for (const char c : std::string(text.text()) + ' ') {
                if (std::isalpha(static_cast<unsigned char>(c))) {
                    word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                    continue;
                }
                for (const servicelens::Term &known : lexicon)
                    if (known.term == word) terms.push_back(known);   // views into static data
                word.clear();
            }
            double sum = 0;
            for (const servicelens::Term &t : terms) sum += t.weight;
            const double compound = sum / std::sqrt(sum * sum + 4);   // squashed into (-1, 1)
            const double share = std::min(1.0, static_cast<double>(terms.size()) / 4);
            sink.emit(text.index(), {.label = compound > 0.05    ? SL_SENTIMENT_POSITIVE
                                              : compound < -0.05 ? SL_SENTIMENT_NEGATIVE
                                                                 : SL_SENTIMENT_NEUTRAL,
                                     .compound = compound,
                                     .positive = compound > 0 ? share : 0,
                                     .neutral = 1 - share,
                                     .negative = compound < 0 ? share : 0,
                                     .confidence = share,
                                     .terms = terms});
        }
    }

private:
    static constexpr servicelens::Term lexicon[] = {
        {"thanks", 1.5}, {"great", 2},     {"fixed", 1.5},   {"quick", 1},   {"helpful", 2},  {"resolved", 1},
        {"broken", -1.5}, {"still", -0.5}, {"slow", -1.5},   {"outage", -2}, {"useless", -2.5}, {"angry", -2}};
};

SERVICELENS_PLUGINS(KeywordSentiment)
