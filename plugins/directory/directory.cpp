// Context provider: the caller's place in the organisation (department,
// title, manager, cost centre, VIP flag, site, language, working hours),
// joined from an HR directory export in CSV, JSON lines or LDIF. The export
// is indexed once at load and reloaded when the file changes.
#include "ldif.hpp"

#include <servicelens/cpp/plugin.hpp>
#include <servicelens/plugin_support/csv_file.hpp>
#include <servicelens/plugin_support/field_values.hpp>
#include <servicelens/plugin_support/file_time.hpp>
#include <servicelens/plugin_support/record_file.hpp>
#include <servicelens/plugin_support/reloading.hpp>
#include <servicelens/plugin_support/string_store.hpp>
#include <servicelens/plugin_support/text_file.hpp>
#include <servicelens/plugin_support/text_index.hpp>
#include <servicelens/plugin_support/value_table.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace ps = servicelens::plugin_support;
using servicelens::directory::LdifEntry;

// The fields of a directory row, in the order of the CSV header.
enum Field : std::size_t {
    field_id,
    field_email,
    field_name,
    field_department,
    field_title,
    field_manager,
    field_cost_centre,
    field_vip,
    field_site,
    field_language,
    field_working_hours,
    field_count
};
constexpr std::array<std::string_view, field_count> field_names = {
    "id", "email", "name", "department", "title", "manager", "cost_centre", "vip", "site", "language", "working_hours"};

// Which LDIF attributes fill a field, the first one present winning: the
// names of inetOrgPerson (RFC 2798) and of Active Directory, plus three
// common custom ones (costCenter, workingHours, vip). The README lists them.
struct LdifMapping {
    Field field;
    std::array<std::string_view, 3> attributes;
};
constexpr std::array<LdifMapping, 10> ldif_mapping = {{
    {field_id, {"uid", "employeenumber", "employeeid"}},
    {field_email, {"mail"}},
    {field_name, {"cn", "displayname"}},
    {field_department, {"department", "departmentnumber", "ou"}},
    {field_title, {"title"}},
    {field_manager, {"manager"}},
    {field_cost_centre, {"costcenter", "businesscategory"}},
    {field_site, {"l", "physicaldeliveryofficename"}},
    {field_language, {"preferredlanguage"}},
    {field_working_hours, {"workinghours"}},
}};

std::array<std::string, field_count> fields_of(const LdifEntry &entry)
{
    std::array<std::string, field_count> fields;
    for (const auto &[field, attributes] : ldif_mapping) {
        for (const std::string_view attribute : attributes) {
            const std::string *value = attribute.empty() ? nullptr : entry.first(attribute);
            if (value && !ps::trim(*value).empty()) {
                fields[field] = *value;
                break;
            }
        }
    }
    // No standard attribute says VIP: a custom "vip" (LDAP's TRUE/FALSE)
    // does, else an employeeType of "VIP".
    if (const std::string *vip = entry.first("vip"))
        fields[field_vip] = *vip;
    else if (const std::string *type = entry.first("employeetype"))
        fields[field_vip] = ps::lookup_key(*type) == "vip" ? "true" : "false";
    return fields;
}

// Directories export more than people: organisational units, groups,
// computers. An entry is a person when its objectClass says so (person,
// organizationalPerson, inetOrgPerson, or Active Directory's user, but not
// its computer), or when it has no objectClass at all.
bool is_person(const LdifEntry &entry)
{
    bool classified = false, person = false;
    for (const auto &[attribute, value] : entry.attributes) {
        if (attribute != "objectclass") continue;
        classified = true;
        const std::string object_class = ps::lookup_key(value);
        if (object_class == "computer") return false;
        person = person || object_class == "person" || object_class == "organizationalperson" ||
                 object_class == "inetorgperson" || object_class == "user";
    }
    return person || !classified;
}

// A DN in the form two spellings of the same DN share: lower-case, no
// spaces around the separators ("CN=Ana Silva, OU=People" and
// "cn=ana silva,ou=people" are one entry).
std::string normalized_dn(std::string_view dn)
{
    const auto separator = [](char c) { return c == ',' || c == '=' || c == '+'; };
    std::string out;
    for (const char c : ps::trim(dn)) {
        if (c == ' ' && !out.empty() && separator(out.back())) continue;
        if (separator(c))
            while (!out.empty() && out.back() == ' ') out.pop_back();
        out += c;
    }
    return servicelens::ascii_lower(out);
}

// Rationale: what many people share is a 4-byte number into the
// directory's value table, which keeps 200,000 people in tens of megabytes.
struct Person {
    std::string_view id, email, name;
    ps::ValueTable::Id department, title, manager, cost_centre, site, language, working_hours;
    std::optional<bool> vip;
};

