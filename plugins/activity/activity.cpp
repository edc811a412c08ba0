// Context from endpoint telemetry: which applications the caller started,
// and which failed, in the hours before the incident opened.
#include <servicelens/cpp/plugin.hpp>

#include <servicelens/plugin_support/field_values.hpp>
#include <servicelens/plugin_support/iso_time.hpp>
#include <servicelens/plugin_support/record_file.hpp>
#include <servicelens/plugin_support/reloading.hpp>
#include <servicelens/plugin_support/string_store.hpp>
#include <servicelens/plugin_support/text_index.hpp>
#include <servicelens/plugin_support/value_table.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace support = servicelens::plugin_support;

enum EventKind : uint32_t { other_event, start_event, error_event, crash_event };

// Rationale: telemetry runs to millions of lines, so an event is 16 bytes
// with its app and device as indexes into interned names.
struct Event {
    sl_timestamp_t at;
    uint32_t device;   // index into Telemetry::device_json; no_device when the line named none
    uint32_t app : 30; // index into Telemetry::app_json
    uint32_t kind : 2; // EventKind
};
static_assert(sizeof(Event) == 16);

constexpr uint32_t no_device = support::ValueTable::empty;
constexpr uint32_t max_apps = (1u << 30) - 1;

EventKind kind_named(std::string_view event) noexcept
{
    if (event == "start") return start_event;
    if (event == "error") return error_event;
    if (event == "crash") return crash_event;
    return other_event;
}

struct Telemetry {
    support::StringStore text;
    support::TextIndex callers;             // lookup_key(e-mail) -> caller
    std::vector<uint32_t> first_event;      // caller c: events [first_event[c], first_event[c + 1])
    std::vector<Event> events;              // by caller, then by time
    std::vector<std::string_view> app_json; // names as JSON string literals, by ValueTable id
    std::vector<std::string_view> device_json;

    // The caller's events, oldest first; empty for an unknown caller.
    std::span<const Event> events_of(std::string_view email) const
    {
        const auto found =
            support::is_lookup_key(email) ? callers.find(email) : callers.find(support::lookup_key(email));
        if (!found) return {};
        return std::span<const Event>(events).subspan(first_event[*found],
                                                      first_event[*found + 1] - first_event[*found]);
    }
};

// Builds a Telemetry from the file's lines: interns names, then groups the
// events by caller and sorts each caller's events by time.
class TelemetryBuilder {
public:
    TelemetryBuilder(std::string file_name, const support::Warn &warn) : file_name_(std::move(file_name)), warn_(warn)
    {
    }

    // fields: user, device, app, event, time
    void add(const support::Record &row)
    {
        const std::string user = support::lookup_key(row.fields[0]);
        const auto at = support::parse_utc_time(support::trim(row.fields[4]));
        if (user.empty()) return skip(row.line, "\"user\" is empty");
        if (support::trim(row.fields[2]).empty()) return skip(row.line, "\"app\" is empty");
        if (!at) return skip(row.line, "\"time\" is not an ISO-8601 UTC time: \"" + row.fields[4] + "\"");
        Event event{*at, devices_.add(support::trim(row.fields[1])), 0, kind_named(support::trim(row.fields[3]))};
        event.app = apps_.add(support::trim(row.fields[2]));
        if (apps_.size() > max_apps || unsorted_.size() == std::numeric_limits<uint32_t>::max())
            throw std::runtime_error(file_name_ + ": too many events or applications for one instance");
        callers_of_.push_back(caller(user));
        unsorted_.push_back(event);
    }

    Telemetry finish() &&
    {
        out_.app_json = json_literals(apps_);
        out_.device_json = json_literals(devices_);
        out_.callers.shrink_to_fit();
        group_by_caller();
        for (std::size_t c = 0; c + 1 < out_.first_event.size(); ++c) {
            const auto begin = out_.events.begin() + out_.first_event[c];
            const auto end = out_.events.begin() + out_.first_event[c + 1];
            // Stable: events with the same time keep the file's order.
            std::stable_sort(begin, end, [](const Event &a, const Event &b) { return a.at < b.at; });
        }
        return std::move(out_);
    }

private:
    void skip(std::size_t line, const std::string &why) const
    {
        warn_(file_name_ + ":" + std::to_string(line) + ": " + why + "; line skipped");
    }

