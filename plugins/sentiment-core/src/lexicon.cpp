#include <servicelens/sentiment_core/lexicon.hpp>
#include <servicelens/sentiment_core/term_hash.hpp>

#include "embedded_lexicon.hpp"

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <string>

namespace servicelens::sentiment {

// With its 16-byte key and place, an entry fills one 64-byte table record.
static_assert(sizeof(Entry) <= 40, "Entry outgrew one cache line with its key");

namespace {

// Words so common in English that text without any of them, and without a
// lexicon term, is not English (or not prose). Not sentiment-bearing.
constexpr std::string_view function_words[] = {
    "a", "about", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "before", "being", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "for", "from",
    "had", "has", "have", "having", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is", "it",
    "its", "it's", "i'm", "just", "me", "more", "most", "my", "no", "not", "now", "of", "on", "once", "only", "or",
    "other", "our", "out", "over", "she", "should", "so", "some", "than", "that", "the", "their", "them", "then",
    "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
    "were", "what", "when", "where", "which", "while", "who", "why", "will", "with", "would", "you", "your",
    "please", "thanks", "ok", "yes", "still", "again", "get", "got", "need", "can't", "don't", "didn't", "won't",
    "'s", "n't", "'re", "'ve", "'ll", "'m", "'d"};

std::string_view next_line(std::string_view &text)
{
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return line;
}

double number(std::string_view text, std::string_view name, std::size_t line)
{
    double value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw std::runtime_error(std::string(name) + ":" + std::to_string(line) + ": '" + std::string(text) +
                                 "' is not a number");
    return value;
}

std::size_t words_in(std::string_view term) { return static_cast<std::size_t>(std::count(term.begin(), term.end(), ' ')) + 1; }

bool is_ascii_emoticon(std::string_view term)
{
    bool punctuation = false;
    for (const char c : term) {
        if (static_cast<unsigned char>(c) >= 0x80 || c == ' ') return false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) punctuation = true;
    }
    return punctuation && term.size() >= 2;
}

} // namespace

const Lexicon &Lexicon::builtin()
{
    static const Lexicon lexicon = [] {
        Lexicon l;
        for (const std::string_view word : function_words) l.entries_[std::string(word)].english = true;
        for (const auto &[name, text] : embedded::lexicon_files()) {
            if (name == "modifiers.tsv") l.load_modifiers(text, name);
            else l.load_terms(text, name);
        }
        return l;
    }();
    return lexicon;
}

