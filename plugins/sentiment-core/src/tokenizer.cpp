#include <servicelens/sentiment_core/tokenizer.hpp>

#include <algorithm>
#include <cstdint>
#include <iterator>

namespace servicelens::sentiment {

namespace {

// The next code point of `text` at `at`, advancing `at`; -1 for an invalid
// byte (which `at` skips alone).
std::int32_t next_code_point(std::string_view text, std::size_t &at)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(at);
    if (lead < 0x80) return text[at++];
    std::size_t length = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 && lead < 0xE0 ? 2 : 0;
    if (length == 0 || at + length > text.size()) {
        ++at;
        return -1;
    }
    std::int32_t cp = lead & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(at + k) & 0xC0) != 0x80) {
            ++at;
            return -1;
        }
        cp = (cp << 6) | (byte(at + k) & 0x3F);
    }
    const bool overlong = (length == 3 && cp < 0x800) || (length == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        ++at;
        return -1;
    }
    at += length;
    return cp;
}

void append_utf8(std::string &out, std::int32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_emoji(std::int32_t cp)
{
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2300 && cp <= 0x23FF) ||
           cp == 0x2B50 || cp == 0x2B55 ||
           cp == 0x2705 || cp == 0x274C || cp == 0x2B06 || cp == 0x2B07;
}

// Parts of an emoji sequence that do not change what it shows here.
bool is_emoji_modifier(std::int32_t cp) { return cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF); }

bool is_ascii_letter(std::int32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }
bool is_digit(std::int32_t cp) { return cp >= '0' && cp <= '9'; }
bool is_apostrophe(std::int32_t cp) { return cp == '\'' || cp == 0x2019; }

// Letters of other scripts count as word characters: the tokenizer splits
// any language; whether the lexicon covers it is the scorer's question.
bool is_letter(std::int32_t cp)
{
    if (cp < 0x80) return is_ascii_letter(cp) || is_digit(cp);
    if (cp >= 0x2000 && cp <= 0x2BFF) return false;   // punctuation, symbols, arrows
    if (cp >= 0x3000 && cp <= 0x303F) return false;   // CJK punctuation
    if (cp == 0xA0 || (cp >= 0xA1 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7) return false;
    return !is_emoji(cp) && !is_emoji_modifier(cp) && cp != 0x200D;
}

bool is_latin(std::int32_t cp) { return cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF); }

} // namespace

std::vector<Token> tokenize(std::string_view text, const EmoticonTable &emoticons)
{
    std::vector<Token> tokens;
    tokenize(text, emoticons, tokens);
    return tokens;
}

