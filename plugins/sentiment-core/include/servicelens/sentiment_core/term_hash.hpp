// The hash the lexicon's tables are keyed by, in a header of its own: the
// tokenizer computes it once per token, so that the lexicon's lookups and
// the phrase filter do not hash the same word again.
//
// Rationale: 16 bytes at a time, the last chunk zero-padded. A word is a
// handful of bytes, hashed in one step rather than with a multiplication
// per byte (FNV-1a, before), a chain the tokenizer had to wait on; and the
// tokenizer has a short word's 16 bytes in a register already.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace servicelens::sentiment {

inline constexpr std::uint64_t term_hash_seed = 0x243F6A8885A308D3ULL;

// Mixes 16 bytes of a term (as two little-endian words) into the hash.
inline std::uint64_t term_hash_chunk(std::uint64_t h, std::uint64_t low, std::uint64_t high) noexcept
{
    h = (h ^ low) * 0x9E3779B97F4A7C15ULL;
    h ^= h >> 32;
    h = (h ^ high) * 0xC2B2AE3D27D4EB4FULL;
    return h ^ (h >> 29);
}

// MurmurHash3's finish: every bit of the table index, the tag and the
// phrase filter's bit depends on every byte.
inline std::uint64_t term_hash_finish(std::uint64_t h) noexcept
{
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    return h ^ (h >> 33);
}

// term_hash of a term shorter than 16 bytes whose bytes, zero-padded to 16,
// are `low` and `high`.
inline std::uint64_t term_hash_short(std::size_t length, std::uint64_t low, std::uint64_t high) noexcept
{
    return term_hash_finish(term_hash_chunk(term_hash_seed ^ length, low, high));
}

inline std::uint64_t term_hash(std::string_view term) noexcept
{
    std::uint64_t h = term_hash_seed ^ term.size();
    std::uint64_t words[2];
    std::size_t at = 0;
    for (; term.size() - at >= 16; at += 16) {
        std::memcpy(words, term.data() + at, 16);
        h = term_hash_chunk(h, words[0], words[1]);
    }
    unsigned char tail[16] = {};
    for (std::size_t k = 0; at + k < term.size(); ++k) tail[k] = static_cast<unsigned char>(term[at + k]);
    std::memcpy(words, tail, 16);
    return term_hash_finish(term_hash_chunk(h, words[0], words[1]));
}

} // namespace servicelens::sentiment