    // Rationale: names are emitted only inside JSON, so each is escaped
    // once here rather than on every incident.
    std::vector<std::string_view> json_literals(const support::ValueTable &names)
    {
        std::vector<std::string_view> literals;
        literals.reserve(names.size());
        for (std::size_t id = 0; id < names.size(); ++id)
            literals.push_back(out_.text.keep(nlohmann::json(names[static_cast<support::ValueTable::Id>(id)]).dump()));
        return literals;
    }

    uint32_t caller(const std::string &key)
    {
        if (const auto known = out_.callers.find(key)) return *known;
        const auto c = static_cast<uint32_t>(out_.callers.size());
        out_.callers.insert(out_.text.keep(key), c);
        return c;
    }

    // A counting sort by caller: each caller's events end up contiguous.
    void group_by_caller()
    {
        std::vector<uint32_t> &first = out_.first_event;
        first.assign(out_.callers.size() + 1, 0);
        for (const uint32_t c : callers_of_) ++first[c + 1];
        for (std::size_t c = 1; c < first.size(); ++c) first[c] += first[c - 1];
        std::vector<uint32_t> next(first.begin(), first.end() - 1);
        out_.events.resize(unsorted_.size());
        for (std::size_t i = 0; i < unsorted_.size(); ++i) out_.events[next[callers_of_[i]]++] = unsorted_[i];
        std::vector<Event>().swap(unsorted_);
        std::vector<uint32_t>().swap(callers_of_);
    }

    std::string file_name_;
    const support::Warn &warn_;
    Telemetry out_;
    support::ValueTable apps_, devices_; // id 0, the empty name, is no_device
    std::vector<Event> unsorted_;
    std::vector<uint32_t> callers_of_; // parallel to unsorted_
};

Telemetry load_telemetry(const std::filesystem::path &file, const support::Warn &warn)
{
    static constexpr std::array<std::string_view, 5> columns = {"user", "device", "app", "event", "time"};
    static constexpr std::array<std::string_view, 4> required = {"user", "app", "event", "time"};
    TelemetryBuilder builder(file.string(), warn);
    support::for_each_record(file, support::RecordFormat::json_lines, columns, required, warn,
                             [&](const support::Record &row) { builder.add(row); });
    return std::move(builder).finish();
}

struct Settings {
    std::filesystem::path file;
    std::size_t last_apps = 5;
    sl_timestamp_t window_ms = 24 * 3600 * 1000;
};

constexpr std::size_t max_last_apps = 50;
// activity.error_apps lists at most this many apps.
constexpr std::size_t max_error_apps = 50;
// Rationale: a caller who started one app a million times must not make
// each of their incidents scan a million events for a second distinct app.
constexpr std::size_t max_look_back = 10000;

int64_t integer_setting(const nlohmann::json &config, const char *key, int64_t fallback, int64_t lowest,
                        int64_t highest)
{
    const auto found = config.find(key);
    if (found == config.end()) return fallback;
    if (!found->is_number_integer() || found->get<int64_t>() < lowest || found->get<int64_t>() > highest)
        throw servicelens::invalid_argument(std::string("activity: \"") + key + "\" must be an integer from " +
                                            std::to_string(lowest) + " to " + std::to_string(highest));
    return found->get<int64_t>();
}

Settings read_settings(std::string_view config_json)
{
    const auto config = nlohmann::json::parse(config_json, nullptr, false);
    if (config.is_discarded() || !config.is_object())
        throw servicelens::invalid_argument("activity: the config is not a JSON object");
    const auto file = config.find("file");
    if (file == config.end() || !file->is_string() || file->get<std::string>().empty())
        throw servicelens::invalid_argument("activity: the config needs \"file\", the telemetry JSON-lines file");
    Settings s;
    s.file = file->get<std::string>();
    s.last_apps = static_cast<std::size_t>(integer_setting(config, "last_apps", 5, 1, max_last_apps));
    s.window_ms = integer_setting(config, "window_hours", 24, 1, 720) * 3600 * 1000;
    return s;
}

// What one app did wrong in the window.
struct AppTrouble {
    uint32_t app;
    int64_t errors = 0; // error and crash events
    int64_t crashes = 0;
    sl_timestamp_t last_at = SL_TIMESTAMP_NONE;
};

void append_string(std::string &json, std::string_view key, std::string_view literal)
{
    json += '"';
    json += key;
    json += "\":";
    json += literal;
}

void append_digits(std::string &out, unsigned value, int width)
{
    char digits[4];
    for (int i = width - 1; i >= 0; --i, value /= 10) digits[i] = static_cast<char>('0' + value % 10);
    out.append(digits, static_cast<std::size_t>(width));
}

