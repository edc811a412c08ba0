#include <servicelens/plugin_support/csv_file.hpp>
#include <servicelens/plugin_support/text_file.hpp>

#include <stdexcept>

namespace servicelens::plugin_support {

namespace {

// Splits the next record starting at `at`; false when the quotes never
// close. Advances `at` past the record and `line` past its newlines.
bool next_record(std::string_view text, std::size_t &at, std::size_t &line, std::vector<std::string> &fields)
{
    fields.assign(1, std::string());
    bool quoted = false;
    for (; at < text.size(); ++at) {
        const char c = text[at];
        if (quoted) {
            if (c == '"' && at + 1 < text.size() && text[at + 1] == '"') {
                fields.back() += '"';
                ++at;
            } else if (c == '"') {
                quoted = false;
            } else {
                if (c == '\n') ++line;
                fields.back() += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.emplace_back();
        } else if (c == '\n') {
            ++at;
            ++line;
            break;
        } else if (c != '\r') {
            fields.back() += c;
        }
    }
    return !quoted;
}

} // namespace

CsvFile CsvFile::read(const std::filesystem::path &file, const Warn &warn)
{
    return parse(read_text_file(file), file.string(), warn);
}

CsvFile CsvFile::parse(std::string_view text, const std::string &file_name, const Warn &warn)
{
    CsvFile csv;
    csv.file_name_ = file_name;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);   // a spreadsheet's byte-order mark
    std::size_t at = 0, line = 1;
    std::vector<std::string> fields;
    if (text.empty() || !next_record(text, at, line, fields))
        throw std::runtime_error(file_name + ": no header row (expected the column names on line 1)");
    csv.header_ = fields;
    while (at < text.size()) {
        const std::size_t starts_at = line;
        const bool closed = next_record(text, at, line, fields);
        if (fields.size() == 1 && fields[0].empty()) continue;   // a blank line
        if (!closed) {
            warn(file_name + ":" + std::to_string(starts_at) + ": a quote is never closed; skipped to the end of the file");
            break;
        }
        if (fields.size() != csv.header_.size()) {
            warn(file_name + ":" + std::to_string(starts_at) + ": " + std::to_string(fields.size()) + " fields, the header has " +
                 std::to_string(csv.header_.size()) + "; row skipped");
            continue;
        }
        csv.rows_.push_back({starts_at, fields});
    }
    return csv;
}

std::optional<std::size_t> CsvFile::column(std::string_view name) const noexcept
{
    for (std::size_t i = 0; i < header_.size(); ++i)
        if (header_[i] == name) return i;
    return std::nullopt;
}

std::size_t CsvFile::require_column(std::string_view name) const
{
    if (const auto found = column(name)) return *found;
    std::string columns;
    for (const auto &h : header_) columns += (columns.empty() ? "" : ", ") + h;
    throw std::runtime_error(file_name_ + ": no column '" + std::string(name) + "' in the header (found: " + columns + ")");
}

} // namespace servicelens::plugin_support
