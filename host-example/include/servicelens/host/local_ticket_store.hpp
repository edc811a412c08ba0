// The embedded ITSM: a SQLite ticket store with the same operations as a
// vendor connector, so the whole pipeline runs with no vendor account.
// `servicelens seed` fills it with a generated service desk.
#pragma once

#include "connector.hpp"

#include <servicelens/store/sqlite.hpp>

#include <filesystem>
#include <string>

namespace servicelens::host {

struct WrittenBack {
    std::string incident_id;
    std::string idempotency_key;
    std::string kind;
    std::string field;
    std::string body;
};

class LocalTicketStore final : public Connector {
public:
    LocalTicketStore(std::string name, const std::filesystem::path &file);

    const std::string &name() const noexcept override { return name_; }
    IncidentPage pull(const store::Watermark &since, std::size_t limit) override;
    // Idempotent: a second write with the same key is confirmed and ignored.
    void write_back(const store::OutboxEntry &entry) override;
    // All in one transaction: one fsync for the lot.
    WriteBackResult write_back_batch(std::span<const store::OutboxEntry> entries) override;
    std::optional<std::size_t> remaining(const store::Watermark &since) override;

    // Adds or replaces incidents in one transaction (the seeder, tests).
    void put(const std::vector<OwnedIncident> &incidents);
    std::size_t incident_count();
    // Everything written back, in order: what a support agent would see.
    std::vector<WrittenBack> written_back();

    store::Database &database() noexcept { return db_; }

private:
    std::string name_;
    store::Database db_;
};

} // namespace servicelens::host