// by_name's value for a name more than one person has.
constexpr std::uint32_t shared_name = UINT32_MAX;

// One loaded export, immutable once built and shared by every enrich call.
// The views in `people` and the indexes' keys point into `text`.
struct Directory {
    ps::StringStore text;  // what each person has alone: id, email, name
    ps::ValueTable values; // what people share: departments, sites, managers...
    std::vector<Person> people;
    ps::TextIndex by_email; // in lookup_key form
    ps::TextIndex by_id;
    ps::TextIndex by_name; // shared_name for names several people have
    std::string source;
    sl_timestamp_t modified_at = SL_TIMESTAMP_NONE;
    std::size_t shared_names = 0;
};

// Builds a Directory row by row: skips malformed and duplicate rows and
// marks names several people share; once every row is in, resolves managers.
class DirectoryBuilder {
public:
    DirectoryBuilder(std::string file_name, const ps::Warn &warn) : file_name_(std::move(file_name)), warn_(warn) {}

    void add(std::size_t line, std::span<const std::string, field_count> fields, std::string_view dn = {})
    {
        const std::string email = ps::lookup_key(fields[field_email]);
        const std::string_view id = ps::trim(fields[field_id]);
        const std::string_view name = ps::trim(fields[field_name]);
        const std::string_view vip_text = ps::trim(fields[field_vip]);
        const std::optional<bool> vip = ps::parse_bool(vip_text);
        if (email.empty() && id.empty() && name.empty())
            return warn_(at(line) + "no id, email or name to match callers on; row skipped");
        if (!vip_text.empty() && !vip)
            return warn_(at(line) + "vip is \"" + std::string(vip_text) + "\", not true or false; row skipped");
        const std::string dn_key = normalized_dn(dn);
        if (is_duplicate(line, email, id, dn_key)) return;

        Directory &d = directory_;
        const auto shared = [&](Field f) { return d.values.add(ps::trim(fields[f])); };
        Person &person = d.people.emplace_back(
            Person{d.text.keep(id), d.text.keep(email), d.text.keep(name), shared(field_department),
                   shared(field_title), shared(field_manager), shared(field_cost_centre), shared(field_site),
                   shared(field_language), shared(field_working_hours), vip});
        lines_.push_back(line);
        const auto index = static_cast<std::uint32_t>(d.people.size() - 1);
        if (!person.email.empty()) d.by_email.insert(person.email, index);
        if (!person.id.empty()) d.by_id.insert(person.id, index);
        if (!dn_key.empty()) by_dn_.insert(dn_text_.keep(dn_key), index);
        if (person.name.empty()) return;
        if (const auto other = d.by_name.insert(person.name, index); other && *other != shared_name) {
            d.by_name.set(person.name, shared_name);
            ++d.shared_names;
        }
    }

    Directory finish() &&
    {
        Directory &d = directory_;
        for (Person &person : d.people) person.manager = manager_name(person.manager);
        d.people.shrink_to_fit();
        d.by_email.shrink_to_fit();
        d.by_id.shrink_to_fit();
        d.by_name.shrink_to_fit();
        return std::move(directory_);
    }

private:
    std::string at(std::size_t line) const { return file_name_ + ":" + std::to_string(line) + ": "; }

    // Of two rows for one person, the first in the file wins.
    bool is_duplicate(std::size_t line, std::string_view email, std::string_view id, const std::string &dn_key) const
    {
        const auto earlier = [&](const ps::TextIndex &index, std::string_view key) -> std::optional<std::size_t> {
            const auto found = key.empty() ? std::nullopt : index.find(key);
            if (!found) return std::nullopt;
            return lines_[*found];
        };
        std::optional<std::size_t> first;
        std::string what;
        if ((first = earlier(directory_.by_email, email)))
            what = "email \"" + std::string(email) + "\"";
        else if ((first = earlier(directory_.by_id, id)))
            what = "id \"" + std::string(id) + "\"";
        else if ((first = earlier(by_dn_, dn_key)))
            what = "dn \"" + dn_key + "\"";
        if (!first) return false;
        warn_(at(line) + what + " is already on line " + std::to_string(*first) +
              "; the first row wins and this one is skipped");
        return true;
    }

    // The name of the person `reference` names (by DN, id or e-mail), or
    // the reference itself when that person is not in the file.
    ps::ValueTable::Id manager_name(ps::ValueTable::Id reference)
    {
        if (reference == ps::ValueTable::empty) return reference;
        Directory &d = directory_;
        const std::string_view text = d.values[reference];
        std::optional<std::uint32_t> manager;
        if (by_dn_.size() > 0) manager = by_dn_.find(normalized_dn(text));
        if (!manager) manager = d.by_id.find(text);
        if (!manager) manager = d.by_email.find(ps::lookup_key(text));
        if (manager && !d.people[*manager].name.empty()) return d.values.add(d.people[*manager].name);
        return reference;
    }

