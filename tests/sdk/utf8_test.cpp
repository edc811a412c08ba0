#include <servicelens/cpp/utf8.hpp>

#include <catch2/catch.hpp>

using servicelens::utf8::is_valid;
using servicelens::utf8::sanitize;

TEST_CASE("valid UTF-8 is accepted")
{
    CHECK(is_valid(""));
    CHECK(is_valid("plain ASCII"));
    CHECK(is_valid("Zürich, 東京, 👍"));
    CHECK(is_valid("\xF4\x8F\xBF\xBF"));   // U+10FFFF
}

TEST_CASE("malformed UTF-8 is rejected")
{
    CHECK_FALSE(is_valid("\xFF"));
    CHECK_FALSE(is_valid("\xC3"));                 // cut
    CHECK_FALSE(is_valid("\xC0\xAF"));             // overlong '/'
    CHECK_FALSE(is_valid("\xED\xA0\x80"));         // surrogate
    CHECK_FALSE(is_valid("\xF4\x90\x80\x80"));     // above U+10FFFF
    CHECK_FALSE(is_valid("\xE2\x82"));             // cut three-byte
    CHECK_FALSE(is_valid("a\x80z"));               // stray continuation
}

TEST_CASE("sanitize replaces each bad byte with U+FFFD and keeps the rest")
{
    CHECK(sanitize("café") == "café");
    CHECK(sanitize("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
    CHECK(sanitize("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(is_valid(sanitize("\xED\xA0\x80 x \xE2\x82")));
}

TEST_CASE("the eight-byte ASCII runs decide as sequence by sequence would, wherever a bad or multi-byte sequence falls")
{
    // The answer checked one sequence at a time, without the fast path.
    const auto reference = [](std::string_view s) {
        while (!s.empty()) {
            const std::size_t n = servicelens::utf8::sequence_length(s);
            if (n == 0) return false;
            s.remove_prefix(n);
        }
        return true;
    };
    for (const std::string insert : {"\xFF", "\x80", "\xC3", "\xC3\xA9", "\xE2\x9C\x93", "\xED\xA0\x80", "\xF0\x9F\x91\x8D"})
        for (std::size_t length = 0; length <= 24; ++length)
            for (std::size_t at = 0; at <= length; ++at) {
                std::string text(length, 'a');
                text.insert(at, insert);
                INFO("length " << length << ", at " << at);
                CHECK(is_valid(text) == reference(text));
            }
    CHECK(servicelens::utf8::ascii_prefix("abcdefghij\xC3\xA9") == 10);
    CHECK(servicelens::utf8::ascii_prefix(std::string(17, 'x')) == 17);
    static_assert(is_valid("constexpr still: Z\xC3\xBCrich"));
}
