// ServiceLens C++ plugin layer: UTF-8 checks. Every string crossing the
// ABI must be valid UTF-8, and inputs may not be (vendor data is messy), so
// plugins and the host both need these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace servicelens::utf8 {

// The length of the valid sequence at the start of `s`, or 0 when the
// bytes there are not valid UTF-8 (overlong, surrogate, > U+10FFFF, cut).
constexpr std::size_t sequence_length(std::string_view s) noexcept
{
    if (s.empty()) return 0;
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
    const unsigned char c = byte(0);
    if (c < 0x80) return 1;
    std::size_t n = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) { n = 2; cp = c & 0x1Fu; }
    else if ((c & 0xF0) == 0xE0) { n = 3; cp = c & 0x0Fu; }
    else if ((c & 0xF8) == 0xF0) { n = 4; cp = c & 0x07u; }
    else return 0;
    if (s.size() < n) return 0;
    for (std::size_t i = 1; i < n; ++i) {
        if ((byte(i) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i) & 0x3Fu);
    }
    constexpr uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

// The length of the run of ASCII bytes at the start of `s`, found eight
// bytes at a time: most text crossing the ABI is ASCII, and checking it a
// sequence at a time was a tenth of a context plugin's time in a sync.
constexpr std::size_t ascii_prefix(std::string_view s) noexcept
{
    std::size_t n = 0;
    for (; n + 8 <= s.size(); n += 8) {
        unsigned char any = 0;
        for (std::size_t i = 0; i < 8; ++i) any |= static_cast<unsigned char>(s[n + i]);
        if (any & 0x80u) break;
    }
    while (n < s.size() && static_cast<unsigned char>(s[n]) < 0x80u) ++n;
    return n;
}

constexpr bool is_valid(std::string_view s) noexcept
{
    while (!s.empty()) {
        s.remove_prefix(ascii_prefix(s));
        if (s.empty()) return true;
        const std::size_t n = sequence_length(s);
        if (n == 0) return false;
        s.remove_prefix(n);
    }
    return true;
}

// `s` with every invalid byte replaced by U+FFFD.
inline std::string sanitize(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    while (!s.empty()) {
        const std::size_t n = sequence_length(s);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            s.remove_prefix(1);
        } else {
            out.append(s.substr(0, n));
            s.remove_prefix(n);
        }
    }
    return out;
}

} // namespace servicelens::utf8
