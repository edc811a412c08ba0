// `servicelens sync --once` against each vendor's fake, as an admin runs it:
// results are written back once, a ticket that vanishes before its
// write-back is parked while the sync goes on, and syncing again (the
// platform reports our own writes as changes) writes nothing twice.
#include "../config/cli_runner.hpp"
#include "vendor_fakes.hpp"

#include <servicelens/connectors/vendor_support.hpp>

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace fs = std::filesystem;
using namespace servicelens;
using namespace servicelens::fakes;
using Catch::Matchers::Contains;

namespace {

const std::string plugin_path = "SERVICELENS_PLUGIN_PATH='" SL_TEST_PLUGIN_DIR "'";
constexpr int64_t desk_start_ms = 1793610000000;   // 2026-11-02 09:00:00 UTC

std::string yaml_auth(const config::AuthConfig &auth)
{
    std::string out = fmt::format("{{type: {}", auth.type);
    for (const auto &[key, value] : auth.fields) out += fmt::format(", {}: '{}'", key, value);
    return out + "}";
}

struct VendorDesk {
    const VendorFake &vendor;
    FakeDesk desk;
    std::unique_ptr<FakeVendorServer> server;
    fs::path dir;

    explicit VendorDesk(const VendorFake &v)
        : vendor(v), dir(fs::temp_directory_path() / fmt::format("servicelens-vendor-sync-{}-{}", v.vendor, ::getpid()))
    {
        desk.generate(12, desk_start_ms, 2, v.id_of, v.number_of);
        desk.allow_field(v.custom_field);
        server = v.make(desk);
        server->start();
        const config::ConnectorConfig c = server->connector_config("vendor");
        fs::remove_all(dir);
        fs::create_directories(dir);
        std::ofstream(dir / "servicelens.yaml") << fmt::format(R"yaml(version: 1
plugins:
  - name: lexicon
    plugin: org.servicelens.lexicon
connectors:
  - name: vendor
    kind: {}
    base_url: {}
    timeout: 5s
    page_size: 5
    auth: {}
state_store: {{path: state.db}}
pipeline:
  - on: incident_changed
    run: [lexicon]
    write_back: {{as: work_note, template: "Caller sentiment: {{{{sentiment.label}}}} ({{{{sentiment.compound}}}})"}}
  - on: incident_changed
    run: [lexicon]
    write_back: {{as: field, field: '{}', template: "{{{{sentiment.label}}}}"}}
)yaml",
                                                              c.kind, c.base_url, yaml_auth(c.auth), v.custom_field);
    }
    ~VendorDesk()
    {
        server->stop();   // while the whole fake still exists (see FakeVendorServer::stop)
        fs::remove_all(dir);
    }

    test::CliRun sync() const
    {
        return test::run_cli("sync --once --no-progress --config '" + (dir / "servicelens.yaml").string() + "'",
                             plugin_path);
    }

    std::map<std::string, int> writes_by(const std::string &kind) const
    {
        std::map<std::string, int> by_ticket;
        for (const FakeWrite &w : desk.writes())
            if (w.kind == kind) ++by_ticket[w.ticket_id];
        return by_ticket;
    }
};

} // namespace

TEST_CASE("a sync against each vendor writes back once, parks what vanished, and writes nothing twice", "[connectors]")
{
    for (const VendorFake &vendor : all_vendor_fakes()) {
        DYNAMIC_SECTION(vendor.vendor)
        {
            VendorDesk v(vendor);
            const std::string vanished = vendor.id_of(4);
            v.desk.vanish_on_write(vanished);

            const auto first = v.sync();
            INFO(first.output);
            REQUIRE(first.exit_code == 0);
            CHECK_THAT(first.output, Contains("parked"));
            const auto notes = v.writes_by("note"), fields = v.writes_by("field");
            CHECK(notes.size() == 11);
            CHECK(fields.size() == 11);
            for (const auto &[ticket, n] : notes) CHECK(n == 1);
            for (const auto &[ticket, n] : fields) CHECK(n == 1);
            CHECK(notes.count(vanished) == 0);
            const FakeTicket sample = *v.desk.find(vendor.id_of(1));
            CHECK_THAT(sample.comments.back().body, Contains("Caller sentiment:"));
            CHECK(sample.fields.count(vendor.custom_field) == 1);

            // Our own writes changed every ticket: all come back, and nothing is written again.
            const auto second = v.sync();
            INFO(second.output);
            REQUIRE(second.exit_code == 0);
            CHECK(v.desk.writes().size() == 22);
        }
    }
}
