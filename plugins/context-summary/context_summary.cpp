// context-summary: what the desk knows about its callers — for every
// context attribute the stored incidents carry, how many incidents have it,
// from which source, and its most common values. The demo report shows it,
// so every context plugin's contribution is visible in one table.
#include <servicelens/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

struct AttributeCounts {
    long long incidents = 0;
    std::string source;                        // the first source seen
    std::map<std::string, long long> values;   // text and boolean values; at most max_values kept
    long long other_values = 0;                // counted beyond max_values
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AttributeCounts, incidents, source, values, other_values)

struct ContextCounts {
    sl_timestamp_t from = 0;
    sl_timestamp_t to = 0;
    long long incidents = 0;
    std::map<std::string, AttributeCounts> by_key;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ContextCounts, from, to, incidents, by_key)

class ContextSummary final : public servicelens::ReportBuilder<ContextCounts> {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.context-summary",
        .name = "Context summary",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "Every context attribute the incidents of the period carry: coverage, source and the most "
                       "common values.",
        .emits = "context.incidents,context.by_attribute",
    };

    explicit ContextSummary(const servicelens::CreateContext &) {}

    ContextCounts begin(const servicelens::ReportParams &p) override { return {p.from, p.to, 0, {}}; }

    void consume(ContextCounts &s, servicelens::RecordBatch records) override
    {
        for (const servicelens::Record record : records) {
            const auto opened = record.incident().opened_at();
            if (!opened || *opened < s.from || *opened >= s.to) continue;
            ++s.incidents;
            for (const sl_context_attribute_t *a : record.attributes()) {
                AttributeCounts &c = s.by_key[std::string(servicelens::view(a->key))];
                ++c.incidents;
                if (c.source.empty()) c.source = servicelens::view(a->source);
                if (a->type == SL_VALUE_STRING) count_value(c, std::string(servicelens::view(a->text)), 1);
                if (a->type == SL_VALUE_BOOLEAN) count_value(c, a->integer ? "true" : "false", 1);
            }
        }
    }

    void merge(ContextCounts &into, const ContextCounts &from) override
    {
        if (into.from != from.from || into.to != from.to)
            throw servicelens::invalid_argument("cannot merge states of different periods");
        into.incidents += from.incidents;
        for (const auto &[key, c] : from.by_key) {
            AttributeCounts &mine = into.by_key[key];
            mine.incidents += c.incidents;
            if (mine.source.empty()) mine.source = c.source;
            mine.other_values += c.other_values;
            for (const auto &[value, n] : c.values) count_value(mine, value, n);
        }
    }

    std::string serialize(const ContextCounts &s) override { return nlohmann::json(s).dump(); }
    ContextCounts deserialize(std::string_view bytes) override { return nlohmann::json::parse(bytes).get<ContextCounts>(); }

    std::string finish(const ContextCounts &s) override
    {
        nlohmann::json rows = nlohmann::json::array();
        for (const auto &[key, c] : s.by_key)
            rows.push_back({key, c.source, c.incidents, s.incidents ? 100.0 * c.incidents / s.incidents : 0.0, top(c)});
        const nlohmann::json table = {{"id", "context.by_attribute"},
                                      {"label", "Context the plugins found"},
                                      {"columns", {"attribute", "source", "incidents", "% of incidents", "most common"}},
                                      {"rows", rows}};
        const nlohmann::json metric = {{"id", "context.incidents"}, {"label", "Incidents in the period"}, {"value", s.incidents}};
        return nlohmann::json{{"title", "Caller context"}, {"metrics", nlohmann::json::array({metric})},
                              {"tables", nlohmann::json::array({table})}}.dump();
    }

private:
    // Bounded: memory grows with the number of attributes, not of incidents.
    static constexpr std::size_t max_values = 64;

    static void count_value(AttributeCounts &c, const std::string &value, long long n)
    {
        if (const auto it = c.values.find(value); it != c.values.end()) it->second += n;
        else if (c.values.size() < max_values) c.values.emplace(value, n);
        else c.other_values += n;
    }

    // "Finance (31%), Sales (22%), HR (12%)": the three most common values.
    static std::string top(const AttributeCounts &c)
    {
        std::vector<std::pair<long long, std::string>> ranked;
        for (const auto &[value, n] : c.values) ranked.emplace_back(n, value);
        std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
        std::string out;
        for (std::size_t i = 0; i < std::min<std::size_t>(3, ranked.size()); ++i)
            out += (i ? ", " : "") + ranked[i].second + " (" + std::to_string(100 * ranked[i].first / std::max(1LL, c.incidents)) + "%)";
        return out;
    }
};

SERVICELENS_PLUGINS(ContextSummary)
