// How attribute_sets holds a plugin's attributes for one incident (schema 5).
//
// A plugin says the same keys with the same types about every incident:
// that list, the set's shape, is stored once in attribute_shapes, as a JSON
// array of [key, type]. The set itself keeps only the values, a JSON array
// in shape order. Most of a plugin's attributes share a source, confidence
// and observed time, which the set row holds once; a value whose provenance
// differs is written [value, confidence, source, observed_at] instead.
// Keys and types were half of the bytes a sync wrote in schema 3 and 4,
// where every set repeated them.
#pragma once

#include <servicelens/store/state_store.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace servicelens::store {

using AttributeShape = std::vector<std::pair<std::string, std::string>>;   // (key, type) in set order

// The shape as a lookup key: keys and types joined by separators that
// neither may contain. Written into `out`, whose capacity is reused.
void shape_signature(const std::vector<AttributeValue> &attributes, std::string &out);

// The shape as attribute_shapes stores it: [[key, type], ...].
std::string shape_json(const std::vector<AttributeValue> &attributes);
AttributeShape parse_shape(std::string_view json);

// Whether an attribute's provenance is the set's (its first attribute's).
bool same_provenance(const AttributeValue &a, const AttributeValue &b) noexcept;

// The values in shape order; `scratch` keeps its strings' capacity from
// set to set, because a sync packs hundreds of thousands of sets.
std::string pack_values(const std::vector<AttributeValue> &attributes, nlohmann::json &scratch);

// The set's provenance, as its row holds it.
struct SetProvenance {
    double confidence = 0;
    std::string source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
};

// A set back as attributes: its values matched to its shape, each with the
// set's provenance unless it carries its own. Throws SqliteError when the
// values do not fit the shape (a file edited by hand).
std::vector<AttributeValue> unpack_values(const AttributeShape &shape, std::string_view values,
                                          const SetProvenance &provenance);

// Schema 3 and 4 sets ([[key, type, value] or [key, type, value,
// confidence, source, observed_at], ...]), read once to migrate them.
std::vector<AttributeValue> unpack_v3_attributes(std::string_view json, const SetProvenance &provenance);

} // namespace servicelens::store
