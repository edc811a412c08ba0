#include <servicelens/host/servicenow_csv.hpp>

#include <servicelens/plugin_support/csv_file.hpp>

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <unordered_set>
#include <vector>

namespace servicelens::host {

namespace {

using plugin_support::CsvReader;
using plugin_support::CsvRow;

// Large enough that per-chunk work is noise, small enough to bound memory.
constexpr std::size_t chunk_size = 8 << 20;

bool missing(std::string_view v) { return v.empty() || v == "?"; }

// ServiceNow writes "3 - Moderate"; the leading number is the level.
int leading_number(std::string_view v)
{
    int n = 0;
    const auto [end, error] = std::from_chars(v.data(), v.data() + v.size(), n);
    return error == std::errc() && end != v.data() ? n : 0;
}

int count_of(std::string_view v) { return std::max(0, leading_number(v)); }

sl_contact_type_t channel_of(std::string_view v)
{
    if (v == "Phone" || v == "IVR") return SL_CONTACT_PHONE;
    if (v == "Email") return SL_CONTACT_EMAIL;
    if (v == "Self service" || v == "Self-service" || v == "Direct opening" || v == "Web") return SL_CONTACT_PORTAL;
    if (v == "Walk-in" || v == "Walk-up") return SL_CONTACT_WALK_UP;
    if (v == "Chat" || v == "Virtual Agent") return SL_CONTACT_CHAT;
    return SL_CONTACT_UNKNOWN;
}

std::string state_of(std::string_view v)
{
    if (v == "New") return "new";
    if (v == "Active" || v == "In Progress") return "in_progress";
    if (v.starts_with("Awaiting") || v == "On Hold") return "on_hold";
    if (v == "Resolved") return "resolved";
    if (v == "Closed") return "closed";
    if (v == "Canceled" || v == "Cancelled") return "cancelled";
    return missing(v) ? "" : "in_progress";
}

// The two date forms exports use. ServiceNow's own, "2025-03-14 09:30:00",
// is read field by field, the calendar arithmetic left to the date
// library: a million-incident export has five million of them, and
// date::parse through a stream cost a microsecond each, most of a report's
// time. Anything else goes through date::parse.
class ExportTimes {
public:
    std::optional<sl_timestamp_t> parse(std::string_view text)
    {
        if (missing(text)) return std::nullopt;
        if (const auto t = parse_servicenow_format(text)) return *t;
        const char *format = text.find('/') != std::string_view::npos ? "%d/%m/%Y %H:%M" : "%Y-%m-%d %H:%M:%S";
        in_.clear();
        in_.str(std::string(text));
        date::sys_time<std::chrono::seconds> t{};
        in_ >> date::parse(format, t);
        if (in_.fail()) return SL_TIMESTAMP_NONE;   // present but unreadable: the caller reports it
        return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
    }

private:
    static std::optional<sl_timestamp_t> parse_servicenow_format(std::string_view t)
    {
        if (t.size() != 19 || t[4] != '-' || t[7] != '-' || t[10] != ' ' || t[13] != ':' || t[16] != ':') return std::nullopt;
        const auto digits = [&](std::size_t at, std::size_t n, int &out) {
            const auto [end, error] = std::from_chars(t.data() + at, t.data() + at + n, out);
            return error == std::errc() && end == t.data() + at + n;
        };
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, se = 0;
        if (!digits(0, 4, y) || !digits(5, 2, mo) || !digits(8, 2, d) || !digits(11, 2, h) || !digits(14, 2, mi) ||
            !digits(17, 2, se) || h > 23 || mi > 59 || se > 60)
            return std::nullopt;
        const date::year_month_day day{date::year{y}, date::month{static_cast<unsigned>(mo)}, date::day{static_cast<unsigned>(d)}};
        if (!day.ok()) return std::nullopt;
        using namespace std::chrono;
        const auto at = date::sys_days{day} + hours{h} + minutes{mi} + seconds{se};
        return duration_cast<milliseconds>(at.time_since_epoch()).count();
    }

