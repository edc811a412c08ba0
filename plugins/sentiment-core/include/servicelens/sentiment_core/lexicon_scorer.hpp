// Scores a text with a lexicon and the rules that change what a word means
// in context: negation ("not good"), intensifiers and dampeners ("very",
// "slightly"), contrast ("but" weighs the clause after it more), capitals
// and exclamation marks. Every input has a defined result; text in a
// language the lexicon does not cover is reported as such, not scored as
// neutral.
#pragma once

#include "lexicon.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::sentiment {

struct Thresholds {
    double positive = 0.05;   // compound at or above: positive
    double negative = -0.05;  // at or below: negative
};

struct TermWeight {
    std::string term;
    double weight = 0;
};

struct LexiconScore {
    bool covered = true;           // false: not a language the lexicon covers
    std::string not_covered_why;   // then, what was seen
    int label = 0;                 // -1, 0, 1
    double compound = 0;           // -1 .. 1
    double positive = 0, neutral = 1, negative = 0;   // shares of the text's weight, summing to 1
    double confidence = 0;         // 0 .. 1: how much evidence the score rests on
    std::vector<TermWeight> terms; // strongest first, at most five
};

// Holds scratch buffers reused from text to text: one scorer per thread.
class LexiconScorer {
public:
    explicit LexiconScorer(const Lexicon &lexicon, Thresholds thresholds = {})
        : lexicon_(lexicon), thresholds_(thresholds), emoticons_(lexicon.emoticons())
    {
    }

    // The score, valid until the next call on this scorer: its term list
    // and strings are reused from text to text.
    const LexiconScore &score(std::string_view text) const;
    // The same for a text already tokenized (the learned model shares it).
    const LexiconScore &score(const std::vector<Token> &tokens) const;
    // The same for tokens from tokenize(text, emoticons, TokenizedText&):
    // the other two come here.
    const LexiconScore &score(std::span<const TokenRef> tokens) const;
    std::vector<Token> tokenize(std::string_view text) const;

private:
    struct Found {
        std::size_t token;       // where the term starts
        std::size_t sentence;    // which sentence it is in
        std::string_view term;
        double weight;
    };
    struct Contrast {
        std::size_t sentence, token;
        double after;            // the weight of what follows it
        std::size_t clause_end;  // where its clause ends
    };

    const Lexicon &lexicon_;
    Thresholds thresholds_;
    EmoticonTable emoticons_;
    mutable TokenizedText text_;
    mutable std::vector<TokenRef> refs_;   // views of the Tokens score(const std::vector<Token> &) is given
    mutable std::vector<const Entry *> entries_;
    mutable std::vector<const Modifier *> modifiers_;
    mutable std::vector<Found> found_;
    mutable std::vector<Contrast> contrasts_;
    mutable std::string phrase_;
    mutable LexiconScore result_;
};

} // namespace servicelens::sentiment
