// A hash that stays the same across builds, compilers and platforms, for
// values kept in files or sent to vendors (a state store's incident index,
// a write-back's idempotency key): FNV-1a, 64-bit, over the parts, each
// followed by 0xff, a byte no UTF-8 text holds, so that ("ab", "c") and
// ("a", "bc") differ. Not for anything an adversary picks to collide.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace servicelens::store {

inline uint64_t stable_hash(std::initializer_list<std::string_view> parts) noexcept
{
    constexpr uint64_t prime = 1099511628211ull;
    uint64_t h = 1469598103934665603ull;
    for (const std::string_view part : parts) {
        for (const unsigned char c : part) h = (h ^ c) * prime;
        h = (h ^ 0xffu) * prime;
    }
    return h;
}

} // namespace servicelens::store
