// ServiceLens C++ plugin layer: between sl_str_t and std::string_view.
#pragma once

#include <servicelens/str.h>

#include <string>
#include <string_view>

namespace servicelens {

constexpr std::string_view view(sl_str_t s) noexcept
{
    return s.size == 0 ? std::string_view{} : std::string_view{s.data, s.size};
}

constexpr sl_str_t str(std::string_view s) noexcept { return sl_str_t{s.data(), s.size()}; }

inline std::string copy(sl_str_t s) { return std::string(view(s)); }

// `s` with A-Z turned into a-z and every other byte kept, UTF-8 included:
// enough for e-mail addresses, ids and English keywords.
inline std::string ascii_lower(std::string_view s)
{
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

} // namespace servicelens
