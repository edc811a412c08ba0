#include <servicelens/host/incident_json.hpp>

#include <servicelens/cpp/incident.hpp>

#include <date/date.h>
#include <fmt/compile.h>
#include <fmt/format.h>

#include <charconv>

#include <chrono>
#include <sstream>
#include <stdexcept>

namespace servicelens::host {

namespace {

using nlohmann::json;

void put_text(json &j, const char *key, const std::string &value)
{
    if (!value.empty()) j[key] = value;
}

void put_time(json &j, const char *key, sl_timestamp_t t)
{
    if (t != SL_TIMESTAMP_NONE) j[key] = format_utc(t);
}

std::string text(const json &j, const char *key) { return j.contains(key) ? j[key].get<std::string>() : std::string(); }

sl_timestamp_t time_of(const json &j, const char *key)
{
    if (!j.contains(key)) return SL_TIMESTAMP_NONE;
    const auto t = parse_utc(j[key].get<std::string>());
    if (!t) throw std::invalid_argument(std::string("'") + key + "' is not an ISO-8601 time: " + j[key].dump());
    return *t;
}

} // namespace

std::string format_utc(sl_timestamp_t t, Milliseconds millis_shown)
{
    // date's calendar arithmetic without its iostream formatting: this runs
    // for every time of every incident stored.
    using namespace std::chrono;
    const sys_time<milliseconds> tp{milliseconds(t)};
    const auto day = floor<date::days>(tp);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss<milliseconds> clock{tp - day};
    const int millis = static_cast<int>(clock.subseconds().count());
    // One pass into a buffer, the format compiled: two runtime-parsed
    // formats and their concatenation were most of a sync's time in here.
    char text[48];   // the longest, year -32768 with milliseconds, is 27
    char *end = fmt::format_to_n(text, sizeof text, FMT_COMPILE("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}"),
                                 static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                                 static_cast<unsigned>(ymd.day()), clock.hours().count(), clock.minutes().count(),
                                 clock.seconds().count())
                    .out;
    if (millis || millis_shown == Milliseconds::always)
        end = fmt::format_to_n(end, static_cast<std::size_t>(text + sizeof text - end), FMT_COMPILE(".{:03}"), millis).out;
    *end++ = 'Z';
    return std::string(text, end);
}

// date::parse keeps a long double that GCC 12 cannot prove is set before
// use on every path (it is); the warning is about the library, not this code.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
std::optional<sl_timestamp_t> parse_utc(std::string_view input)
{
    using namespace std::chrono;
    // The form this project writes, YYYY-MM-DDTHH:MM:SS[.mmm]Z, read field by
    // field into date's calendar types; anything else goes to date::parse.
    const auto number = [&](std::size_t at, std::size_t length, int &out) {
        const auto [end, error] = std::from_chars(input.data() + at, input.data() + at + length, out);
        return error == std::errc() && end == input.data() + at + length;
    };
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
    const bool canonical = (input.size() == 20 || (input.size() == 24 && input[19] == '.' && number(20, 3, ms))) &&
                           input[4] == '-' && input[7] == '-' && input[10] == 'T' && input[13] == ':' &&
                           input[16] == ':' && input.back() == 'Z' && number(0, 4, y) && number(5, 2, mo) &&
                           number(8, 2, d) && number(11, 2, h) && number(14, 2, mi) && number(17, 2, sec);
    if (canonical) {
        const date::year_month_day ymd{date::year(y), date::month(static_cast<unsigned>(mo)), date::day(static_cast<unsigned>(d))};
        if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
        const auto tp = date::sys_days(ymd) + hours(h) + minutes(mi) + seconds(sec) + milliseconds(ms);
        return duration_cast<milliseconds>(tp.time_since_epoch()).count();
    }
    const std::string text(input);
    for (const char *format : {"%FT%TZ", "%FT%T%Ez"}) {
        std::istringstream in(text);
        date::sys_time<milliseconds> tp;
        in >> date::parse(format, tp);
        if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return tp.time_since_epoch().count();
    }
    return std::nullopt;
}
#pragma GCC diagnostic pop

std::string_view contact_type_name(sl_contact_type_t type) noexcept { return servicelens::contact_type_name(type); }

sl_contact_type_t parse_contact_type(std::string_view name) noexcept { return servicelens::parse_contact_type(name); }

json incident_to_json(const OwnedIncident &i)
{
    json j = {{"id", i.id}, {"source", i.source}, {"state", i.state}};
    put_text(j, "number", i.number);
    put_text(j, "title", i.title);
    put_text(j, "description", i.description);
    if (i.priority) j["priority"] = i.priority;
    if (i.impact) j["impact"] = i.impact;
    if (i.urgency) j["urgency"] = i.urgency;
    put_text(j, "category", i.category);
    put_text(j, "subcategory", i.subcategory);
    if (i.contact_type != SL_CONTACT_UNKNOWN) j["contact_type"] = contact_type_name(i.contact_type);
    json caller = json::object();
    put_text(caller, "id", i.caller_id);
    put_text(caller, "email", i.caller_email);
    put_text(caller, "name", i.caller_name);
    if (!caller.empty()) j["caller"] = caller;
    put_text(j, "assignment_group", i.assignment_group);
    put_text(j, "assigned_to", i.assigned_to);
    j["escalation_level"] = i.escalation_level;
    put_text(j, "ci", i.ci);
    put_text(j, "location", i.location);
    put_time(j, "opened_at", i.opened_at);
    put_time(j, "first_response_at", i.first_response_at);
    put_time(j, "resolved_at", i.resolved_at);
    put_time(j, "closed_at", i.closed_at);
    put_time(j, "updated_at", i.updated_at);
    j["reopen_count"] = i.reopen_count;
    j["reassignment_count"] = i.reassignment_count;
    put_text(j, "related_change", i.related_change);
    json sla = json::object();
    put_time(sla, "due_at", i.sla_due_at);
    if (i.sla_breached != SL_UNKNOWN) sla["breached"] = i.sla_breached == SL_YES;
    if (!sla.empty()) j["sla"] = sla;
    j["comments"] = json::array();
    for (const OwnedComment &c : i.comments) {
        json comment = {{"id", c.id}, {"body", c.body},
                        {"visibility", c.visibility == SL_VISIBILITY_INTERNAL ? "internal" : "public"}};
        put_text(comment, "author", c.author);
        put_time(comment, "created_at", c.created_at);
        j["comments"].push_back(comment);
    }
    j["survey"] = json::array();
    for (const OwnedSurveyResponse &s : i.survey) {
        json response = {{"id", s.id}};
        if (s.rating) response["rating"] = s.rating;
        if (s.makes_job_easier != SL_UNKNOWN) response["makes_job_easier"] = s.makes_job_easier == SL_YES;
        put_text(response, "text", s.text);
        put_time(response, "submitted_at", s.submitted_at);
        j["survey"].push_back(response);
    }
    if (!i.custom.empty()) j["custom"] = i.custom;
    return j;
}

OwnedIncident incident_from_json(const json &j)
{
    if (!j.is_object() || !j.contains("id")) throw std::invalid_argument("an incident needs an 'id'");
    try {
        OwnedIncident i;
        i.id = text(j, "id");
        i.number = text(j, "number");
        i.source = text(j, "source");
        i.title = text(j, "title");
        i.description = text(j, "description");
        i.state = text(j, "state");
        i.priority = j.value("priority", 0);
        i.impact = j.value("impact", 0);
        i.urgency = j.value("urgency", 0);
        i.category = text(j, "category");
        i.subcategory = text(j, "subcategory");
        i.contact_type = parse_contact_type(j.value("contact_type", ""));
        if (j.contains("caller")) {
            i.caller_id = text(j["caller"], "id");
            i.caller_email = text(j["caller"], "email");
            i.caller_name = text(j["caller"], "name");
        }
        i.assignment_group = text(j, "assignment_group");
        i.assigned_to = text(j, "assigned_to");
        i.escalation_level = j.value("escalation_level", 0);
        i.ci = text(j, "ci");
        i.location = text(j, "location");
        i.opened_at = time_of(j, "opened_at");
        i.first_response_at = time_of(j, "first_response_at");
        i.resolved_at = time_of(j, "resolved_at");
        i.closed_at = time_of(j, "closed_at");
        i.updated_at = time_of(j, "updated_at");
        i.reopen_count = j.value("reopen_count", 0);
        i.reassignment_count = j.value("reassignment_count", 0);
        i.related_change = text(j, "related_change");
        if (j.contains("sla")) {
            i.sla_due_at = time_of(j["sla"], "due_at");
            if (j["sla"].contains("breached")) i.sla_breached = j["sla"]["breached"].get<bool>() ? SL_YES : SL_NO;
        }
        for (const json &c : j.value("comments", json::array()))
            i.comments.push_back({text(c, "id"), text(c, "author"), text(c, "body"),
                                  c.value("visibility", "public") == "internal" ? SL_VISIBILITY_INTERNAL
                                                                                : SL_VISIBILITY_PUBLIC,
                                  time_of(c, "created_at")});
        for (const json &s : j.value("survey", json::array())) {
            OwnedSurveyResponse r{text(s, "id"), text(s, "text"), s.value("rating", 0), SL_UNKNOWN,
                                  time_of(s, "submitted_at")};
            if (s.contains("makes_job_easier")) r.makes_job_easier = s["makes_job_easier"].get<bool>() ? SL_YES : SL_NO;
            i.survey.push_back(std::move(r));
        }
        if (j.contains("custom")) i.custom = j["custom"].get<std::map<std::string, std::string>>();
        return i;
    } catch (const json::exception &e) {
        throw std::invalid_argument("incident '" + text(j, "id") + "': " + e.what());
    }
}

} // namespace servicelens::host
