// A text as the learned model sees it: hashed word unigrams and bigrams
// (words after a negation marked, to the clause's end), hashed character
// 3- to 5-grams within words, and the lexicon's verdict as a few dense
// features, so the model learns how far to trust the lexicon on the
// organisation's own texts.
#pragma once

#include "lexicon_scorer.hpp"
#include "tokenizer.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace servicelens::sentiment {

using SparseVector = std::vector<std::pair<std::uint32_t, float>>;

// The lexicon's compound, positive and negative shares, and a bias term.
inline constexpr std::uint32_t dense_feature_count = 4;

// Slots: 2^bits hashed ones, then the dense ones.
constexpr std::uint32_t feature_dimensions(int bits) { return (1u << bits) + dense_feature_count; }

// Fills `out` (cleared first), L2-normalised over the hashed part.
void extract_features(const std::vector<Token> &tokens, const Lexicon &lexicon, const LexiconScore &lexicon_score,
                      int bits, SparseVector &out);

} // namespace servicelens::sentiment
