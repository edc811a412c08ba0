// An incident's row of results as the state store writes it: a JSON array
// of entries, written entry by entry with RapidJSON's streaming writer.
// nlohmann-json can only write a document it has built, and building,
// writing and freeing one per incident was a quarter of the store's time.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace servicelens::store {

class JsonRow {
public:
    JsonRow();
    bool empty() const noexcept { return entries_ == 0; }
    // The row as JSON text; valid until the next clear().
    std::string_view text();
    void clear();

protected:
    // Entries are arrays: begin, write the fields, end.
    rapidjson::Writer<rapidjson::StringBuffer> &begin_entry();
    void end_entry();
    void string(std::string_view s);
    rapidjson::Writer<rapidjson::StringBuffer> &writer() noexcept { return writer_; }

private:
    rapidjson::StringBuffer buffer_;
    rapidjson::Writer<rapidjson::StringBuffer> writer_;
    std::size_t entries_ = 0;
    bool closed_ = false;
};

} // namespace servicelens::store