    std::string file_name_;
    const ps::Warn &warn_;
    Directory directory_;
    std::vector<std::size_t> lines_; // per person: where the row is, for warnings
    ps::StringStore dn_text_;        // LDIF: the DNs other entries' manager values name, until finish()
    ps::TextIndex by_dn_;
};

enum class DirectoryFormat { csv, json_lines, ldif };

struct Settings {
    std::filesystem::path file;
    DirectoryFormat format = DirectoryFormat::csv;
};

std::optional<DirectoryFormat> format_named(std::string_view name)
{
    if (name == "ldif") return DirectoryFormat::ldif;
    if (const auto format = ps::record_format_named(name))
        return *format == ps::RecordFormat::csv ? DirectoryFormat::csv : DirectoryFormat::json_lines;
    return std::nullopt;
}

std::optional<DirectoryFormat> format_of(const std::filesystem::path &file)
{
    if (servicelens::ascii_lower(file.extension().string()) == ".ldif") return DirectoryFormat::ldif;
    if (const auto format = ps::record_format_of(file.filename().string()))
        return *format == ps::RecordFormat::csv ? DirectoryFormat::csv : DirectoryFormat::json_lines;
    return std::nullopt;
}

Settings read_settings(std::string_view config_json)
{
    const auto config = nlohmann::json::parse(config_json, nullptr, false);
    if (config.is_discarded() || !config.is_object())
        throw servicelens::invalid_argument("the config is not a JSON object");
    const auto file = config.find("file");
    if (file == config.end() || !file->is_string() || file->get<std::string>().empty())
        throw servicelens::invalid_argument(
            "\"file\" is required: the path of the directory export (CSV, JSON lines or LDIF)");
    Settings settings{file->get<std::string>()};
    if (const auto format = config.find("format"); format != config.end()) {
        const auto named = format->is_string() ? format_named(format->get<std::string>()) : std::nullopt;
        if (!named) throw servicelens::invalid_argument("\"format\" is \"csv\", \"jsonl\" or \"ldif\"");
        settings.format = *named;
    } else if (const auto guessed = format_of(settings.file)) {
        settings.format = *guessed;
    } else {
        throw servicelens::invalid_argument(settings.file.string() +
                                            ": cannot tell the format from the extension (.csv, .jsonl, .ndjson or "
                                            ".ldif); set \"format\" to \"csv\", \"jsonl\" or \"ldif\"");
    }
    return settings;
}

// Returns how many entries were passed over for not being people (LDIF).
std::size_t read_rows(const Settings &settings, DirectoryBuilder &builder, const ps::Warn &warn)
{
    const std::string name = settings.file.string();
    const std::string text = ps::read_text_file(settings.file);
    if (settings.format == DirectoryFormat::ldif) {
        std::size_t not_people = 0;
        servicelens::directory::for_each_ldif_entry(text, name, warn, [&](const LdifEntry &entry) {
            if (is_person(entry))
                builder.add(entry.line, fields_of(entry), entry.dn);
            else
                ++not_people;
        });
        return not_people;
    }
    const auto format = settings.format == DirectoryFormat::csv ? ps::RecordFormat::csv : ps::RecordFormat::json_lines;
    const auto no_key = [&](std::string_view what) {
        return std::runtime_error(name + ": no id, email or name " + std::string(what) +
                                  ", so no caller can be matched (expected: id,email,name,department,title,manager,"
                                  "cost_centre,vip,site,language,working_hours)");
    };
    // Checked before the rows, so a wrong file fails at once instead of warning about every row.
    if (format == ps::RecordFormat::csv) {
        const ps::CsvReader csv(text, name, warn);
        if (!csv.column("id") && !csv.column("email") && !csv.column("name")) throw no_key("column");
    }
    const std::vector<bool> present =
        ps::for_each_record_in(text, name, format, field_names, {}, warn, [&](const ps::Record &row) {
            builder.add(row.line, std::span<const std::string, field_count>(row.fields.data(), field_count));
        });
    if (!present[field_id] && !present[field_email] && !present[field_name]) throw no_key("key");
    return 0;
}

