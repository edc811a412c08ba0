// Context provider: the caller's devices from a CMDB or asset export (the
// primary device's model, OS, age, warranty and last check-in, and how many
// assets they own), and the recent changes on the incident's CI from a
// change export. Both exports are indexed once at load and reloaded when
// their files change.
#include <servicelens/cpp/plugin.hpp>
#include <servicelens/plugin_support/field_values.hpp>
#include <servicelens/plugin_support/file_time.hpp>
#include <servicelens/plugin_support/iso_time.hpp>
#include <servicelens/plugin_support/record_file.hpp>
#include <servicelens/plugin_support/reloading.hpp>
#include <servicelens/plugin_support/string_store.hpp>
#include <servicelens/plugin_support/text_index.hpp>
#include <servicelens/plugin_support/value_table.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace {

namespace ps = servicelens::plugin_support;

constexpr sl_timestamp_t day_ms = 24 * 60 * 60 * 1000;

// --- the asset export ------------------------------------------------------------------------

// The columns of an asset row, in the order of the CSV header.
enum AssetField : std::size_t {
    asset_id,
    asset_owner_email,
    asset_type,
    asset_model,
    asset_os,
    asset_os_version,
    asset_purchased,
    asset_warranty_end,
    asset_last_seen,
    asset_primary,
    asset_field_count
};
constexpr std::array<std::string_view, asset_field_count> asset_columns = {
    "asset_id",   "owner_email", "type",         "model",     "os",
    "os_version", "purchased",   "warranty_end", "last_seen", "primary"};
constexpr std::array<std::string_view, 1> asset_required_columns = {"owner_email"};

struct Device {
    ps::ValueTable::Id model = ps::ValueTable::empty, os = ps::ValueTable::empty, os_version = ps::ValueTable::empty;
    sl_timestamp_t purchased = SL_TIMESTAMP_NONE;
    sl_timestamp_t warranty_end = SL_TIMESTAMP_NONE;
    sl_timestamp_t warranty_expires = SL_TIMESTAMP_NONE; // the first moment it no longer covers
    sl_timestamp_t last_seen = SL_TIMESTAMP_NONE;
    bool flagged_primary = false;
};

// What the plugin keeps of one owner: the device that answers for them,
// and how many assets they have.
struct Owner {
    Device primary;
    std::uint32_t assets = 0;
};

// One loaded asset export, immutable once built.
struct AssetIndex {
    ps::StringStore text;  // the owners' e-mail addresses, by_owner's keys
    ps::ValueTable values; // models, OS names and versions
    std::vector<Owner> owners;
    ps::TextIndex by_owner; // owner e-mail in lookup_key form -> owners
    std::string source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
};

// A date ("2026-10-20": the whole day) or a UTC time.
struct DayOrTime {
    sl_timestamp_t at = SL_TIMESTAMP_NONE;
    bool whole_day = false;
};

// nullopt for text that is neither; SL_TIMESTAMP_NONE for empty text.
std::optional<DayOrTime> parse_day_or_time(std::string_view text)
{
    text = ps::trim(text);
    if (text.empty()) return DayOrTime{};
    if (const auto day = ps::parse_date(text)) return DayOrTime{*day, true};
    if (const auto time = ps::parse_utc_time(text)) return DayOrTime{*time, false};
    return std::nullopt;
}

// Which device answers for an owner: one flagged primary over one that is
// not, then the most recently seen; on a tie the first in the file stays.
bool answers_before(const Device &candidate, const Device &current)
{
    if (candidate.flagged_primary != current.flagged_primary) return candidate.flagged_primary;
    return candidate.last_seen > current.last_seen;
}

// Builds an AssetIndex row by row; malformed and repeated rows are warned
// with their line and skipped.
class AssetIndexBuilder {
public:
    AssetIndexBuilder(std::string source_name, const ps::Warn &warn) : source_name_(std::move(source_name)), warn_(warn)
    {
    }

