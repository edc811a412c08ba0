// service-desk-report: the service desk's value in business terms — volume,
// backlog and aging, response and resolution times, SLA, first-contact and
// level-1 resolution, reopen and reassignment rates, volume spikes with the
// changes behind them, sentiment by department and service, and a support
// success story. docs/metrics.md defines every figure.
#include "calendar.hpp"
#include "desk_document.hpp"
#include "desk_metrics.hpp"
#include "desk_state.hpp"

#include <servicelens/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

using servicelens::desk_report::Calendar;
using servicelens::desk_report::DeskState;
using servicelens::desk_report::Settings;

class ServiceDeskReport final : public servicelens::ReportBuilder<DeskState> {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.service-desk-report",
        .name = "Service desk report",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "The service desk's value in business terms: volume, backlog and aging, time to respond and "
                       "resolve, SLA, first-contact and level-1 resolution, reopen and reassignment rates, volume "
                       "spikes, sentiment trends and a support success story.",
        .config_schema = R"({"type": "object", "additionalProperties": false, "properties": {
            "fcr_window_minutes": {"type": "integer", "minimum": 1, "maximum": 10080,
                                   "description": "An incident resolved later than this after it was opened was not resolved at first contact."},
            "spike_threshold": {"type": "number", "minimum": 1, "maximum": 20,
                                "description": "Robust z-score above which a day's volume is a spike."},
            "spike_min_incidents": {"type": "integer", "minimum": 1, "maximum": 100000,
                                    "description": "Fewest incidents a spike day has, so a quiet desk's busy day is not one."},
            "oldest_listed": {"type": "integer", "minimum": 0, "maximum": 100,
                              "description": "How many of the oldest open incidents the report names."}}})",
        .emits = "volume.total,backlog.open,resolve.median_hours,sla.attainment_percent,fcr.percent,level1.percent",
    };

    explicit ServiceDeskReport(const servicelens::CreateContext &context)
    {
        const auto config = nlohmann::json::parse(context.config_json);
        defaults_.fcr_window_minutes = config.value("fcr_window_minutes", defaults_.fcr_window_minutes);
        defaults_.spike_threshold = config.value("spike_threshold", defaults_.spike_threshold);
        defaults_.spike_min_incidents = config.value("spike_min_incidents", defaults_.spike_min_incidents);
        defaults_.oldest_listed = config.value("oldest_listed", defaults_.oldest_listed);
    }

    DeskState begin(const servicelens::ReportParams &p) override
    {
        DeskState state;
        state.settings = defaults_;
        state.settings.from = p.from;
        state.settings.to = p.to;
        state.settings.time_zone = p.time_zone;
        calendar(state.settings.time_zone);   // an unknown zone fails here, not mid-report
        return state;
    }

    void consume(DeskState &state, servicelens::RecordBatch records) override
    {
        const Calendar &days = calendar(state.settings.time_zone);
        for (const servicelens::Record record : records) servicelens::desk_report::consume(state, days, record);
    }

    void merge(DeskState &into, const DeskState &from) override
    {
        try {
            servicelens::desk_report::merge_into(into, from);
        } catch (const std::invalid_argument &e) {
            throw servicelens::invalid_argument(e.what());
        }
    }

    std::string serialize(const DeskState &state) override { return servicelens::desk_report::to_json_state(state).dump(); }

    DeskState deserialize(std::string_view bytes) override
    {
        return servicelens::desk_report::state_from_json(nlohmann::json::parse(bytes));
    }

    std::string finish(const DeskState &state) override { return servicelens::desk_report::report_document(state).dump(); }

private:
    // The zone looked up once per instance, not once per incident.
    const Calendar &calendar(const std::string &time_zone)
    {
        if (!calendar_ || calendar_zone_ != time_zone) {
            try {
                calendar_.emplace(time_zone);
            } catch (const std::invalid_argument &e) {
                throw servicelens::invalid_argument(e.what());
            }
            calendar_zone_ = time_zone;
        }
        return *calendar_;
    }

    Settings defaults_;
    std::optional<Calendar> calendar_;
    std::string calendar_zone_;
};

SERVICELENS_PLUGINS(ServiceDeskReport)
