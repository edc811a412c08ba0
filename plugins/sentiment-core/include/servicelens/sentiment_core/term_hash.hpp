// The hash the lexicon's tables are keyed by, in a header of its own: the
// tokenizer computes it once per token, so that the lexicon's lookups and
// the phrase filter do not hash the same word again.
//
// Rationale: 16 bytes at a time, the last chunk zero-padded. A word is a
// handful of bytes, hashed in one step rather than with a multiplication
// per byte (FNV-1a, before), a chain the tokenizer had to wait on; and the
// tokenizer has a short word's 16 bytes in a register already.
#pragma once

#include <bit>
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

// Mixes the last 16 bytes in and finishes: every bit of the table index,
// the tag and the phrase filter's bit depends on every byte. The two
// halves are multiplied side by side and one multiplication finishes,
// three multiplications deep where chunk-then-MurmurHash3-finish was
// four: the hash is on the tokenizer's path for every word.
inline std::uint64_t term_hash_last(std::uint64_t h, std::uint64_t low, std::uint64_t high) noexcept
{
    const std::uint64_t a = (h ^ low) * 0x9E3779B97F4A7C15ULL;
    const std::uint64_t b = (h + high) * 0xC2B2AE3D27D4EB4FULL;
    std::uint64_t x = a ^ ((b << 31) | (b >> 33));
    x ^= x >> 32;
    x *= 0xFF51AFD7ED558CCDULL;
    return x ^ (x >> 29);
}

// term_hash of a term shorter than 16 bytes whose bytes, zero-padded to 16,
// are `low` and `high`.
inline std::uint64_t term_hash_short(std::size_t length, std::uint64_t low, std::uint64_t high) noexcept
{
    return term_hash_last(term_hash_seed ^ length, low, high);
}

// The word loads here and the lexicon table's key compare (which compares
// these words with bytes copied by memcpy) assume little-endian order; a
// big-endian port must change both, so it does not build by accident.
static_assert(std::endian::native == std::endian::little, "term_hash assumes a little-endian machine");

// The `n` (at most 8) bytes at `p` as a little-endian word, zero-padded,
// reading only those bytes: two overlapping loads instead of a loop.
inline std::uint64_t term_bytes_le8(const char *p, std::size_t n) noexcept
{
    if (n >= 4) {
        std::uint32_t first, last;
        std::memcpy(&first, p, 4);
        std::memcpy(&last, p + n - 4, 4);
        // `last` holds bytes n-4 .. n-1: the ones past 4 go above `first`.
        return first | ((static_cast<std::uint64_t>(last) >> (8 * (8 - n))) << 32);
    }
    if (n == 0) return 0;
    const auto byte = [&](std::size_t k) { return static_cast<std::uint64_t>(static_cast<unsigned char>(p[k])); };
    return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
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
    // The tail, zero-padded to 16 bytes. Rationale: phrases are hashed
    // whole for every lookup; a byte loop here was most of that.
    const std::size_t rest = term.size() - at;
    const char *tail = term.data() + at;
    std::uint64_t low, high = 0;
    if (rest > 8) {
        std::memcpy(&low, tail, 8);
        std::uint64_t last;
        std::memcpy(&last, tail + rest - 8, 8);
        high = last >> (8 * (16 - rest));   // bytes 8 .. rest-1
    } else {
        low = term_bytes_le8(tail, rest);
    }
    return term_hash_last(h, low, high);
}

} // namespace servicelens::sentiment
