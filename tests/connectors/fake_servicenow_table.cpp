#include "fake_servicenow_table.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace servicelens::fakes::servicenow {

namespace {

// Longest first, so that ">=" is not read as ">" nor "NOT IN" as "IN".
constexpr std::pair<std::string_view, Op> operators[] = {{"ISNOTEMPTY", Op::not_empty},
                                                         {"ISEMPTY", Op::empty},
                                                         {"NOT IN", Op::not_in},
                                                         {"NOT LIKE", Op::not_like},
                                                         {"STARTSWITH", Op::starts_with},
                                                         {"ENDSWITH", Op::ends_with},
                                                         {"LIKE", Op::like},
                                                         {"IN", Op::in},
                                                         {"!=", Op::not_equal},
                                                         {">=", Op::at_least},
                                                         {"<=", Op::at_most},
                                                         {"=", Op::equal},
                                                         {">", Op::greater},
                                                         {"<", Op::less}};

std::vector<std::string_view> split(std::string_view text, std::string_view separator)
{
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const std::size_t at = text.find(separator, start);
        parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) return parts;
        start = at + separator.size();
    }
}

std::optional<int64_t> integer(std::string_view s)
{
    int64_t n = 0;
    if (s.empty() || s.size() > 18) return std::nullopt;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (error != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return n;
}

Condition parse_condition(std::string_view term, const Table &table)
{
    // Field names are lower case, dot-walks included; operators are upper case or symbols.
    const std::size_t field_end = term.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_.");
    Condition c;
    const std::string_view field = term.substr(0, field_end);
    c.column = table.column(field);
    const std::string_view rest = field_end == std::string_view::npos ? std::string_view() : term.substr(field_end);
    for (const auto &[text, op] : operators) {
        if (!rest.starts_with(text)) continue;
        c.op = op;
        c.value = rest.substr(text.size());
        if (op == Op::in || op == Op::not_in)
            for (std::string_view v : split(c.value, ",")) {
                c.values.emplace_back(v);
                c.value_set.emplace(v);
                if (const auto n = integer(v)) c.number_set.insert(*n);
            }
        c.number = integer(c.value);
        return c;
    }
    c.column.reset(); // not a condition ServiceNow understands: dropped, as the instance does
    return c;
}

// The rows (as [begin, end) of the native order) one alternative matches,
// when it is a range of that order: equalities on a prefix of its columns,
// then at most one > or >= on the next; unset for any other alternative.
std::optional<std::pair<std::size_t, std::size_t>> index_range(const std::vector<std::vector<Condition>> &terms,
                                                               const std::vector<Row> &rows,
                                                               const std::vector<std::size_t> &native)
{
    std::vector<const Condition *> equal(native.size()), above(native.size());
    for (const std::vector<Condition> &either : terms) {
        if (either.size() != 1 || !either[0].column) return std::nullopt;
        const Condition &c = either[0];
        const auto at = std::find(native.begin(), native.end(), *c.column);
        if (at == native.end()) return std::nullopt;
        auto &slot = c.op == Op::equal ? equal : above;
        if ((c.op != Op::equal && c.op != Op::greater && c.op != Op::at_least) || slot[at - native.begin()])
            return std::nullopt;
        slot[at - native.begin()] = &c;
    }
    std::size_t prefix = 0;
    while (prefix < native.size() && equal[prefix] && !above[prefix]) ++prefix;
    for (std::size_t j = prefix; j < native.size(); ++j)
        if (equal[j] || (above[j] && j != prefix)) return std::nullopt;
    const Condition *bound = prefix < native.size() ? above[prefix] : nullptr;
    // <0, 0, >0: the row's prefix against the equalities.
    const auto against_prefix = [&](const Row &row) {
        for (std::size_t j = 0; j < prefix; ++j)
            if (const int c = compare_values(row.values[native[j]], equal[j]->value); c != 0) return c;
        return 0;
    };
    const auto before = [&](const Row &row) {
        const int p = against_prefix(row);
        if (p != 0 || !bound) return p < 0;
        const int c = compare_values(row.values[native[prefix]], bound->value);
        return bound->op == Op::greater ? c <= 0 : c < 0;
    };
    const auto first = std::partition_point(rows.begin(), rows.end(), before);
    const auto last = std::partition_point(first, rows.end(), [&](const Row &row) { return against_prefix(row) <= 0; });
    return std::pair<std::size_t, std::size_t>(first - rows.begin(), last - rows.begin());
}

// The rows the query matches when each alternative is a range of the native order.
std::optional<std::vector<const Row *>> by_index(const EncodedQuery &query, const std::vector<Row> &rows,
                                                 const std::vector<std::size_t> &native)
{
    if (native.empty()) return std::nullopt;
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const auto &terms : query.alternatives) {
        const auto range = index_range(terms, rows, native);
        if (!range) return std::nullopt;
        ranges.push_back(*range);
    }
    std::sort(ranges.begin(), ranges.end());
    std::vector<const Row *> matches;
    std::size_t next = 0; // ranges may overlap: each row once
    for (const auto &[begin, end] : ranges) {
        for (std::size_t i = std::max(begin, next); i < end; ++i) matches.push_back(&rows[i]);
        next = std::max(next, end);
    }
    return matches;
}

} // namespace

