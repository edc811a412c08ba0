// A CSV export (RFC 4180: a header row, quoted fields may hold commas,
// quotes and newlines), read whole. A malformed row is reported through
// `warn` with its file and line and skipped; a missing or unreadable file,
// or one without a header, throws with the path and the reason.
//
//     const CsvFile hr = CsvFile::read("hr.csv", warn);
//     const std::size_t email = hr.require_column("email");
//     for (const CsvRow &row : hr.rows()) use(row.fields[email]);
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::plugin_support {

using Warn = std::function<void(const std::string &message)>;

struct CsvRow {
    std::size_t line = 0;              // where the row starts, 1-based
    std::vector<std::string> fields;   // one per header column
};

class CsvFile {
public:
    static CsvFile read(const std::filesystem::path &file, const Warn &warn);
    static CsvFile parse(std::string_view text, const std::string &file_name, const Warn &warn);

    const std::vector<std::string> &header() const noexcept { return header_; }
    const std::vector<CsvRow> &rows() const noexcept { return rows_; }

    std::optional<std::size_t> column(std::string_view name) const noexcept;
    // Throws std::runtime_error naming the file, the column and the header.
    std::size_t require_column(std::string_view name) const;

private:
    std::string file_name_;
    std::vector<std::string> header_;
    std::vector<CsvRow> rows_;
};

} // namespace servicelens::plugin_support