void tokenize(std::string_view text, const EmoticonTable &emoticons, std::vector<Token> &tokens)
{
    // Tokens are reused, not destroyed: their strings keep their storage.
    std::size_t used = 0;
    const auto push = [&](TokenKind kind) -> Token & {
        if (used == tokens.size()) tokens.emplace_back();
        Token &t = tokens[used++];
        t.kind = kind;
        t.text.clear();
        t.all_caps = false;
        t.latin = true;
        return t;
    };
    std::size_t at = 0;
    bool at_start = true;   // after whitespace or at the beginning: an emoticon may start here
    while (at < text.size()) {
        if (text[at] == ' ') {   // the commonest byte of all, decided at once
            ++at;
            at_start = true;
            continue;
        }
        // Emoticons first: ":)" would otherwise be a clause end and nothing.
        // Only a run of non-space characters with a symbol in it can be one,
        // so a word is not looked up as an emoticon.
        if (at_start && emoticons.first_bytes.test(static_cast<unsigned char>(text[at]))) {
            std::size_t run_end = at;
            bool symbol = false;
            while (run_end < text.size() && text[run_end] != ' ' && text[run_end] != '\t' && text[run_end] != '\n' &&
                   text[run_end] != '\r') {
                const char c = text[run_end];
                symbol = symbol || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
                ++run_end;
            }
            bool matched = false;
            for (std::size_t length = std::min(emoticons.max_length, run_end - at); symbol && length >= 2 && !matched; --length) {
                const char after = at + length < text.size() ? text[at + length] : ' ';
                const bool ends = at + length == run_end || after == '.' || after == ',' || after == '!';
                const std::string_view candidate = text.substr(at, length);
                if (ends && emoticons.contains(candidate)) {
                    push(TokenKind::emoticon).text = candidate;
                    at += length;
                    matched = true;
                }
            }
            if (matched) {
                at_start = false;
                continue;
            }
        }
        const std::size_t start = at;
        const std::int32_t cp = next_code_point(text, at);
        at_start = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == -1;
        if (cp < 0 || cp == ' ' || cp == '\t' || cp == '\r') continue;
        if (cp == '\n' || cp == '.' || cp == '?' || cp == 0x2026) {
            push(TokenKind::sentence_end).text = cp == '?' ? "?" : ".";
            continue;
        }
        if (cp == '!') {
            push(TokenKind::exclamation).text = "!";
            continue;
        }
        if (cp == ',' || cp == ';' || cp == ':' || cp == 0x2014 || cp == 0x2013) {
            push(TokenKind::clause_end).text = ",";
            continue;
        }
        if (is_emoji(cp)) {
            Token &t = push(TokenKind::emoji);
            append_utf8(t.text, cp);
            // Skin tones, variation selectors and joined parts stay with it.
            while (at < text.size()) {
                std::size_t peek = at;
                const std::int32_t next = next_code_point(text, peek);
                if (is_emoji_modifier(next)) {
                    at = peek;
                } else if (next == 0x200D) {
                    at = peek;
                    std::size_t after = at;
                    if (after < text.size() && is_emoji(next_code_point(text, after))) at = after;
                } else {
                    break;
                }
            }
            continue;
        }
        if (!is_letter(cp) && !is_apostrophe(cp)) continue;   // other symbols separate words
        // A word: letters and digits, with apostrophes inside ("don't") or
        // leading a clitic as tokenized corpora write it ("n't", "'s").
        Token &word = push(TokenKind::word);
        std::size_t letters = 0, capitals = 0;
        at = start;
        while (at < text.size()) {
            // Plain ASCII letters and digits, the bulk of most text, without decoding.
            std::size_t run = at, run_capitals = 0;
            for (; run < text.size(); ++run) {
                const char c = text[run];
                if ((c >= 'a' && c <= 'z')) ++letters;
                else if (c >= 'A' && c <= 'Z') ++run_capitals;
                else if (c < '0' || c > '9') break;
            }
            if (run > at) {
                const std::size_t from = word.text.size();
                word.text.append(text.data() + at, run - at);
                if (run_capitals > 0)
                    for (std::size_t k = from; k < word.text.size(); ++k)
                        if (word.text[k] >= 'A' && word.text[k] <= 'Z') word.text[k] = static_cast<char>(word.text[k] - 'A' + 'a');
                letters += run_capitals;
                capitals += run_capitals;
                at = run;
                continue;
            }
            std::size_t next_at = at;
            const std::int32_t c = next_code_point(text, next_at);
            if (c < 0) break;
            if (is_apostrophe(c)) {
                word.text += '\'';
                at = next_at;
                continue;
            }
            if (!is_letter(c)) break;
            if (is_ascii_letter(c)) {
                ++letters;
                if (c >= 'A' && c <= 'Z') {
                    ++capitals;
                    word.text += static_cast<char>(c - 'A' + 'a');
                } else {
                    word.text += static_cast<char>(c);
                }
            } else {
                if (!is_latin(c)) word.latin = false;
                if (c >= 0x80) ++letters;
                append_utf8(word.text, c);
            }
            at = next_at;
        }
        // Quotes around a word are not part of it; a clitic as tokenized
        // corpora write it ("'s", "'re") keeps its apostrophe.
        while (!word.text.empty() && word.text.back() == '\'' && word.text != "'") word.text.pop_back();
        if (word.text.size() > 1 && word.text.front() == '\'') {
            static constexpr std::string_view clitics[] = {"'s", "'re", "'ve", "'ll", "'d", "'m", "'t"};
            const bool clitic = std::find(std::begin(clitics), std::end(clitics), word.text) != std::end(clitics);
            while (!clitic && word.text.size() > 1 && word.text.front() == '\'') word.text.erase(0, 1);
        }
        if (word.text == "'" || word.text.empty()) {
            --used;
            continue;
        }
        word.all_caps = letters >= 2 && capitals == letters;
        at_start = false;
    }
    tokens.resize(used);
}

} // namespace servicelens::sentiment
