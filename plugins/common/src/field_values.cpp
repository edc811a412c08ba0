#include <servicelens/plugin_support/field_values.hpp>

#include <servicelens/cpp/strings.hpp>

#include <array>

namespace servicelens::plugin_support {

namespace {

bool is_space(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool equals_ignoring_case(std::string_view a, std::string_view b) noexcept
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

} // namespace

std::string_view trim(std::string_view text) noexcept
{
    while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
    return text;
}

std::string lookup_key(std::string_view text)
{
    return ascii_lower(trim(text));
}

bool is_lookup_key(std::string_view text) noexcept
{
    if (trim(text).size() != text.size()) return false;
    for (const char c : text)
        if (c >= 'A' && c <= 'Z') return false;
    return true;
}

std::optional<bool> parse_bool(std::string_view text) noexcept
{
    static constexpr std::array<std::string_view, 4> yes = {"true", "yes", "y", "1"};
    static constexpr std::array<std::string_view, 4> no = {"false", "no", "n", "0"};
    text = trim(text);
    for (const std::string_view word : yes)
        if (equals_ignoring_case(text, word)) return true;
    for (const std::string_view word : no)
        if (equals_ignoring_case(text, word)) return false;
    return std::nullopt;
}

} // namespace servicelens::plugin_support
