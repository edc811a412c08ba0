// A hash index from text keys to 32-bit values (positions in a vector the
// caller owns), built once at load and read by many threads after: open
// addressing, about 32 bytes a key and no allocation per key, so 200,000
// people cost megabytes, not tens of them. Keys are views: keep them alive
// (in a StringStore) as long as the index.
//
//     TextIndex by_email;
//     if (const auto first = by_email.insert(text.keep(email), position)) warn("also on line ...");
//     if (const auto found = by_email.find(lookup_key(incident.caller_email()))) use(people[*found]);
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace servicelens::plugin_support {

class TextIndex {
public:
    // Adds `key` -> `value` and returns nullopt; when the key is there
    // already, changes nothing and returns the value it has.
    std::optional<std::uint32_t> insert(std::string_view key, std::uint32_t value);

    // Adds `key` -> `value`, or changes the value of a key already there.
    void set(std::string_view key, std::uint32_t value);

    std::optional<std::uint32_t> find(std::string_view key) const noexcept;

    std::size_t size() const noexcept { return entries_.size(); }

    // Gives back what growing left unused; call once loading is done.
    void shrink_to_fit();

private:
    struct Entry {
        std::string_view key;
        std::uint32_t value;
        std::uint32_t hash; // part of the key's hash, to skip most comparisons
    };

    static std::size_t hash_of(std::string_view key) noexcept;
    // The slot that holds `key`, or the empty slot where it would go.
    std::size_t slot_of(std::string_view key, std::size_t hash) const noexcept;
    void grow();

    std::vector<Entry> entries_;
    std::vector<std::uint32_t> slots_; // 0: empty; else 1 + the entry's index. A power of two long.
};

} // namespace servicelens::plugin_support
