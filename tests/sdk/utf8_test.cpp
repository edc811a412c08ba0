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
