// Example sentiment analyzer: weighs a dozen support words. It shows the
// shape of an analyzer, not a way to measure sentiment.
#include <servicelens/cpp/plugin.hpp>

#include <algorithm>
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
            // A five-face click or a yes/no answer has no words to weigh.
            if (text.kind() == SL_TEXT_FIVE_FACE || text.kind() == SL_TEXT_YES_NO) {
                sink.fail(text.index(), "keyword-sentiment scores words, not ratings or answers", SL_STATUS_NOT_SUPPORTED);
                continue;
            }
            std::vector<servicelens::Term> found;   // views into the static lexicon
            double sum = 0;
            std::string word;
            for (const char c : servicelens::ascii_lower(text.text()) + ' ') {
                if (c >= 'a' && c <= 'z') {
                    word += c;
                    continue;
                }
                for (const servicelens::Term &known : lexicon) {
                    if (known.term != word) continue;
                    found.push_back(known);
                    sum += known.weight;
                }
                word.clear();
            }
            // Strongest first, as sentiment.h asks: the host keeps the first few.
            std::stable_sort(found.begin(), found.end(), [](const servicelens::Term &a, const servicelens::Term &b) {
                return std::abs(a.weight) > std::abs(b.weight);
            });
            const double compound = sum / std::sqrt(sum * sum + 4);   // squashed into (-1, 1)
            const double share = std::min(1.0, static_cast<double>(found.size()) / 4);
            sink.emit(text.index(), {.label = servicelens::label_of(compound), .compound = compound,
                                     .positive = compound > 0 ? share : 0, .neutral = 1 - share,
                                     .negative = compound < 0 ? share : 0, .confidence = share, .terms = found});
        }
    }

private:
    static constexpr servicelens::Term lexicon[] = {
        {"thanks", 1.5}, {"great", 2},     {"fixed", 1.5},   {"quick", 1},   {"helpful", 2},  {"resolved", 1},
        {"broken", -1.5}, {"still", -0.5}, {"slow", -1.5},   {"outage", -2}, {"useless", -2.5}, {"angry", -2}};
};

SERVICELENS_PLUGINS(KeywordSentiment)
