#include <servicelens/sentiment_core/term_hash.hpp>
#include <servicelens/sentiment_core/tokenizer.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>   // part of every x86-64
#endif
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

template <class Out>
void append_utf8(Out &out, std::int32_t cp)
{
    if (cp < 0x80) {
        out.put(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.put(static_cast<char>(0xC0 | (cp >> 6)));
        out.put(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.put(static_cast<char>(0xE0 | (cp >> 12)));
        out.put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.put(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.put(static_cast<char>(0xF0 | (cp >> 18)));
        out.put(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.put(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.put(static_cast<char>(0x80 | (cp & 0x3F)));
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
// What the word loop needs to know of a byte, looked up rather than worked
// out with range checks: the loop runs once per letter of every text.
enum AsciiClass : std::uint8_t { ascii_other = 0, ascii_digit = 1, ascii_lower = 3, ascii_upper = 7 };
constexpr std::uint8_t ascii_alnum_bit = 1, ascii_letter_bit = 2, ascii_upper_bit = 4;
constexpr auto ascii_classes = [] {
    std::array<std::uint8_t, 256> classes{};
    for (int c = '0'; c <= '9'; ++c) classes[static_cast<std::size_t>(c)] = ascii_digit;
    for (int c = 'a'; c <= 'z'; ++c) classes[static_cast<std::size_t>(c)] = ascii_lower;
    for (int c = 'A'; c <= 'Z'; ++c) classes[static_cast<std::size_t>(c)] = ascii_upper;
    return classes;
}();
std::uint8_t ascii_class(char c) { return ascii_classes[static_cast<unsigned char>(c)]; }
bool is_ascii_alnum(char c) { return (ascii_class(c) & ascii_alnum_bit) != 0; }
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

// Writes one text's tokens into a TokenizedText: each token's bytes go to
// the end of the shared buffer, and the token views them there; trimming a
// word moves its ends before it is added. A token's text is never longer
// than the input it came from, so the buffer sized to the text does not
// grow; should it have to, grow() moves the views made so far along.
class TokenWriter {
public:
    TokenWriter(TokenizedText &out, std::size_t text_size) : out_(out)
    {
        if (out_.text_.size() < text_size + 16) out_.text_.resize(text_size + 16);
        out_.tokens_.clear();
    }

    std::size_t size() const noexcept { return size_; }
    void put(char c) { *extend(1) = c; }
    // Where to write the next `n` bytes, which then belong to the text.
    char *extend(std::size_t n)
    {
        if (out_.text_.size() - size_ < n) grow(n);
        char *at = out_.text_.data() + size_;
        size_ += n;
        return at;
    }
    // The bytes written since `from`.
    std::string_view since(std::size_t from) const noexcept { return {out_.text_.data() + from, size_ - from}; }
    void truncate(std::size_t to) noexcept { size_ = to; }

    // A token whose text is [from, size()), of term_hash `hash`.
    [[gnu::always_inline]] void add(TokenKind kind, std::size_t from, std::uint64_t hash, bool all_caps = false, bool latin = true)
    {
        out_.tokens_.push_back({kind, all_caps, latin, hash, since(from)});
    }
    void add(TokenKind kind, std::string_view text)
    {
        const std::size_t from = size_;
        for (const char c : text) put(c);
        add(kind, from, term_hash(text));
    }

private:
    [[gnu::noinline]] void grow(std::size_t n)
    {
        const char *const old = out_.text_.data();
        out_.text_.resize(std::max(out_.text_.size() * 2, size_ + n));
        for (TokenRef &t : out_.tokens_) t.text = std::string_view(out_.text_).substr(static_cast<std::size_t>(t.text.data() - old), t.text.size());
    }

    TokenizedText &out_;
    std::size_t size_ = 0;
};

namespace {

// The ASCII letters and digits at the start of 16 bytes.
struct AsciiRun {
    int length;     // 0 to 16
    // Of them, the letters, counted up to 2 (a word is in capitals when it
    // has two or more letters and none is lower-case: counting no further
    // spares a population count per word), and whether one is lower-case.
    int letters;
    bool lower;
    std::uint64_t low, high;   // the run lower-cased, zero-padded to 16 bytes
};

// Finds the run of ASCII letters and digits at the start of `from`'s 16
// bytes and writes all 16, lower-cased, to `to` (bytes past the run are
// written but not kept: the caller's end marks where the text stops).
#if defined(__SSE2__)
AsciiRun ascii_run(const char *from, char *to)
{
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i *>(from));
    // Whether each byte lies in [low, high]: shifted so that the range
    // starts at -128, one signed comparison decides it.
    const auto in_range = [&](char low, char high) {
        const __m128i shifted = _mm_add_epi8(bytes, _mm_set1_epi8(static_cast<char>(-128 - low)));
        return _mm_cmplt_epi8(shifted, _mm_set1_epi8(static_cast<char>(-128 + (high - low) + 1)));
    };
    const __m128i upper = in_range('A', 'Z'), lower = in_range('a', 'z'), digit = in_range('0', '9');
    const __m128i lowered = _mm_add_epi8(bytes, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(to), lowered);
    const auto alnum = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(upper, lower), digit)));
    const int length = __builtin_ctz(~alnum);   // bit 16 is always clear: at most 16
    const unsigned in_run = (1u << length) - 1;
    const auto upper_bits = static_cast<unsigned>(_mm_movemask_epi8(upper)) & in_run;
    const auto lower_bits = static_cast<unsigned>(_mm_movemask_epi8(lower)) & in_run;
    const __m128i positions = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m128i run = _mm_and_si128(lowered, _mm_cmplt_epi8(positions, _mm_set1_epi8(static_cast<char>(length))));
    const unsigned letter_bits = upper_bits | lower_bits;
    return {length, (letter_bits != 0) + ((letter_bits & (letter_bits - 1)) != 0), lower_bits != 0,
            static_cast<std::uint64_t>(_mm_cvtsi128_si64(run)),
            static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(run, run)))};
}
#else
// The same a byte at a time, where SSE2 is not there.
AsciiRun ascii_run(const char *from, char *to)
{
    AsciiRun result{0, 0, false, 0, 0};
    unsigned char run[16] = {};
    bool in_run = true;
    for (int k = 0; k < 16; ++k) {
        const std::uint8_t kind = ascii_class(from[k]);
        to[k] = static_cast<char>(from[k] | ((kind & ascii_upper_bit) << 3));
        in_run = in_run && (kind & ascii_alnum_bit) != 0;
        if (!in_run) continue;
        run[k] = static_cast<unsigned char>(to[k]);
        ++result.length;
        result.letters += (kind & ascii_letter_bit) >> 1;
        result.lower = result.lower || kind == ascii_lower;
    }
    std::memcpy(&result.low, run, 8);
    std::memcpy(&result.high, run + 8, 8);
    return result;
}
#endif

// What read_word learns about a word besides its bytes.
struct WordShape {
    std::size_t letters = 0;    // at least this many: counts may stop at 2
    bool lower_case = false;    // a letter not an ASCII capital was seen
    bool latin = true;
    bool hashed = false;      // the word was one short ASCII run, and this is its term_hash
    std::uint64_t hash = 0;
};

// Appends the word starting at `at` (its first code point known to be a
// letter or an apostrophe) lower-cased, advancing `at`.
void read_word(std::string_view text, std::size_t &at, TokenWriter &out, WordShape &shape)
{
    const std::size_t word_at = at;
    while (at < text.size()) {
        // Plain ASCII letters and digits, the bulk of most text, without
        // decoding, with room for the rest of the text taken first and what
        // is unused given back. Sixteen bytes at a time while that many are
        // left: a word's end is found without a branch per letter, and a
        // word of under 16 is hashed in the same step.
        const std::size_t run_start = at, written = out.size();
        char *to = out.extend(text.size() - at);
        if (at + 16 <= text.size()) {
            const AsciiRun run = ascii_run(text.data() + at, to);
            shape.letters += static_cast<std::size_t>(run.letters);
            shape.lower_case = shape.lower_case || run.lower;
            at += static_cast<std::size_t>(run.length);
            out.truncate(written + static_cast<std::size_t>(run.length));
            if (run.length == 16) continue;
            if (run_start == word_at && run.length > 0) {
                shape.hashed = true;
                shape.hash = term_hash_short(static_cast<std::size_t>(run.length), run.low, run.high);
            }
        } else {
            for (; at < text.size(); ++at) {
                const char c = text[at];
                const std::uint8_t kind = ascii_class(c);
                if ((kind & ascii_alnum_bit) == 0) break;
                shape.letters += (kind & ascii_letter_bit) >> 1;
                shape.lower_case = shape.lower_case || kind == ascii_lower;
                // 'A' + 32 is 'a': the upper bit, shifted, is that 32.
                *to++ = static_cast<char>(c | ((kind & ascii_upper_bit) << 3));
            }
            out.truncate(written + (at - run_start));
        }
        if (at == text.size()) break;
        // After the run, an ASCII byte is an apostrophe or ends the word
        // (letters and digits were all taken): only other bytes are decoded.
        if (static_cast<unsigned char>(text[at]) < 0x80 && text[at] != '\'') break;
        std::size_t next_at = at;
        const std::int32_t c = next_code_point(text, next_at);
        if (c < 0) break;
        if (is_apostrophe(c)) {
            shape.hashed = false;
            out.put('\'');
            at = next_at;
            continue;
        }
        if (!is_letter(c)) break;
        // ASCII letters were taken by the run above: this is another script.
        shape.hashed = false;
        if (!is_latin(c)) shape.latin = false;
        ++shape.letters;
        shape.lower_case = true;
        append_utf8(out, c);
        at = next_at;
    }
}

// Quotes around a word are not part of it; a clitic as tokenized corpora
// write it ("'s", "'re") keeps its apostrophe. Moves `from` and the writer's
// end; returns false when nothing of the word is left.
bool trim_quotes(TokenWriter &out, std::size_t &from)
{
    while (out.size() - from >= 2 && out.since(from).back() == '\'') out.truncate(out.size() - 1);
    if (out.size() - from > 1 && out.since(from).front() == '\'') {
        static constexpr std::string_view clitics[] = {"'s", "'re", "'ve", "'ll", "'d", "'m", "'t"};
        const bool clitic = std::find(std::begin(clitics), std::end(clitics), out.since(from)) != std::end(clitics);
        while (!clitic && out.size() - from > 1 && out.since(from).front() == '\'') ++from;
    }
    return !(out.since(from) == "'" || out.since(from).empty());
}

// A word starting at `at`: letters and digits, with apostrophes inside
// ("don't") or leading a clitic as tokenized corpora write it ("n't", "'s").
// Advances `at`; adds nothing when the word is only apostrophes.
void add_word(std::string_view text, std::size_t &at, TokenWriter &out)
{
    const std::size_t word_start = out.size();
    WordShape shape;
    read_word(text, at, out, shape);
    const std::size_t read_end = out.size();
    std::size_t from = word_start;
    if (!trim_quotes(out, from)) {
        out.truncate(word_start);
        return;
    }
    // Hashed while read, when it was one short run that trimming left alone.
    const bool trimmed = from != word_start || out.size() != read_end;
    const std::uint64_t hash = shape.hashed && !trimmed ? shape.hash : term_hash(out.since(from));
    out.add(TokenKind::word, from, hash, shape.letters >= 2 && !shape.lower_case, shape.latin);
}

} // namespace

std::vector<Token> tokenize(std::string_view text, const EmoticonTable &emoticons)
{
    std::vector<Token> tokens;
    tokenize(text, emoticons, tokens);
    return tokens;
}

void tokenize(std::string_view text, const EmoticonTable &emoticons, std::vector<Token> &tokens)
{
    // One tokenizer, copied out: the views' buffer is kept per thread, so
    // that the learned model's path allocates no more than it did.
    thread_local TokenizedText views;
    tokenize(text, emoticons, views);
    // Tokens are reused, not destroyed: their strings keep their storage.
    tokens.resize(views.tokens().size());
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const TokenRef &from = views.tokens()[k];
        tokens[k].kind = from.kind;
        tokens[k].text.assign(from.text);
        tokens[k].all_caps = from.all_caps;
        tokens[k].latin = from.latin;
    }
}

