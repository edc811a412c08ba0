// The sentiment tokenizer, lexicon scorer and feature extraction under
// libFuzzer: any bytes (invalid UTF-8, huge runs of emoji or punctuation,
// any script) must give a defined score inside its ranges, never a crash.
#include <servicelens/sentiment_core/features.hpp>
#include <servicelens/sentiment_core/lexicon_scorer.hpp>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    using namespace servicelens::sentiment;
    static const Lexicon &lexicon = Lexicon::builtin();
    const LexiconScorer scorer(lexicon);
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    const std::vector<Token> tokens = scorer.tokenize(text);
    const LexiconScore &s = scorer.score(tokens);
    const bool in_range = std::isfinite(s.compound) && s.compound >= -1 && s.compound <= 1 && s.positive >= 0 &&
                          s.negative >= 0 && s.neutral >= -1e-9 && std::abs(s.positive + s.neutral + s.negative - 1) < 1e-9 &&
                          s.confidence >= 0 && s.confidence <= 1 && s.terms.size() <= 5 && s.label >= -1 && s.label <= 1;
    if (!in_range) std::abort();
    for (const Token &t : tokens)
        if (t.text.empty()) std::abort();
    SparseVector features;
    extract_features(tokens, lexicon, s, 12, features);
    for (const auto &[slot, value] : features)
        if (slot >= feature_dimensions(12) || !std::isfinite(value)) std::abort();
    return 0;
}
