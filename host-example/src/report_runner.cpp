#include <servicelens/host/report_runner.hpp>

#include <servicelens/host/incident_json.hpp>
#include <servicelens/host/owned_incident.hpp>

#include <deque>
#include <memory>
#include <stdexcept>

namespace servicelens::host {

namespace {

sl_value_type_t value_type(const std::string &name)
{
    if (name == "integer") return SL_VALUE_INTEGER;
    if (name == "number") return SL_VALUE_NUMBER;
    if (name == "boolean") return SL_VALUE_BOOLEAN;
    if (name == "time") return SL_VALUE_TIME;
    if (name == "json") return SL_VALUE_JSON;
    return SL_VALUE_STRING;
}

// Up to `capacity` records with everything they point to, owned here.
class RecordBatch {
public:
    explicit RecordBatch(std::size_t capacity) : capacity_(capacity) {}

    bool full() const noexcept { return records_.size() >= capacity_; }
    std::size_t size() const noexcept { return records_.size(); }

    void add(OwnedIncident &&incident, const std::vector<store::AttributeRecord> &attributes,
             const std::vector<store::SentimentRecord> &sentiments)
    {
        Entry &e = entries_.emplace_back();
        e.incident = std::move(incident);
        e.view = std::make_unique<IncidentView>(e.incident);
        e.attribute_records = attributes;
        e.sentiment_records = sentiments;
        for (const store::AttributeRecord &a : e.attribute_records) {
            sl_context_attribute_t c{};
            c.struct_size = sizeof c;
            c.type = value_type(a.type);
            c.key = {a.key.data(), a.key.size()};
            c.text = {a.value.data(), a.value.size()};
            if (c.type == SL_VALUE_INTEGER) c.integer = std::stoll(a.value);
            if (c.type == SL_VALUE_BOOLEAN) c.integer = a.value == "true";
            if (c.type == SL_VALUE_TIME) c.integer = parse_utc(a.value).value_or(SL_TIMESTAMP_NONE);
            if (c.type == SL_VALUE_NUMBER) c.number = std::stod(a.value);
            c.confidence = a.confidence;
            c.source = {a.source.data(), a.source.size()};
            c.observed_at = a.observed_at;
            e.attributes.push_back(c);
        }
        for (const store::SentimentRecord &s : e.sentiment_records) {
            sl_scored_text_t t{};
            t.struct_size = sizeof t;
            t.label = s.label;
            t.text_id = {s.text_id.data(), s.text_id.size()};
            t.plugin_id = {s.plugin_id.data(), s.plugin_id.size()};
            t.observed_at = s.written_at;
            t.compound = s.compound;
            e.scored.push_back(t);
        }
        for (const auto &a : e.attributes) e.attribute_ptrs.push_back(&a);
        for (const auto &t : e.scored) e.scored_ptrs.push_back(&t);
        sl_report_record_t r{};
        r.struct_size = sizeof r;
        r.incident = e.view->get();
        r.attributes = e.attribute_ptrs.data();
        r.attribute_count = e.attribute_ptrs.size();
        r.sentiments = e.scored_ptrs.data();
        r.sentiment_count = e.scored_ptrs.size();
        records_.push_back(r);
    }

    std::vector<const sl_report_record_t *> pointers() const
    {
        std::vector<const sl_report_record_t *> out;
        for (const auto &r : records_) out.push_back(&r);
        return out;
    }

    void clear()
    {
        entries_.clear();
        records_.clear();
    }

private:
    struct Entry {
        OwnedIncident incident;
        std::unique_ptr<IncidentView> view;
        std::vector<store::AttributeRecord> attribute_records;
        std::vector<store::SentimentRecord> sentiment_records;
        std::vector<sl_context_attribute_t> attributes;
        std::vector<const sl_context_attribute_t *> attribute_ptrs;
        std::vector<sl_scored_text_t> scored;
        std::vector<const sl_scored_text_t *> scored_ptrs;
    };
    std::size_t capacity_;
    std::deque<Entry> entries_;   // stable addresses: records point into them
    std::vector<sl_report_record_t> records_;
};

} // namespace

std::optional<ReportPeriod> stored_period(store::StateStore &state)
{
    sl_timestamp_t first = SL_TIMESTAMP_NONE, last = SL_TIMESTAMP_NONE;
    state.for_each_incident([&](const store::StoredIncident &stored, const auto &, const auto &) {
        const auto j = nlohmann::json::parse(stored.json);
        if (!j.contains("opened_at")) return;
        const auto t = parse_utc(j["opened_at"].get<std::string>());
        if (!t) return;
        if (first == SL_TIMESTAMP_NONE || *t < first) first = *t;
        if (last == SL_TIMESTAMP_NONE || *t > last) last = *t;
    });
    if (first == SL_TIMESTAMP_NONE) return std::nullopt;
    // Whole UTC days: from the first incident's midnight to the midnight after the last.
    constexpr sl_timestamp_t day = 86'400'000;
    return ReportPeriod{first - first % day, last - last % day + day, ""};
}

nlohmann::json build_report(const IncidentFeed &feed, ReportBuilderInstance &builder, const ReportPeriod &period)
{
    sl_report_params_t params{};
    params.struct_size = sizeof params;
    params.from = period.from;
    params.to = period.to;
    params.time_zone = {period.time_zone.data(), period.time_zone.size()};
    ReportState report = builder.begin(params);
    RecordBatch batch(500);
    feed([&](OwnedIncident &&incident, const std::vector<store::AttributeRecord> &attributes,
             const std::vector<store::SentimentRecord> &sentiments) {
        batch.add(std::move(incident), attributes, sentiments);
        if (batch.full()) {
            builder.consume(report, batch.pointers());
            batch.clear();
        }
    });
    if (batch.size() > 0) builder.consume(report, batch.pointers());
    const std::string text = builder.finish(report);
    nlohmann::json document = nlohmann::json::parse(text, nullptr, false);
    if (document.is_discarded() || !document.is_object())
        throw std::runtime_error("report plugin " + builder.descriptor().id + " wrote something that is not a JSON object");
    if (!document.contains("period"))
        document["period"] = {{"from", format_utc(period.from)}, {"to", format_utc(period.to)},
                              {"time_zone", period.time_zone.empty() ? "UTC" : period.time_zone}};
    return document;
}

nlohmann::json build_report(store::StateStore &state, ReportBuilderInstance &builder, const ReportPeriod &period)
{
    return build_report(
        [&](const IncidentVisitor &visit) {
            state.for_each_incident([&](const store::StoredIncident &stored,
                                        const std::vector<store::AttributeRecord> &attributes,
                                        const std::vector<store::SentimentRecord> &sentiments) {
                visit(incident_from_json(nlohmann::json::parse(stored.json)), attributes, sentiments);
            });
        },
        builder, period);
}

} // namespace servicelens::host
