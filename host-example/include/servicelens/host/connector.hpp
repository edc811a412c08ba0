// What the sync engine needs from an ITSM platform, whatever the vendor:
// pull incidents changed since a watermark, page by page, and write a
// result back. The embedded `local` store implements it; vendor connectors
// (ServiceNow, Jira, Zendesk, RT) implement it over HTTP.
#pragma once

#include "owned_incident.hpp"

#include <servicelens/store/state_store.hpp>

#include <exception>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace servicelens::host {

// The platform refused a write that will never succeed as it stands: the
// ticket is gone, the mapped field does not exist, the value is invalid.
// The sync engine parks the entry (kept, with the error, for the admin) and
// goes on with the next; any other exception from write_back means "try
// again later" and the entry stays first in line.
class WriteBackRejected : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct WriteBackResult {
    std::size_t acknowledged = 0;   // entries confirmed, from the front, in order
    std::string error;              // why the next one failed; empty when all went through
    bool rejected = false;          // the failure is a WriteBackRejected: park the entry
};

struct IncidentPage {
    std::vector<OwnedIncident> incidents;   // ordered by (updated_at, id)
    store::Watermark next;                  // where the page after this one starts
    // The canonical JSON of each incident when the connector has it at hand
    // (the local store keeps it), so the host need not serialise it again;
    // empty, or one string per incident.
    std::vector<std::string> canonical_json;
};

class Connector {
public:
    virtual ~Connector() = default;

    virtual const std::string &name() const noexcept = 0;

    // At most `limit` incidents updated after `since`, oldest first. An empty
    // page means the connector has nothing newer. Throws on a failure the
    // next sync may not hit (network, rate limit exhausted, auth).
    virtual IncidentPage pull(const store::Watermark &since, std::size_t limit) = 0;

    // Writes one outbox entry. Returns normally only when the platform
    // confirmed it, and must be idempotent on entry.idempotency_key: after a
    // crash the same entry is sent again and must not appear twice.
    virtual void write_back(const store::OutboxEntry &entry) = 0;

    // Writes entries in order and stops at the first failure. Connectors
    // that can confirm many writes at once (one transaction, a bulk API)
    // override it; the default sends them one by one.
    virtual WriteBackResult write_back_batch(std::span<const store::OutboxEntry> entries)
    {
        WriteBackResult result;
        for (const store::OutboxEntry &entry : entries) {
            try {
                write_back(entry);
            } catch (const WriteBackRejected &e) {
                result.error = e.what();
                result.rejected = true;
                return result;
            } catch (const std::exception &e) {
                result.error = e.what();
                return result;
            }
            ++result.acknowledged;
        }
        return result;
    }

    // How many incidents are newer than `since`, when the platform can say
    // cheaply (for progress); nullopt otherwise.
    virtual std::optional<std::size_t> remaining(const store::Watermark &) { return std::nullopt; }
};

} // namespace servicelens::host
