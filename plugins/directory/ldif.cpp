#include "ldif.hpp"

#include <servicelens/cpp/strings.hpp>

#include <optional>
#include <variant>

namespace servicelens::directory {

namespace {

// A line after unfolding (RFC 2849: a line that starts with one space
// continues the one before), with the number of its first physical line.
struct LogicalLine {
    std::size_t number = 0;
    std::string text;
};

std::optional<std::string> decode_base64(std::string_view text)
{
    const auto value_of = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : text) {
        const int v = value_of(c);
        if (v < 0) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFFu);
        }
    }
    return out;
}

bool is_attribute_name(std::string_view name) noexcept
{
    if (name.empty()) return false;
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
              c == ';'))
            return false;
    return true;
}

struct ParsedLine {
    std::string name;                 // lower-case, without options
    std::optional<std::string> value; // nullopt: given by URL, not supported
};

// "people.ldif:12: ", where a message about line 12 starts.
std::string at(const std::string &source_name, std::size_t line)
{
    return source_name + ":" + std::to_string(line) + ": ";
}

// "name: value", "name:: base64" or "name:< url"; an error message otherwise.
std::variant<ParsedLine, std::string> parse_line(std::string_view line)
{
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_attribute_name(line.substr(0, colon)))
        return std::string("not \"name: value\"");
    std::string_view name = line.substr(0, colon);
    name = name.substr(0, name.find(';'));
    std::string_view rest = line.substr(colon + 1);
    ParsedLine parsed{ascii_lower(name), std::nullopt};
    const char kind = rest.empty() ? ' ' : rest.front();
    if (kind == ':' || kind == '<') rest.remove_prefix(1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    if (kind == ':') {
        while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
        parsed.value = decode_base64(rest);
        if (!parsed.value) return "the base64 value of \"" + parsed.name + "\" is not valid base64";
    } else if (kind != '<') {
        parsed.value = std::string(rest);
    }
    return parsed;
}

// The entry a record describes, or why it is skipped.
std::variant<LdifEntry, std::string> read_entry(const std::vector<LogicalLine> &record, const std::string &source_name,
                                                const plugin_support::Warn &warn)
{
    LdifEntry entry;
    entry.line = record.front().number;
    for (const LogicalLine &line : record) {
        auto parsed = parse_line(line.text);
        if (auto *problem = std::get_if<std::string>(&parsed))
            return at(source_name, line.number) + *problem + "; entry skipped";
        auto &attribute = std::get<ParsedLine>(parsed);
        const bool first = &line == &record.front();
        if (first != (attribute.name == "dn"))
            return at(source_name, line.number) +
                   "an entry starts with its \"dn:\" line, and has only one; entry skipped";
        if (attribute.name == "changetype")
            return at(source_name, line.number) + "a change record (changetype), not an entry; skipped";
        if (!attribute.value && first) return at(source_name, line.number) + "a dn given by URL; entry skipped";
        if (!attribute.value) {
            warn(at(source_name, line.number) + "values by URL (\"" + attribute.name +
                 ":<\") are not read; attribute left out");
            continue;
        }
        if (first)
            entry.dn = std::move(*attribute.value);
        else
            entry.attributes.emplace_back(std::move(attribute.name), std::move(*attribute.value));
    }
    return entry;
}

bool is_version_line(const LogicalLine &line)
{
    return line.text.rfind("version:", 0) == 0;
}

} // namespace

const std::string *LdifEntry::first(std::string_view name) const noexcept
{
    for (const auto &[attribute, value] : attributes)
        if (attribute == name) return &value;
    return nullptr;
}

void for_each_ldif_entry(std::string_view text, const std::string &source_name, const plugin_support::Warn &warn,
                         const std::function<void(const LdifEntry &)> &visit)
{
    std::vector<LogicalLine> record; // the one being read: records are handled one at a time
    bool first_record = true;
    const auto finish_record = [&] {
        // "version: 1" may open the file, alone or right above the first dn.
        if (record.empty()) return;
        if (first_record && is_version_line(record.front())) record.erase(record.begin());
        first_record = false;
        if (record.empty()) return;
        auto entry = read_entry(record, source_name, warn);
        if (auto *problem = std::get_if<std::string>(&entry))
            warn(*problem);
        else
            visit(std::get<LdifEntry>(entry));
        record.clear();
    };
    bool in_comment = false;
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++number;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) {
            in_comment = false;
            finish_record();
        } else if (line.front() == ' ') {
            if (in_comment) continue;
            if (record.empty())
                warn(at(source_name, number) + "a folded line continues nothing; line skipped");
            else
                record.back().text.append(line.substr(1));
        } else if (line.front() == '#') {
            in_comment = true;
        } else {
            in_comment = false;
            record.push_back({number, std::string(line)});
        }
    }
    finish_record();
}

} // namespace servicelens::directory