Directory load_directory(const Settings &settings, const ps::Warn &warn, const servicelens::Host &host)
{
    // Taken before reading: the data is at least as new as this.
    const sl_timestamp_t modified_at = ps::modification_time(settings.file);
    DirectoryBuilder builder(settings.file.string(), warn);
    const std::size_t not_people = read_rows(settings, builder, warn);
    Directory directory = std::move(builder).finish();
    directory.source = "directory:" + servicelens::utf8::sanitize(settings.file.filename().string());
    directory.modified_at = modified_at;
    host.info("loaded " + std::to_string(directory.people.size()) + " people from " + settings.file.string() +
              (not_people ? " (passed over " + std::to_string(not_people) + " entries that are not people)" : ""));
    if (directory.shared_names > 0)
        host.info(std::to_string(directory.shared_names) +
                  " names belong to more than one person; a caller known only by such a name is not matched");
    return directory;
}

// Rationale: a name is not an identifier. The caller may be someone
// outside the directory who shares a name with someone in it, or an agent
// may have typed the name; a match on it is likely, not certain. Names
// two people in the file share are never matched at all.
constexpr double name_match_confidence = 0.6;
constexpr double key_match_confidence = 1.0;

struct Match {
    const Person *person;
    double confidence;
};

const Person *find(const Directory &directory, const ps::TextIndex &index, std::string_view key)
{
    if (key.empty()) return nullptr;
    const auto found = index.find(key);
    return !found || *found == shared_name ? nullptr : &directory.people[*found];
}

// By e-mail (ignoring case and surrounding space), else by id, else by name.
std::optional<Match> find_caller(const Directory &d, const servicelens::Incident &incident)
{
    const std::string_view email = ps::trim(incident.caller_email());
    const Person *person =
        ps::is_lookup_key(email) ? find(d, d.by_email, email) : find(d, d.by_email, ps::lookup_key(email));
    if (person) return Match{person, key_match_confidence};
    if ((person = find(d, d.by_id, ps::trim(incident.caller_id())))) return Match{person, key_match_confidence};
    if ((person = find(d, d.by_name, ps::trim(incident.caller_name())))) return Match{person, name_match_confidence};
    return std::nullopt;
}

void emit_person(const Directory &directory, const Person &person, std::size_t incident,
                 const servicelens::Provenance &from, servicelens::AttributeSink &sink)
{
    const auto text = [&](std::string_view key, ps::ValueTable::Id value) {
        if (value != ps::ValueTable::empty) sink.text(incident, key, directory.values[value], from);
    };
    text("caller.department", person.department);
    text("caller.title", person.title);
    text("caller.manager", person.manager);
    text("caller.cost_centre", person.cost_centre);
    if (person.vip) sink.boolean(incident, "caller.vip", *person.vip, from);
    text("caller.site", person.site);
    text("caller.language", person.language);
    text("caller.working_hours", person.working_hours);
}

class DirectoryProvider final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.directory",
        .name = "HR directory",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "The caller's department, title, manager, cost centre, VIP flag, site, language and working "
                       "hours, from an HR directory export (CSV, JSON lines or LDIF).",
        .config_schema = R"({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "additionalProperties": false,
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "minLength": 1,
                         "description": "The directory export; absolute, or relative to the host's working folder."},
                "format": {"enum": ["csv", "jsonl", "ldif"],
                           "description": "The export's format. Default: from the extension (.csv; .jsonl or .ndjson; .ldif)."}
            }
        })",
        .emits = "caller.department,caller.title,caller.manager,caller.cost_centre,caller.vip,caller.site,"
                 "caller.language,caller.working_hours",
        .thread_safe = true,
    };

    explicit DirectoryProvider(const servicelens::CreateContext &context)
        : settings_(read_settings(context.config_json)), directory_(open(settings_, context.host))
    {
    }

    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        const std::shared_ptr<const Directory> directory = directory_->current();
        for (const servicelens::Incident incident : incidents) {
            const auto match = find_caller(*directory, incident);
            if (!match) continue; // an unknown caller: nothing to say
            const servicelens::Provenance from{match->confidence, directory->source, directory->modified_at};
            emit_person(*directory, *match->person, incident.index(), from, sink);
        }
    }

private:
    static std::unique_ptr<ps::Reloading<Directory>> open(const Settings &settings, const servicelens::Host &host)
    {
        ps::Warn warn = [host](const std::string &message) { host.warn(message); };
        try {
            return std::make_unique<ps::Reloading<Directory>>(
                std::vector{settings.file},
                [settings, host](const ps::Warn &w) { return load_directory(settings, w, host); }, std::move(warn));
        } catch (const std::runtime_error &e) {
            // A missing or unusable file is a configuration problem, told at create.
            throw servicelens::invalid_argument(e.what());
        }
    }

    Settings settings_;
    std::unique_ptr<ps::Reloading<Directory>> directory_;
};

} // namespace

SERVICELENS_PLUGINS(DirectoryProvider)
