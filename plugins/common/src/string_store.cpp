#include <servicelens/plugin_support/string_store.hpp>

#include <servicelens/cpp/utf8.hpp>

#include <cstring>
#include <string>

namespace servicelens::plugin_support {

namespace {

constexpr std::size_t block_size = 64 * 1024;

} // namespace

std::string_view StringStore::keep(std::string_view text)
{
    if (text.empty()) return {};
    if (utf8::is_valid(text)) return copy_in(text);
    return copy_in(utf8::sanitize(text));
}

std::string_view StringStore::intern(std::string_view text)
{
    if (text.empty()) return {};
    std::string repaired;
    if (!utf8::is_valid(text)) {
        repaired = utf8::sanitize(text);
        text = repaired;
    }
    if (const auto found = interned_.find(text); found != interned_.end()) return *found;
    const std::string_view kept = copy_in(text);
    interned_.insert(kept);
    return kept;
}

std::string_view StringStore::copy_in(std::string_view valid_text)
{
    const std::size_t size = valid_text.size();
    // Rationale: a long value gets a block of its own, so it never wastes
    // the rest of a shared block.
    if (size > block_size / 8) {
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(size));
        allocated_ += size;
        std::memcpy(blocks_.back().get(), valid_text.data(), size);
        return {blocks_.back().get(), size};
    }
    if (size > free_size_) {
        blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_size));
        allocated_ += block_size;
        free_ = blocks_.back().get();
        free_size_ = block_size;
    }
    std::memcpy(free_, valid_text.data(), size);
    const std::string_view kept(free_, size);
    free_ += size;
    free_size_ -= size;
    return kept;
}

} // namespace servicelens::plugin_support