    void add(const ps::Record &row)
    {
        const auto &f = row.fields;
        std::optional<Device> device = read_device(row);
        if (!device) return;
        const std::string_view asset = ps::trim(f[asset_id]);
        if (!asset.empty()) {
            if (const auto first = asset_ids_.find(asset))
                return warn_(at(row.line) + "asset_id \"" + std::string(asset) + "\" is already on line " +
                             std::to_string(*first) + "; the first row wins and this one is skipped");
            asset_ids_.insert(asset_id_text_.keep(asset), static_cast<std::uint32_t>(row.line));
        }
        const std::string owner_key = ps::lookup_key(f[asset_owner_email]);
        if (owner_key.empty()) {
            ++unowned_; // in stock or retired: nobody to tell about
            return;
        }
        AssetIndex &index = index_;
        const auto known = index.by_owner.find(owner_key);
        if (!known) index.by_owner.insert(index.text.keep(owner_key), static_cast<std::uint32_t>(index.owners.size()));
        Owner &owner = known ? index.owners[*known] : index.owners.emplace_back();
        if (owner.assets++ == 0 || answers_before(*device, owner.primary)) owner.primary = *device;
    }

    AssetIndex finish() &&
    {
        index_.owners.shrink_to_fit();
        index_.by_owner.shrink_to_fit();
        return std::move(index_);
    }
    std::size_t unowned() const noexcept { return unowned_; }

private:
    std::string at(std::size_t line) const { return source_name_ + ":" + std::to_string(line) + ": "; }

    std::optional<Device> read_device(const ps::Record &row)
    {
        const auto &f = row.fields;
        std::array<std::optional<DayOrTime>, 3> times;
        constexpr std::array<AssetField, 3> time_fields = {asset_purchased, asset_warranty_end, asset_last_seen};
        for (std::size_t i = 0; i < time_fields.size(); ++i) {
            times[i] = parse_day_or_time(f[time_fields[i]]);
            if (!times[i]) {
                warn_(at(row.line) + std::string(asset_columns[time_fields[i]]) + " \"" + f[time_fields[i]] +
                      "\" is not a date (2026-10-20) or a UTC time (2026-10-20T09:00:00Z); row skipped");
                return std::nullopt;
            }
        }
        const std::string_view primary_text = ps::trim(f[asset_primary]);
        const std::optional<bool> primary = primary_text.empty() ? false : ps::parse_bool(primary_text);
        if (!primary) {
            warn_(at(row.line) + "primary is \"" + std::string(primary_text) + "\", not true or false; row skipped");
            return std::nullopt;
        }
        Device device;
        device.model = index_.values.add(ps::trim(f[asset_model]));
        device.os = index_.values.add(ps::trim(f[asset_os]));
        device.os_version = index_.values.add(ps::trim(f[asset_os_version]));
        device.purchased = times[0]->at;
        device.warranty_end = times[1]->at;
        // A warranty that ends on a day still covers that whole day.
        device.warranty_expires = times[1]->whole_day ? times[1]->at + day_ms : times[1]->at;
        device.last_seen = times[2]->at;
        device.flagged_primary = *primary;
        return device;
    }

    std::string source_name_;
    const ps::Warn &warn_;
    AssetIndex index_;
    ps::StringStore asset_id_text_; // the asset ids seen, until finish()
    ps::TextIndex asset_ids_;       // asset_id -> the line it was first on
    std::size_t unowned_ = 0;
};

// --- the change export -----------------------------------------------------------------------

constexpr std::array<std::string_view, 4> change_columns = {"number", "ci", "implemented_at", "description"};
constexpr std::array<std::string_view, 2> change_required_columns = {"ci", "implemented_at"};

struct Change {
    sl_timestamp_t implemented_at = SL_TIMESTAMP_NONE;
    std::string json; // {"number", "implemented_at", "description"}, ready to list
};

struct ChangeIndex {
    std::unordered_map<std::string, std::vector<Change>> by_ci; // ci in lookup_key form; newest first
    std::string source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
};

ChangeIndex load_changes(const std::filesystem::path &file, const ps::Warn &warn, const servicelens::Host &host)
{
    ChangeIndex index;
    index.observed_at = ps::modification_time(file); // before reading: the data is at least this new
    const std::string name = file.string();
    const auto format = ps::record_format_of(file.filename().string()).value_or(ps::RecordFormat::csv);
    std::size_t count = 0;
    ps::for_each_record(file, format, change_columns, change_required_columns, warn, [&](const ps::Record &row) {
        const std::string ci = ps::lookup_key(row.fields[1]);
        if (ci.empty()) return; // a change on no CI concerns no incident's CI
        const std::string_view when = ps::trim(row.fields[2]);
        const auto implemented_at = ps::parse_utc_time(when);
        if (!implemented_at)
            return warn(name + ":" + std::to_string(row.line) + ": implemented_at \"" + std::string(when) +
                        "\" is not a UTC time (2026-10-20T09:00:00Z); row skipped");
        nlohmann::ordered_json listed;
        listed["number"] = servicelens::utf8::sanitize(ps::trim(row.fields[0]));
        listed["implemented_at"] = ps::format_utc_time(*implemented_at);
        listed["description"] = servicelens::utf8::sanitize(ps::trim(row.fields[3]));
        index.by_ci[ci].push_back({*implemented_at, listed.dump()});
        ++count;
    });
    for (auto &[ci, changes] : index.by_ci)
        std::stable_sort(changes.begin(), changes.end(),
                         [](const Change &a, const Change &b) { return a.implemented_at > b.implemented_at; });
    index.source = "assets:" + servicelens::utf8::sanitize(file.filename().string());
    host.info("loaded " + std::to_string(count) + " changes on " + std::to_string(index.by_ci.size()) + " CIs from " +
              name);
    return index;
}

