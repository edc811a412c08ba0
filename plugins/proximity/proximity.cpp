// Context from the sites file: the walk-up centre nearest to the caller that
// handles the incident's kind of problem, and whether they can walk up now.
#include <servicelens/cpp/plugin.hpp>

#include <servicelens/plugin_support/field_values.hpp>
#include <servicelens/plugin_support/file_time.hpp>
#include <servicelens/plugin_support/reloading.hpp>
#include <servicelens/plugin_support/string_store.hpp>
#include <servicelens/plugin_support/text_file.hpp>
#include <servicelens/plugin_support/text_index.hpp>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <numbers>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace support = servicelens::plugin_support;
using nlohmann::json;

// An entry of the sites file that cannot be used as written.
class BadEntry : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// --- opening hours ---------------------------------------------------------------------------

struct MinuteRange {
    uint16_t from, to; // minutes since local midnight, [from, to)
};

constexpr std::array<std::string_view, 7> weekday_names = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

std::size_t weekday_named(std::string_view name)
{
    const auto found = std::find(weekday_names.begin(), weekday_names.end(), name);
    if (found == weekday_names.end())
        throw BadEntry("\"" + std::string(name) + "\" is not a day (mon, tue, wed, thu, fri, sat, sun)");
    return static_cast<std::size_t>(found - weekday_names.begin());
}

// "mon" or "mon-fri": the first and last day, Monday being 0.
std::pair<std::size_t, std::size_t> day_range(std::string_view key)
{
    const std::size_t dash = key.find('-');
    if (dash == std::string_view::npos) {
        const std::size_t day = weekday_named(key);
        return {day, day};
    }
    const std::size_t first = weekday_named(key.substr(0, dash)), last = weekday_named(key.substr(dash + 1));
    if (first > last) throw BadEntry("day range \"" + std::string(key) + "\" runs backwards; days go from mon to sun");
    return {first, last};
}

