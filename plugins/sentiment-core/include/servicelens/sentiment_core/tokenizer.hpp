// Text into the tokens sentiment rules need: words, emoticons, emoji, and
// the punctuation that ends clauses and sentences. UTF-8 in, possibly
// invalid: an invalid byte separates tokens and is otherwise ignored, so
// any input has a defined tokenization.
#pragma once

#include <bitset>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::sentiment {

enum class TokenKind {
    word,          // letters, digits and inner apostrophes; ASCII lower-cased, ’ as '
    emoticon,      // a known ASCII emoticon: ":)", ":-(", "<3"
    emoji,         // one pictograph, skin tone and variation selector dropped
    clause_end,    // , ; :
    sentence_end,  // . ? and a newline
    exclamation,   // !
};

struct Token {
    TokenKind kind = TokenKind::word;
    std::string text;
    bool all_caps = false;   // a word of two or more letters, all capitals
    bool latin = true;       // a word in Latin script (ASCII or accented Latin)
};

// Whether `candidate` (ASCII, up to max_emoticon_length bytes) is a known
// emoticon; the tokenizer asks it at every space-delimited start.
struct EmoticonTable {
    std::function<bool(std::string_view)> contains;
    std::bitset<256> first_bytes;   // only these can start one: most words are not asked about
    std::size_t max_length = 0;
};

// Fills `tokens` (cleared first; its storage is reused across calls).
void tokenize(std::string_view text, const EmoticonTable &emoticons, std::vector<Token> &tokens);
std::vector<Token> tokenize(std::string_view text, const EmoticonTable &emoticons);

} // namespace servicelens::sentiment
