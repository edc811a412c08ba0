#include <servicelens/plugin_support/csv_file.hpp>
#include <servicelens/plugin_support/text_file.hpp>

#include <stdexcept>

namespace servicelens::plugin_support {

namespace {

// Splits the next record starting at `at` into `fields`, reusing their
// storage; false when the quotes never close. Advances `at` past the record
// and `line` past its newlines.
bool next_record(std::string_view text, std::size_t &at, std::size_t &line, std::vector<std::string> &fields)
{
    std::size_t used = 0;
    const auto start_field = [&]() -> std::string & {
        if (used == fields.size())
            fields.emplace_back();
        else
            fields[used].clear();
        return fields[used++];
    };
    std::string *field = &start_field();
    bool quoted = false;
    while (at < text.size()) {
        // Copy the plain stretch up to the next character that means something.
        const std::size_t special = text.find_first_of(quoted ? std::string_view("\"\n") : std::string_view("\",\n\r"), at);
        const std::size_t stop = special == std::string_view::npos ? text.size() : special;
        field->append(text.substr(at, stop - at));
        at = stop;
        if (at == text.size()) break;
        const char c = text[at++];
        if (quoted) {
            if (c == '"' && at < text.size() && text[at] == '"') {
                *field += '"';
                ++at;
            } else if (c == '"') {
                quoted = false;
            } else {   // a newline inside quotes belongs to the field
                ++line;
                *field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            field = &start_field();
        } else if (c == '\n') {
            ++line;
            break;
        }   // '\r' outside quotes is dropped
    }
    fields.resize(used);
    return !quoted;
}

std::optional<std::size_t> find_column(const std::vector<std::string> &header, std::string_view name) noexcept
{
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name) return i;
    return std::nullopt;
}

std::size_t require_column_in(const std::vector<std::string> &header, std::string_view name,
                              const std::string &file_name)
{
    if (const auto found = find_column(header, name)) return *found;
    std::string columns;
    for (const auto &h : header) columns += (columns.empty() ? "" : ", ") + h;
    throw std::runtime_error(file_name + ": no column '" + std::string(name) + "' in the header (found: " + columns + ")");
}

} // namespace

CsvFile CsvFile::read(const std::filesystem::path &file, const Warn &warn)
{
    return parse(read_text_file(file), file.string(), warn);
}

CsvReader::CsvReader(std::string_view text, std::string file_name, Warn warn, std::size_t header_line)
    : text_(text), file_name_(std::move(file_name)), warn_(std::move(warn)), line_(header_line)
{
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") text_.remove_prefix(3);   // a spreadsheet's byte-order mark
    if (text_.empty() || !next_record(text_, at_, line_, header_))
        throw std::runtime_error(file_name_ + ": no header row (expected the column names on line 1)");
}

std::optional<std::size_t> CsvReader::column(std::string_view name) const noexcept { return find_column(header_, name); }

std::size_t CsvReader::require_column(std::string_view name) const
{
    return require_column_in(header_, name, file_name_);
}

const CsvRow *CsvReader::next()
{
    while (at_ < text_.size()) {
        const std::size_t starts_at = line_;
        const bool closed = next_record(text_, at_, line_, row_.fields);
        if (row_.fields.size() == 1 && row_.fields[0].empty()) continue;   // a blank line
        if (!closed) {
            warn_(file_name_ + ":" + std::to_string(starts_at) + ": a quote is never closed; skipped to the end of the file");
            break;
        }
        if (row_.fields.size() != header_.size()) {
            warn_(file_name_ + ":" + std::to_string(starts_at) + ": " + std::to_string(row_.fields.size()) +
                  " fields, the header has " + std::to_string(header_.size()) + "; row skipped");
            continue;
        }
        row_.line = starts_at;
        return &row_;
    }
    return nullptr;
}

CsvFile CsvFile::parse(std::string_view text, const std::string &file_name, const Warn &warn)
{
    CsvReader reader(text, file_name, warn);
    CsvFile csv;
    csv.file_name_ = file_name;
    csv.header_ = reader.header();
    while (const CsvRow *row = reader.next()) csv.rows_.push_back(*row);
    return csv;
}

std::optional<std::size_t> CsvFile::column(std::string_view name) const noexcept { return find_column(header_, name); }

std::size_t CsvFile::require_column(std::string_view name) const
{
    return require_column_in(header_, name, file_name_);
}

} // namespace servicelens::plugin_support
