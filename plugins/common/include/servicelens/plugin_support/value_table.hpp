// Values many rows share (departments, sites, device models), each kept
// once and named by a 4-byte number: a row of such fields then costs 4
// bytes a field instead of a 16-byte view. Like StringStore, it keeps only
// valid UTF-8 (invalid bytes become U+FFFD).
//
//     ValueTable values;
//     person.department = values.add(row.department);
//     sink.text(i, "caller.department", values[person.department], from);
#pragma once

#include "string_store.hpp"
#include "text_index.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace servicelens::plugin_support {

class ValueTable {
public:
    using Id = std::uint32_t;
    static constexpr Id empty = 0; // the empty text, which every table has

    // The number of `value`, added on first use.
    Id add(std::string_view value);

    std::string_view operator[](Id id) const noexcept { return values_[id]; }
    std::size_t size() const noexcept { return values_.size(); }

private:
    StringStore text_;
    std::vector<std::string_view> values_ = {std::string_view()};
    TextIndex ids_;
};

} // namespace servicelens::plugin_support
