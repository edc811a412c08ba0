#include "incident_lookup.hpp"

#include <servicelens/store/stable_hash.hpp>

#include <sqlite3.h>

namespace servicelens::store {

int64_t incident_id_hash(std::string_view connector, std::string_view id) noexcept
{
    const uint64_t h = stable_hash({connector, id});
    return static_cast<int32_t>(static_cast<uint32_t>(h ^ (h >> 32)));
}

namespace {

std::string_view text_argument(sqlite3_value *value)
{
    const auto *text = reinterpret_cast<const char *>(sqlite3_value_text(value));
    return text ? std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(value))) : std::string_view();
}

void incident_id_hash_sql(sqlite3_context *context, int, sqlite3_value **arguments)
{
    sqlite3_result_int64(context, incident_id_hash(text_argument(arguments[0]), text_argument(arguments[1])));
}

} // namespace

void define_incident_id_hash(Database &db)
{
    if (sqlite3_create_function_v2(db.handle(), "incident_id_hash", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                   &incident_id_hash_sql, nullptr, nullptr, nullptr) != SQLITE_OK)
        db.fail("defining incident_id_hash()");
}

} // namespace servicelens::store
