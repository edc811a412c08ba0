// Reading a plugin's data files: the whole text, or JSON lines with their
// line numbers. Both throw std::runtime_error naming the path when the file
// is missing or unreadable, so a plugin fails at create time, not at the
// first incident.
#pragma once

#include "csv_file.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>

namespace servicelens::plugin_support {

std::string read_text_file(const std::filesystem::path &file);

// Calls `visit` with each line that is a JSON object; other lines (not
// JSON, or JSON but not an object) are reported through `warn` with file
// and line, and skipped. Blank lines are skipped silently.
void for_each_json_line(const std::filesystem::path &file, const Warn &warn,
                        const std::function<void(const nlohmann::json &object, std::size_t line)> &visit);

// The same over text already in memory (a download, say); warnings name
// `source_name` where they would name the file.
void for_each_json_line_in(std::string_view text, const std::string &source_name, const Warn &warn,
                           const std::function<void(const nlohmann::json &object, std::size_t line)> &visit);

} // namespace servicelens::plugin_support
