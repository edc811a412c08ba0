// A YAML file as JSON (for JSON Schema validation), with the line and column
// of every value, so each problem can point into the file.
//
// Plain scalars are typed by the YAML 1.2 core schema (null, true/false,
// integers, floats); quoted scalars are always strings, so `port: "8080"`
// stays text. Guards against what admins and attackers feed a parser:
// files over 4 MiB, tab indentation, nesting deeper than 64 levels, alias
// bombs, duplicate keys.
#pragma once

#include "config_problem.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>

namespace servicelens::config {

inline constexpr std::size_t max_config_bytes = 4u << 20;
inline constexpr int max_nesting = 64;
inline constexpr std::size_t max_values = 200000;

struct YamlDocument {
    std::string file;
    nlohmann::json value;
    std::map<std::string, SourceLocation> locations;       // JSON pointer -> where the value starts
    std::map<std::string, SourceLocation> key_locations;   // JSON pointer -> where its key starts

    // Where the value at `pointer` (or its nearest ancestor) starts.
    SourceLocation location_of(const std::string &pointer) const;
    // A problem at `pointer`, with its location and YAML path filled in;
    // `about_key` points at the key rather than the value.
    ConfigProblem problem_at(const std::string &pointer, std::string message, bool about_key = false) const;
};

// Throws ConfigError (with line:column) for syntax errors and the guards above.
YamlDocument parse_yaml(std::string_view text, const std::string &file);

// Reads and parses a file; throws ConfigError when it cannot be read.
YamlDocument load_yaml_file(const std::filesystem::path &path);

// "/plugins/1/config/file" -> "plugins[1].config.file"
std::string yaml_path(const std::string &json_pointer);

} // namespace servicelens::config
