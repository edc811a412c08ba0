// bench/connectors: a full pull of INCIDENTS incidents (COMMENTS comments
// each) from the fake ServiceNow instance on loopback, through the
// ServiceNow connector and the host's HTTP client, in pages of PAGE_SIZE,
// as the sync engine asks for them (batches of BATCH). Every run starts
// from an empty watermark with a new connector (a new connection), checks
// that every incident and comment arrived once, and reports incidents/s;
// the median of RUNS runs is the result.
//
// Where the time goes: the pulling thread's CPU time (user + system,
// CLOCK_THREAD_CPUTIME_ID) is our code — connector, HTTP client, libcurl,
// JSON parsing, mapping — and the rest of the wall time is spent waiting for
// the server. The fake server's own CPU time (the process's, from
// getrusage, minus the pulling thread's) says how much of that wait is the
// fake at work rather than the loopback and the scheduler.
//
//     bench_connectors [--incidents N] [--comments N] [--page-size N] [--batch N] [--runs N]
#include "fake_servicenow.hpp"
#include "vendor_fakes.hpp"

#include <servicelens/connectors/vendor_connectors.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace servicelens;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int incidents = 50'000, comments = 3, page_size = 100, runs = 5;
    std::size_t batch = 1000;
};

struct Run {
    double wall_s = 0, ours_s = 0, server_s = 0;
    std::size_t incidents = 0, comments = 0;
    double rate() const { return static_cast<double>(incidents) / wall_s; }
};

double seconds(const timespec &t)
{
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

double thread_cpu_s()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return seconds(t);
}

double process_cpu_s()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    const auto s = [](const timeval &v) {
        return static_cast<double>(v.tv_sec) + static_cast<double>(v.tv_usec) / 1e6;
    };
    return s(u.ru_utime) + s(u.ru_stime);
}

const fakes::VendorFake &servicenow_fake()
{
    static const std::vector<fakes::VendorFake> all = fakes::all_vendor_fakes();
    return *std::find_if(all.begin(), all.end(), [](const fakes::VendorFake &v) { return v.vendor == "servicenow"; });
}

Run pull_everything(const config::ConnectorConfig &config, const Options &o)
{
    const auto connector = connectors::make_connector(config);
    std::set<std::string> ids;
    Run run;
    const double process_before = process_cpu_s(), ours_before = thread_cpu_s();
    const auto started = Clock::now();
    store::Watermark mark;
    for (;;) {
        host::IncidentPage page = connector->pull(mark, o.batch);
        if (page.incidents.empty()) break;
        mark = page.next;
        for (const host::OwnedIncident &incident : page.incidents) {
            ids.insert(incident.id);
            run.comments += incident.comments.size();
        }
        run.incidents += page.incidents.size();
    }
    run.wall_s = std::chrono::duration<double>(Clock::now() - started).count();
    run.ours_s = thread_cpu_s() - ours_before;
    run.server_s = process_cpu_s() - process_before - run.ours_s;
    const auto want = static_cast<std::size_t>(o.incidents);
    if (run.incidents != want || ids.size() != want || run.comments != want * static_cast<std::size_t>(o.comments))
        throw std::runtime_error(fmt::format("pulled {} incidents ({} distinct) and {} comments; expected {} and {}",
                                             run.incidents, ids.size(), run.comments, want, want * o.comments));
    return run;
}

template <typename Field> double median_of(std::vector<Run> runs, Field field)
{
    std::sort(runs.begin(), runs.end(), [&](const Run &a, const Run &b) { return field(a) < field(b); });
    return field(runs[(runs.size() - 1) / 2]);
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    CLI::App app{"bench/connectors: a full ServiceNow pull from the fake instance on loopback"};
    app.add_option("--incidents", o.incidents)->check(CLI::PositiveNumber);
    app.add_option("--comments", o.comments)->check(CLI::NonNegativeNumber);
    app.add_option("--page-size", o.page_size)->check(CLI::Range(1, 1000));
    app.add_option("--batch", o.batch)->check(CLI::PositiveNumber);
    app.add_option("--runs", o.runs)->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    fakes::FakeDesk desk;
    const auto generating = Clock::now();
    // 2026-01-01 00:00:00 UTC, one incident a second.
    desk.generate(o.incidents, 1767225600000, o.comments, servicenow_fake().id_of, servicenow_fake().number_of);
    fakes::FakeServiceNow server(desk);
    server.freeze_listing(true);
    server.start();
    config::ConnectorConfig config = server.connector_config("bench");
    config.page_size = o.page_size;
    // The fake renders its rows once, at the first listing: not part of any run.
    connectors::make_connector(config)->remaining({});
    fmt::print("{} incidents with {} comments each on {} in {:.1f} s; pages of {}, pulls of {}\n", o.incidents,
               o.comments, server.base_url(), std::chrono::duration<double>(Clock::now() - generating).count(),
               o.page_size, o.batch);

    std::vector<Run> runs;
    for (int r = 1; r <= o.runs; ++r) {
        const Run run = pull_everything(config, o);
        fmt::print("run {}: {} incidents, {} comments in {:.2f} s = {:.0f} incidents/s; our thread's CPU {:.2f} s "
                   "({:.0f}% of wall), the fake server's CPU {:.2f} s\n",
                   r, run.incidents, run.comments, run.wall_s, run.rate(), run.ours_s, 100 * run.ours_s / run.wall_s,
                   run.server_s);
        runs.push_back(run);
    }
    const double wall = median_of(runs, [](const Run &r) { return r.wall_s; });
    const double ours = median_of(runs, [](const Run &r) { return r.ours_s; });
    const double server_cpu = median_of(runs, [](const Run &r) { return r.server_s; });
    const std::size_t requests = server.requests().size() - 1; // less the warm-up
    fmt::print(
        "\n| incidents | comments each | page size | runs | wall (s, median) | incidents/s (median) | "
        "our code: thread CPU (s) | share of wall in our code | waiting for the server | fake server CPU (s) |\n");
    fmt::print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    fmt::print("| {} | {} | {} | {} | {:.2f} | {:.0f} | {:.2f} | {:.0f}% | {:.0f}% | {:.2f} |\n", o.incidents,
               o.comments, o.page_size, o.runs, wall, median_of(runs, [](const Run &r) { return r.rate(); }), ours,
               100 * ours / wall, 100 * (1 - ours / wall), server_cpu);
    fmt::print("\n{} HTTP requests in all ({:.0f} per run)\n", requests,
               static_cast<double>(requests) / static_cast<double>(o.runs));
    server.stop();   // while the whole fake still exists (see FakeVendorServer::stop)
    return 0;
}
