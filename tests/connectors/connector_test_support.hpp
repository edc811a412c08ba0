// What the connector conformance suite and every vendor's contract tests
// share: a fake vendor serving a generated desk with a connector pointed at
// it, pulling until the empty page as the sync engine does, outbox entries
// as the write-back rule queues them, and the message of a refused write.
// One copy, so that all suites drive a connector the same way and a change
// in how the engine does it reaches each of them.
#pragma once

#include "fake_vendor.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>
#include <servicelens/connectors/vendor_support.hpp>
#include <servicelens/host/connector.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace servicelens::fakes {

// 2026-11-02 09:00:00 UTC: whole seconds, well past the vendors' "last
// minute" windows, so no fake holds a generated ticket back.
inline constexpr int64_t desk_start_ms = 1793610000000;

// What a test's desk and connector look like.
struct SiteSetup {
    std::string connector;                     // its name in the config, errors and outbox entries
    int tickets = 0;                           // generated one second apart from desk_start_ms
    int comments_each = 0;                     // alternating public and internal
    int page_size = 25;                        // the connector's HTTP page
    std::function<std::string(int)> id_of;     // the vendor's record id of ticket i
    std::function<std::string(int)> number_of; // what people quote for ticket i
};

// A fake vendor (`Fake`, a FakeVendorServer) serving a generated desk, and
// the config of a connector pointed at it. A test may change the desk, the
// server's faults or the config before it asks for a connector.
template <typename Fake> struct FakeSite {
    FakeDesk desk;
    std::unique_ptr<Fake> owned_server; // declared after the desk it serves, so destroyed before it
    Fake &server;
    config::ConnectorConfig config;

    // `make` builds the fake; the conformance suite takes it from all_vendor_fakes().
    FakeSite(const std::function<std::unique_ptr<Fake>(FakeDesk &)> &make, const SiteSetup &setup)
        : owned_server(make(desk)), server(*owned_server)
    {
        desk.generate(setup.tickets, desk_start_ms, setup.comments_each, setup.id_of, setup.number_of);
        server.start();
        config = server.connector_config(setup.connector);
        config.page_size = setup.page_size;
        // A fake answers at once: a connector still waiting after 2 s is stuck.
        config.timeout = std::chrono::seconds(2);
    }
    explicit FakeSite(const SiteSetup &setup) : FakeSite([](FakeDesk &d) { return std::make_unique<Fake>(d); }, setup)
    {
    }
    // The server stops while the whole fake still exists: a request still in
    // a handler (one the client gave up on) must not outlive its members.
    ~FakeSite() { server.stop(); }
    FakeSite(const FakeSite &) = delete;
    FakeSite &operator=(const FakeSite &) = delete;

    std::unique_ptr<host::Connector> connector() const { return connectors::make_connector(config); }

    // An outbox entry for this site's connector; `kind` is work_note, field or tag.
    store::OutboxEntry entry(const std::string &incident, const std::string &kind, const std::string &field,
                             const std::string &body, const std::string &key = "k") const
    {
        return {1, config.name, incident, key, kind, field, body, 0};
    }
    // The work note a sentiment rule writes.
    store::OutboxEntry note(const std::string &incident, const std::string &key) const
    {
        return entry(incident, "work_note", "", "Sentiment: negative (-0.62)", key);
    }
};

// Pulls until an empty page, as the sync engine does, moving `mark` along.
// Bounded: a connector that never returns an empty page fails the test
// instead of hanging it.
inline std::vector<host::OwnedIncident> pull_all(host::Connector &connector, store::Watermark &mark,
                                                 std::size_t limit = 40)
{
    std::vector<host::OwnedIncident> all;
    for (int round = 0; round < 200; ++round) {
        host::IncidentPage page = connector.pull(mark, limit);
        if (page.incidents.empty()) return all;
        REQUIRE(page.incidents.size() <= limit);
        mark = page.next;
        for (auto &incident : page.incidents) all.push_back(std::move(incident));
    }
    FAIL("the connector never returned an empty page");
    return all;
}

// The pulled incident with `id`; fails the test when there is none.
inline const host::OwnedIncident &incident_with_id(const std::vector<host::OwnedIncident> &incidents,
                                                   const std::string &id)
{
    const auto it = std::find_if(incidents.begin(), incidents.end(), [&](const auto &i) { return i.id == id; });
    REQUIRE(it != incidents.end());
    return *it;
}

// The message of the WriteBackRejected that `write` throws; fails the test
// when it throws nothing (any other exception fails it too).
template <typename Write> std::string rejection(Write &&write)
{
    try {
        write();
    } catch (const host::WriteBackRejected &e) {
        return e.what();
    }
    FAIL("the write was not rejected");
    return {};
}

// How many of the ticket's comments carry the idempotency marker of `key`:
// exactly one after any number of write-backs of the same entry.
inline std::size_t notes_with(const FakeDesk &desk, const std::string &ticket, const std::string &key)
{
    const std::optional<FakeTicket> found = desk.find(ticket);
    REQUIRE(found);
    std::size_t n = 0;
    for (const FakeComment &c : found->comments) n += connectors::has_marker(c.body, key) ? 1 : 0;
    return n;
}

} // namespace servicelens::fakes
