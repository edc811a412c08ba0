// acumen: the caller's IT acumen — novice, intermediate or expert, a 0-100
// score and the reasons — from what the desk has seen of them before this
// incident, read through the host's history service (ABI 1.1). README.md
// explains the score and its limits.
#include <servicelens/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

namespace {

// What the score is made of, counted over a caller's earlier incidents.
struct Track {
    int tickets = 0;
    int self_service = 0;      // opened through a channel the caller serves themselves on
    int how_to = 0;            // a question, not a fault
    int reopened = 0;
    int resolved = 0;
    int escalated = 0;         // resolved only past level 1
};

struct Settings {
    uint32_t history_limit = 200;
    std::set<sl_contact_type_t> self_service_channels{SL_CONTACT_PORTAL, SL_CONTACT_CHAT};
    // Questions and routine requests a practised user would not need to raise.
    std::set<std::string, std::less<>> how_to_subcategories{"how_to", "password"};
};

sl_contact_type_t channel_named(const std::string &name)
{
    if (name == "unknown") return SL_CONTACT_UNKNOWN;
    if (const sl_contact_type_t t = servicelens::parse_contact_type(name); t != SL_CONTACT_UNKNOWN) return t;
    throw servicelens::invalid_argument("self_service_channels: unknown channel '" + name + "'");
}

std::string percent(int part, int whole) { return std::to_string(whole ? (100 * part + whole / 2) / whole : 0) + "%"; }

} // namespace

class Acumen final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.acumen",
        .name = "IT acumen",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "The caller's IT acumen (novice, intermediate, expert), a 0-100 score and the reasons, "
                       "from their earlier incidents.",
        .config_schema = R"({"type": "object", "additionalProperties": false, "properties": {
            "history_limit": {"type": "integer", "minimum": 1, "maximum": 10000},
            "self_service_channels": {"type": "array", "items": {"enum": ["phone", "email", "portal", "walk_up",
                                                                          "chat", "social", "monitoring"]}},
            "how_to_subcategories": {"type": "array", "items": {"type": "string", "minLength": 1}}}})",
        .emits = "caller.it_acumen,caller.it_acumen_score,caller.it_acumen_reasons,caller.ticket_count",
        .thread_safe = true,
    };

    explicit Acumen(const servicelens::CreateContext &context) : host_(context.host), history_(host_.history())
    {
        if (!history_)
            throw servicelens::Error(SL_STATUS_NOT_SUPPORTED,
                                     "acumen needs the host's history service (servicelens.host-history/1, ABI 1.1): "
                                     "run it in `servicelens sync`, or in a host that offers the service");
        const auto config = nlohmann::json::parse(context.config_json);
        settings_.history_limit = config.value("history_limit", settings_.history_limit);
        if (config.contains("self_service_channels")) {
            settings_.self_service_channels.clear();
            for (const auto &c : config["self_service_channels"]) settings_.self_service_channels.insert(channel_named(c));
        }
        if (config.contains("how_to_subcategories"))
            settings_.how_to_subcategories = config["how_to_subcategories"].get<std::set<std::string, std::less<>>>();
    }

    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        for (const servicelens::Incident incident : incidents) {
            // Broken UTF-8 cannot match anyone the desk has seen; sanitising keeps the lookup valid.
            const std::string caller = servicelens::utf8::sanitize(
                !incident.caller_email().empty() ? incident.caller_email() : incident.caller_id());
            if (caller.empty()) continue;
            const sl_timestamp_t before = incident.opened_at().value_or(host_.now());
            const Track t = track(caller, before);
            if (t.tickets == 0) continue;   // nothing seen: no verdict
            emit(incident.index(), t, before, sink);
        }
    }

private:
    Track track(std::string_view caller, sl_timestamp_t before) const
    {
        struct Walk {
            const Settings *settings;
            Track track;
        } walk{&settings_, {}};
        const auto visit = [](void *context, const sl_past_incident_t *p) -> sl_status_t {
            auto &w = *static_cast<Walk *>(context);
            Track &t = w.track;
            ++t.tickets;
            t.self_service += w.settings->self_service_channels.count(p->contact_type) > 0;
            t.how_to += w.settings->how_to_subcategories.count(servicelens::view(p->subcategory)) > 0;
            t.reopened += p->reopen_count > 0;
            if (p->resolved_at != SL_TIMESTAMP_NONE) {
                ++t.resolved;
                t.escalated += p->escalation_level > 0;
            }
            return SL_STATUS_OK;
        };
        const sl_status_t status = history_->caller_incidents(host_.raw(), servicelens::str(caller), before,
                                                              settings_.history_limit, visit, &walk);
        if (status != SL_STATUS_OK) throw servicelens::Error(status, "the host's history service failed");
        return walk.track;
    }

    // Self-service and real faults (needing escalation) speak for skill;
    // how-to questions and reopened tickets against it. Each share counts
    // in proportion to its weight; with little history the verdict is less
    // sure, which the confidence says.
    static void emit(std::size_t index, const Track &t, sl_timestamp_t observed, servicelens::AttributeSink &sink)
    {
        const double n = t.tickets;
        const double self_service = t.self_service / n, how_to = t.how_to / n, reopened = t.reopened / n;
        const double escalated = t.resolved ? static_cast<double>(t.escalated) / t.resolved : 0;
        const double raw = 0.35 * self_service + 0.35 * (1 - how_to) + 0.15 * (1 - reopened) + 0.15 * escalated;
        const int score = static_cast<int>(std::lround(100 * raw));
        const char *level = score < 40 ? "novice" : score < 65 ? "intermediate" : "expert";
        nlohmann::json reasons = nlohmann::json::array();
        reasons.push_back(std::to_string(t.tickets) + " earlier incident" + (t.tickets == 1 ? "" : "s"));
        reasons.push_back(percent(t.self_service, t.tickets) + " opened through self-service channels");
        reasons.push_back(percent(t.how_to, t.tickets) + " were how-to questions");
        if (t.reopened) reasons.push_back(std::to_string(t.reopened) + " reopened");
        if (t.resolved) reasons.push_back(percent(t.escalated, t.resolved) + " of the resolved ones needed escalation");
        const servicelens::Provenance from_history{
            .confidence = std::min(1.0, n / 10), .source = "host-history", .observed_at = observed};
        sink.text(index, "caller.it_acumen", level, from_history);
        sink.integer(index, "caller.it_acumen_score", score, from_history);
        sink.json(index, "caller.it_acumen_reasons", reasons.dump(), from_history);
        sink.integer(index, "caller.ticket_count", t.tickets, {.confidence = 1.0, .source = "host-history", .observed_at = observed});
    }

    servicelens::Host host_;
    const sl_host_history_t *history_;
    Settings settings_;
};

SERVICELENS_PLUGINS(Acumen)
