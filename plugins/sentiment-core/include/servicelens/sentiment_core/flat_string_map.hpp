// A hash map from short strings to values, open addressing with linear
// probing: the scorer looks up every word of every text, and
// std::unordered_map's node chasing and modulo were a third of its time.
// Slots are 8 bytes (half the hash, the value's index), so the table of a
// ten-thousand-term lexicon stays in the L2 cache, and most misses end
// there; keys live in one buffer and values in one array.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::sentiment {

template <class Value>
class FlatStringMap {
public:
    // The value of `key`, or nullptr; `stored_key`, when given, gets the
    // map's own copy of the key, valid until the next insertion.
    const Value *find(std::string_view key, std::string_view *stored_key = nullptr) const noexcept
    {
        if (slots_.empty()) return nullptr;
        const std::uint64_t h = hash(key);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot &s = slots_[i];
            if (s.value == empty) return nullptr;
            if (s.tag == tag && key_of(s) == key) {
                if (stored_key) *stored_key = key_of(s);
                return &values_[s.value];
            }
        }
    }

    // The value of `key`, default-constructed when new.
    Value &operator[](std::string_view key)
    {
        if ((values_.size() + 1) * 2 > slots_.size()) grow();
        const std::uint64_t h = hash(key);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            Slot &s = slots_[i];
            if (s.value == empty) {
                s = {tag, static_cast<std::uint32_t>(values_.size())};
                key_offsets_.push_back(static_cast<std::uint32_t>(keys_.size()));
                key_lengths_.push_back(static_cast<std::uint32_t>(key.size()));
                keys_.append(key);
                values_.emplace_back();
                return values_.back();
            }
            if (s.tag == tag && key_of(s) == key) return values_[s.value];
        }
    }

    std::size_t size() const noexcept { return values_.size(); }

private:
    static constexpr std::uint32_t empty = 0xFFFFFFFF;

    struct Slot {
        std::uint32_t tag = 0;   // the hash's upper half: most mismatches end here
        std::uint32_t value = empty;
    };

    // FNV-1a: a word is a handful of bytes, where it beats longer hashes.
    static std::uint64_t hash(std::string_view key) noexcept
    {
        std::uint64_t h = 0xcbf29ce484222325ULL;
        for (const char c : key) {
            h ^= static_cast<unsigned char>(c);
            h *= 0x100000001b3ULL;
        }
        return h ^ (h >> 29);
    }

    std::string_view key_of(const Slot &s) const noexcept
    {
        return std::string_view(keys_).substr(key_offsets_[s.value], key_lengths_[s.value]);
    }

    void grow()
    {
        slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, Slot{});
        mask_ = slots_.size() - 1;
        // Re-insert every key: positions depend on the table size.
        for (std::uint32_t v = 0; v < key_lengths_.size(); ++v) {
            const std::uint64_t h = hash(std::string_view(keys_).substr(key_offsets_[v], key_lengths_[v]));
            std::size_t i = h & mask_;
            while (slots_[i].value != empty) i = (i + 1) & mask_;
            slots_[i] = {static_cast<std::uint32_t>(h >> 32), v};
        }
    }

    std::vector<Slot> slots_;
    std::string keys_;
    std::vector<std::uint32_t> key_offsets_, key_lengths_;   // per value, in insertion order
    std::vector<Value> values_;
    std::size_t mask_ = 0;
};

} // namespace servicelens::sentiment