// --- configuration ---------------------------------------------------------------------------

constexpr std::size_t max_listed_changes = 5;

struct Settings {
    std::optional<std::filesystem::path> file;
    std::optional<std::string> url;
    ps::RecordFormat format = ps::RecordFormat::csv;
    std::optional<std::filesystem::path> changes_file;
    sl_timestamp_t change_window = 14 * day_ms;
};

// The last segment of a URL's path: what the export is called.
std::string url_file_name(std::string_view url)
{
    url = url.substr(0, url.find_first_of("?#"));
    const std::size_t slash = url.rfind('/');
    return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

std::optional<std::string> optional_text(const nlohmann::json &config, const char *key)
{
    const auto found = config.find(key);
    if (found == config.end()) return std::nullopt;
    if (!found->is_string() || found->get<std::string>().empty())
        throw servicelens::invalid_argument(std::string("\"") + key + "\" must be a non-empty string");
    return found->get<std::string>();
}

ps::RecordFormat read_format(const nlohmann::json &config, const std::string &export_name)
{
    if (const auto named = optional_text(config, "format")) {
        if (const auto format = ps::record_format_named(*named)) return *format;
        throw servicelens::invalid_argument("\"format\" is \"csv\" or \"jsonl\", not \"" + *named + "\"");
    }
    if (const auto format = ps::record_format_of(export_name)) return *format;
    throw servicelens::invalid_argument(export_name +
                                        ": cannot tell the format from the extension (.csv, .jsonl or .ndjson); "
                                        "set \"format\" to \"csv\" or \"jsonl\"");
}

Settings read_settings(std::string_view config_json)
{
    const auto config = nlohmann::json::parse(config_json, nullptr, false);
    if (config.is_discarded() || !config.is_object())
        throw servicelens::invalid_argument("the config is not a JSON object");
    Settings settings;
    settings.file = optional_text(config, "file");
    settings.url = optional_text(config, "url");
    if (settings.file.has_value() == settings.url.has_value())
        throw servicelens::invalid_argument(
            "set exactly one of \"file\" (the asset export's path) and \"url\" (where to fetch it)");
    settings.format =
        read_format(config, settings.file ? settings.file->filename().string() : url_file_name(*settings.url));
    settings.changes_file = optional_text(config, "changes_file");
    if (const auto days = config.find("change_window_days"); days != config.end()) {
        if (!days->is_number_integer() || days->get<std::int64_t>() < 1 || days->get<std::int64_t>() > 3650)
            throw servicelens::invalid_argument("\"change_window_days\" is a whole number of days from 1 to 3650");
        settings.change_window = days->get<std::int64_t>() * day_ms;
    }
    return settings;
}

// --- fetching the export through the host ----------------------------------------------------

std::string fetch_export(const servicelens::Host &host, const std::string &url)
{
    const sl_host_http_t *http = host.http();
    if (!http)
        throw servicelens::invalid_argument("\"url\": " + url +
                                            ": this host offers no HTTP service (" SL_HOST_HTTP_ID
                                            "), so the asset export cannot be fetched; download it and set \"file\" "
                                            "to its path instead");
    sl_http_request_t request{};
    request.struct_size = sizeof request;
    request.method = servicelens::str("GET");
    request.url = servicelens::str(url);
    struct Received {
        int32_t status = 0;
        std::string body;
    } received;
    const auto keep = [](void *context, const sl_http_response_t *response) noexcept -> sl_status_t {
        try {
            auto &into = *static_cast<Received *>(context);
            into.status = response->status;
            into.body.assign(servicelens::view(response->body));
            return SL_STATUS_OK;
        } catch (...) {
            return SL_STATUS_INTERNAL;
        }
    };
    const sl_status_t status = http->perform(host.raw(), &request, keep, &received);
    if (status != SL_STATUS_OK)
        throw servicelens::Error(status, "GET " + url + ": no response (" + sl_status_name(status) +
                                             "); the host's log says why");
    if (received.status < 200 || received.status > 299)
        throw servicelens::Error(SL_STATUS_UNAVAILABLE, "GET " + url + ": HTTP " + std::to_string(received.status) +
                                                            ": " + received.body.substr(0, 200));
    return std::move(received.body);
}

AssetIndex load_assets(const Settings &settings, const ps::Warn &warn, const servicelens::Host &host)
{
    const std::string name = settings.file ? settings.file->string() : *settings.url;
    AssetIndexBuilder builder(name, warn);
    const auto add = [&](const ps::Record &row) { builder.add(row); };
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
    if (settings.file) {
        observed_at = ps::modification_time(*settings.file); // before reading: the data is at least this new
        ps::for_each_record(*settings.file, settings.format, asset_columns, asset_required_columns, warn, add);
    } else {
        observed_at = host.now();
        ps::for_each_record_in(fetch_export(host, *settings.url), name, settings.format, asset_columns,
                               asset_required_columns, warn, add);
    }
    const std::size_t unowned = builder.unowned();
    AssetIndex index = std::move(builder).finish();
    index.observed_at = observed_at;
    index.source = "assets:" + servicelens::utf8::sanitize(settings.file ? settings.file->filename().string()
                                                                         : url_file_name(*settings.url));
    host.info("loaded the assets of " + std::to_string(index.owners.size()) + " owners from " + name +
              (unowned ? " (" + std::to_string(unowned) + " assets have no owner)" : std::string()));
    return index;
}

// --- enriching -------------------------------------------------------------------------------

// Rationale: when the export flags no primary device and the owner has
// several, the most recently seen one is a good guess, not a fact.
constexpr double guessed_primary_confidence = 0.8;

const Owner *find_owner(const AssetIndex &index, std::string_view email)
{
    email = ps::trim(email);
    if (email.empty()) return nullptr;
    const auto found =
        ps::is_lookup_key(email) ? index.by_owner.find(email) : index.by_owner.find(ps::lookup_key(email));
    return found ? &index.owners[*found] : nullptr;
}

// `at` is when the incident was opened (else now): age and warranty are as of then.
void emit_devices(const AssetIndex &index, const Owner &owner, std::size_t incident, sl_timestamp_t at,
                  servicelens::AttributeSink &sink)
{
    const Device &d = owner.primary;
    const servicelens::Provenance device_seen{d.flagged_primary || owner.assets == 1 ? 1.0 : guessed_primary_confidence,
                                              index.source,
                                              d.last_seen != SL_TIMESTAMP_NONE ? d.last_seen : index.observed_at};
    const auto text = [&](std::string_view key, ps::ValueTable::Id value) {
        if (value != ps::ValueTable::empty) sink.text(incident, key, index.values[value], device_seen);
    };
    text("device.primary.model", d.model);
    text("device.primary.os", d.os);
    text("device.primary.os_version", d.os_version);
    // A device bought after the incident opened has no age at that time.
    if (d.purchased != SL_TIMESTAMP_NONE && d.purchased <= at)
        sink.integer(incident, "device.primary.age_days", (at - d.purchased) / day_ms, device_seen);
    if (d.warranty_end != SL_TIMESTAMP_NONE) {
        sink.time(incident, "device.primary.warranty_end", d.warranty_end, device_seen);
        sink.boolean(incident, "device.primary.warranty_expired", at >= d.warranty_expires, device_seen);
    }
    if (d.last_seen != SL_TIMESTAMP_NONE) sink.time(incident, "device.primary.last_seen", d.last_seen, device_seen);
    sink.integer(incident, "device.count", owner.assets, {1.0, index.source, index.observed_at});
}

// The changes on `ci` implemented in [at - window, at], newest first, at most five.
void emit_recent_changes(const ChangeIndex &index, std::string_view ci, sl_timestamp_t at, sl_timestamp_t window,
                         std::size_t incident, servicelens::AttributeSink &sink)
{
    if (ps::trim(ci).empty()) return;
    const auto found = index.by_ci.find(ps::lookup_key(ci));
    if (found == index.by_ci.end()) return;
    const std::vector<Change> &changes = found->second;
    auto change =
        std::partition_point(changes.begin(), changes.end(), [at](const Change &c) { return c.implemented_at > at; });
    std::string list;
    for (std::size_t listed = 0;
         change != changes.end() && change->implemented_at >= at - window && listed < max_listed_changes;
         ++change, ++listed)
        list += (list.empty() ? "[" : ",") + change->json;
    if (list.empty()) return;
    sink.json(incident, "ci.recent_changes", list + "]", {1.0, index.source, index.observed_at});
}

class AssetsProvider final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.assets",
        .name = "Assets and changes",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "The caller's primary device (model, OS, age, warranty, last check-in) and asset count from a "
                       "CMDB export, and the recent changes on the incident's CI from a change export.",
        .config_schema = R"({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "file": {"type": "string", "minLength": 1,
                         "description": "The asset export; absolute, or relative to the host's working folder."},
                "url": {"type": "string", "minLength": 1,
                        "description": "Where to fetch the asset export through the host's HTTP service, instead of file."},
                "format": {"enum": ["csv", "jsonl"],
                           "description": "The asset export's format. Default: from the extension (.csv; .jsonl or .ndjson)."},
                "changes_file": {"type": "string", "minLength": 1,
                                 "description": "A change export (number,ci,implemented_at,description) for ci.recent_changes."},
                "change_window_days": {"type": "integer", "minimum": 1, "maximum": 3650, "default": 14,
                                       "description": "How far before the incident opened a change counts as recent."}
            },
            "oneOf": [{"required": ["file"]}, {"required": ["url"]}]
        })",
        .emits = "device.primary.model,device.primary.os,device.primary.os_version,device.primary.age_days,"
                 "device.primary.warranty_end,device.primary.warranty_expired,device.primary.last_seen,device.count,"
                 "ci.recent_changes",
        .thread_safe = true,
    };

    explicit AssetsProvider(const servicelens::CreateContext &context)
        : host_(context.host), settings_(read_settings(context.config_json)), assets_(open_assets()),
          changes_(open_changes())
    {
    }

    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        const std::shared_ptr<const AssetIndex> assets = assets_->current();
        const std::shared_ptr<const ChangeIndex> changes = changes_ ? changes_->current() : nullptr;
        for (const servicelens::Incident incident : incidents) {
            const auto opened_at = incident.opened_at();
            const sl_timestamp_t at = opened_at ? *opened_at : host_.now();
            if (const Owner *owner = find_owner(*assets, incident.caller_email()))
                emit_devices(*assets, *owner, incident.index(), at, sink);
            if (changes)
                emit_recent_changes(*changes, incident.ci(), at, settings_.change_window, incident.index(), sink);
        }
    }

