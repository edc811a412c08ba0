#include "servicenow_query.hpp"

#include "vendor_time.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <chrono>
#include <sstream>
#include <stdexcept>

namespace servicelens::connectors::servicenow {

namespace {

constexpr std::string_view new_query = "^NQ";

std::vector<std::string_view> terms_of(std::string_view query)
{
    std::vector<std::string_view> terms;
    for (std::size_t start = 0;;) {
        const std::size_t caret = query.find('^', start);
        terms.push_back(query.substr(start, caret == std::string_view::npos ? std::string_view::npos : caret - start));
        if (caret == std::string_view::npos) return terms;
        start = caret + 1;
    }
}

// One ^NQ alternative of the admin's filter, tidied: no empty terms (a
// leading or doubled ^), no ^EQ end marker (the UI's "Copy query" adds it).
std::string tidy_alternative(std::string_view connector, std::string_view alternative)
{
    std::string tidy;
    for (std::string_view term : terms_of(alternative)) {
        if (term.empty() || term == "EQ") continue;
        if (term.starts_with("ORDERBY") || term.starts_with("GROUPBY"))
            throw std::invalid_argument(fmt::format(
                "connector '{}': the filter sorts or groups ('{}'); leave that out: the connector orders by "
                "sys_updated_on, then sys_id, which is what lets it page without losing records",
                connector, term));
        if (!tidy.empty()) tidy += '^';
        tidy += term;
    }
    return tidy;
}

std::string and_then(const std::string &filter, std::string_view conditions)
{
    return filter.empty() ? std::string(conditions) : fmt::format("{}^{}", filter, conditions);
}

} // namespace

std::string format_time(sl_timestamp_t ms)
{
    return utc_text(ms, "%Y-%m-%d %H:%M:%S");
}

// date::parse keeps a long double that GCC 12 cannot prove is set before
// use on every path (it is); the warning is about the library, not this code.
#pragma GCC diagnostic push
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
sl_timestamp_t parse_time(std::string_view text)
{
    if (text.empty()) return SL_TIMESTAMP_NONE;
    std::istringstream in{std::string(text)};
    date::sys_seconds at{};
    in >> date::parse("%Y-%m-%d %H:%M:%S", at);
    if (in.fail() || in.peek() != std::char_traits<char>::eof())
        throw std::invalid_argument(fmt::format("'{}' is not a ServiceNow date-time (yyyy-MM-dd HH:mm:ss)", text));
    return std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count();
}
#pragma GCC diagnostic pop

std::vector<std::string> filter_alternatives(std::string_view connector, std::string_view filter)
{
    std::vector<std::string> alternatives;
    for (std::size_t start = 0;;) {
        const std::size_t at = filter.find(new_query, start);
        const std::string tidy = tidy_alternative(
            connector, filter.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        // An empty alternative would match everything and undo the rest.
        if (!tidy.empty() || (at == std::string_view::npos && alternatives.empty())) alternatives.push_back(tidy);
        if (at == std::string_view::npos) return alternatives;
        start = at + new_query.size();
    }
}

std::string changed_since(const store::Watermark &since, std::span<const std::string> filter)
{
    static const std::string no_filter;
    const std::span<const std::string> alternatives = filter.empty() ? std::span(&no_filter, 1) : filter;
    std::vector<std::string> branches;
    if (since.updated_at == SL_TIMESTAMP_NONE) {
        branches.assign(alternatives.begin(), alternatives.end());
    } else {
        const std::string t = format_time(since.updated_at);
        for (const std::string &f : alternatives) {
            if (since.last_id.empty()) {
                branches.push_back(and_then(f, fmt::format("sys_updated_on>={}", t)));
                continue;
            }
            branches.push_back(and_then(f, fmt::format("sys_updated_on>{}", t)));
            branches.push_back(and_then(f, fmt::format("sys_updated_on={}^sys_id>{}", t, since.last_id)));
        }
    }
    std::string query = fmt::format("{}", fmt::join(branches, new_query));
    return and_then(query, "ORDERBYsys_updated_on^ORDERBYsys_id");
}

std::string journal_of(std::span<const std::string> incident_ids)
{
    return fmt::format("name=incident^element_idIN{}^elementINcomments,work_notes^ORDERBYsys_created_on^ORDERBYsys_id",
                       fmt::join(incident_ids, ","));
}

std::string work_notes_of(std::string_view incident_id)
{
    return fmt::format("name=incident^element_id={}^element=work_notes^ORDERBYsys_created_on^ORDERBYsys_id",
                       incident_id);
}

std::string custom_columns()
{
    return "nameINincident,task^elementSTARTSWITHu_^ORDERBYelement";
}

} // namespace servicelens::connectors::servicenow