void tokenize(std::string_view text, const EmoticonTable &emoticons, TokenizedText &into)
{
    TokenWriter out(into, text.size());
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
                if (ends && emoticons.last_bytes.test(static_cast<unsigned char>(candidate.back())) &&
                    emoticons.contains(candidate)) {
                    out.add(TokenKind::emoticon, candidate);
                    at += length;
                    matched = true;
                }
            }
            if (matched) {
                at_start = false;
                continue;
            }
        }
        // A word in plain ASCII, the commonest token, without decoding.
        if (is_ascii_alnum(text[at])) {
            add_word(text, at, out);
            at_start = false;
            continue;
        }
        const std::size_t start = at;
        const std::int32_t cp = static_cast<unsigned char>(text[at]) < 0x80 ? text[at++] : next_code_point(text, at);
        at_start = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == -1;
        if (cp < 0 || cp == ' ' || cp == '\t' || cp == '\r') continue;
        if (cp == '\n' || cp == '.' || cp == '?' || cp == 0x2026) {
            out.add(TokenKind::sentence_end, cp == '?' ? "?" : ".");
            continue;
        }
        if (cp == '!') {
            out.add(TokenKind::exclamation, "!");
            continue;
        }
        if (cp == ',' || cp == ';' || cp == ':' || cp == 0x2014 || cp == 0x2013) {
            out.add(TokenKind::clause_end, ",");
            continue;
        }
        if (cp >= 0x80 && is_emoji(cp)) {
            const std::size_t from = out.size();
            append_utf8(out, cp);
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
            out.add(TokenKind::emoji, from, term_hash(out.since(from)));
            continue;
        }
        if (!is_letter(cp) && !is_apostrophe(cp)) continue;   // other symbols separate words
        at = start;
        add_word(text, at, out);
        at_start = false;
    }
}

} // namespace servicelens::sentiment
