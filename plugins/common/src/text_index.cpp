#include <servicelens/plugin_support/text_index.hpp>

#include <functional>
#include <stdexcept>

namespace servicelens::plugin_support {

std::size_t TextIndex::hash_of(std::string_view key) noexcept
{
    return std::hash<std::string_view>{}(key);
}

std::size_t TextIndex::slot_of(std::string_view key, std::size_t hash) const noexcept
{
    const std::size_t mask = slots_.size() - 1;
    const auto fragment = static_cast<std::uint32_t>(static_cast<std::uint64_t>(hash) >> 32);
    for (std::size_t slot = hash & mask;; slot = (slot + 1) & mask) {
        const std::uint32_t taken = slots_[slot];
        if (taken == 0) return slot;
        const Entry &entry = entries_[taken - 1];
        if (entry.hash == fragment && entry.key == key) return slot;
    }
}

void TextIndex::grow()
{
    // Rationale: at most half the slots are taken, so probes stay short.
    std::vector<std::uint32_t> slots(slots_.empty() ? 16 : slots_.size() * 2, 0);
    slots_.swap(slots);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        std::size_t slot = hash_of(entries_[i].key) & mask;
        while (slots_[slot] != 0) slot = (slot + 1) & mask;
        slots_[slot] = static_cast<std::uint32_t>(i + 1);
    }
}

std::optional<std::uint32_t> TextIndex::insert(std::string_view key, std::uint32_t value)
{
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    const std::size_t hash = hash_of(key);
    const std::size_t slot = slot_of(key, hash);
    if (slots_[slot] != 0) return entries_[slots_[slot] - 1].value;
    if (entries_.size() >= UINT32_MAX - 1) throw std::length_error("TextIndex: more than 4 billion keys");
    entries_.push_back({key, value, static_cast<std::uint32_t>(static_cast<std::uint64_t>(hash) >> 32)});
    slots_[slot] = static_cast<std::uint32_t>(entries_.size());
    return std::nullopt;
}

void TextIndex::set(std::string_view key, std::uint32_t value)
{
    if (insert(key, value)) entries_[slots_[slot_of(key, hash_of(key))] - 1].value = value;
}

std::optional<std::uint32_t> TextIndex::find(std::string_view key) const noexcept
{
    if (slots_.empty()) return std::nullopt;
    const std::uint32_t taken = slots_[slot_of(key, hash_of(key))];
    if (taken == 0) return std::nullopt;
    return entries_[taken - 1].value;
}

void TextIndex::shrink_to_fit()
{
    entries_.shrink_to_fit();
}

} // namespace servicelens::plugin_support