int compare_values(std::string_view a, std::string_view b)
{
    const auto x = integer(a), y = integer(b);
    if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
    const int c = a.compare(b);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

// compare_values(stored, value), with the value's number read once.
int Condition::compare(const std::string &stored) const
{
    if (number)
        if (const auto n = integer(stored)) return *n < *number ? -1 : (*n > *number ? 1 : 0);
    const int c = std::string_view(stored).compare(value);
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool Condition::matches(const Row &row) const
{
    if (!column) return true;
    const std::string &v = row.values[*column];
    switch (op) {
    case Op::equal:
        return compare(v) == 0;
    case Op::not_equal:
        return compare(v) != 0;
    case Op::empty:
        return v.empty();
    case Op::not_empty:
        return !v.empty();
    case Op::in:
    case Op::not_in: {
        const auto n = number_set.empty() ? std::nullopt : integer(v);
        const bool in = n ? number_set.count(*n) > 0 : value_set.count(v) > 0;
        return op == Op::in ? in : !in;
    }
    case Op::starts_with:
        return v.starts_with(value);
    case Op::ends_with:
        return v.ends_with(value);
    case Op::like:
        return v.find(value) != std::string::npos;
    case Op::not_like:
        return v.find(value) == std::string::npos;
    default:
        break;
    }
    if (v.empty()) return false; // an empty date or number is NULL in the database: never greater or less
    const int c = compare(v);
    switch (op) {
    case Op::greater:
        return c > 0;
    case Op::at_least:
        return c >= 0;
    case Op::less:
        return c < 0;
    default:
        return c <= 0; // at_most
    }
}

EncodedQuery EncodedQuery::parse(std::string_view text, const Table &table)
{
    EncodedQuery q;
    for (std::string_view alternative : split(text, "^NQ")) {
        std::vector<std::vector<Condition>> terms;
        for (std::string_view term : split(alternative, "^")) {
            if (term.empty() || term == "EQ" || term.starts_with("GROUPBY")) continue;
            if (term.starts_with("ORDERBYDESC") || term.starts_with("ORDERBY")) {
                const bool descending = term.starts_with("ORDERBYDESC");
                if (const auto c = table.column(term.substr(descending ? 11 : 7))) q.order.emplace_back(*c, descending);
                continue;
            }
            if (term.starts_with("OR") && !terms.empty()) {
                terms.back().push_back(parse_condition(term.substr(2), table));
                continue;
            }
            terms.push_back({parse_condition(term, table)});
        }
        q.alternatives.push_back(std::move(terms));
    }
    return q;
}

bool EncodedQuery::matches(const Row &row) const
{
    return std::any_of(alternatives.begin(), alternatives.end(), [&](const auto &terms) {
        return std::all_of(terms.begin(), terms.end(), [&](const std::vector<Condition> &either) {
            return std::any_of(either.begin(), either.end(), [&](const Condition &c) { return c.matches(row); });
        });
    });
}

std::optional<std::vector<std::string>> EncodedQuery::pinned(std::size_t column) const
{
    std::vector<std::string> keys;
    for (const auto &terms : alternatives) {
        const auto pin = std::find_if(terms.begin(), terms.end(), [&](const std::vector<Condition> &either) {
            return either.size() == 1 && either[0].column == column &&
                   (either[0].op == Op::equal || either[0].op == Op::in);
        });
        if (pin == terms.end()) return std::nullopt;
        const Condition &c = pin->front();
        if (c.op == Op::equal) keys.push_back(c.value);
        keys.insert(keys.end(), c.values.begin(), c.values.end());
    }
    return keys;
}

Table::Table(std::string name, std::vector<Column> columns) : name_(std::move(name)), columns_(std::move(columns))
{
    for (std::size_t i = 0; i < columns_.size(); ++i) index_.emplace(columns_[i].name, i);
}

std::optional<std::size_t> Table::column(std::string_view name) const
{
    const auto it = index_.find(std::string(name));
    if (it == index_.end()) return std::nullopt;
    return it->second;
}

std::vector<const Row *> Table::select(const std::vector<Row> &rows, const EncodedQuery &query,
                                       const std::vector<std::size_t> &native_order) const
{
    std::vector<const Row *> matches;
    if (auto indexed = by_index(query, rows, native_order))
        matches = std::move(*indexed);
    else
        for (const Row &row : rows)
            if (query.matches(row)) matches.push_back(&row);
    const bool native = query.order.size() <= native_order.size() &&
                        std::equal(query.order.begin(), query.order.end(), native_order.begin(),
                                   [](const auto &o, std::size_t c) { return !o.second && o.first == c; });
    if (!native)
        std::stable_sort(matches.begin(), matches.end(), [&](const Row *a, const Row *b) {
            for (const auto &[c, descending] : query.order) {
                const int order = compare_values(a->values[c], b->values[c]);
                if (order != 0) return descending ? order > 0 : order < 0;
            }
            return false;
        });
    return matches;
}

nlohmann::json Table::render(const Row &row, const std::vector<std::string> &fields, DisplayMode mode,
                             bool reference_links, const std::string &base_url) const
{
    nlohmann::json record = nlohmann::json::object();
    const auto put = [&](std::size_t c) {
        const Column &column = columns_[c];
        const std::string &value = row.values[c];
        const std::string &shown = row.display[c] ? *row.display[c] : value;
        const bool link = column.reference && reference_links && !value.empty();
        nlohmann::json out;
        if (mode == DisplayMode::both)
            out = {{"display_value", shown}, {"value", value}};
        else if (link)
            out = {{mode == DisplayMode::display ? "display_value" : "value",
                    mode == DisplayMode::display ? shown : value}};
        else
            out = mode == DisplayMode::display ? shown : value;
        if (link) out["link"] = fmt::format("{}/api/now/table/{}/{}", base_url, column.referenced_table, value);
        record[column.name] = std::move(out);
    };
    if (fields.empty()) {
        for (std::size_t c = 0; c < columns_.size(); ++c) put(c);
    } else {
        for (const std::string &field : fields)
            if (const auto c = column(field)) put(*c);
    }
    return record;
}

} // namespace servicelens::fakes::servicenow
