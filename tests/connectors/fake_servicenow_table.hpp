// A ServiceNow table in memory for the fake instance: rows of string values
// (and display values), filtered by an encoded query the way the Table API
// does it, ordered by its ORDERBY terms, paged by sysparm_offset and
// sysparm_limit, and rendered in each sysparm_display_value mode.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace servicelens::fakes::servicenow {

struct Column {
    // Implicit, so that a table's columns read as a list of names.
    Column(const char *column_name, bool is_reference = false, const char *table = "")
        : name(column_name), reference(is_reference), referenced_table(table)
    {
    }
    Column(const std::string &column_name) : Column(column_name.c_str()) {}

    std::string name;
    bool reference = false; // rendered with a link unless sysparm_exclude_reference_link
    std::string referenced_table;
};

struct Row {
    std::vector<std::string> values;                 // stored values, one per column
    std::vector<std::optional<std::string>> display; // where the display value differs
};

enum class Op {
    equal,
    not_equal,
    greater,
    at_least,
    less,
    at_most,
    in,
    not_in,
    starts_with,
    ends_with,
    like,
    not_like,
    empty,
    not_empty
};

// One ^-separated condition: field, operator, value(s).
struct Condition {
    std::optional<std::size_t> column; // unset: a field the table lacks (ServiceNow drops the condition)
    Op op = Op::equal;
    std::string value;
    std::vector<std::string> values;           // IN, NOT IN
    std::optional<int64_t> number;             // the value, when it is a number
    std::unordered_set<std::string> value_set; // IN, NOT IN: looked up, not scanned
    std::unordered_set<int64_t> number_set;
    bool matches(const Row &row) const;

private:
    int compare(const std::string &stored) const;
};

class Table;

// sysparm_query, parsed against a table: ^NQ alternatives of ANDed terms,
// each term one condition or several joined by ^OR.
struct EncodedQuery {
    std::vector<std::vector<std::vector<Condition>>> alternatives;
    std::vector<std::pair<std::size_t, bool>> order; // column, descending

    static EncodedQuery parse(std::string_view text, const Table &table);
    bool matches(const Row &row) const;
    // The values a column is pinned to (=, IN) in every alternative; unset
    // when some alternative leaves it open. Lets the fake look up rows by
    // key as an index would.
    std::optional<std::vector<std::string>> pinned(std::size_t column) const;
};

enum class DisplayMode { stored, display, both }; // sysparm_display_value false, true, all

class Table {
public:
    Table(std::string name, std::vector<Column> columns);

    const std::string &name() const noexcept { return name_; }
    std::optional<std::size_t> column(std::string_view name) const;
    const std::vector<Column> &columns() const noexcept { return columns_; }

    // The rows matching `query`, in its order. `rows` are sorted by the
    // columns `native_order` names, as an index would be: a query ordered
    // that way is not sorted again, and one whose every alternative is a
    // range of that order (c0 = a ^ c1 > b, c0 >= a, ...: the connector's
    // keyset query) is answered by binary search, not by looking at rows.
    std::vector<const Row *> select(const std::vector<Row> &rows, const EncodedQuery &query,
                                    const std::vector<std::size_t> &native_order) const;

    // One record as the Table API writes it: the `fields` asked for (all
    // when empty) that the table has, in the display mode asked for.
    nlohmann::json render(const Row &row, const std::vector<std::string> &fields, DisplayMode mode,
                          bool reference_links, const std::string &base_url) const;

private:
    std::string name_;
    std::vector<Column> columns_;
    std::unordered_map<std::string, std::size_t> index_;
};

// Numbers compare as numbers, everything else (sys_ids, "yyyy-MM-dd
// HH:mm:ss" times) as text, as the instance's database does.
int compare_values(std::string_view a, std::string_view b);

} // namespace servicelens::fakes::servicenow