// "HH:MM" as minutes since midnight; "24:00" only as an end.
uint16_t minute_of_day(std::string_view text, bool is_end)
{
    const auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9'; };
    if (text.size() != 5 || text[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
        throw BadEntry("\"" + std::string(text) + "\" is not a time of day (HH:MM)");
    const int hours = (text[0] - '0') * 10 + (text[1] - '0'), minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (minutes > 59 || hours > 24 || (hours == 24 && (minutes != 0 || !is_end)))
        throw BadEntry("\"" + std::string(text) + "\" is not a time of day (00:00 to 23:59, or 24:00 as an end)");
    return static_cast<uint16_t>(hours * 60 + minutes);
}

// "08:00-12:00,13:00-17:00"
std::vector<MinuteRange> minute_ranges(std::string_view text)
{
    std::vector<MinuteRange> ranges;
    while (true) {
        const std::size_t comma = text.find(',');
        const std::string_view range = support::trim(text.substr(0, comma));
        const std::size_t dash = range.find('-');
        if (dash == std::string_view::npos)
            throw BadEntry("\"" + std::string(range) + "\" is not a range of times (HH:MM-HH:MM)");
        const MinuteRange r{minute_of_day(range.substr(0, dash), false), minute_of_day(range.substr(dash + 1), true)};
        if (r.from >= r.to)
            throw BadEntry("\"" + std::string(range) +
                           "\" does not end after it starts; a range past midnight is two days' ranges");
        ranges.push_back(r);
        if (comma == std::string_view::npos) return ranges;
        text.remove_prefix(comma + 1);
    }
}

class OpeningHours {
public:
    // `hours`: {"mon-fri": "08:00-17:00", "sat": "09:00-12:00"}; days not named are closed.
    OpeningHours(const json &hours, const date::time_zone &zone) : zone_(&zone)
    {
        if (!hours.is_object()) throw BadEntry("\"hours\" is not an object of day ranges and times");
        for (const auto &[key, value] : hours.items()) {
            try {
                add(key, value);
            } catch (const BadEntry &e) {
                throw BadEntry("hours \"" + key + "\": " + e.what());
            }
        }
    }

    bool open_at(sl_timestamp_t time) const
    {
        const date::sys_seconds utc{std::chrono::floor<std::chrono::seconds>(std::chrono::milliseconds(time))};
        const auto local = zone_->to_local(utc);
        const auto day = date::floor<date::days>(local);
        const std::size_t weekday = date::weekday(day).iso_encoding() - 1;
        const auto minute = std::chrono::floor<std::chrono::minutes>(local - day).count();
        return std::any_of(by_weekday_[weekday].begin(), by_weekday_[weekday].end(),
                           [&](MinuteRange r) { return minute >= r.from && minute < r.to; });
    }

private:
    void add(const std::string &days, const json &times)
    {
        if (!times.is_string()) throw BadEntry("the times are not text (\"HH:MM-HH:MM\")");
        const auto [first, last] = day_range(days);
        const std::vector<MinuteRange> ranges = minute_ranges(times.get_ref<const std::string &>());
        for (std::size_t day = first; day <= last; ++day)
            by_weekday_[day].insert(by_weekday_[day].end(), ranges.begin(), ranges.end());
    }

    const date::time_zone *zone_;                        // lives as long as the process's tz database
    std::array<std::vector<MinuteRange>, 7> by_weekday_; // Monday first
};

// --- the sites file ----------------------------------------------------------------------------

struct Site {
    std::string name;
    double latitude = 0, longitude = 0;
    std::string time_zone; // may be empty
};

struct Centre {
    std::string name;
    std::string location; // "site, building, floor N"
    uint32_t site = 0;
    std::vector<uint32_t> skills;      // ids in WalkupMap::skill_ids, sorted
    std::optional<OpeningHours> hours; // nullopt when the file's hours could not be used

    bool has_skill(uint32_t skill) const { return std::binary_search(skills.begin(), skills.end(), skill); }
};

struct Reach {
    double km;
    uint32_t centre;
};

struct WalkupMap {
    support::StringStore keys;
    support::TextIndex site_by_name; // lookup_key(name) -> index in sites
    support::TextIndex skill_ids;    // lookup_key(skill) -> id
    std::vector<Site> sites;
    std::vector<Centre> centres;
    std::vector<std::vector<Reach>> by_distance; // per site: every centre, nearest first
    sl_timestamp_t written_at = SL_TIMESTAMP_NONE;
};

const std::string &text_field(const json &entry, const char *key)
{
    const auto found = entry.find(key);
    if (found == entry.end() || !found->is_string() || found->get_ref<const std::string &>().empty())
        throw BadEntry(std::string("\"") + key + "\" is missing or not text");
    return found->get_ref<const std::string &>();
}

double number_field(const json &entry, const char *key, int lowest, int highest)
{
    const auto found = entry.find(key);
    if (found == entry.end() || !found->is_number() || found->get<double>() < lowest || found->get<double>() > highest)
        throw BadEntry(std::string("\"") + key + "\" is missing or not a number from " + std::to_string(lowest) +
                       " to " + std::to_string(highest));
    return found->get<double>();
}

// Great-circle (haversine) distance on a sphere of the Earth's mean radius.
double great_circle_km(const Site &a, const Site &b)
{
    constexpr double earth_radius_km = 6371.0088;
    constexpr double radians = std::numbers::pi / 180;
    const double dlat = (b.latitude - a.latitude) * radians, dlon = (b.longitude - a.longitude) * radians;
    const double h = std::pow(std::sin(dlat / 2), 2) +
                     std::cos(a.latitude * radians) * std::cos(b.latitude * radians) * std::pow(std::sin(dlon / 2), 2);
    return 2 * earth_radius_km * std::asin(std::min(1.0, std::sqrt(h)));
}

const date::time_zone &zone_named(const std::string &name)
{
    try {
        return *date::locate_zone(name);
    } catch (const std::runtime_error &) {
        throw BadEntry("time zone \"" + name + "\" is not in the tz database (/usr/share/zoneinfo)");
    }
}

class WalkupMapBuilder {
public:
    WalkupMapBuilder(std::string file_name, const support::Warn &warn) : file_(std::move(file_name)), warn_(warn) {}

    void add_site(const json &entry, std::size_t index)
    {
        const std::string where = file_ + ": sites[" + std::to_string(index) + "]: ";
        try {
            if (!entry.is_object()) throw BadEntry("not an object");
            Site site{text_field(entry, "name"), number_field(entry, "lat", -90, 90),
                      number_field(entry, "lon", -180, 180), ""};
            if (const auto zone = entry.find("time_zone"); zone != entry.end() && zone->is_string())
                site.time_zone = zone->get<std::string>();
            if (out_.site_by_name.insert(out_.keys.keep(support::lookup_key(site.name)),
                                         static_cast<uint32_t>(out_.sites.size())))
                throw BadEntry("a site named \"" + site.name + "\" comes earlier in the file");
            out_.sites.push_back(std::move(site));
        } catch (const BadEntry &e) {
            warn_(where + e.what() + "; site skipped");
        }
    }

    void add_centre(const json &entry, std::size_t index)
    {
        const std::string where = file_ + ": walkup_centres[" + std::to_string(index) + "]: ";
        try {
            if (!entry.is_object()) throw BadEntry("not an object");
            Centre centre;
            centre.name = text_field(entry, "name");
            const std::string &site_name = text_field(entry, "site");
            const auto site = out_.site_by_name.find(support::lookup_key(site_name));
            if (!site) throw BadEntry("site \"" + site_name + "\" is not in \"sites\"");
            centre.site = *site;
            centre.location = out_.sites[*site].name + ", " + text_field(entry, "building") + ", floor " +
                              std::to_string(floor_of(entry));
            centre.skills = skills_of(entry);
            centre.hours = hours_of(entry, out_.sites[*site], where);
            out_.centres.push_back(std::move(centre));
        } catch (const BadEntry &e) {
            warn_(where + e.what() + "; centre skipped");
        }
    }

    WalkupMap finish() &&
    {
        for (uint32_t s = 0; s < out_.sites.size(); ++s) {
            std::vector<Reach> reach;
            for (uint32_t c = 0; c < out_.centres.size(); ++c) {
                const uint32_t centre_site = out_.centres[c].site;
                reach.push_back({centre_site == s ? 0.0 : great_circle_km(out_.sites[s], out_.sites[centre_site]), c});
            }
            // Stable: centres as far away keep the file's order.
            std::stable_sort(reach.begin(), reach.end(), [](const Reach &a, const Reach &b) { return a.km < b.km; });
            out_.by_distance.push_back(std::move(reach));
        }
        out_.site_by_name.shrink_to_fit();
        out_.skill_ids.shrink_to_fit();
        return std::move(out_);
    }

    WalkupMap &map() { return out_; }

private:
    static int64_t floor_of(const json &entry)
    {
        const auto floor = entry.find("floor");
        if (floor == entry.end() || !floor->is_number_integer())
            throw BadEntry("\"floor\" is missing or not an integer");
        return floor->get<int64_t>();
    }

    std::vector<uint32_t> skills_of(const json &entry)
    {
        const auto skills = entry.find("skills");
        if (skills == entry.end() || !skills->is_array()) throw BadEntry("\"skills\" is missing or not an array");
        std::vector<uint32_t> ids;
        for (const json &skill : *skills) {
            if (!skill.is_string()) throw BadEntry("a skill is not text");
            const std::string key = support::lookup_key(skill.get_ref<const std::string &>());
            const auto next = static_cast<uint32_t>(out_.skill_ids.size());
            const auto known = out_.skill_ids.find(key);
            if (!known) out_.skill_ids.insert(out_.keys.keep(key), next);
            ids.push_back(known.value_or(next));
        }
        std::sort(ids.begin(), ids.end());
        return ids;
    }

    // Rationale: a centre whose hours cannot be read is still the nearest
    // one; it is kept, and only whether it is open is left unsaid.
    std::optional<OpeningHours> hours_of(const json &entry, const Site &site, const std::string &where) const
    {
        try {
            const auto zone = entry.find("time_zone");
            const std::string zone_name =
                zone != entry.end() && zone->is_string() ? zone->get<std::string>() : site.time_zone;
            if (zone_name.empty()) throw BadEntry("no \"time_zone\", and its site has none");
            const auto hours = entry.find("hours");
            if (hours == entry.end()) throw BadEntry("no \"hours\"");
            return OpeningHours(*hours, zone_named(zone_name));
        } catch (const BadEntry &e) {
            warn_(where + e.what() + "; whether it is open is unknown");
            return std::nullopt;
        }
    }

    std::string file_;
    const support::Warn &warn_;
    WalkupMap out_;
};

const json &array_field(const json &document, const char *key, const std::string &file)
{
    const auto found = document.find(key);
    if (found == document.end() || !found->is_array())
        throw std::runtime_error(file + ": no \"" + key + "\" array at the top level");
    return *found;
}

WalkupMap load_walkup_map(const std::filesystem::path &file, const support::Warn &warn)
{
    const sl_timestamp_t written_at = support::modification_time(file);
    const json document = json::parse(support::read_text_file(file), nullptr, false);
    if (document.is_discarded() || !document.is_object())
        throw std::runtime_error(file.string() +
                                 ": not a JSON object (expected {\"sites\": [...], \"walkup_centres\": [...]})");
    WalkupMapBuilder builder(file.string(), warn);
    const json &sites = array_field(document, "sites", file.string());
    const json &centres = array_field(document, "walkup_centres", file.string());
    for (std::size_t i = 0; i < sites.size(); ++i) builder.add_site(sites[i], i);
    for (std::size_t i = 0; i < centres.size(); ++i) builder.add_centre(centres[i], i);
    builder.map().written_at = written_at;
    return std::move(builder).finish();
}

// --- the plugin --------------------------------------------------------------------------------

struct Settings {
    std::filesystem::path file;
    support::StringStore text;
    support::TextIndex skill_of_category; // lookup_key(category) -> index in skills
    std::vector<std::string> skills;      // in lookup_key form
};

Settings read_settings(std::string_view config_json)
{
    const auto config = json::parse(config_json, nullptr, false);
    if (config.is_discarded() || !config.is_object())
        throw servicelens::invalid_argument("proximity: the config is not a JSON object");
    const auto file = config.find("file");
    if (file == config.end() || !file->is_string() || file->get<std::string>().empty())
        throw servicelens::invalid_argument("proximity: the config needs \"file\", the sites JSON file");
    Settings s;
    s.file = file->get<std::string>();
    const auto mapping = config.find("skills_by_category");
    if (mapping == config.end()) return s;
    if (!mapping->is_object())
        throw servicelens::invalid_argument("proximity: \"skills_by_category\" is not an object of category: skill");
    for (const auto &[category, skill] : mapping->items()) {
        if (!skill.is_string())
            throw servicelens::invalid_argument("proximity: skills_by_category \"" + category + "\" is not text");
        s.skill_of_category.set(s.text.keep(support::lookup_key(category)), static_cast<uint32_t>(s.skills.size()));
        s.skills.push_back(support::lookup_key(skill.get<std::string>()));
    }
    return s;
}

// Whether each centre is open at one instant, worked out once per centre.
class OpenNow {
public:
    OpenNow(const WalkupMap &map, sl_timestamp_t now) : map_(map), now_(now), state_(map.centres.size(), unknown) {}

    std::optional<bool> operator()(uint32_t centre)
    {
        if (state_[centre] == unknown) {
            const auto &hours = map_.centres[centre].hours;
            state_[centre] = !hours ? no_hours : hours->open_at(now_) ? open : closed;
        }
        if (state_[centre] == no_hours) return std::nullopt;
        return state_[centre] == open;
    }

    sl_timestamp_t now() const noexcept { return now_; }

private:
    enum State : uint8_t { unknown, no_hours, open, closed };
    const WalkupMap &map_;
    sl_timestamp_t now_;
    std::vector<State> state_;
};

// Confidence of the centre chosen: one that lists the incident's skill, or
// (no centre lists it, or the incident has no category) simply the nearest,
// which may send the caller to a desk that cannot help.
constexpr double skilled_confidence = 0.9;
constexpr double any_centre_confidence = 0.5;
// Opening hours say nothing of holidays and closures.
constexpr double hours_confidence = 0.9;

class Proximity final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.proximity",
        .name = "Walk-up proximity",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "From the sites file: the walk-up centre nearest to the caller's site that handles the "
                       "incident's category, how far it is, and whether the caller can walk up now.",
        .config_schema = R"({
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "additionalProperties": false,
  "required": ["file"],
  "properties": {
    "file": {"type": "string", "minLength": 1,
             "description": "The sites JSON file (sites and walkup_centres). Absolute, or relative to the host's working folder."},
    "skills_by_category": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "The skill a centre needs for an incident category; a category not listed needs the skill of its own name."}
  }
})",
        .emits = "support.nearest_walkup,support.nearest_walkup.distance_km,support.nearest_walkup.location,"
                 "support.walkup_open_now,support.can_walk_up_now",
        .thread_safe = true,
    };

    explicit Proximity(const servicelens::CreateContext &context)
        : settings_(read_settings(context.config_json)), host_(context.host),
          source_(settings_.file.filename().string()), map_(open(settings_.file, host_))
    {
        const auto loaded = map_.current();
        host_.info("proximity: " + std::to_string(loaded->sites.size()) + " sites and " +
                   std::to_string(loaded->centres.size()) + " walk-up centres from " + settings_.file.string());
    }

    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        const auto map = map_.current();
        std::optional<OpenNow> open_now; // the clock is read once a batch, and only when needed
        for (const servicelens::Incident incident : incidents) {
            const auto site = map->site_by_name.find(support::lookup_key(incident.location()));
            if (!site) continue;
            if (!open_now) open_now.emplace(*map, host_.now());
            const std::optional<uint32_t> skill = skill_for(*map, incident.category());
            const Reach *chosen = skill ? nearest(*map, *site, skill, *open_now) : nullptr;
            const bool skilled = chosen != nullptr;
            if (!chosen) chosen = nearest(*map, *site, std::nullopt, *open_now);
            if (!chosen) continue; // the file lists no centre
            emit(incident.index(), *map, *site, *chosen, skilled, *open_now, sink);
        }
    }

