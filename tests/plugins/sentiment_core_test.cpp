// sentiment-core's own structures, below the plugins: the tokens the scorer
// reads (views into one buffer, hashed once) against the owned tokens the
// learned model reads, and the phrase walk that finds the longest phrase
// through the phrases' first words.
#include <servicelens/sentiment_core/lexicon_scorer.hpp>
#include <servicelens/sentiment_core/term_hash.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

using namespace servicelens::sentiment;

namespace {

// Texts where the token text differs from the input: capitals, ’, quotes,
// clitics, emoji with modifiers, emoticons, invalid UTF-8, other scripts.
const std::vector<std::string> tricky_texts = {
    "",
    "   ",
    "The Support was GREAT!!! :) but 'slow' ... don't",
    "it 's a charming and often affecting journey . ",
    "I can\xE2\x80\x99t log in \xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD\xEF\xB8\x8F thanks \xE2\x9D\xA4\xEF\xB8\x8F",
    "'''quoted''' 'n't' ''s' o.O :-( <3 xD",
    "bad\xFF\xFEutf8 \xC0\xAF caf\xC3\xA9 \xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82 \xE2\x80\xA6 end",
    std::string(3000, '\'') + " x" + std::string(5000, 'A'),
};

} // namespace

TEST_CASE("the scorer's token views are the owned tokens, each hashed once")
{
    const Lexicon &lexicon = Lexicon::builtin();
    const EmoticonTable emoticons = lexicon.emoticons();
    TokenizedText views;
    std::vector<Token> owned;
    for (const std::string &text : tricky_texts) {
        CAPTURE(text);
        tokenize(text, emoticons, views);
        tokenize(text, emoticons, owned);
        REQUIRE(views.tokens().size() == owned.size());
        for (std::size_t k = 0; k < owned.size(); ++k) {
            const TokenRef &view = views.tokens()[k];
            CHECK(view.kind == owned[k].kind);
            CHECK(view.text == owned[k].text);
            CHECK(view.all_caps == owned[k].all_caps);
            CHECK(view.latin == owned[k].latin);
            CHECK(view.hash == term_hash(view.text));
        }
    }
}

TEST_CASE("a text scores the same from its text and from its owned tokens")
{
    const LexiconScorer from_text(Lexicon::builtin()), from_tokens(Lexicon::builtin());
    for (const std::string &text : tricky_texts) {
        CAPTURE(text);
        const LexiconScore a = from_text.score(text);
        const LexiconScore &b = from_tokens.score(from_tokens.tokenize(text));
        CHECK(a.compound == b.compound);
        CHECK(a.positive == b.positive);
        CHECK(a.negative == b.negative);
        CHECK(a.covered == b.covered);
        REQUIRE(a.terms.size() == b.terms.size());
        for (std::size_t k = 0; k < a.terms.size(); ++k) CHECK(a.terms[k].term == b.terms[k].term);
    }
}

TEST_CASE("the longest phrase wins, found through its first words")
{
    Lexicon lexicon = Lexicon::builtin();
    const std::size_t before = lexicon.size();
    // A four-word phrase whose two- and three-word starts are no terms, and
    // a two-word one that shares its start.
    lexicon.set("zorp quib vell moff", 3.0);
    lexicon.set("zorp quib", -2.0);
    CHECK(lexicon.size() == before + 2); // the starts walked through are not terms
    lexicon.set("zorp quib", -1.0);      // an override is no new term
    CHECK(lexicon.size() == before + 2);

    const LexiconScorer scorer(lexicon);
    const auto strongest = [&](std::string_view text) {
        const LexiconScore &s = scorer.score(text);
        return s.terms.empty() ? std::string() : s.terms.front().term;
    };
    CHECK(strongest("the zorp quib vell moff") == "zorp quib vell moff");
    // Three of the four words: only the two-word phrase is a term.
    CHECK(strongest("the zorp quib vell") == "zorp quib");
    CHECK(scorer.score("zorp quib vell").compound < 0);
    // A clause end breaks a phrase.
    CHECK(strongest("zorp quib, vell moff") == "zorp quib");
    CHECK(strongest("zorp vell quib moff").empty());
}

TEST_CASE("the term table finds every key, kept in its record or apart, and no other")
{
    // Keys of every length around the 16 bytes a record holds itself, that
    // share their first bytes and differ only in the last, each looked up
    // from a buffer that goes on after it: a compare that reads past the
    // key, or mixes up where a long key is kept, misses it.
    FlatStringMap<int> map;
    std::vector<std::string> keys;
    for (std::size_t length = 0; length <= 40; ++length)
        for (const char last : {'a', 'b'}) keys.push_back(std::string(length, 'x') + last);
    for (std::size_t k = 0; k < keys.size(); ++k) map[keys[k]] = static_cast<int>(k);
    REQUIRE(map.size() == keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) {
        // Looked up from a longer buffer: bytes past the key must not count.
        const std::string padded = keys[k] + "zzzzzzzzzzzzzzzz";
        const std::string_view key(padded.data(), keys[k].size());
        std::string_view stored;
        const int *found = map.find(key, term_hash(key), &stored);
        REQUIRE(found);
        CHECK(*found == static_cast<int>(k));
        CHECK(stored == keys[k]);
        CHECK(term_hash(key) == term_hash(keys[k]));
    }
    for (const std::string &absent : std::vector<std::string>{"", "x", "xc", "xxxxxxxxxxxxxxxc", "xxxxxxxxxxxxxxxxc", std::string(41, 'x') + 'a'})
        CHECK(map.find(absent) == nullptr);
}
