#include "desk_document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

namespace servicelens::desk_report {

namespace {

using nlohmann::json;

std::optional<double> percent(const Share &s)
{
    if (s.of == 0) return std::nullopt;
    return 100.0 * static_cast<double>(s.hits) / static_cast<double>(s.of);
}

// Two decimals are what a reader compares; the state keeps full precision.
json rounded(std::optional<double> v)
{
    if (!v) return nullptr;
    return std::round(*v * 100.0) / 100.0;
}

std::optional<double> mean_compound(const Feeling &f)
{
    if (f.texts == 0) return std::nullopt;
    return static_cast<double>(f.compound_micros) / 1e6 / static_cast<double>(f.texts);
}

std::string text_of(std::optional<double> v, const char *unit = "")
{
    return v ? fmt::format("{:.1f}{}", *v, unit) : std::string("n/a");
}

class Document {
public:
    void metric(const char *id, const char *label, json value, const char *unit, const char *definition)
    {
        doc_["metrics"].push_back(
            {{"id", id}, {"label", label}, {"value", std::move(value)}, {"unit", unit}, {"definition", definition}});
    }
    void table(const char *id, const char *label, std::vector<std::string> columns, json rows)
    {
        doc_["tables"].push_back({{"id", id}, {"label", label}, {"columns", std::move(columns)}, {"rows", std::move(rows)}});
    }
    void series(const char *id, const char *label, const char *unit, json points)
    {
        doc_["series"].push_back({{"id", id}, {"label", label}, {"unit", unit}, {"points", std::move(points)}});
    }
    void note(std::string sentence) { doc_["notes"].push_back(std::move(sentence)); }
    json take() { return std::move(doc_); }

private:
    json doc_ = {{"title", "Service desk report"}, {"metrics", json::array()}, {"tables", json::array()},
                 {"series", json::array()}, {"notes", json::array()}};
};

json count_rows(const CountBy &counts, Count total)
{
    std::vector<std::pair<std::string, Count>> sorted(counts.begin(), counts.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    json rows = json::array();
    for (const auto &[key, n] : sorted)
        rows.push_back({key, n, rounded(percent(Share{total, n}))});
    return rows;
}

json duration_rows(const std::map<std::string, QuantileSketch> &by_group)
{
    json rows = json::array();
    for (const auto &[group, sketch] : by_group)
        rows.push_back({group, static_cast<Count>(sketch.count()), rounded(sketch.quantile(0.5)), rounded(sketch.quantile(0.9))});
    return rows;
}

std::string day_time(std::int64_t day) { return Calendar::date_of_day(day) + "T00:00:00Z"; }
std::string month_time(const std::string &month) { return month + "-01T00:00:00Z"; }

// The lower-rank median of `values` (sorted here), as the sketches report.
double lower_median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[(values.size() - 1) / 2];
}

struct Spike {
    std::int64_t day;
    Count incidents;
    double z;
};

// Robust z-scores of the daily volumes (Iglewicz and Hoaglin): every day
// from the first to the last with an incident counts, quiet days included.
std::vector<Spike> volume_spikes(const DeskState &s, double &median_out)
{
    std::vector<Spike> spikes;
    median_out = 0;
    if (s.by_day.empty()) return spikes;
    const std::int64_t first = s.by_day.begin()->first, last = s.by_day.rbegin()->first;
    std::vector<double> volume;
    for (std::int64_t d = first; d <= last; ++d) {
        const auto it = s.by_day.find(d);
        volume.push_back(it == s.by_day.end() ? 0.0 : static_cast<double>(it->second));
    }
    const double m = lower_median(volume);
    median_out = m;
    std::vector<double> deviation;
    double mean_deviation = 0;
    for (const double v : volume) {
        deviation.push_back(std::abs(v - m));
        mean_deviation += std::abs(v - m) / static_cast<double>(volume.size());
    }
    // z = 0.6745 (x - m) / MAD; when more than half the days share one
    // volume the MAD is 0, and (x - m) / (1.253314 MeanAD) takes its place
    // (IBM SPSS Modeler's modified z-score): both divide by an estimate of
    // the standard deviation of normal data.
    double scale = lower_median(deviation);
    double factor = 0.6745;
    if (scale == 0) {
        scale = mean_deviation;
        factor = 1 / 1.253314;
    }
    if (scale == 0) return spikes;
    for (std::int64_t d = first; d <= last; ++d) {
        const double z = factor * (volume[static_cast<std::size_t>(d - first)] - m) / scale;
        if (z > s.settings.spike_threshold && volume[static_cast<std::size_t>(d - first)] >= s.settings.spike_min_incidents)
            spikes.push_back({d, static_cast<Count>(volume[static_cast<std::size_t>(d - first)]), z});
    }
    return spikes;
}

std::string top_changes(const DeskState &s, std::int64_t day)
{
    const auto it = s.changes_by_day.find(day);
    if (it == s.changes_by_day.end()) return "";
    std::vector<std::pair<std::string, Count>> ranked(it->second.begin(), it->second.end());
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.second > b.second; });
    std::string out;
    for (std::size_t k = 0; k < std::min<std::size_t>(3, ranked.size()); ++k)
        out += fmt::format("{}{} ({})", k ? ", " : "", ranked[k].first, ranked[k].second);
    return out;
}

