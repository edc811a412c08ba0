// JSON Schema (draft-07) validation with valijson, reported the way an admin
// needs it: a JSON pointer, "expected ..., found ...", and for unknown keys
// a "did you mean" suggestion and the keys that are allowed there.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::config {

struct SchemaViolation {
    std::string pointer;    // JSON pointer of the offending value, "" for the root
    bool about_key = false; // the key itself is wrong (unknown), not its value
    std::string message;
};

// Finds the document a "$ref" names (e.g. "comment.schema.json"), or
// returns nullptr when it does not know it.
using SchemaFetcher = std::function<const nlohmann::json *(std::string_view uri)>;

std::vector<SchemaViolation> check_against_schema(const nlohmann::json &schema, const nlohmann::json &value,
                                                  const SchemaFetcher &fetch = {});

// The project's own schemas (schemas/*.schema.json), embedded at build time
// so the CLI needs no files to validate. nullptr for an unknown name.
const nlohmann::json *builtin_schema(std::string_view file_name);

} // namespace servicelens::config