private:
    static support::Reloading<WalkupMap> open(const std::filesystem::path &file, const servicelens::Host &host)
    {
        const support::Warn warn = [host](const std::string &message) { host.warn(message); };
        try {
            return support::Reloading<WalkupMap>(
                {file}, [file](const support::Warn &w) { return load_walkup_map(file, w); }, warn);
        } catch (const std::runtime_error &e) {
            throw servicelens::invalid_argument(std::string("proximity: ") + e.what());
        }
    }

    // The skill the incident's category asks for, if any centre has it.
    std::optional<uint32_t> skill_for(const WalkupMap &map, std::string_view category) const
    {
        const std::string key = support::lookup_key(category);
        if (key.empty()) return std::nullopt;
        const auto mapped = settings_.skill_of_category.find(key);
        return map.skill_ids.find(mapped ? std::string_view(settings_.skills[*mapped]) : std::string_view(key));
    }

    // The nearest centre with `skill` (any centre without one); of centres
    // as near, one open now.
    static const Reach *nearest(const WalkupMap &map, uint32_t site, std::optional<uint32_t> skill, OpenNow &open_now)
    {
        const Reach *best = nullptr;
        for (const Reach &r : map.by_distance[site]) {
            if (best && r.km > best->km) break;
            if (skill && !map.centres[r.centre].has_skill(*skill)) continue;
            if (!best)
                best = &r;
            else if (!open_now(best->centre).value_or(false) && open_now(r.centre).value_or(false))
                best = &r;
        }
        return best;
    }

    void emit(std::size_t index, const WalkupMap &map, uint32_t site, const Reach &chosen, bool skilled,
              OpenNow &open_now, servicelens::AttributeSink &sink) const
    {
        const Centre &centre = map.centres[chosen.centre];
        const servicelens::Provenance from_file{.confidence = skilled ? skilled_confidence : any_centre_confidence,
                                                .source = source_,
                                                .observed_at = map.written_at};
        sink.text(index, "support.nearest_walkup", centre.name, from_file);
        sink.number(index, "support.nearest_walkup.distance_km", std::round(chosen.km * 10) / 10, from_file);
        sink.text(index, "support.nearest_walkup.location", centre.location, from_file);
        const std::optional<bool> open = open_now(chosen.centre);
        const bool same_site = centre.site == site;
        const servicelens::Provenance at_now{
            .confidence = hours_confidence, .source = source_, .observed_at = open_now.now()};
        if (open) sink.boolean(index, "support.walkup_open_now", *open, at_now);
        // Another site's centre is out of walking reach whatever its hours.
        if (open || !same_site)
            sink.boolean(index, "support.can_walk_up_now", open.value_or(false) && same_site,
                         {.confidence = std::min(from_file.confidence, hours_confidence),
                          .source = source_,
                          .observed_at = open_now.now()});
    }

    Settings settings_;
    servicelens::Host host_;
    std::string source_;
    support::Reloading<WalkupMap> map_;
};

} // namespace

SERVICELENS_PLUGINS(Proximity)