    std::istringstream in_;
};

// Column positions, resolved once from the header.
struct Columns {
    explicit Columns(const CsvReader &r)
        : number(r.require_column("number")), opened_at(r.require_column("opened_at")),
          state(r.column("incident_state") ? r.column("incident_state") : r.column("state")),
          contact_type(r.column("contact_type")), category(r.column("category")), subcategory(r.column("subcategory")),
          priority(r.column("priority")), impact(r.column("impact")), urgency(r.column("urgency")),
          assignment_group(r.column("assignment_group")), assigned_to(r.column("assigned_to")),
          caller_id(r.column("caller_id")), cmdb_ci(r.column("cmdb_ci")), location(r.column("location")),
          rfc(r.column("rfc")), first_response_at(r.column("u_first_response_at")), resolved_at(r.column("resolved_at")),
          closed_at(r.column("closed_at")),
          updated_at(r.column("sys_updated_at") ? r.column("sys_updated_at") : r.column("sys_updated_on")),
          made_sla(r.column("made_sla")), reassignment_count(r.column("reassignment_count")),
          reopen_count(r.column("reopen_count")), sys_mod_count(r.column("sys_mod_count"))
    {
    }
    std::size_t number, opened_at;
    std::optional<std::size_t> state, contact_type, category, subcategory, priority, impact, urgency, assignment_group,
        assigned_to, caller_id, cmdb_ci, location, rfc, first_response_at, resolved_at, closed_at, updated_at, made_sla,
        reassignment_count, reopen_count, sys_mod_count;
};

// Keeps the latest row of the incident at hand and builds the incident
// from it once its rows end: an event log has several rows per incident.
class IncidentBuilder {
public:
    IncidentBuilder(const Columns &columns, std::string source, std::string file,
                    const std::function<void(OwnedIncident &&)> &visit, const CsvWarning &warn, ServiceNowCsvStats &stats)
        : c_(columns), source_(std::move(source)), file_(std::move(file)), visit_(visit), warn_(warn), stats_(stats)
    {
    }

    void add(const CsvRow &row)
    {
        const std::string_view number = row.fields[c_.number];
        if (missing(number)) {
            warn_(fmt::format("{}:{}: no incident number; row skipped", file_, row.line));
            ++stats_.skipped;
            return;
        }
        const int version = c_.sys_mod_count ? count_of(row.fields[*c_.sys_mod_count]) : 0;
        if (!pending_ || number != latest_.fields[c_.number]) {
            flush();
            if (!first_time(number))
                throw std::runtime_error(fmt::format(
                    "{}:{}: incident {} appears again after other incidents; its rows must be consecutive (sort the "
                    "export by number, then sys_mod_count)",
                    file_, row.line, number));
        } else if (version < version_) {
            return;   // an older event of the same incident
        }
        latest_ = row;
        version_ = version;
        pending_ = true;
    }

    void flush()
    {
        if (!pending_) return;
        pending_ = false;
        OwnedIncident incident;
        if (!build(latest_, incident)) return;
        ++stats_.incidents;
        visit_(std::move(incident));
    }

private:
    // Whether no earlier run of rows had this number. Exports usually come
    // sorted by number: while they do, a larger number is new and nothing
    // is looked up (a hash set of a million numbers was a tenth of a
    // report's time); the first number out of order builds the set.
    bool first_time(std::string_view number)
    {
        if (seen_.empty() && (numbers_.empty() || number > numbers_.back())) {
            numbers_.emplace_back(number);
            return true;
        }
        if (seen_.empty()) {
            seen_.reserve(numbers_.size() * 2);
            for (std::string &n : numbers_) seen_.insert(std::move(n));
            numbers_.clear();
        }
        return seen_.insert(std::string(number)).second;
    }

    bool build(const CsvRow &row, OwnedIncident &i)
    {
        const auto field = [&](const std::optional<std::size_t> &column) -> std::string_view {
            return column ? std::string_view(row.fields[*column]) : std::string_view();
        };
        const auto time = [&](const std::optional<std::size_t> &column, const char *name) {
            const auto t = times_.parse(field(column));
            if (t && *t == SL_TIMESTAMP_NONE)
                throw std::runtime_error(fmt::format("{}:{}: {} '{}' is neither d/m/yyyy H:MM nor yyyy-mm-dd HH:MM:SS",
                                                     file_, row.line, name, field(column)));
            return t.value_or(SL_TIMESTAMP_NONE);
        };
        const auto text = [&](const std::optional<std::size_t> &column) {
            const std::string_view v = field(column);
            return missing(v) ? std::string() : std::string(v);
        };
        i.id = i.number = row.fields[c_.number];
        i.source = source_;
        i.opened_at = time(c_.opened_at, "opened_at");
        if (i.opened_at == SL_TIMESTAMP_NONE) {
            warn_(fmt::format("{}:{}: incident {} has no opened_at; skipped", file_, row.line, i.number));
            ++stats_.skipped;
            return false;
        }
        i.state = state_of(field(c_.state));
        i.contact_type = channel_of(field(c_.contact_type));
        i.category = text(c_.category);
        i.subcategory = text(c_.subcategory);
        i.priority = leading_number(field(c_.priority));
        i.impact = leading_number(field(c_.impact));
        i.urgency = leading_number(field(c_.urgency));
        i.assignment_group = text(c_.assignment_group);
        i.assigned_to = text(c_.assigned_to);
        i.caller_id = text(c_.caller_id);
        i.ci = text(c_.cmdb_ci);
        i.location = text(c_.location);
        i.related_change = text(c_.rfc);
        i.first_response_at = time(c_.first_response_at, "u_first_response_at");
        i.resolved_at = time(c_.resolved_at, "resolved_at");
        i.closed_at = time(c_.closed_at, "closed_at");
        i.updated_at = time(c_.updated_at, "sys_updated_at");
        if (i.updated_at == SL_TIMESTAMP_NONE) i.updated_at = std::max({i.opened_at, i.resolved_at, i.closed_at});
        const std::string_view made = field(c_.made_sla);
        i.sla_breached = made == "true" ? SL_NO : made == "false" ? SL_YES : SL_UNKNOWN;
        i.reassignment_count = count_of(field(c_.reassignment_count));
        i.reopen_count = count_of(field(c_.reopen_count));
        // The export names no support level: never transferred counts as level 1.
        i.escalation_level = i.reassignment_count > 0 ? 1 : 0;
        return true;
    }