json feeling_rows(const std::map<std::string, Feeling> &by_group)
{
    json rows = json::array();
    for (const auto &[group, f] : by_group)
        rows.push_back({group, f.texts, rounded(mean_compound(f)), rounded(percent(Share{f.texts, f.negative}))});
    return rows;
}

void tell_success_story(Document &doc, const DeskState &s)
{
    if (s.months.empty()) return;
    const auto &[first_month, first] = *s.months.begin();
    const auto &[last_month, last] = *s.months.rbegin();
    doc.note(fmt::format("The desk took {} incidents and resolved {} of them; {} were resolved at level 1 ({} of resolved; "
                         "{} in {}, {} in {}).",
                         s.incidents, s.level1.of, s.level1.hits, text_of(percent(s.level1), " %"), text_of(percent(first.level1), " %"),
                         first_month, text_of(percent(last.level1), " %"), last_month));
    if (s.months.size() > 1)
        doc.note(fmt::format("Median time to resolve: {} h in {}, {} h in {}.", text_of(first.resolve_hours.quantile(0.5)),
                             first_month, text_of(last.resolve_hours.quantile(0.5)), last_month));
    if (s.sla.of > 0)
        doc.note(fmt::format("{} of {} incidents with an SLA met it ({}).", s.sla.hits, s.sla.of, text_of(percent(s.sla), " %")));
    // What the desk eliminated: categories whose monthly volume fell most
    // from the first third of the months to the last third.
    if (s.months.size() >= 3) {
        const std::size_t third = s.months.size() / 3;
        std::map<std::string, std::pair<Count, Count>> before_after;
        std::size_t k = 0;
        for (const auto &[month, m] : s.months) {
            for (const auto &[category, n] : m.by_category) {
                if (k < third) before_after[category].first += n;
                if (k >= s.months.size() - third) before_after[category].second += n;
            }
            ++k;
        }
        std::vector<std::tuple<double, std::string, double, double>> fell;
        for (const auto &[category, counts] : before_after) {
            const double before = static_cast<double>(counts.first) / static_cast<double>(third);
            const double after = static_cast<double>(counts.second) / static_cast<double>(third);
            if (after < before) fell.emplace_back(after - before, category, before, after);
        }
        std::sort(fell.begin(), fell.end());
        json rows = json::array();
        for (std::size_t r = 0; r < std::min<std::size_t>(5, fell.size()); ++r) {
            const auto &[drop, category, before, after] = fell[r];
            rows.push_back({category, std::round(before * 10) / 10, std::round(after * 10) / 10,
                            std::round(100 * drop / before * 10) / 10});
        }
        if (!fell.empty()) {
            const auto &[drop, category, before, after] = fell.front();
            doc.note(fmt::format("Eliminated demand: {} fell from {:.1f} to {:.1f} incidents a month ({:.0f} %) between the first "
                                 "and the last {} month{} of the period.",
                                 category, before, after, 100 * drop / before, third, third == 1 ? "" : "s"));
        }
        doc.table("story.eliminated", "Categories whose monthly volume fell most (first third of the months vs last third)",
                  {"category", "incidents a month before", "incidents a month after", "change %"}, rows);
    }
    if (s.ratings > 0 || s.feeling.texts > 0) {
        std::string sentence = "How users feel:";
        if (s.ratings > 0)
            sentence += fmt::format(" a mean rating of {:.2f} of 5 from {} survey answers, {} happy (4 or 5);",
                                    static_cast<double>(s.rating_sum) / static_cast<double>(s.ratings), s.ratings,
                                    text_of(percent(Share{s.ratings, s.happy_ratings}), " %"));
        if (s.feeling.texts > 0)
            sentence += fmt::format(" {} of {} scored texts positive; mean sentiment {:+.2f} in {}, {:+.2f} in {}.",
                                    text_of(percent(Share{s.feeling.texts, s.feeling.positive}), " %"), s.feeling.texts,
                                    mean_compound(first.feeling).value_or(0), first_month,
                                    mean_compound(last.feeling).value_or(0), last_month);
        doc.note(sentence);
    }
}

} // namespace

