// `servicelens outbox`: the write-backs a platform refused for good (a
// deleted ticket, a field that does not exist), and sending them again once
// the admin fixed the cause. A sync parks such a write and goes on; without
// this command the only way to see them was to query the state store.
#include "commands.hpp"

#include <servicelens/host/incident_json.hpp>
#include <servicelens/store/state_store.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <set>

namespace servicelens::cli {

namespace {

struct OutboxOptions {
    std::filesystem::path config = "servicelens.yaml";
    std::string connector;           // default: every connector
    bool json = false;
    std::vector<int64_t> ids;
    bool all = false;
};

std::vector<std::string> connector_names(const config::HostConfig &cfg, const std::string &wanted)
{
    std::vector<std::string> names;
    for (const config::ConnectorConfig &c : cfg.connectors)
        if (wanted.empty() || c.name == wanted) names.push_back(c.name);
    if (names.empty() && !wanted.empty())
        throw CommandFailed(exit_bad_input, fmt::format("no connector is named '{}'", wanted));
    return names;
}

void list_parked(const OutboxOptions &o, const GlobalOptions &global)
{
    const config::HostConfig cfg = load_command_config(o.config, global);
    store::StateStore state(cfg.state_store);
    nlohmann::json listed = nlohmann::json::array();
    std::size_t total = 0;
    for (const std::string &connector : connector_names(cfg, o.connector)) {
        const std::vector<store::ParkedEntry> parked = state.parked_outbox(connector);
        total += parked.size();
        for (const store::ParkedEntry &e : parked) {
            listed.push_back({{"connector", connector}, {"id", e.id},           {"incident_id", e.incident_id},
                              {"kind", e.kind},         {"field", e.field},     {"error", e.error},
                              {"refused_at", host::format_utc(e.rejected_at)}, {"attempts", e.attempts}});
            if (o.json) continue;
            fmt::print("{} #{}: incident {}, {}{}, refused {} after {} attempt{}\n    {}\n", connector, e.id, e.incident_id,
                       e.kind, e.field.empty() ? "" : " " + e.field, host::format_utc(e.rejected_at), e.attempts,
                       e.attempts == 1 ? "" : "s", e.error);
        }
    }
    if (o.json) {
        fmt::print("{}\n", listed.dump(2));
        return;
    }
    if (total == 0) {
        fmt::print("nothing parked in {}: every write-back was accepted or is still pending\n", cfg.state_store.string());
        return;
    }
    fmt::print("\n{} write-back{} parked. Fix what each error names (create the field, map another one, or let a "
               "deleted ticket go), then `servicelens outbox retry --all` (or the ids) queues them for the next sync.\n",
               total, total == 1 ? "" : "s");
}

void retry_parked(const OutboxOptions &o, const GlobalOptions &global)
{
    if (o.all == !o.ids.empty())
        throw CommandFailed(exit_bad_input, "name the parked entries to retry by id, or give --all "
                                            "(`servicelens outbox parked` lists them)");
    const config::HostConfig cfg = load_command_config(o.config, global);
    store::StateStore state(cfg.state_store);
    std::set<int64_t> requeued;
    for (const std::string &connector : connector_names(cfg, o.connector))
        for (const int64_t id : o.all ? state.requeue_all_parked(connector) : state.requeue_parked(connector, o.ids))
            requeued.insert(id);
    std::vector<int64_t> not_parked;
    for (const int64_t id : o.ids)
        if (!requeued.contains(id)) not_parked.push_back(id);
    fmt::print("{} write-back{} queued again; the next `servicelens sync` sends {}\n", requeued.size(),
               requeued.size() == 1 ? "" : "s", requeued.size() == 1 ? "it" : "them");
    if (!not_parked.empty())
        throw CommandFailed(exit_bad_input, fmt::format("not parked{}: {} (`servicelens outbox parked` lists what is)",
                                                        o.connector.empty() ? "" : " for connector " + o.connector,
                                                        fmt::join(not_parked, ", ")));
}

void common_options(CLI::App *cmd, OutboxOptions &o)
{
    cmd->add_option("--config", o.config, "The configuration (for the state store and the connectors)")
        ->capture_default_str()
        ->check(CLI::ExistingFile);
    cmd->add_option("--connector", o.connector, "Only this connector's entries; default: every connector's");
}

} // namespace

void add_outbox_command(CLI::App &app, const GlobalOptions &global)
{
    CLI::App *cmd = app.add_subcommand(
        "outbox", "The write-backs a platform refused for good (a deleted ticket, a missing field), kept in the "
                  "state store with the platform's error, and queuing them again once the cause is fixed");
    cmd->require_subcommand(1);

    auto listing = std::make_shared<OutboxOptions>();
    CLI::App *parked = cmd->add_subcommand("parked", "List the parked write-backs with the platform's error");
    parked->footer("Example: servicelens outbox parked --config desk/servicelens.yaml\n");
    common_options(parked, *listing);
    parked->add_flag("--json", listing->json, "As a JSON array, for scripts");
    parked->callback([listing, &global] { list_parked(*listing, global); });

    auto retrying = std::make_shared<OutboxOptions>();
    CLI::App *retry = cmd->add_subcommand("retry", "Queue parked write-backs again, for the next sync to send");
    retry->footer("Examples: servicelens outbox retry 17 18\n"
                  "          servicelens outbox retry --all --connector servicenow\n");
    common_options(retry, *retrying);
    retry->add_option("ids", retrying->ids, "Ids from `servicelens outbox parked`");
    retry->add_flag("--all", retrying->all, "Every parked write-back (of --connector, if given)");
    retry->callback([retrying, &global] { retry_parked(*retrying, global); });
}

} // namespace servicelens::cli