private:
    // A missing or unusable export is a configuration problem, told at create.
    template <class Data, class Load>
    std::unique_ptr<ps::Reloading<Data>> open(std::vector<std::filesystem::path> files, Load load) const
    {
        const servicelens::Host host = host_;
        try {
            return std::make_unique<ps::Reloading<Data>>(std::move(files), std::move(load),
                                                         [host](const std::string &message) { host.warn(message); });
        } catch (const servicelens::Error &) {
            throw; // already says what went wrong, with its status (a failed download)
        } catch (const std::runtime_error &e) {
            throw servicelens::invalid_argument(e.what());
        }
    }

    std::unique_ptr<ps::Reloading<AssetIndex>> open_assets() const
    {
        // A fetched export has no file to watch: it is read once, at create.
        std::vector<std::filesystem::path> watched;
        if (settings_.file) watched.push_back(*settings_.file);
        return open<AssetIndex>(std::move(watched), [settings = settings_, host = host_](const ps::Warn &warn) {
            return load_assets(settings, warn, host);
        });
    }

    std::unique_ptr<ps::Reloading<ChangeIndex>> open_changes() const
    {
        if (!settings_.changes_file) return nullptr;
        return open<ChangeIndex>({*settings_.changes_file},
                                 [file = *settings_.changes_file, host = host_](const ps::Warn &warn) {
                                     return load_changes(file, warn, host);
                                 });
    }

    servicelens::Host host_;
    Settings settings_;
    std::unique_ptr<ps::Reloading<AssetIndex>> assets_;
    std::unique_ptr<ps::Reloading<ChangeIndex>> changes_;
};

} // namespace

SERVICELENS_PLUGINS(AssetsProvider)
