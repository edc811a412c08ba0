#include "attribute_packing.hpp"

#include <servicelens/store/sqlite.hpp>

namespace servicelens::store {

namespace {

// Attribute keys are lower-case words and dots, and types are fixed names.
constexpr char after_key = '\x1f';
constexpr char after_type = '\x1e';

sl_timestamp_t observed_from(const nlohmann::json &j) { return j.is_null() ? SL_TIMESTAMP_NONE : j.get<sl_timestamp_t>(); }

} // namespace

void shape_signature(const std::vector<AttributeValue> &attributes, std::string &out)
{
    out.clear();
    for (const AttributeValue &a : attributes) {
        out += a.key;
        out += after_key;
        out += a.type;
        out += after_type;
    }
}

bool has_signature(const std::vector<AttributeValue> &attributes, std::string_view signature) noexcept
{
    const auto take = [&](std::string_view part, char separator) {
        if (signature.size() <= part.size() || signature[part.size()] != separator ||
            signature.substr(0, part.size()) != part)
            return false;
        signature.remove_prefix(part.size() + 1);
        return true;
    };
    for (const AttributeValue &a : attributes)
        if (!take(a.key, after_key) || !take(a.type, after_type)) return false;
    return signature.empty();
}

std::string shape_json(const std::vector<AttributeValue> &attributes)
{
    nlohmann::json shape = nlohmann::json::array();
    for (const AttributeValue &a : attributes) shape.push_back({std::string(a.key), std::string(a.type)});
    return shape.dump();
}

AttributeShape parse_shape(std::string_view json)
{
    AttributeShape shape;
    for (const nlohmann::json &entry : nlohmann::json::parse(json))
        shape.emplace_back(entry.at(0).get<std::string>(), entry.at(1).get<std::string>());
    return shape;
}

bool same_provenance(const AttributeValue &a, const AttributeValue &b) noexcept
{
    return a.confidence == b.confidence && a.source == b.source && a.observed_at == b.observed_at;
}

void SetsRow::add(int64_t plugin, std::string_view plugin_version, int64_t shape,
                  const std::vector<AttributeValue> &attributes)
{
    auto &w = begin_entry();
    const auto observed = [&](sl_timestamp_t t) { t == SL_TIMESTAMP_NONE ? w.Null() : w.Int64(t); };
    const AttributeValue &first = attributes.front();
    w.Int64(plugin);
    string(plugin_version);
    w.Int64(shape);
    w.Double(first.confidence);
    string(first.source);
    observed(first.observed_at);
    w.StartArray();
    for (const AttributeValue &a : attributes) {
        if (same_provenance(a, first)) {
            string(a.value);
            continue;
        }
        w.StartArray();
        string(a.value);
        w.Double(a.confidence);
        string(a.source);
        observed(a.observed_at);
        w.EndArray();
    }
    w.EndArray();
    end_entry();
}

std::vector<AttributeRecord> unpack_values(const AttributeShape &shape, const nlohmann::json &values,
                                           const SetProvenance &provenance)
{
    if (!values.is_array() || values.size() != shape.size())
        throw SqliteError("an attribute set holds " + std::to_string(values.size()) + " values for a shape of " +
                          std::to_string(shape.size()) + " attributes; was the state store edited by hand?");
    std::vector<AttributeRecord> out;
    out.reserve(shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const nlohmann::json &v = values[i];
        if (v.is_string()) {
            out.push_back({{}, {}, {}, shape[i].first, shape[i].second, v.get<std::string>(), provenance.confidence,
                           provenance.source, provenance.observed_at});
            continue;
        }
        out.push_back({{}, {}, {}, shape[i].first, shape[i].second, v.at(0).get<std::string>(), v.at(1).get<double>(),
                       v.at(2).get<std::string>(), observed_from(v.at(3))});
    }
    return out;
}

std::vector<AttributeRecord> unpack_v3_attributes(std::string_view json, const SetProvenance &provenance)
{
    std::vector<AttributeRecord> out;
    for (const nlohmann::json &a : nlohmann::json::parse(json)) {
        AttributeRecord &v = out.emplace_back(AttributeRecord{{}, {}, {}, a.at(0).get<std::string>(), a.at(1).get<std::string>(),
                                                              a.at(2).get<std::string>(), provenance.confidence,
                                                              provenance.source, provenance.observed_at});
        if (a.size() < 6) continue;
        v.confidence = a.at(3).get<double>();
        v.source = a.at(4).get<std::string>();
        v.observed_at = observed_from(a.at(5));
    }
    return out;
}

std::vector<AttributeValue> values_of(const std::vector<AttributeRecord> &records)
{
    std::vector<AttributeValue> values;
    values.reserve(records.size());
    for (const AttributeRecord &r : records) values.push_back({r.key, r.type, r.value, r.confidence, r.source, r.observed_at});
    return values;
}

} // namespace servicelens::store
