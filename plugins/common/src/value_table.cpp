#include <servicelens/plugin_support/value_table.hpp>

#include <servicelens/cpp/utf8.hpp>

#include <string>

namespace servicelens::plugin_support {

ValueTable::Id ValueTable::add(std::string_view value)
{
    if (value.empty()) return empty;
    std::string repaired;
    if (!utf8::is_valid(value)) {
        repaired = utf8::sanitize(value);
        value = repaired;
    }
    if (const auto known = ids_.find(value)) return *known;
    const auto id = static_cast<Id>(values_.size());
    values_.push_back(text_.keep(value));
    ids_.insert(values_.back(), id);
    return id;
}

} // namespace servicelens::plugin_support
