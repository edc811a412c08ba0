// The valence of words, phrases, emoticons and emoji, and the words that
// modify them (negations, intensifiers, dampeners, contrasts): the data in
// plugins/lexicon/data (LEXICON.md says how it was written), plus what an
// admin adds or overrides.
#pragma once

#include "flat_string_map.hpp"
#include "tokenizer.hpp"

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace servicelens::sentiment {

struct Modifier {
    enum class Kind : std::uint8_t { none, negation, intensifier, dampener, contrast };
    Kind kind = Kind::none;
    // A multiplier (a negation's is negative: it turns the term over); for
    // a contrast, the weight of the clause after it.
    double value = 1;
};

// A modifier of several words ("kind of", "on the other hand"), found at
// its last word when the words before it match.
struct PhraseModifier {
    std::vector<std::string> before;   // the words before the last, in order
    Modifier modifier;
};

// Everything the scorer needs to know about one token, found with one
// lookup: a text's every word is looked up once. 40 bytes, so that with its
// key the table's record is one cache line (FlatStringMap): the few words
// that end a multi-word modifier keep those in the lexicon, by number.
struct Entry {
    double valence = 0;
    // A bit per second word of the phrases that start here (second_word_bit):
    // when the next word's bit is clear, no phrase is looked up.
    std::uint64_t second_words = 0;
    Modifier modifier;                 // as a word alone
    bool has_valence = false;
    bool english = false;              // a common English function word
    std::uint8_t longest_phrase = 1;   // words in the longest phrase that starts here
    // As the last word of a multi-word modifier: 1 + the index of those
    // modifiers in the lexicon (Lexicon::phrase_modifiers); 0 for none.
    std::uint32_t phrase_modifiers = 0;
};

// A phrase, or the first words of one: match() reads a text's words one at
// a time and stops at the first run of words that no phrase starts with.
struct PhraseNode {
    double valence = 0;
    bool is_phrase = false;   // these words are a term themselves
    bool longer = false;      // and some phrase goes on after them
};

struct PhraseMatch {
    std::size_t tokens = 0;   // 0: no term starts here
    double valence = 0;
    std::string_view term;
};

// Lookups by string_view without building a std::string.
struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

class Lexicon {
public:
    // The lexicon built into the plugins. Throws std::runtime_error naming
    // the data file and line when the embedded data is malformed.
    static const Lexicon &builtin();

    // Adds or overrides a term (a word, a phrase of words separated by one
    // space, an emoticon or an emoji) with a valence from -4 to 4.
    void set(std::string term, double valence);

    // The entry of one token, or nullptr when it is not in the lexicon.
    const Entry *lookup(std::string_view token) const { return entries_.find(token); }
    const Entry *lookup(const TokenRef &token) const { return entries_.find(token.text, token.hash); }
    // The longest known term starting at tokens[at], whose entry is `first`.
    // Inline: it is asked about every token, and most are not a phrase's start.
    PhraseMatch match(std::span<const TokenRef> tokens, std::size_t at, const Entry *first, std::string &scratch) const
    {
        const TokenRef &t = tokens[at];
        if (t.kind == TokenKind::word && first && first->longest_phrase > 1 && at + 1 < tokens.size() &&
            (first->second_words & second_word_bit(tokens[at + 1].hash)) != 0)
            if (const PhraseMatch phrase = longest_phrase(tokens, at, first->longest_phrase, scratch); phrase.tokens > 0)
                return phrase;
        if (first && first->has_valence) return {1, first->valence, t.text};
        return {};
    }
    // The bit in Entry::second_words of a word whose term_hash is `word_hash`:
    // the hash's top six bits, which the table's slot index does not use.
    static std::uint64_t second_word_bit(std::uint64_t word_hash) noexcept { return std::uint64_t{1} << (word_hash >> 58); }
    // The multi-word modifiers that end with the word of `entry`.
    std::span<const PhraseModifier> phrase_modifiers(const Entry &entry) const noexcept
    {
        if (entry.phrase_modifiers == 0) return {};
        return phrase_modifiers_[entry.phrase_modifiers - 1];
    }
    EmoticonTable emoticons() const;
    std::size_t size() const noexcept { return terms_; }

    // The data's text, parsed: `name` is used in error messages.
    void load_terms(std::string_view tsv, std::string_view name);
    void load_modifiers(std::string_view tsv, std::string_view name);

private:
    // The longest phrase of at most `most` words starting at tokens[at], or
    // tokens = 0.
    PhraseMatch longest_phrase(std::span<const TokenRef> tokens, std::size_t at, std::size_t most, std::string &scratch) const;

    FlatStringMap<Entry> entries_;
    // Phrases and their first two or more words, joined by one space.
    FlatStringMap<PhraseNode> phrases_;
    std::vector<std::vector<PhraseModifier>> phrase_modifiers_;   // Entry::phrase_modifiers - 1 indexes it
    std::unordered_set<std::string, StringHash, std::equal_to<>> emoticons_;
    std::bitset<256> emoticon_starts_, emoticon_ends_;   // their first and last bytes
    std::size_t longest_emoticon_ = 0;   // in bytes
    std::size_t terms_ = 0;
};

} // namespace servicelens::sentiment
