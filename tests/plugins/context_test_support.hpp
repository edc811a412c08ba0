// What the context plugin tests share: how a batch of a test's own records
// reaches a plugin, how its attributes are read back by incident and key,
// and the files a test writes. One copy here, so that the plugins' tests
// read results the same way and a fix to a helper reaches all of them.
//
//     void fill_incident(host::OwnedIncident &incident, const Caller &caller) { incident.caller_email = caller.email; }
//     const IncidentBatch batch(callers, fill_incident);
//     const std::vector<Found> found = by_incident(directory.enrich(batch.views()), callers.size());
//     CHECK(values(found[0]).at("caller.department") == "Finance");
//
// Include it before catch.hpp: it turns on Catch's printing of pairs, so
// that a failed CHECK on two Found maps shows the attributes that differ.
#pragma once

#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/result_sinks.hpp>

#define CATCH_CONFIG_ENABLE_PAIR_STRINGMAKER
#include <catch2/catch.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace servicelens::test {

// An attribute as the tests keep it: with its own copies of the key and
// source, so it outlives the collector it came from (a host::Attribute
// borrows them from its collector).
class KeptAttribute : public host::Attribute {
public:
    KeptAttribute() = default;
    KeptAttribute(const host::Attribute &a) // NOLINT: implicit, so that a Found can be filled from a collector
        : host::Attribute(a), key_(a.key), source_(a.source)
    {
        point_at_copies();
    }
    KeptAttribute(const KeptAttribute &other) : KeptAttribute(static_cast<const host::Attribute &>(other)) {}
    KeptAttribute &operator=(const KeptAttribute &other)
    {
        host::Attribute::operator=(other);
        key_ = other.key_;
        source_ = other.source_;
        point_at_copies();
        return *this;
    }

private:
    void point_at_copies()
    {
        key = key_;
        source = source_;
    }
    std::string key_, source_;
};

// What a plugin says about one incident, by attribute key.
using Found = std::map<std::string, KeptAttribute>;

// Incidents as a plugin's enrich takes them: one per record of the test's
// own kind (a Ticket, a Caller), numbered INC0, INC1, ... in order, with
// `fill` copying the record's fields into its incident. The views point
// into the incidents, so a batch is never copied.
class IncidentBatch {
public:
    template <class Record>
    IncidentBatch(const std::vector<Record> &records, void (*fill)(host::OwnedIncident &, const Record &))
        : incidents_(records.size())
    {
        for (std::size_t i = 0; i < records.size(); ++i) {
            incidents_[i].number = "INC" + std::to_string(i);
            fill(incidents_[i], records[i]);
            views_.push_back(std::make_unique<host::IncidentView>(incidents_[i]));
            batch_.push_back(views_.back()->get());
        }
    }
    IncidentBatch(const IncidentBatch &) = delete;
    IncidentBatch &operator=(const IncidentBatch &) = delete;

    const std::vector<const sl_incident_t *> &views() const noexcept { return batch_; }
    std::size_t size() const noexcept { return batch_.size(); }

private:
    std::vector<host::OwnedIncident> incidents_;
    std::vector<std::unique_ptr<host::IncidentView>> views_;
    std::vector<const sl_incident_t *> batch_;
};

// The attributes of a batch of `count` incidents, by incident in batch
// order. A plugin that broke a rule, failed an incident or gave one key
// twice fails the test here, so the tests need not check it each time.
inline std::vector<Found> by_incident(const host::AttributeCollector &collected, std::size_t count)
{
    REQUIRE(collected.violations.empty());
    REQUIRE(collected.failures.empty());
    std::vector<Found> found(count);
    for (const host::Attribute &a : collected.attributes) {
        REQUIRE(a.incident_index < count);
        CHECK(found[a.incident_index].count(std::string(a.key)) == 0);
        found[a.incident_index][std::string(a.key)] = a;
    }
    return found;
}

// Each attribute's value as text, to compare a whole incident at once.
inline std::map<std::string, std::string> values(const Found &found)
{
    std::map<std::string, std::string> out;
    for (const auto &[key, attribute] : found) out[key] = attribute.value_text();
    return out;
}

// When the file was last written, as the plugins give it in observed_at.
inline sl_timestamp_t modified_ms(const std::filesystem::path &file)
{
    const auto system = std::chrono::file_clock::to_sys(std::filesystem::last_write_time(file));
    return std::chrono::duration_cast<std::chrono::milliseconds>(system.time_since_epoch()).count();
}

inline std::string read_file(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

inline void write_file(const std::filesystem::path &file, const std::string &text)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
}

// A folder of its own for a test that writes files; removed afterwards.
// `name` says whose it is ("assets-reload"), for one left behind by a crash.
class ScratchFolder {
public:
    explicit ScratchFolder(const std::string &name)
        : path_(std::filesystem::temp_directory_path() /
                ("servicelens-test-" + std::to_string(::getpid()) + "-" + name))
    {
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~ScratchFolder() { std::filesystem::remove_all(path_); }
    const std::filesystem::path &path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

} // namespace servicelens::test
