#include <servicelens/plugin_support/record_file.hpp>

#include <servicelens/plugin_support/text_file.hpp>

#include <servicelens/cpp/strings.hpp>

#include <nlohmann/json.hpp>

namespace servicelens::plugin_support {

namespace {

std::vector<bool> visit_csv(std::string_view text, const std::string &source_name,
                            std::span<const std::string_view> columns, std::span<const std::string_view> required,
                            const Warn &warn, const RecordVisitor &visit)
{
    CsvReader csv(text, source_name, warn);
    for (const std::string_view name : required) csv.require_column(name);
    std::vector<std::optional<std::size_t>> at;
    std::vector<bool> present;
    for (const std::string_view name : columns) {
        at.push_back(csv.column(name));
        present.push_back(at.back().has_value());
    }
    Record record;
    record.fields.resize(columns.size());
    while (const CsvRow *row = csv.next()) {
        record.line = row->line;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (at[i])
                record.fields[i] = row->fields[*at[i]];
            else
                record.fields[i].clear();
        }
        visit(record);
    }
    return present;
}

// The text of a JSON value that stands for a field; nullopt for objects and arrays.
std::optional<std::string> field_text(const nlohmann::json &value)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return std::string();
    if (value.is_structured()) return std::nullopt;
    return value.dump();
}

std::vector<bool> visit_json_lines(std::string_view text, const std::string &source_name,
                                   std::span<const std::string_view> columns,
                                   std::span<const std::string_view> required, const Warn &warn,
                                   const RecordVisitor &visit)
{
    std::vector<bool> present(columns.size(), false);
    Record record;
    record.fields.resize(columns.size());
    const auto where = [&](std::size_t line) { return source_name + ":" + std::to_string(line) + ": "; };
    for_each_json_line_in(text, source_name, warn, [&](const nlohmann::json &object, std::size_t line) {
        for (const std::string_view name : required)
            if (!object.contains(name)) return warn(where(line) + "no \"" + std::string(name) + "\"; line skipped");
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const auto found = object.find(columns[i]);
            if (found == object.end()) {
                record.fields[i].clear();
                continue;
            }
            auto value = field_text(*found);
            if (!value)
                return warn(where(line) + "\"" + std::string(columns[i]) +
                            "\" is an object or an array, not a value; line skipped");
            record.fields[i] = std::move(*value);
            present[i] = true;
        }
        record.line = line;
        visit(record);
    });
    return present;
}

} // namespace

std::optional<RecordFormat> record_format_named(std::string_view name) noexcept
{
    if (name == "csv") return RecordFormat::csv;
    if (name == "jsonl") return RecordFormat::json_lines;
    return std::nullopt;
}

std::optional<RecordFormat> record_format_of(std::string_view file_name)
{
    const auto dot = file_name.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    const std::string extension = ascii_lower(file_name.substr(dot + 1));
    if (extension == "csv") return RecordFormat::csv;
    if (extension == "jsonl" || extension == "ndjson") return RecordFormat::json_lines;
    return std::nullopt;
}

std::vector<bool> for_each_record(const std::filesystem::path &file, RecordFormat format,
                                  std::span<const std::string_view> columns, std::span<const std::string_view> required,
                                  const Warn &warn, const RecordVisitor &visit)
{
    return for_each_record_in(read_text_file(file), file.string(), format, columns, required, warn, visit);
}

std::vector<bool> for_each_record_in(std::string_view text, const std::string &source_name, RecordFormat format,
                                     std::span<const std::string_view> columns,
                                     std::span<const std::string_view> required, const Warn &warn,
                                     const RecordVisitor &visit)
{
    if (format == RecordFormat::csv) return visit_csv(text, source_name, columns, required, warn, visit);
    return visit_json_lines(text, source_name, columns, required, warn, visit);
}

} // namespace servicelens::plugin_support
