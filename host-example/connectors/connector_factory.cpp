#include <servicelens/connectors/vendor_connectors.hpp>

#include <servicelens/host/local_ticket_store.hpp>

#include <fmt/format.h>

#include <stdexcept>

namespace servicelens::connectors {

std::unique_ptr<host::Connector> make_connector(const config::ConnectorConfig &config)
{
    if (config.kind == "local") return std::make_unique<host::LocalTicketStore>(config.name, config.path);
    if (config.kind == "servicenow") return make_servicenow_connector(config);
    if (config.kind == "jira") return make_jira_connector(config);
    if (config.kind == "zendesk") return make_zendesk_connector(config);
    if (config.kind == "rt") return make_rt_connector(config);
    throw std::invalid_argument(fmt::format("connector '{}': unknown kind '{}'; one of local, servicenow, jira, zendesk, rt",
                                            config.name, config.kind));
}

} // namespace servicelens::connectors
