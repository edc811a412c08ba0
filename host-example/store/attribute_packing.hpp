// How the state store holds the attributes plugins found (schema 7).
//
// An incident's attribute sets, one per plugin that said something about
// it, are the `sets` column of its row in incidents: a JSON array with an entry
//     [plugin, plugin_version, shape, confidence, source, observed_at, values]
// per set. A plugin says the same keys with the same types about every
// incident: that list, the set's shape, is stored once in attribute_shapes
// as a JSON array of [key, type], and the set names it by key. The values
// are a JSON array in shape order. Most of a plugin's attributes share a
// source, confidence and observed time, which the entry holds once; a value
// whose provenance differs is written [value, confidence, source,
// observed_at] instead. observed_at is in milliseconds since the epoch, or
// null when unknown.
#pragma once

#include <servicelens/store/state_store.hpp>

#include "json_row.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace servicelens::store {

using AttributeShape = std::vector<std::pair<std::string, std::string>>;   // (key, type) in set order

// The positions in a set's entry.
enum SetField : std::size_t { set_plugin, set_plugin_version, set_shape, set_confidence, set_source, set_observed_at, set_values };

// The shape as a lookup key: keys and types joined by separators that
// neither may contain. Written into `out`, whose capacity is reused.
void shape_signature(const std::vector<AttributeValue> &attributes, std::string &out);

// Whether `attributes` have the shape `signature` was made from; compares
// in place, without building a signature.
bool has_signature(const std::vector<AttributeValue> &attributes, std::string_view signature) noexcept;

// The shape as attribute_shapes stores it: [[key, type], ...].
std::string shape_json(const std::vector<AttributeValue> &attributes);
AttributeShape parse_shape(std::string_view json);

// Whether an attribute's provenance is the set's (its first attribute's).
bool same_provenance(const AttributeValue &a, const AttributeValue &b) noexcept;

// An incident's row of sets (json_row.hpp).
class SetsRow : public JsonRow {
public:
    // Adds a set; `attributes` is not empty.
    void add(int64_t plugin, std::string_view plugin_version, int64_t shape, const std::vector<AttributeValue> &attributes);
};

// The provenance a set's entry holds once for most of its values.
struct SetProvenance {
    double confidence = 0;
    std::string source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
};

// A set back as attributes: its values matched to its shape, each with the
// set's provenance unless it carries its own. The records' incident and
// plugin are left for the caller. Throws SqliteError when the values do
// not fit the shape (a file edited by hand).
std::vector<AttributeRecord> unpack_values(const AttributeShape &shape, const nlohmann::json &values,
                                           const SetProvenance &provenance);

// Schema 3 and 4 sets ([[key, type, value] or [key, type, value,
// confidence, source, observed_at], ...]), read once to migrate them.
std::vector<AttributeRecord> unpack_v3_attributes(std::string_view json, const SetProvenance &provenance);

// Records as the values SetsRow::add takes, borrowing their texts.
std::vector<AttributeValue> values_of(const std::vector<AttributeRecord> &records);

} // namespace servicelens::store
