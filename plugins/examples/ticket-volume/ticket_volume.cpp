// Example report builder: incidents opened in the period, by priority. Its
// state is a few counters, so shards merge by adding them.
#include <servicelens/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>

struct VolumeCounts {
    sl_timestamp_t from = 0;
    sl_timestamp_t to = 0;
    std::map<int, long long> by_priority;   // priority 1..5, 0 unknown -> incidents
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(VolumeCounts, from, to, by_priority)

class TicketVolume final : public servicelens::ReportBuilder<VolumeCounts> {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.example.ticket-volume",
        .name = "Ticket volume (example)",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "Incidents opened in the period, by priority.",
        .emits = "volume.total,volume.by_priority",
    };

    explicit TicketVolume(const servicelens::CreateContext &) {}

    VolumeCounts begin(const servicelens::ReportParams &p) override { return {p.from, p.to, {}}; }

    void consume(VolumeCounts &s, servicelens::RecordBatch records) override
    {
        for (const servicelens::Record record : records)
            if (const auto opened = record.incident().opened_at(); opened && *opened >= s.from && *opened < s.to)
                ++s.by_priority[record.incident().priority()];
    }

    void merge(VolumeCounts &into, const VolumeCounts &from) override
    {
        if (into.from != from.from || into.to != from.to)
            throw servicelens::invalid_argument("cannot merge states of different periods");
        for (const auto &[priority, n] : from.by_priority) into.by_priority[priority] += n;
    }

    std::string serialize(const VolumeCounts &s) override { return nlohmann::json(s).dump(); }

    // A parse error becomes SL_STATUS_INVALID_ARGUMENT: the layer treats any
    // exception from deserialize as bytes it cannot restore.
    VolumeCounts deserialize(std::string_view bytes) override
    {
        return nlohmann::json::parse(bytes).get<VolumeCounts>();
    }

    std::string finish(const VolumeCounts &s) override
    {
        long long total = 0;
        for (const auto &[priority, n] : s.by_priority) total += n;
        const nlohmann::json metric = {{"id", "volume.total"}, {"label", "Incidents opened"}, {"value", total}};
        const nlohmann::json table = {{"id", "volume.by_priority"}, {"columns", {"priority", "incidents"}},
                                      {"rows", s.by_priority}};
        return nlohmann::json{{"title", "Ticket volume"}, {"metrics", nlohmann::json::array({metric})},
                              {"tables", nlohmann::json::array({table})}}.dump();
    }
};

SERVICELENS_PLUGINS(TicketVolume)
