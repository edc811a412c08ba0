// Request Tracker tickets onto the canonical incident: the mapping table of
// docs/connectors/rt.md, in code.
#pragma once

#include <servicelens/host/owned_incident.hpp>
#include <servicelens/http/http_client.hpp>

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::connectors::rt {

// The query parameters that make a ticket search return what map_ticket
// reads: the fields, and the name and address of the queue and the people
// (without them RT gives only {id, type, _url}).
std::vector<http::QueryParameter> ticket_fields();

// One item of GET /REST/2.0/tickets read with ticket_fields(), without its
// history (see TicketHistory); nullopt for a deleted ticket (RT searches
// leave those out unless the filter asks for them). Throws
// std::invalid_argument for an item without an id or with a time RT would
// not write.
std::optional<host::OwnedIncident> map_ticket(const nlohmann::json &item, const std::string &source);

// RT's status names, the default lifecycle's and others: others count as
// resolved when RT set the ticket's Resolved time (RT does when a ticket
// enters any inactive status), else as in progress.
std::string state_of(std::string_view status, bool resolved_time_set);

// RT's integer Priority onto 1 (critical) .. 5 (planning); bands in the doc.
int priority_of(long rt_priority);

// What a ticket's history adds to it: the creating message, and the
// replies and comments in the order they were made.
struct TicketHistory {
    std::string description; // the text of the Create transaction
    sl_contact_type_t contact_type = SL_CONTACT_UNKNOWN;
    std::vector<host::OwnedComment> comments; // Correspond: public; Comment: internal
};

// Adds the history: description, channel, comments, and first_response_at
// (the first public reply by someone other than the requestor).
void add_history(host::OwnedIncident &incident, TicketHistory history);

// The channel a ticket came in by, from the X-RT-Interface header RT puts
// on the creating message (Email, Web, Mobile, REST, API, CLI, ...).
sl_contact_type_t contact_type_of_interface(std::string_view interface);

} // namespace servicelens::connectors::rt
