// bench/context: the reference context plugins on a large organisation,
// timed after load. Generates a directory of PEOPLE people and an asset
// export of ASSETS devices (deterministic), loads each plugin through the
// host (as a sync does), then enriches INCIDENTS incidents in batches of
// 1,000, REPS times, and reports the median. The peer is the same
// directory join done by SQLite: the export in an in-memory table with an
// index on the e-mail, one prepared lookup per incident.
//
//     bench_context [--people N] [--assets N] [--incidents N] [--reps N] PLUGIN_DIR
#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace servicelens;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::size_t people = 200000, assets = 300000, incidents = 100000, reps = 5;
    fs::path plugin_dir;
};

const char *const departments[] = {"Finance", "HR", "Engineering", "Sales", "Legal", "Operations", "Marketing", "IT"};
const char *const sites[] = {"Zurich HQ", "London", "New York", "Singapore"};

std::string email_of(std::size_t person) { return fmt::format("person{:06}@example.com", person); }

void write_directory(const fs::path &file, std::size_t people)
{
    std::ofstream out(file);
    out << "id,email,name,department,title,manager,cost_centre,vip,site,language,working_hours\n";
    for (std::size_t p = 0; p < people; ++p)
        out << fmt::format("u{:06},{},Person {},{},Specialist,u{:06},CC-{},{},{},en,09:00-17:00 Europe/Zurich\n", p,
                           email_of(p), p, departments[p % 8], p / 10 * 10, 1000 + p % 97, p % 50 == 0 ? "true" : "false",
                           sites[p % 4]);
}

void write_assets(const fs::path &file, std::size_t assets, std::size_t people)
{
    std::ofstream out(file);
    out << "asset_id,owner_email,type,model,os,os_version,purchased,warranty_end,last_seen,primary\n";
    for (std::size_t a = 0; a < assets; ++a)
        out << fmt::format("A{:07},{},laptop,Dell Latitude 7440,Windows 11,23H2,2023-10-21,2026-10-20,2026-10-29T23:00:00Z,{}\n",
                           a, email_of(a % people), a < people ? "true" : "false");
}

// Callers: nine in ten are in the directory, the rest are not.
std::vector<host::OwnedIncident> make_incidents(std::size_t count, std::size_t people)
{
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<std::size_t> person(0, people * 10 / 9);
    std::vector<host::OwnedIncident> incidents(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto &incident = incidents[i];
        incident.id = fmt::format("{:016x}", i);
        incident.number = fmt::format("INC{:07}", i);
        incident.caller_email = email_of(person(rng));
        incident.location = sites[i % 4];
        incident.ci = "laptop";
        incident.opened_at = 1772442000000;
        incident.updated_at = incident.opened_at;
    }
    return incidents;
}