// `at` as support::format_utc_time writes it: "2026-05-05T09:00:00Z", with
// ".250" before the Z when it has milliseconds.
//
// Rationale: format_utc_time goes through an ostringstream, about 0.8 us a
// call, and activity.last_apps formats one time per app it lists; that
// alone would keep the plugin from 1,000,000 attributes a second.
void append_utc_time(std::string &out, sl_timestamp_t at)
{
    using namespace std::chrono;
    const sys_time<milliseconds> time{milliseconds(at)};
    const sys_days day = floor<days>(time);
    const year_month_day date{day};
    if (date.year() < year(0) || date.year() > year(9999)) {
        out += support::format_utc_time(at);
        return;
    }
    const hh_mm_ss<milliseconds> clock{time - day};
    append_digits(out, static_cast<unsigned>(static_cast<int>(date.year())), 4);
    out += '-';
    append_digits(out, static_cast<unsigned>(date.month()), 2);
    out += '-';
    append_digits(out, static_cast<unsigned>(date.day()), 2);
    out += 'T';
    append_digits(out, static_cast<unsigned>(clock.hours().count()), 2);
    out += ':';
    append_digits(out, static_cast<unsigned>(clock.minutes().count()), 2);
    out += ':';
    append_digits(out, static_cast<unsigned>(clock.seconds().count()), 2);
    if (clock.subseconds().count() != 0) {
        out += '.';
        append_digits(out, static_cast<unsigned>(clock.subseconds().count()), 3);
    }
    out += 'Z';
}

void append_time(std::string &json, std::string_view key, sl_timestamp_t at)
{
    json += '"';
    json += key;
    json += "\":\"";
    append_utc_time(json, at);
    json += '"';
}

class Activity final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.activity",
        .name = "Endpoint activity",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "From endpoint telemetry (JSON lines): the applications the caller started last before "
                       "the incident opened, and the errors and crashes in the hours before it.",
        .config_schema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["file"],
  "properties": {
    "file": {"type": "string", "minLength": 1,
             "description": "Telemetry JSON lines: user, device, app, event, time. Absolute, or relative to the host's working folder."},
    "last_apps": {"type": "integer", "minimum": 1, "maximum": 50, "default": 5,
                  "description": "How many distinct applications activity.last_apps lists."},
    "window_hours": {"type": "integer", "minimum": 1, "maximum": 720, "default": 24,
                     "description": "How far before the incident errors and crashes are counted."}
  }
})",
        .emits = "activity.last_apps,activity.errors,activity.crashes,activity.error_apps",
        .thread_safe = true,
    };

    explicit Activity(const servicelens::CreateContext &context)
        : settings_(read_settings(context.config_json)), host_(context.host),
          source_(settings_.file.filename().string()), telemetry_(open(settings_.file, host_))
    {
        const auto loaded = telemetry_.current();
        host_.info("activity: " + std::to_string(loaded->events.size()) + " events of " +
                   std::to_string(loaded->callers.size()) + " callers from " + settings_.file.string());
    }

    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        const auto telemetry = telemetry_.current();
        for (const servicelens::Incident incident : incidents) {
            const std::span<const Event> events = telemetry->events_of(incident.caller_email());
            if (events.empty()) continue;
            const sl_timestamp_t opened = incident.opened_at() ? *incident.opened_at() : host_.now();
            // Later events cannot explain the incident.
            const auto end = std::upper_bound(events.begin(), events.end(), opened,
                                              [](sl_timestamp_t t, const Event &e) { return t < e.at; });
            const std::span<const Event> before = events.first(static_cast<std::size_t>(end - events.begin()));
            if (before.empty()) continue;
            emit_last_apps(incident.index(), before, *telemetry, sink);
            emit_trouble(incident.index(), before, opened, *telemetry, sink);
        }
    }

