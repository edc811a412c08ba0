#include "desk_metrics.hpp"

#include <servicelens/cpp/utf8.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <iterator>
#include <string>
#include <string_view>

namespace servicelens::desk_report {

namespace {

constexpr double ms_per_hour = 3'600'000.0;
constexpr sl_timestamp_t ms_per_day = 86'400'000;

std::string channel_name(sl_contact_type_t c)
{
    const std::string_view name = servicelens::contact_type_name(c);
    return name.empty() ? "unknown" : std::string(name);
}

bool live_channel(sl_contact_type_t c) { return c == SL_CONTACT_PHONE || c == SL_CONTACT_CHAT || c == SL_CONTACT_WALK_UP; }

std::string priority_name(int p) { return p >= 1 && p <= 5 ? "P" + std::to_string(p) : "unknown"; }

std::string impact_urgency_name(int impact, int urgency)
{
    const auto part = [](int v) { return v >= 1 && v <= 3 ? std::to_string(v) : std::string("?"); };
    return "I" + part(impact) + " x U" + part(urgency);
}

// Group names come from the ITSM's data: invalid UTF-8 is replaced, so the
// report document stays valid JSON whatever a ticket holds.
std::string text(std::string_view value) { return servicelens::utf8::sanitize(value); }

std::string or_else(std::string_view value, const char *fallback) { return value.empty() ? fallback : text(value); }

// Open at `to`: not cancelled, and neither resolved nor closed before it.
// An incident resolved or closed without a time is not open.
bool open_at(const servicelens::Incident &i, sl_timestamp_t to)
{
    const std::string_view state = i.state();
    if (state == "cancelled") return false;
    const auto resolved = i.resolved_at(), closed = i.closed_at();
    if (resolved && *resolved < to) return false;
    if (closed && *closed < to) return false;
    if ((state == "resolved" || state == "closed") && !resolved && !closed) return false;
    return true;
}

int aging_bucket(std::int64_t days) { return days <= 2 ? 0 : days <= 7 ? 1 : days <= 30 ? 2 : 3; }

void count_backlog(DeskState &s, const servicelens::Incident &i, sl_timestamp_t opened)
{
    const sl_timestamp_t to = s.settings.to;
    if (opened >= to || !open_at(i, to)) return;
    ++s.open;
    ++s.aging_by_group[or_else(i.assignment_group(), "(unassigned)")][aging_bucket((to - opened) / ms_per_day)];
    s.oldest.push_back({opened, text(i.number().empty() ? i.id() : i.number()),
                        or_else(i.assignment_group(), "(unassigned)"), i.priority()});
    std::sort(s.oldest.begin(), s.oldest.end(), [](const OpenIncident &a, const OpenIncident &b) {
        return a.opened_at != b.opened_at ? a.opened_at < b.opened_at : a.number < b.number;
    });
    if (static_cast<Count>(s.oldest.size()) > s.settings.oldest_listed) s.oldest.resize(s.settings.oldest_listed);
}

void add_duration(Durations &d, double hours, const servicelens::Incident &i)
{
    d.all.add(hours);
    d.by_priority[priority_name(i.priority())].add(hours);
    d.by_impact_urgency[impact_urgency_name(i.impact(), i.urgency())].add(hours);
}

void count(Share &share, bool hit)
{
    ++share.of;
    share.hits += hit ? 1 : 0;
}

void feel(Feeling &f, double compound)
{
    ++f.texts;
    f.compound_micros += std::llround(compound * 1e6);
    f.negative += compound < -0.05 ? 1 : 0;
    f.positive += compound > 0.05 ? 1 : 0;
}

std::string department_of(const servicelens::Record &record)
{
    const sl_context_attribute_t *a = record.attribute("caller.department");
    if (!a || a->type != SL_VALUE_STRING || a->text.size == 0) return "unknown";
    return text(servicelens::view(a->text));
}

// Plugins whose score of a text is used when several scored it, best
// first: a text counts once in the trend, however many analyzers ran.
constexpr std::string_view preferred_analyzers[] = {"org.servicelens.learned", "org.servicelens.lexicon",
                                                    "org.servicelens.feedback"};

std::size_t preference(std::string_view plugin_id)
{
    const auto *it = std::find(std::begin(preferred_analyzers), std::end(preferred_analyzers), plugin_id);
    return static_cast<std::size_t>(it - std::begin(preferred_analyzers));
}

// Whether `t` is the score of its text to use: no other score of the same
// text comes from a preferred plugin, or from the same rank earlier.
bool preferred_score(const servicelens::Record &record, const sl_scored_text_t &t)
{
    const std::string_view id = servicelens::view(t.text_id);
    const std::size_t mine = preference(servicelens::view(t.plugin_id));
    bool before = true;
    for (const sl_scored_text_t *other : record.sentiments()) {
        if (other == &t) {
            before = false;
            continue;
        }
        if (servicelens::view(other->text_id) != id) continue;
        const std::size_t theirs = preference(servicelens::view(other->plugin_id));
        if (theirs < mine || (theirs == mine && before)) return false;
    }
    return true;
}

} // namespace

void consume(DeskState &s, const Calendar &calendar, const servicelens::Record &record)
{
    const servicelens::Incident i = record.incident();
    const auto opened = i.opened_at();
    if (!opened) return;
    count_backlog(s, i, *opened);
    if (*opened < s.settings.from || *opened >= s.settings.to) return;

    const std::int64_t day = calendar.day_of(*opened);
    Month &month = s.months[Calendar::month_of_day(day)];
    const std::string category = or_else(i.category(), "(none)");
    ++s.incidents;
    ++month.incidents;
    ++s.by_channel[channel_name(i.contact_type())];
    ++s.by_category[category];
    ++month.by_category[category];
    ++s.by_priority[priority_name(i.priority())];
    ++s.by_day[day];
    if (!i.related_change().empty()) ++s.changes_by_day[day][text(i.related_change())];

    if (const auto first = i.first_response_at(); first && *first >= *opened)
        add_duration(s.first_response_hours, static_cast<double>(*first - *opened) / ms_per_hour, i);
    // Resolved means resolved_at is set; a duration also needs it not to
    // come before opened_at (a clock or data error, left out of the times).
    const auto resolved = i.resolved_at();
    if (resolved && *resolved >= *opened) {
        const double hours = static_cast<double>(*resolved - *opened) / ms_per_hour;
        add_duration(s.resolve_hours, hours, i);
        month.resolve_hours.add(hours);
    }
    if (const auto breached = i.sla_breached()) {
        count(s.sla, !*breached);
        count(s.sla_by_priority[priority_name(i.priority())], !*breached);
        count(month.sla, !*breached);
    }
    if (resolved) {
        const bool level1 = i.escalation_level() == 0;
        count(s.level1, level1);
        count(month.level1, level1);
        count(s.reopened, i.reopen_count() > 0);
        count(month.reopened, i.reopen_count() > 0);
        if (live_channel(i.contact_type())) {
            const bool first_contact = level1 && i.reassignment_count() == 0 && i.reopen_count() == 0 &&
                                       *resolved - *opened <= s.settings.fcr_window_minutes * 60'000;
            count(s.fcr, first_contact);
            count(month.fcr, first_contact);
        }
    }
    count(s.reassigned, i.reassignment_count() > 0);
    s.reassignments += std::max(0, i.reassignment_count());

    const std::string department = department_of(record);
    const std::string service = i.ci().empty() ? category : text(i.ci());
    for (const sl_scored_text_t *t : record.sentiments()) {
        if (!std::isfinite(t->compound) || !preferred_score(record, *t)) continue;
        const double compound = std::clamp(t->compound, -1.0, 1.0);
        feel(s.feeling, compound);
        feel(month.feeling, compound);
        feel(s.feeling_by_department[department], compound);
        feel(s.feeling_by_service[service], compound);
    }
    for (const sl_survey_response_t *r : i.survey()) {
        if (r->rating >= 1 && r->rating <= 5) {
            ++s.ratings;
            s.rating_sum += r->rating;
            s.happy_ratings += r->rating >= 4 ? 1 : 0;
        }
        if (r->makes_job_easier != SL_UNKNOWN) count(s.easier, r->makes_job_easier == SL_YES);
    }
}

namespace {

void add(Share &into, const Share &from)
{
    into.of += from.of;
    into.hits += from.hits;
}

void add(Feeling &into, const Feeling &from)
{
    into.texts += from.texts;
    into.compound_micros += from.compound_micros;
    into.negative += from.negative;
    into.positive += from.positive;
}

void add(Count &into, Count from) { into += from; }
void add(QuantileSketch &into, const QuantileSketch &from) { into.merge(from); }
void add(CountBy &into, const CountBy &from)
{
    for (const auto &[key, n] : from) into[key] += n;
}

void add(Durations &into, const Durations &from);
void add(Month &into, const Month &from);

template <class Key, class Value>
void add(std::map<Key, Value> &into, const std::map<Key, Value> &from)
{
    for (const auto &[key, value] : from) add(into[key], value);
}

void add(Durations &into, const Durations &from)
{
    add(into.all, from.all);
    add(into.by_priority, from.by_priority);
    add(into.by_impact_urgency, from.by_impact_urgency);
}

void add(Month &into, const Month &from)
{
    add(into.incidents, from.incidents);
    add(into.level1, from.level1);
    add(into.sla, from.sla);
    add(into.fcr, from.fcr);
    add(into.reopened, from.reopened);
    add(into.resolve_hours, from.resolve_hours);
    add(into.feeling, from.feeling);
    add(into.by_category, from.by_category);
}

} // namespace

void merge_into(DeskState &into, const DeskState &from)
{
    if (!(into.settings == from.settings))
        throw std::invalid_argument("cannot merge report states of different periods, time zones or settings");
    add(into.incidents, from.incidents);
    add(into.by_channel, from.by_channel);
    add(into.by_category, from.by_category);
    add(into.by_priority, from.by_priority);
    add(into.by_day, from.by_day);
    add(into.changes_by_day, from.changes_by_day);
    add(into.months, from.months);
    add(into.open, from.open);
    for (const auto &[group, buckets] : from.aging_by_group)
        for (std::size_t b = 0; b < buckets.size(); ++b) into.aging_by_group[group][b] += buckets[b];
    into.oldest.insert(into.oldest.end(), from.oldest.begin(), from.oldest.end());
    std::sort(into.oldest.begin(), into.oldest.end(), [](const OpenIncident &a, const OpenIncident &b) {
        return a.opened_at != b.opened_at ? a.opened_at < b.opened_at : a.number < b.number;
    });
    if (static_cast<Count>(into.oldest.size()) > into.settings.oldest_listed) into.oldest.resize(into.settings.oldest_listed);
    add(into.first_response_hours, from.first_response_hours);
    add(into.resolve_hours, from.resolve_hours);
    add(into.sla, from.sla);
    add(into.sla_by_priority, from.sla_by_priority);
    add(into.level1, from.level1);
    add(into.fcr, from.fcr);
    add(into.reopened, from.reopened);
    add(into.reassigned, from.reassigned);
    add(into.reassignments, from.reassignments);
    add(into.feeling, from.feeling);
    add(into.feeling_by_department, from.feeling_by_department);
    add(into.feeling_by_service, from.feeling_by_service);
    add(into.ratings, from.ratings);
    add(into.rating_sum, from.rating_sum);
    add(into.happy_ratings, from.happy_ratings);
    add(into.easier, from.easier);
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Settings, from, to, time_zone, fcr_window_minutes, spike_threshold,
                                   spike_min_incidents, oldest_listed)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Durations, all, by_priority, by_impact_urgency)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Share, of, hits)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Feeling, texts, compound_micros, negative, positive)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Month, incidents, level1, sla, fcr, reopened, resolve_hours, feeling, by_category)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(OpenIncident, opened_at, number, group, priority)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(DeskState, settings, incidents, by_channel, by_category, by_priority, by_day,
                                   changes_by_day, months, open, aging_by_group, oldest, first_response_hours,
                                   resolve_hours, sla, sla_by_priority, level1, fcr, reopened, reassigned, reassignments,
                                   feeling, feeling_by_department, feeling_by_service, ratings, rating_sum,
                                   happy_ratings, easier)

nlohmann::json to_json_state(const DeskState &state)
{
    nlohmann::json j = state;
    j["format"] = 1;
    return j;
}

DeskState state_from_json(const nlohmann::json &j)
{
    if (j.value("format", 0) != 1) throw std::invalid_argument("not a service-desk report state of format 1");
    return j.get<DeskState>();
}

} // namespace servicelens::desk_report
