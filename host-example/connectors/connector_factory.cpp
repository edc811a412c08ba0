#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>

#include <servicelens/host/local_ticket_store.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace servicelens::connectors {

namespace {

// The last line of defence against a vendor answering garbage of the right
// syntax: JSON of an unexpected shape (nlohmann's type errors), numbers that
// are not numbers. Whatever the connector did not foresee becomes a
// ConnectorError naming the connector and what it was doing, never an
// exception the sync reports without either; a refused write stays a
// WriteBackRejected.
class GuardedConnector final : public host::Connector {
public:
    explicit GuardedConnector(std::unique_ptr<host::Connector> inner) : inner_(std::move(inner)) {}

    const std::string &name() const noexcept override { return inner_->name(); }

    host::IncidentPage pull(const store::Watermark &since, std::size_t limit) override
    {
        return guarded("listing changed incidents", [&] { return inner_->pull(since, limit); });
    }

    // write_back_batch is the base class's: one guarded write_back at a time.
    void write_back(const store::OutboxEntry &entry) override
    {
        guarded(fmt::format("writing back to incident {}", entry.incident_id), [&] { inner_->write_back(entry); });
    }

    std::optional<std::size_t> remaining(const store::Watermark &since) override
    {
        return guarded("counting changed incidents", [&] { return inner_->remaining(since); });
    }

private:
    template <class Call>
    auto guarded(const std::string &what, Call &&call) -> decltype(call())
    {
        try {
            return call();
        } catch (const nlohmann::json::exception &e) {
            throw ConnectorError(unexpected(what, e.what()));
        } catch (const std::invalid_argument &e) {
            throw ConnectorError(unexpected(what, e.what()));
        } catch (const std::out_of_range &e) {
            throw ConnectorError(unexpected(what, e.what()));
        }
    }

    std::string unexpected(const std::string &what, const char *detail) const
    {
        return fmt::format("connector '{}': {}: the platform's answer does not have the shape its API documents ({}); "
                           "check that base_url points at the platform's API, and report it if it does",
                           inner_->name(), what, detail);
    }

    std::unique_ptr<host::Connector> inner_;
};

std::unique_ptr<host::Connector> guard(std::unique_ptr<host::Connector> connector)
{
    return std::make_unique<GuardedConnector>(std::move(connector));
}

} // namespace

std::unique_ptr<host::Connector> make_connector(const config::ConnectorConfig &config)
{
    if (config.kind == "local") return std::make_unique<host::LocalTicketStore>(config.name, config.path);
    if (config.kind == "servicenow") return guard(make_servicenow_connector(config));
    if (config.kind == "jira") return guard(make_jira_connector(config));
    if (config.kind == "zendesk") return guard(make_zendesk_connector(config));
    if (config.kind == "rt") return guard(make_rt_connector(config));
    throw std::invalid_argument(fmt::format("connector '{}': unknown kind '{}'; one of local, servicenow, jira, zendesk, rt",
                                            config.name, config.kind));
}

} // namespace servicelens::connectors
