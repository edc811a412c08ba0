// The messages of a page of tickets in a few requests: RT's ticket history
// is one request per ticket, and each message's text one more for its
// transaction and one for its attachment. Instead:
//   1. GET  /transactions?query=<TransactionSQL> — the Create, Correspond
//      and Comment transactions of up to a page of tickets at once, 100 per
//      request, with their time and author;
//   2. POST /attachments (a JSON search) — the text/plain parts of those
//      transactions, 100 per request, whose Content a collection gives as
//      text (a single GET /attachment/{id} would give it base64-encoded).
// So a page of 100 tickets with 5 messages each costs 5 + 5 requests rather
// than 100 + 1000.
#pragma once

#include "rt_mapping.hpp"

#include <servicelens/connectors/vendor_support.hpp>

#include <map>
#include <span>
#include <string>

namespace servicelens::connectors::rt {

// The histories of these tickets (numeric ids, at most a page: the
// TransactionSQL names each), by ticket id. A ticket RT shows no transaction
// of — deleted for good, or hidden from the integration user — has no entry.
std::map<std::string, TicketHistory> read_histories(VendorApi &api, std::span<const std::string> ticket_ids);

} // namespace servicelens::connectors::rt
