// Values as exports spell them: keys compared without case or surrounding
// space, and yes/no flags in the spellings HR and CMDB tools write.
//
//     index[lookup_key(row.email)] = person;      // " Ana@Example.COM " finds "ana@example.com"
//     if (auto vip = parse_bool(row.vip)) ...     // "true", "Yes", "1", ... ; nullopt for "maybe"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace servicelens::plugin_support {

// `text` without leading and trailing spaces, tabs and line ends.
std::string_view trim(std::string_view text) noexcept;

// `text` trimmed and with A-Z lower-cased: the form e-mail addresses and
// other case-blind keys are indexed and looked up in.
std::string lookup_key(std::string_view text);

// Whether `text` is already in lookup_key form, so a lookup needs no copy.
bool is_lookup_key(std::string_view text) noexcept;

// true for true/yes/y/1, false for false/no/n/0 (any case, trimmed);
// nullopt for anything else, the empty text included.
std::optional<bool> parse_bool(std::string_view text) noexcept;

} // namespace servicelens::plugin_support