private:
    static support::Reloading<Telemetry> open(const std::filesystem::path &file, const servicelens::Host &host)
    {
        const support::Warn warn = [host](const std::string &message) { host.warn(message); };
        try {
            return support::Reloading<Telemetry>(
                {file}, [file](const support::Warn &w) { return load_telemetry(file, w); }, warn);
        } catch (const std::runtime_error &e) {
            throw servicelens::invalid_argument(std::string("activity: ") + e.what());
        }
    }

    // The last distinct apps started, most recent first.
    void emit_last_apps(std::size_t index, std::span<const Event> before, const Telemetry &telemetry,
                        servicelens::AttributeSink &sink) const
    {
        std::array<const Event *, max_last_apps> listed{};
        std::size_t count = 0;
        const std::size_t look_back = std::min(before.size(), max_look_back);
        for (std::size_t i = before.size(); i > before.size() - look_back && count < settings_.last_apps; --i) {
            const Event &e = before[i - 1];
            if (e.kind != start_event) continue;
            const auto seen = [&](const Event *l) { return l->app == e.app; };
            if (std::none_of(listed.begin(), listed.begin() + count, seen)) listed[count++] = &e;
        }
        if (count == 0) return;
        std::string json = "[";
        for (std::size_t i = 0; i < count; ++i) {
            json += i ? ",{" : "{";
            append_string(json, "app", telemetry.app_json[listed[i]->app]);
            if (listed[i]->device != no_device) {
                json += ',';
                append_string(json, "device", telemetry.device_json[listed[i]->device]);
            }
            json += ',';
            append_time(json, "at", listed[i]->at);
            json += '}';
        }
        json += ']';
        sink.json(index, "activity.last_apps", json,
                  {.confidence = 0.9, .source = source_, .observed_at = listed[0]->at});
    }

    // Errors and crashes in the window that ends when the incident opened.
    void emit_trouble(std::size_t index, std::span<const Event> before, sl_timestamp_t opened,
                      const Telemetry &telemetry, servicelens::AttributeSink &sink) const
    {
        const sl_timestamp_t window_start =
            opened < SL_TIMESTAMP_NONE + settings_.window_ms ? SL_TIMESTAMP_NONE : opened - settings_.window_ms;
        const auto from = std::upper_bound(before.begin(), before.end(), window_start,
                                           [](sl_timestamp_t t, const Event &e) { return t < e.at; });
        const std::span<const Event> window = before.last(static_cast<std::size_t>(before.end() - from));
        std::vector<AppTrouble> by_app;
        int64_t errors = 0, crashes = 0;
        for (const Event &e : window) {
            if (e.kind != error_event && e.kind != crash_event) continue;
            auto app = std::find_if(by_app.begin(), by_app.end(), [&](const AppTrouble &t) { return t.app == e.app; });
            if (app == by_app.end()) app = by_app.insert(app, AppTrouble{e.app});
            ++app->errors;
            ++errors;
            if (e.kind == crash_event) {
                ++app->crashes;
                ++crashes;
            }
            app->last_at = e.at;
        }
        // Rationale: with no event at all in the window the agent may have
        // been off, so "no errors" is less certain than when it reported.
        const servicelens::Provenance counted{
            .confidence = window.empty() ? 0.5 : 0.9, .source = source_, .observed_at = before.back().at};
        sink.integer(index, "activity.errors", errors, counted);
        sink.integer(index, "activity.crashes", crashes, counted);
        if (errors > 0) emit_error_apps(index, std::move(by_app), telemetry, sink);
    }

    void emit_error_apps(std::size_t index, std::vector<AppTrouble> by_app, const Telemetry &telemetry,
                         servicelens::AttributeSink &sink) const
    {
        std::sort(by_app.begin(), by_app.end(), [&](const AppTrouble &a, const AppTrouble &b) {
            if (a.errors != b.errors) return a.errors > b.errors;
            if (a.crashes != b.crashes) return a.crashes > b.crashes;
            if (a.last_at != b.last_at) return a.last_at > b.last_at;
            return telemetry.app_json[a.app] < telemetry.app_json[b.app];
        });
        if (by_app.size() > max_error_apps) by_app.resize(max_error_apps);
        sl_timestamp_t newest = SL_TIMESTAMP_NONE;
        std::string json = "[";
        for (const AppTrouble &t : by_app) {
            json += json.size() > 1 ? ",{" : "{";
            append_string(json, "app", telemetry.app_json[t.app]);
            json += ",\"errors\":" + std::to_string(t.errors) + ",\"crashes\":" + std::to_string(t.crashes) + ',';
            append_time(json, "last_at", t.last_at);
            json += '}';
            newest = std::max(newest, t.last_at);
        }
        json += ']';
        sink.json(index, "activity.error_apps", json, {.confidence = 0.9, .source = source_, .observed_at = newest});
    }

    Settings settings_;
    servicelens::Host host_;
    std::string source_;
    support::Reloading<Telemetry> telemetry_;
};

} // namespace

SERVICELENS_PLUGINS(Activity)