    const Columns &c_;
    std::string source_, file_;
    const std::function<void(OwnedIncident &&)> &visit_;
    const CsvWarning &warn_;
    ServiceNowCsvStats &stats_;
    ExportTimes times_;
    CsvRow latest_;
    int version_ = 0;
    bool pending_ = false;
    std::vector<std::string> numbers_;        // numbers handed on while they ascend
    std::unordered_set<std::string> seen_;    // all numbers handed on, once they stopped ascending
};

// Where the last complete record of `text` ends: after its last newline
// outside quotes; 0 when there is none. Exports rarely quote anything, and
// without a quote the last newline is the answer.
std::size_t complete_records(std::string_view text)
{
    if (text.find('"') == std::string_view::npos) {
        const std::size_t last = text.rfind('\n');
        return last == std::string_view::npos ? 0 : last + 1;
    }
    bool quoted = false;
    std::size_t end = 0;
    for (std::size_t k = 0; k < text.size(); ++k) {
        if (text[k] == '"') quoted = !quoted;
        else if (text[k] == '\n' && !quoted) end = k + 1;
    }
    return end;
}

// memchr finds newlines many bytes at a time; a loop over chars does not.
std::size_t newlines_in(std::string_view text)
{
    std::size_t n = 0;
    for (const char *p = text.data(), *end = p + text.size();
         (p = static_cast<const char *>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr; ++p)
        ++n;
    return n;
}

} // namespace

ServiceNowCsvStats read_servicenow_csv(const std::filesystem::path &file, const std::string &source,
                                       const std::function<void(OwnedIncident &&)> &visit, const CsvWarning &warn,
                                       const std::function<void(std::size_t, std::size_t)> &progress)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot open the export (does the file exist and can you read it?)");
    const std::size_t file_size = std::filesystem::file_size(file);
    const std::string name = file.string();
    ServiceNowCsvStats stats;

    std::string header;
    if (!std::getline(in, header) || header.empty()) throw std::runtime_error(name + ": empty file; a header row was expected");
    if (header.back() == '\r') header.pop_back();
    std::optional<Columns> columns;
    std::optional<IncidentBuilder> builder;
    std::string chunk = header + '\n';
    std::string carry;             // an incomplete record from the end of the last chunk
    std::size_t line_offset = 1;   // the line before the chunk's first record
    std::vector<char> buffer(chunk_size);
    std::size_t read_total = header.size() + 1;
    const CsvWarning count_and_warn = [&](const std::string &message) {   // a malformed row
        ++stats.rows;
        ++stats.skipped;
        warn(message);
    };
    while (true) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const auto got = static_cast<std::size_t>(in.gcount());
        read_total += got;
        const bool last = got == 0 || !in;
        std::string body = std::move(carry);
        body.append(buffer.data(), got);
        const std::size_t cut = last ? body.size() : complete_records(body);
        carry = body.substr(cut);
        body.resize(cut);
        chunk.resize(header.size() + 1);
        chunk += body;
        // The header goes back in front of each chunk, numbered so that rows keep their lines in the file.
        CsvReader reader(chunk, name, count_and_warn, line_offset);
        if (!columns) {
            columns.emplace(reader);
            builder.emplace(*columns, source, name, visit, warn, stats);
        }
        while (const CsvRow *row = reader.next()) {
            ++stats.rows;
            builder->add(*row);
        }
        line_offset += newlines_in(body);
        if (progress) progress(std::min(read_total, file_size), file_size);
        if (last) break;
    }
    builder->flush();
    return stats;
}

} // namespace servicelens::host
