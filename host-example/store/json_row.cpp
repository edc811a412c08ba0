#include "json_row.hpp"

namespace servicelens::store {

JsonRow::JsonRow() : writer_(buffer_) { clear(); }

void JsonRow::clear()
{
    buffer_.Clear();
    writer_.Reset(buffer_);
    writer_.StartArray();
    entries_ = 0;
    closed_ = false;
}

rapidjson::Writer<rapidjson::StringBuffer> &JsonRow::begin_entry()
{
    writer_.StartArray();
    return writer_;
}

void JsonRow::end_entry()
{
    writer_.EndArray();
    ++entries_;
}

void JsonRow::string(std::string_view s) { writer_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

std::string_view JsonRow::text()
{
    if (!closed_) writer_.EndArray();
    closed_ = true;
    return {buffer_.GetString(), buffer_.GetSize()};
}

} // namespace servicelens::store