json report_document(const DeskState &s)
{
    Document doc;
    doc.metric("volume.total", "Incidents opened", s.incidents, "incidents", "Incidents whose opened_at is in the period.");
    doc.metric("backlog.open", "Open at the end of the period", s.open, "incidents",
               "Incidents opened before the end of the period and neither resolved, closed nor cancelled by then.");
    doc.metric("resolve.median_hours", "Median time to resolve", rounded(s.resolve_hours.all.quantile(0.5)), "hours",
               "resolved_at - opened_at of the period's resolved incidents; lower median, within 0.5 %.");
    doc.metric("resolve.p90_hours", "90th percentile time to resolve", rounded(s.resolve_hours.all.quantile(0.9)), "hours",
               "As the median, at rank floor(0.9 (n - 1)).");
    doc.metric("first_response.median_hours", "Median time to first response",
               rounded(s.first_response_hours.all.quantile(0.5)), "hours", "first_response_at - opened_at.");
    doc.metric("first_response.p90_hours", "90th percentile time to first response",
               rounded(s.first_response_hours.all.quantile(0.9)), "hours", "first_response_at - opened_at.");
    doc.metric("sla.attainment_percent", "SLA attainment", rounded(percent(s.sla)), "%",
               "Of the period's incidents whose SLA outcome is known, the share not breached.");
    doc.metric("fcr.percent", "First-contact resolution", rounded(percent(s.fcr)), "%",
               fmt::format("Of resolved phone, chat and walk-up incidents, the share solved at level 1, never reassigned "
                           "or reopened, within {} minutes.", s.settings.fcr_window_minutes)
                   .c_str());
    doc.metric("level1.percent", "Resolved at level 1 (shift-left)", rounded(percent(s.level1)), "%",
               "Of the period's resolved incidents, the share with escalation level 0.");
    doc.metric("reopen.percent", "Reopen rate", rounded(percent(s.reopened)), "%",
               "Of the period's resolved incidents, the share reopened at least once.");
    doc.metric("reassignment.percent", "Reassignment rate", rounded(percent(s.reassigned)), "%",
               "Of the period's incidents, the share reassigned at least once.");
    doc.metric("reassignment.mean", "Reassignments per incident",
               rounded(s.incidents ? std::optional<double>(static_cast<double>(s.reassignments) / static_cast<double>(s.incidents))
                                   : std::nullopt),
               "reassignments", "Mean reassignment count of the period's incidents.");
    double median_day = 0;
    const std::vector<Spike> spikes = volume_spikes(s, median_day);
    doc.metric("spikes.count", "Volume spikes", static_cast<Count>(spikes.size()), "days",
               fmt::format("Days with at least {} incidents whose volume has a robust z-score above {} (median and "
                           "MAD of daily volume).",
                           s.settings.spike_min_incidents, s.settings.spike_threshold)
                   .c_str());
    doc.metric("rating.mean", "Mean five-face rating",
               rounded(s.ratings ? std::optional<double>(static_cast<double>(s.rating_sum) / static_cast<double>(s.ratings))
                                 : std::nullopt),
               "of 5", "Survey ratings 1 to 5 of the period's incidents.");
    doc.metric("rating.happy_percent", "Happy ratings", rounded(percent(Share{s.ratings, s.happy_ratings})), "%",
               "Ratings of 4 or 5.");
    doc.metric("easier.yes_percent", "\"IT makes my job easier\"", rounded(percent(s.easier)), "%",
               "Yes among the yes/no answers.");
    doc.metric("sentiment.mean_compound", "Mean sentiment", rounded(mean_compound(s.feeling)), "compound",
               "Mean compound score (-1 to +1) of every scored text of the period's incidents.");
    doc.metric("sentiment.positive_percent", "Positive texts", rounded(percent(Share{s.feeling.texts, s.feeling.positive})),
               "%", "Texts with a compound above 0.05.");

    doc.table("volume.by_channel", "Incidents by channel", {"channel", "incidents", "%"}, count_rows(s.by_channel, s.incidents));
    doc.table("volume.by_category", "Incidents by category", {"category", "incidents", "%"},
              count_rows(s.by_category, s.incidents));
    doc.table("volume.by_priority", "Incidents by priority", {"priority", "incidents", "%"},
              count_rows(s.by_priority, s.incidents));
    json months = json::array(), trend = json::array(), level1_points = json::array(), feeling_points = json::array();
    for (const auto &[month, m] : s.months) {
        months.push_back({month, m.incidents});
        trend.push_back({month, m.incidents, m.level1.of, rounded(percent(m.level1)), rounded(m.resolve_hours.quantile(0.5)),
                         rounded(percent(m.sla)), rounded(percent(m.fcr)), rounded(percent(m.reopened))});
        level1_points.push_back({{"t", month_time(month)}, {"v", rounded(percent(m.level1))}});
        feeling_points.push_back({{"t", month_time(month)}, {"v", rounded(mean_compound(m.feeling))}});
    }
    doc.table("volume.by_month", "Incidents by month", {"month", "incidents"}, months);

    json aging = json::array();
    for (const auto &[group, b] : s.aging_by_group) aging.push_back({group, b[0], b[1], b[2], b[3], b[0] + b[1] + b[2] + b[3]});
    doc.table("backlog.aging_by_group", "Open incidents by age, per assignment group",
              {"assignment group", "0-2 d", "3-7 d", "8-30 d", "over 30 d", "open"}, aging);
    json oldest = json::array();
    for (const OpenIncident &o : s.oldest)
        oldest.push_back({o.number, o.group, o.priority >= 1 && o.priority <= 5 ? json(o.priority) : json(nullptr),
                          (s.settings.to - o.opened_at) / 86'400'000});
    doc.table("backlog.oldest", "Oldest open incidents", {"number", "assignment group", "priority", "age (days)"}, oldest);

    const std::vector<std::string> duration_columns{"group", "incidents", "median (h)", "p90 (h)"};
    doc.table("resolve.by_priority", "Time to resolve by priority", duration_columns, duration_rows(s.resolve_hours.by_priority));
    doc.table("resolve.by_impact_urgency", "Time to resolve by impact x urgency", duration_columns,
              duration_rows(s.resolve_hours.by_impact_urgency));
    doc.table("first_response.by_priority", "Time to first response by priority", duration_columns,
              duration_rows(s.first_response_hours.by_priority));
    doc.table("first_response.by_impact_urgency", "Time to first response by impact x urgency", duration_columns,
              duration_rows(s.first_response_hours.by_impact_urgency));
    json sla_rows = json::array();
    for (const auto &[priority, share] : s.sla_by_priority)
        sla_rows.push_back({priority, share.of, share.hits, rounded(percent(share))});
    doc.table("sla.by_priority", "SLA attainment by priority", {"priority", "with an SLA", "met", "%"}, sla_rows);
    doc.table("trend.by_month", "The desk month by month",
              {"month", "incidents", "resolved", "level-1 %", "median resolve (h)", "SLA %", "FCR %", "reopen %"}, trend);

    json spike_rows = json::array();
    for (const Spike &spike : spikes)
        spike_rows.push_back({Calendar::date_of_day(spike.day), spike.incidents, std::round(spike.z * 100) / 100,
                              top_changes(s, spike.day)});
    doc.table("spikes.days", fmt::format("Volume spikes (median day: {:.0f} incidents)", median_day).c_str(),
              {"day", "incidents", "robust z", "changes its incidents name"}, spike_rows);
    doc.table("sentiment.by_department", "Sentiment by department", {"department", "texts", "mean compound", "negative %"},
              feeling_rows(s.feeling_by_department));
    doc.table("sentiment.by_service", "Sentiment by service", {"service", "texts", "mean compound", "negative %"},
              feeling_rows(s.feeling_by_service));

    json daily = json::array();
    if (!s.by_day.empty())
        for (std::int64_t d = s.by_day.begin()->first; d <= s.by_day.rbegin()->first; ++d) {
            const auto it = s.by_day.find(d);
            daily.push_back({{"t", day_time(d)}, {"v", it == s.by_day.end() ? 0 : it->second}});
        }
    doc.series("volume.daily", "Incidents per day", "incidents", daily);
    doc.series("level1.monthly", "Resolved at level 1, per month", "%", level1_points);
    doc.series("sentiment.monthly", "Mean sentiment per month", "compound", feeling_points);
    tell_success_story(doc, s);
    // The five largest spikes get a sentence; the table lists them all.
    std::vector<Spike> largest = spikes;
    std::stable_sort(largest.begin(), largest.end(), [](const Spike &a, const Spike &b) { return a.z > b.z; });
    largest.resize(std::min<std::size_t>(5, largest.size()));
    for (const Spike &spike : largest) {
        const std::string changes = top_changes(s, spike.day);
        doc.note(fmt::format("Spike on {}: {} incidents against a median day of {:.0f}{}.", Calendar::date_of_day(spike.day),
                             spike.incidents, median_day, changes.empty() ? "" : "; they name " + changes));
    }
    return doc.take();
}

} // namespace servicelens::desk_report
