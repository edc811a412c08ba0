// How the state store finds an incident by its connector and vendor id
// (schema 7): through a 32-bit hash of the two, indexed, instead of a
// unique index on the texts. Vendor ids come in no order (a ServiceNow
// sys_id, the local desk's ids), so each batch's new entries landed all
// over that index and every commit wrote most of its pages again; an
// integer entry is about half the size and compares without decoding text.
//
// Hashes collide: every lookup compares connector and id as well, and the
// host keeps (connector, id) unique inside its write transaction. The
// value is stored in the file, so the function must never change.
#pragma once

#include <servicelens/store/sqlite.hpp>

#include <cstdint>
#include <string_view>

namespace servicelens::store {

// stable_hash() of the connector and the id, folded into a signed 32-bit
// value, which SQLite stores in four bytes.
int64_t incident_id_hash(std::string_view connector, std::string_view id) noexcept;

// Makes incident_id_hash(connector, id) callable from SQL on this
// connection, for the migration that fills the column. Never used in the
// schema itself (an index expression, a generated column): the file must
// stay readable by any SQLite tool.
void define_incident_id_hash(Database &db);

} // namespace servicelens::store
