// The text of one loaded snapshot (a directory, an asset export), packed in
// large blocks instead of one heap string per field, with repeated values
// (departments, sites, models) kept once. Views stay valid as long as the
// store, also after the store is moved, so indexes can key on them.
//
//     StringStore text;
//     person.email = text.keep(row.email);             // unique values
//     person.department = text.intern(row.department); // values many rows share
//
// Everything kept is valid UTF-8: invalid bytes become U+FFFD, because
// what a plugin emits must be (the ABI's rule) and exports are messy.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace servicelens::plugin_support {

class StringStore {
public:
    StringStore() = default;
    StringStore(StringStore &&) noexcept = default;
    StringStore &operator=(StringStore &&) noexcept = default;
    StringStore(const StringStore &) = delete;
    StringStore &operator=(const StringStore &) = delete;

    // A copy of `text`; the empty view for empty text.
    std::string_view keep(std::string_view text);

    // The one copy of `text` this store holds, made on first use.
    std::string_view intern(std::string_view text);

    // Bytes allocated for text (not counting the intern table).
    std::size_t allocated_bytes() const noexcept { return allocated_; }

private:
    std::string_view copy_in(std::string_view valid_text);

    std::vector<std::unique_ptr<char[]>> blocks_;
    char *free_ = nullptr; // the unused rest of the current block
    std::size_t free_size_ = 0;
    std::size_t allocated_ = 0;
    std::unordered_set<std::string_view> interned_;
};

} // namespace servicelens::plugin_support
