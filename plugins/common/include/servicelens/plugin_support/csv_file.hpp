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

// The rows of a CSV text one at a time, for exports too large to hold
// twice: the header is read at construction; next() gives the next
// well-formed row, warning about and skipping malformed ones, and nullptr
// after the last. `text` must outlive the reader.
//
//     CsvReader reader(text, "hr.csv", warn);
//     const std::size_t email = reader.require_column("email");
//     while (const CsvRow *row = reader.next()) use(row->fields[email]);
class CsvReader {
public:
    // Throws std::runtime_error naming the file when it has no header row.
    // `header_line` numbers the header's line, for a text that is a chunk
    // of a larger file with the header put back in front.
    CsvReader(std::string_view text, std::string file_name, Warn warn, std::size_t header_line = 1);

    const std::vector<std::string> &header() const noexcept { return header_; }
    std::optional<std::size_t> column(std::string_view name) const noexcept;
    // Throws std::runtime_error naming the file, the column and the header.
    std::size_t require_column(std::string_view name) const;

    // The next row, valid until the next call; nullptr after the last.
    const CsvRow *next();

private:
    std::string_view text_;
    std::string file_name_;
    Warn warn_;
    std::size_t at_ = 0;     // where the next record starts
    std::size_t line_;       // its line
    std::vector<std::string> header_;
    CsvRow row_;
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