long rss_kib()
{
    std::ifstream statm("/proc/self/statm");
    long size = 0, resident = 0;
    statm >> size >> resident;
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

struct Row {
    std::string name;
    double load_s = 0;
    long memory_mib = 0;
    double incidents_per_s = 0, attributes_per_s = 0;
};

Row run_plugin(const Options &o, const std::string &name, const std::string &config,
               const std::vector<const sl_incident_t *> &views)
{
    Row row{name};
    const host::PluginLibrary library(o.plugin_dir / (name + ".so"));
    const long before = rss_kib();
    const auto started = Clock::now();
    host::ContextProviderInstance instance(library, {"org.servicelens." + name, "bench", config, {}});
    row.load_s = std::chrono::duration<double>(Clock::now() - started).count();
    row.memory_mib = (rss_kib() - before) / 1024;
    std::vector<double> seconds;
    std::size_t attributes = 0;
    for (std::size_t rep = 0; rep < o.reps; ++rep) {
        attributes = 0;
        const auto t0 = Clock::now();
        for (std::size_t at = 0; at < views.size(); at += 1000) {
            const auto batch = std::span(views).subspan(at, std::min<std::size_t>(1000, views.size() - at));
            attributes += instance.enrich(batch).attributes.size();
        }
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    const double s = median(seconds);
    row.incidents_per_s = static_cast<double>(views.size()) / s;
    row.attributes_per_s = static_cast<double>(attributes) / s;
    return row;
}

// The peer: the directory join as indexed SQLite lookups, eight columns read
// per person found, in memory (no disk in the way).
Row run_sqlite_peer(const Options &o, const fs::path &directory_csv, const std::vector<host::OwnedIncident> &incidents)
{
    Row row{"sqlite (peer: indexed lookup)"};
    sqlite3 *db = nullptr;
    sqlite3_open(":memory:", &db);
    const auto started = Clock::now();
    sqlite3_exec(db, "CREATE TABLE people (id, email, name, department, title, manager, cost_centre, vip, site, language, "
                     "working_hours)", nullptr, nullptr, nullptr);
    sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    sqlite3_stmt *insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO people VALUES (?1, lower(trim(?2)), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", -1, &insert,
                       nullptr);
    std::ifstream in(directory_csv);
    std::string line;
    std::getline(in, line);   // header
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::size_t start = 0;
        for (std::size_t comma; (comma = line.find(',', start)) != std::string::npos; start = comma + 1)
            fields.push_back(line.substr(start, comma - start));
        fields.push_back(line.substr(start));
        for (int c = 0; c < 11; ++c)
            sqlite3_bind_text(insert, c + 1, fields[static_cast<std::size_t>(c)].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(insert);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    sqlite3_exec(db, "COMMIT; CREATE INDEX people_by_email ON people (email)", nullptr, nullptr, nullptr);
    row.load_s = std::chrono::duration<double>(Clock::now() - started).count();
    sqlite3_stmt *lookup = nullptr;
    sqlite3_prepare_v2(db, "SELECT department, title, manager, cost_centre, vip, site, language, working_hours FROM people "
                           "WHERE email = lower(trim(?1))", -1, &lookup, nullptr);
    std::vector<double> seconds;
    std::size_t attributes = 0;
    for (std::size_t rep = 0; rep < o.reps; ++rep) {
        attributes = 0;
        const auto t0 = Clock::now();
        for (const auto &incident : incidents) {
            sqlite3_bind_text(lookup, 1, incident.caller_email.c_str(), static_cast<int>(incident.caller_email.size()),
                              SQLITE_STATIC);
            if (sqlite3_step(lookup) == SQLITE_ROW)
                for (int c = 0; c < 8; ++c) attributes += sqlite3_column_text(lookup, c) != nullptr;
            sqlite3_reset(lookup);
        }
        seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    }
    sqlite3_finalize(lookup);
    sqlite3_close(db);
    const double s = median(seconds);
    row.incidents_per_s = static_cast<double>(incidents.size()) / s;
    row.attributes_per_s = static_cast<double>(attributes) / s;
    return row;
}

} // namespace

int main(int argc, char **argv)
{
    Options o;
    CLI::App app{"bench/context: the reference context plugins on a large organisation, timed after load"};
    app.add_option("--people", o.people, "People in the directory")->capture_default_str();
    app.add_option("--assets", o.assets, "Devices in the asset export")->capture_default_str();
    app.add_option("--incidents", o.incidents, "Incidents enriched per repetition")->capture_default_str();
    app.add_option("--reps", o.reps, "Repetitions; the median is reported")->capture_default_str();
    app.add_option("plugin_dir", o.plugin_dir, "Folder with directory.so and assets.so")->required();
    CLI11_PARSE(app, argc, argv);

    const fs::path work = fs::temp_directory_path() / fmt::format("servicelens-bench-context-{}", ::getpid());
    fs::create_directories(work);
    write_directory(work / "directory.csv", o.people);
    write_assets(work / "assets.csv", o.assets, o.people);
    const auto incidents = make_incidents(o.incidents, o.people);
    std::vector<std::unique_ptr<host::IncidentView>> views;
    std::vector<const sl_incident_t *> pointers;
    for (const auto &incident : incidents) {
        views.push_back(std::make_unique<host::IncidentView>(incident));
        pointers.push_back(views.back()->get());
    }

    std::vector<Row> rows;
    rows.push_back(run_plugin(o, "directory", fmt::format(R"({{"file": "{}"}})", (work / "directory.csv").string()), pointers));
    rows.push_back(run_plugin(o, "assets", fmt::format(R"({{"file": "{}"}})", (work / "assets.csv").string()), pointers));
    rows.push_back(run_sqlite_peer(o, work / "directory.csv", incidents));
    fs::remove_all(work);

    fmt::print("{} incidents, {} people, {} assets; batches of 1,000; medians of {} repetitions; one thread\n\n",
               o.incidents, o.people, o.assets, o.reps);
    fmt::print("| plugin | load (s) | memory after load (MiB) | incidents/s | attributes/s |\n|---|---:|---:|---:|---:|\n");
    for (const Row &r : rows)
        fmt::print("| {} | {:.2f} | {} | {:.0f} | {:.0f} |\n", r.name, r.load_s, r.name.starts_with("sqlite") ? "-" : std::to_string(r.memory_mib),
                   r.incidents_per_s, r.attributes_per_s);
    fmt::print("\ndirectory vs the SQLite peer: {:.1f}x the incidents/s\n", rows[0].incidents_per_s / rows[2].incidents_per_s);
    return 0;
}
