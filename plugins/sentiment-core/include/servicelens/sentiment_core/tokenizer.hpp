// Text into the tokens sentiment rules need: words, emoticons, emoji, and
// the punctuation that ends clauses and sentences. UTF-8 in, possibly
// invalid: an invalid byte separates tokens and is otherwise ignored, so
// any input has a defined tokenization.
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
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

// A token as the scorer reads it: the same fields as Token, the text a view
// into the TokenizedText that holds it, and its term_hash computed once.
// Rationale: a std::string per token was a copy, a length check and often a
// lower-casing pass per word; the scorer only ever reads the text.
struct TokenRef {
    TokenKind kind = TokenKind::word;
    bool all_caps = false;
    bool latin = true;
    std::uint64_t hash = 0;   // term_hash(text)
    std::string_view text;
};

// One text's tokens: their texts (lower-cased, apostrophes made plain) in one
// buffer, and views into it. Valid until the next tokenize into it; the
// storage is reused from text to text.
class TokenizedText {
public:
    std::span<const TokenRef> tokens() const noexcept { return tokens_; }

private:
    friend class TokenWriter;
    std::string text_;   // every token's text, one after another
    std::vector<TokenRef> tokens_;
};

// Whether `candidate` (ASCII, up to max_emoticon_length bytes) is a known
// emoticon; the tokenizer asks it at every space-delimited start.
struct EmoticonTable {
    std::function<bool(std::string_view)> contains;
    std::bitset<256> first_bytes;   // only these can start one: most words are not asked about
    std::bitset<256> last_bytes;    // and only these end one: "often," is not asked about, nor "often"
    std::size_t max_length = 0;
};

// Fills `out` (its previous tokens dropped, its storage reused).
void tokenize(std::string_view text, const EmoticonTable &emoticons, TokenizedText &out);
// The same tokens, each owning its text. Fills `tokens` (cleared first; its
// storage is reused across calls).
void tokenize(std::string_view text, const EmoticonTable &emoticons, std::vector<Token> &tokens);
std::vector<Token> tokenize(std::string_view text, const EmoticonTable &emoticons);

} // namespace servicelens::sentiment
