// The connectors to vendor platforms, each over the host's HTTP client, and
// the one function the CLI calls to make whichever a config entry names.
// Each vendor's mapping table (states, priorities, channels, times, fields)
// is in docs/connectors/<vendor>.md.
#pragma once

#include <servicelens/config/host_config.hpp>
#include <servicelens/host/connector.hpp>

#include <memory>

namespace servicelens::connectors {

// ServiceNow Table API: incident, sys_journal_field.
std::unique_ptr<host::Connector> make_servicenow_connector(const config::ConnectorConfig &config);
// Jira Service Management: JQL search, servicedeskapi request comments.
std::unique_ptr<host::Connector> make_jira_connector(const config::ConnectorConfig &config);
// Zendesk Support: the cursor-based incremental ticket export, ticket comments.
std::unique_ptr<host::Connector> make_zendesk_connector(const config::ConnectorConfig &config);
// Request Tracker 5 REST2: TicketSQL search, history, comment, custom fields.
std::unique_ptr<host::Connector> make_rt_connector(const config::ConnectorConfig &config);

// By config.kind: local, servicenow, jira, zendesk or rt. Throws
// std::invalid_argument naming the connector for an unknown kind.
std::unique_ptr<host::Connector> make_connector(const config::ConnectorConfig &config);

} // namespace servicelens::connectors
