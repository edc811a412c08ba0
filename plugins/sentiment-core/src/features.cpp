#include <servicelens/sentiment_core/features.hpp>

#include <algorithm>
#include <cmath>
#include <string_view>

namespace servicelens::sentiment {

namespace {

// FNV-1a, seeded per feature family so "w:good" and "c:good" differ.
std::uint64_t hash(std::string_view text, std::uint64_t seed)
{
    std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (const char c : text) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

constexpr std::uint64_t word_seed = 1, bigram_seed = 2, char_seed = 3;

} // namespace

void extract_features(const std::vector<Token> &tokens, const Lexicon &lexicon, const LexiconScore &lexicon_score,
                      int bits, SparseVector &out)
{
    out.clear();
    const std::uint32_t mask = (1u << bits) - 1;
    const auto add = [&](std::uint64_t h) { out.emplace_back(static_cast<std::uint32_t>(h & mask), 1.0f); };
    thread_local std::string word, previous, bigram, padded;
    previous = "<s>";
    bool negated = false;
    for (const Token &t : tokens) {
        if (t.kind == TokenKind::clause_end || t.kind == TokenKind::sentence_end || t.kind == TokenKind::exclamation) {
            negated = false;
            previous = "<s>";
            if (t.kind == TokenKind::exclamation) add(hash("!", word_seed));
            continue;
        }
        word = negated ? "not_" + t.text : t.text;
        add(hash(word, word_seed));
        bigram = previous;
        bigram += ' ';
        bigram += word;
        add(hash(bigram, bigram_seed));
        previous = word;
        if (t.kind == TokenKind::word) {
            // Character n-grams carry spelling variants and unseen forms ("loooved").
            padded = '<' + t.text + '>';
            for (std::size_t n = 3; n <= 5; ++n)
                for (std::size_t at = 0; at + n <= padded.size(); ++at) add(hash(std::string_view(padded).substr(at, n), char_seed));
            if (const Entry *e = lexicon.lookup(t.text); e && e->modifier.kind == Modifier::Kind::negation) negated = true;
        }
    }
    std::sort(out.begin(), out.end());
    // Repeated features add up; then the hashed part has unit length, so a
    // long text does not outweigh a short one.
    std::size_t kept = 0;
    for (std::size_t k = 0; k < out.size(); ++k) {
        if (kept > 0 && out[kept - 1].first == out[k].first) out[kept - 1].second += out[k].second;
        else out[kept++] = out[k];
    }
    out.resize(kept);
    double norm = 0;
    for (const auto &[slot, value] : out) norm += static_cast<double>(value) * value;
    if (norm > 0)
        for (auto &[slot, value] : out) value = static_cast<float>(value / std::sqrt(norm));
    const std::uint32_t dense = 1u << bits;
    out.emplace_back(dense, static_cast<float>(lexicon_score.compound));
    out.emplace_back(dense + 1, static_cast<float>(lexicon_score.positive));
    out.emplace_back(dense + 2, static_cast<float>(lexicon_score.negative));
    out.emplace_back(dense + 3, 1.0f);
}

} // namespace servicelens::sentiment
