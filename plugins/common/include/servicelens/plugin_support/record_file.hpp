// The rows of an export that comes as CSV or as JSON lines with the same
// keys, as named text fields: one loader serves both forms.
//
//     constexpr std::array<std::string_view, 2> columns = {"owner_email", "model"};
//     constexpr std::array<std::string_view, 1> required = {"owner_email"};
//     for_each_record(file, RecordFormat::csv, columns, required, warn,
//                     [&](const Record &row) { use(row.fields[0], row.fields[1]); });
#pragma once

#include "csv_file.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::plugin_support {

enum class RecordFormat { csv, json_lines };

// The format a config names: "csv" or "jsonl"; nullopt for anything else.
std::optional<RecordFormat> record_format_named(std::string_view name) noexcept;

// The format a file name's extension says: .csv, or .jsonl / .ndjson (any
// case); nullopt for anything else.
std::optional<RecordFormat> record_format_of(std::string_view file_name);

struct Record {
    std::size_t line = 0;            // where the row starts, 1-based
    std::vector<std::string> fields; // one per requested column; "" when the row has none
};

using RecordVisitor = std::function<void(const Record &row)>;

// Calls `visit` with each row, its fields in the order of `columns`.
//  * CSV: the header must name every `required` column, else this throws
//    naming the file, the column and the header. Rows with the wrong number
//    of fields are warned with file:line and skipped.
//  * JSON lines: one object per line. Strings are taken as they are,
//    numbers and true/false as their JSON text, null as "". A line that is
//    not an object, lacks a `required` key or has an object or array for a
//    requested key is warned with file:line and skipped.
// Returns, per requested column, whether the export has it: in the CSV
// header, or in at least one JSON line. Throws std::runtime_error naming the
// path when the file is missing or unreadable.
std::vector<bool> for_each_record(const std::filesystem::path &file, RecordFormat format,
                                  std::span<const std::string_view> columns, std::span<const std::string_view> required,
                                  const Warn &warn, const RecordVisitor &visit);

// The same over text already in memory (a download, say); messages name
// `source_name` where they would name the file.
std::vector<bool> for_each_record_in(std::string_view text, const std::string &source_name, RecordFormat format,
                                     std::span<const std::string_view> columns,
                                     std::span<const std::string_view> required, const Warn &warn,
                                     const RecordVisitor &visit);

} // namespace servicelens::plugin_support
