// Entries of an LDIF file (RFC 2849), the form LDAP directories and Active
// Directory (ldifde) export in: folded lines joined, comments dropped,
// base64 values ("name:: ...") decoded.
//
//     for_each_ldif_entry(text, "people.ldif", warn, [&](const LdifEntry &entry) {
//         if (const std::string *mail = entry.first("mail")) ...
//     });
#pragma once

#include <servicelens/plugin_support/csv_file.hpp>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace servicelens::directory {

struct LdifEntry {
    std::size_t line = 0; // the line of its dn
    std::string dn;
    // In file order; names lower-cased, options such as ";lang-de" dropped.
    std::vector<std::pair<std::string, std::string>> attributes;

    // The first value of attribute `name` (lower-case), or nullptr.
    const std::string *first(std::string_view name) const noexcept;
};

// Calls `visit` with each entry of `text`. A malformed entry (no dn first,
// a line that is not "name: value", bad base64) is warned with
// source_name:line and skipped, as are change records (changetype), which
// describe edits, not people. Values given by URL ("name:< file:///...")
// are warned and left out; the rest of their entry is kept.
void for_each_ldif_entry(std::string_view text, const std::string &source_name, const plugin_support::Warn &warn,
                         const std::function<void(const LdifEntry &)> &visit);

} // namespace servicelens::directory
