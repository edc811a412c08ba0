// A hash map from short strings to values, open addressing with linear
// probing: the scorer looks up every word of every text, and
// std::unordered_map's node chasing and modulo were a third of its time.
// Slots are 8 bytes (half the hash, the value's index), so the table of a
// ten-thousand-term lexicon stays in the L2 cache, and most misses end
// there. A hit reads the slot, then one record holding the key and the
// value side by side: a key of up to 16 bytes (nearly every word) is kept
// in the record itself, and a record starts a cache line, so that a hit
// touches two lines, not three or four (keys in a string of their own, and
// records across line boundaries, were the lookups' misses).
#pragma once

#include "term_hash.hpp"

#include <cstdint>
#include <cstring>
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
        return find(key, term_hash(key), stored_key);
    }
    // The same, with `h` = term_hash(key) already computed.
    const Value *find(std::string_view key, std::uint64_t h, std::string_view *stored_key = nullptr) const noexcept
    {
        if (slots_.empty()) return nullptr;
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            const Slot &s = slots_[i];
            if (s.value == empty) return nullptr;
            if (s.tag == tag && same_key(records_[s.value], key)) {
                if (stored_key) *stored_key = key_of(records_[s.value]);
                return &records_[s.value].value;
            }
        }
    }

    // The value of `key`, default-constructed when new.
    Value &operator[](std::string_view key)
    {
        if ((records_.size() + 1) * 2 > slots_.size()) grow();
        const std::uint64_t h = term_hash(key);
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
            Slot &s = slots_[i];
            if (s.value == empty) {
                s = {tag, static_cast<std::uint32_t>(records_.size())};
                records_.push_back(make_record(key));
                return records_.back().value;
            }
            if (s.tag == tag && same_key(records_[s.value], key)) return records_[s.value].value;
        }
    }

    std::size_t size() const noexcept { return records_.size(); }

private:
    static constexpr std::uint32_t empty = 0xFFFFFFFF;

    struct Slot {
        std::uint32_t tag = 0;   // the hash's upper half: most mismatches end here
        std::uint32_t value = empty;
    };

    static constexpr std::size_t inline_key = 16;

    // A value with its key: in the record when short, else where it lies in
    // keys_. In insertion order.
    struct alignas(64) Record {
        char short_key[inline_key];
        std::uint32_t key_offset, key_length;
        Value value;
    };

    std::string_view key_of(const Record &r) const noexcept
    {
        return std::string_view(r.key_length <= inline_key ? r.short_key : keys_.data() + r.key_offset, r.key_length);
    }

    // Whether `r` is the record of `key`. A short key is compared as two
    // zero-padded words with the record's, without a call to memcmp (a
    // twentieth of the scorer's time, for keys of a few bytes).
    bool same_key(const Record &r, std::string_view key) const noexcept
    {
        if (r.key_length != key.size()) return false;
        if (key.size() > inline_key) return std::memcmp(keys_.data() + r.key_offset, key.data(), key.size()) == 0;
        std::uint64_t stored[2];
        std::memcpy(stored, r.short_key, inline_key);
        if (key.size() <= 8) return stored[0] == term_bytes_le8(key.data(), key.size());
        std::uint64_t low;
        std::memcpy(&low, key.data(), 8);
        return stored[0] == low && stored[1] == term_bytes_le8(key.data() + 8, key.size() - 8);
    }

    Record make_record(std::string_view key)
    {
        Record r{{}, static_cast<std::uint32_t>(keys_.size()), static_cast<std::uint32_t>(key.size()), Value{}};
        if (key.size() <= inline_key) key.copy(r.short_key, key.size());
        else keys_.append(key);
        return r;
    }

    void grow()
    {
        slots_.assign(slots_.empty() ? 64 : slots_.size() * 2, Slot{});
        mask_ = slots_.size() - 1;
        // Re-insert every key: positions depend on the table size.
        for (std::uint32_t v = 0; v < records_.size(); ++v) {
            const std::uint64_t h = term_hash(key_of(records_[v]));
            std::size_t i = h & mask_;
            while (slots_[i].value != empty) i = (i + 1) & mask_;
            slots_[i] = {static_cast<std::uint32_t>(h >> 32), v};
        }
    }

    std::vector<Slot> slots_;
    std::string keys_;
    std::vector<Record> records_;
    std::size_t mask_ = 0;
};

} // namespace servicelens::sentiment