void Lexicon::set(std::string term, double valence)
{
    if (is_ascii_emoticon(term)) {
        longest_emoticon_ = std::max(longest_emoticon_, term.size());
        emoticon_starts_.set(static_cast<unsigned char>(term.front()));
        emoticon_ends_.set(static_cast<unsigned char>(term.back()));
        emoticons_.insert(term);
    } else {
        std::transform(term.begin(), term.end(), term.begin(),
                       [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
        std::replace(term.begin(), term.end(), '-', ' ');   // the tokenizer splits "well-made"
    }
    const std::size_t words = words_in(term);
    if (words > 1) {
        const std::size_t first_space = term.find(' ');
        const std::size_t second_end = term.find(' ', first_space + 1);
        Entry &first = entries_[term.substr(0, first_space)];
        first.second_words |=
            second_word_bit(term_hash(std::string_view(term).substr(first_space + 1, second_end - first_space - 1)));
        first.longest_phrase = static_cast<std::uint8_t>(std::min<std::size_t>(std::max<std::size_t>(first.longest_phrase, words), 8));
        PhraseNode &phrase = phrases_[term];
        if (!phrase.is_phrase) ++terms_;
        phrase.is_phrase = true;
        phrase.valence = valence;
        // Its first words, two and more, so that match() knows to read on.
        for (std::size_t space = term.find(' ', second_end); space != std::string::npos; space = term.find(' ', space + 1))
            phrases_[std::string_view(term).substr(0, space)].longer = true;
        return;
    }
    Entry &entry = entries_[term];
    if (!entry.has_valence) ++terms_;
    entry.valence = valence;
    entry.has_valence = true;
}

void Lexicon::load_terms(std::string_view tsv, std::string_view name)
{
    std::size_t line_number = 0;
    while (!tsv.empty()) {
        const std::string_view line = next_line(tsv);
        ++line_number;
        if (line.empty() || line.front() == '#' || (line_number == 1 && line.starts_with("term\t"))) continue;
        const std::size_t tab = line.find('\t');
        if (tab == std::string_view::npos || tab == 0)
            throw std::runtime_error(std::string(name) + ":" + std::to_string(line_number) + ": expected term<TAB>valence");
        const std::string_view value = line.substr(tab + 1);
        set(std::string(line.substr(0, tab)), number(value.substr(0, value.find('\t')), name, line_number));
    }
}

void Lexicon::load_modifiers(std::string_view tsv, std::string_view name)
{
    std::size_t line_number = 0;
    while (!tsv.empty()) {
        const std::string_view line = next_line(tsv);
        ++line_number;
        if (line.empty() || line.front() == '#' || (line_number == 1 && line.starts_with("term\t"))) continue;
        const std::size_t tab1 = line.find('\t'), tab2 = line.find('\t', tab1 + 1);
        if (tab1 == std::string_view::npos || tab2 == std::string_view::npos)
            throw std::runtime_error(std::string(name) + ":" + std::to_string(line_number) +
                                     ": expected term<TAB>kind<TAB>value");
        const std::string_view kind = line.substr(tab1 + 1, tab2 - tab1 - 1);
        Modifier m{Modifier::Kind::none, number(line.substr(tab2 + 1), name, line_number)};
        if (kind == "negation") m.kind = Modifier::Kind::negation;
        else if (kind == "intensifier") m.kind = Modifier::Kind::intensifier;
        else if (kind == "dampener") m.kind = Modifier::Kind::dampener;
        else if (kind == "contrast") m.kind = Modifier::Kind::contrast;
        else
            throw std::runtime_error(std::string(name) + ":" + std::to_string(line_number) + ": unknown kind '" +
                                     std::string(kind) + "' (negation, intensifier, dampener, contrast)");
        // A multi-word modifier ("kind of") is found at its last word, the
        // one before the term it modifies, when the words before match.
        const std::string term(line.substr(0, tab1));
        const std::size_t last_space = term.rfind(' ');
        if (last_space == std::string::npos) {
            entries_[term].modifier = m;
            continue;
        }
        PhraseModifier phrase{{}, m};
        for (std::size_t from = 0; from < last_space;) {
            const std::size_t space = term.find(' ', from);
            phrase.before.push_back(term.substr(from, space - from));
            from = space + 1;
        }
        Entry &last = entries_[term.substr(last_space + 1)];
        if (last.phrase_modifiers == 0) {
            phrase_modifiers_.emplace_back();
            last.phrase_modifiers = static_cast<std::uint32_t>(phrase_modifiers_.size());
        }
        phrase_modifiers_[last.phrase_modifiers - 1].push_back(std::move(phrase));
    }
}

PhraseMatch Lexicon::longest_phrase(std::span<const TokenRef> tokens, std::size_t at, std::size_t most,
                                    std::string &scratch) const
{
    // The longest phrase wins: "waste of money" over "waste". Words are added
    // while what has been read is the start of some phrase.
    PhraseMatch longest;
    scratch = tokens[at].text;
    for (std::size_t n = 1; at + n < tokens.size() && n < most && tokens[at + n].kind == TokenKind::word;) {
        scratch += ' ';
        scratch += tokens[at + n].text;
        ++n;
        std::string_view stored;
        const PhraseNode *node = phrases_.find(scratch, &stored);
        if (!node) break;
        if (node->is_phrase) longest = {n, node->valence, stored};
        if (!node->longer) break;
    }
    return longest;
}

EmoticonTable Lexicon::emoticons() const
{
    return {[this](std::string_view candidate) { return emoticons_.find(candidate) != emoticons_.end(); },
            emoticon_starts_, emoticon_ends_, longest_emoticon_};
}

} // namespace servicelens::sentiment
