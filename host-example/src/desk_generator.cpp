#include <servicelens/host/desk_generator.hpp>
#include <servicelens/host/incident_json.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <random>

namespace servicelens::host {

namespace {

constexpr sl_timestamp_t minute = 60'000, hour = 60 * minute, day = 24 * hour;

// Deterministic on every platform: only mt19937_64's raw output (which the
// standard fixes) is used, never the library's distributions (which it does not).
class Rng {
public:
    explicit Rng(uint64_t seed) : engine_(seed) {}
    uint64_t below(uint64_t n) { return engine_() % n; }
    double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
    bool chance(double p) { return unit() < p; }
    double exponential(double mean) { return -mean * std::log(1.0 - unit()); }
    double lognormal(double median, double spread)
    {
        // Box-Muller on two uniforms.
        const double z = std::sqrt(-2.0 * std::log(1.0 - unit())) * std::cos(2.0 * M_PI * unit());
        return median * std::exp(spread * z);
    }
    template <class T, std::size_t N>
    const T &pick(const std::array<T, N> &items) { return items[below(N)]; }
    template <std::size_t N>
    std::size_t weighted(const std::array<double, N> &weights)
    {
        double total = 0;
        for (double w : weights) total += w;
        double x = unit() * total;
        for (std::size_t i = 0; i < N; ++i)
            if ((x -= weights[i]) < 0) return i;
        return N - 1;
    }

private:
    std::mt19937_64 engine_;
};

constexpr std::array<std::string_view, 24> first_names = {
    "Maria", "James", "Aisha", "Lukas", "Chen", "Sofia", "Noah", "Priya", "Mateo", "Emma", "Kwame", "Yuki",
    "Olga", "Liam", "Fatima", "Hugo", "Ines", "Ravi", "Anna", "Tomasz", "Leila", "Jonas", "Grace", "Diego"};
constexpr std::array<std::string_view, 24> last_names = {
    "Keller", "Osei", "Khan", "Meier", "Wang", "Rossi", "Smith", "Patel", "Garcia", "Dubois", "Mensah", "Tanaka",
    "Ivanova", "Brown", "Haddad", "Martin", "Silva", "Iyer", "Novak", "Kowalski", "Nasser", "Weber", "Lee", "Lopez"};
constexpr std::array<std::string_view, 8> departments = {"Finance", "Sales", "Engineering", "HR",
                                                         "Operations", "Legal", "Marketing", "Customer Care"};
constexpr std::array<std::string_view, 4> sites = {"Zurich HQ", "London", "New York", "Singapore"};
constexpr std::array<std::string_view, 4> site_languages = {"de", "en", "en", "en"};

struct Category {
    std::string_view category, subcategory, ci, title;
    bool how_to;
};
constexpr std::array<Category, 14> categories = {{
    {"network", "vpn", "vpn-gateway-01", "VPN keeps disconnecting", false},
    {"network", "wifi", "wifi-controller", "No Wi-Fi on the 3rd floor", false},
    {"software", "email", "exchange-online", "Outlook does not sync my mailbox", false},
    {"software", "office", "m365-apps", "Excel crashes when opening a large workbook", false},
    {"software", "erp", "sap-prod", "SAP transaction times out", false},
    {"software", "how_to", "m365-apps", "How do I share a calendar with my team?", true},
    {"hardware", "laptop", "laptop-fleet", "Laptop battery drains within an hour", false},
    {"hardware", "printer", "printer-3f", "Printer on 3rd floor jams", false},
    {"hardware", "monitor", "desk-equipment", "Second monitor not detected", false},
    {"access", "password", "identity", "Password reset needed", true},
    {"access", "permissions", "fileshare-01", "Need access to the Finance share", true},
    {"access", "mfa", "identity", "MFA prompt never arrives", false},
    {"software", "collaboration", "teams", "Teams calls drop after a few minutes", false},
    {"software", "how_to", "sharepoint", "How do I restore an old version of a file?", true},
}};
constexpr std::array<double, 14> category_weights = {9, 6, 10, 7, 5, 6, 6, 5, 3, 12, 7, 4, 8, 4};

// Wording that carries sentiment, so the sentiment plugins have something to hear.
constexpr std::array<std::string_view, 10> unhappy = {
    "Still broken after the reboot. This is the third time this month!",
    "Nobody has called me back and I cannot work.",
    "This is really frustrating, I have a client meeting in an hour.",
    "Why does this keep happening? Useless.",
    "Waiting for two days now. Please escalate.",
    "The workaround does not work, still failing.",
    "Terrible experience, I lost half a day.",
    "Again?! The outage is killing our team's productivity.",
    "I'm disappointed, the ticket was closed without a fix.",
    "Slow response, the issue is still there."};
constexpr std::array<std::string_view, 6> neutral = {
    "Please find the log file attached.", "I am available after 2pm for a remote session.",
    "The error code is 0x80070005.", "It happens on both my laptop and the docking station.",
    "Same issue as my colleague reported yesterday.", "Can you tell me when the maintenance window is?"};
constexpr std::array<std::string_view, 8> happy = {
    "Fixed quickly, thanks a lot!", "Works perfectly now, great support.",
    "Thank you, the agent was really helpful and patient.", "Resolved in minutes, impressive.",
    "Thanks for the fast fix!", "All good now, much appreciated.",
    "Excellent help, I learned something too.", "Problem solved, thank you so much :)"};

constexpr std::array<const char *, 5> priority_groups = {"", "Major Incident Team", "Service Desk L2", "Service Desk",
                                                         "Service Desk"};
constexpr std::array<std::string_view, 4> l2_groups = {"Network L2", "Workplace L2", "Applications L2", "Identity L2"};

sl_timestamp_t business_time(Rng &rng, sl_timestamp_t from, sl_timestamp_t until)
{
    // Weekdays busy, weekends quiet; mornings and early afternoons peak.
    static constexpr std::array<double, 24> hour_weights = {0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.8, 2.5, 6, 9, 10, 8,
                                                            5,   8,   9,   7,   5,   3,   1.5, 1,  0.8, 0.6, 0.4, 0.3};
    for (;;) {
        const sl_timestamp_t midnight = from + static_cast<sl_timestamp_t>(rng.below(
                                                   static_cast<uint64_t>((until - from) / day))) * day;
        const int weekday = static_cast<int>(((midnight / day) + 4) % 7);   // 1970-01-01 was a Thursday; 0 = Sunday
        const bool weekend = weekday == 0 || weekday == 6;
        if (weekend && !rng.chance(0.12)) continue;
        if (weekday == 1 && rng.chance(0.1)) { /* Mondays: the backlog of the weekend */ }
        return midnight + static_cast<sl_timestamp_t>(rng.weighted(hour_weights)) * hour +
               static_cast<sl_timestamp_t>(rng.below(60)) * minute;
    }
}

std::vector<Person> make_people(Rng &rng, std::size_t count)
{
    std::vector<Person> people;
    for (std::size_t i = 0; i < count; ++i) {
        Person p;
        const auto first = rng.pick(first_names), last = rng.pick(last_names);
        p.id = fmt::format("u{:05}", i + 1);
        p.name = fmt::format("{} {}", first, last);
        p.email = fmt::format("{}.{}{}@example.com", first, last, i + 1);
        std::transform(p.email.begin(), p.email.end(), p.email.begin(), [](unsigned char c) { return std::tolower(c); });
        p.department = std::string(rng.pick(departments));
        const std::size_t site = rng.below(sites.size());
        p.site = std::string(sites[site]);
        p.language = std::string(site_languages[site]);
        p.title = rng.chance(0.15) ? "Manager" : (rng.chance(0.3) ? "Senior Specialist" : "Specialist");
        p.working_hours = site == 3 ? "08:00-17:00 Asia/Singapore" : site == 2 ? "09:00-18:00 America/New_York"
                                                                               : "08:00-17:00 Europe/Zurich";
        p.vip = rng.chance(0.02);
        p.skill = static_cast<int>(rng.weighted(std::array<double, 3>{3, 5, 2}));
        people.push_back(std::move(p));
    }
    for (std::size_t i = 0; i < people.size(); ++i) people[i].manager = people[rng.below(std::min<std::size_t>(people.size(), 20))].id;
    return people;
}

std::vector<ChangeRecord> make_changes(Rng &rng, const DeskOptions &o, sl_timestamp_t from)
{
    std::vector<ChangeRecord> changes;
    const int count = std::max(2, o.months);
    for (int i = 0; i < count; ++i) {
        const Category &c = categories[rng.below(categories.size())];
        changes.push_back({fmt::format("CHG{:07}", 3100 + i), std::string(c.ci),
                           fmt::format("Upgrade of {} to the new release", c.ci), business_time(rng, from, o.until - 3 * day)});
    }
    std::sort(changes.begin(), changes.end(), [](const auto &a, const auto &b) { return a.implemented_at < b.implemented_at; });
    return changes;
}

OwnedIncident make_incident(Rng &rng, std::size_t n, const Person &caller, const Category &category,
                            sl_timestamp_t opened, const ChangeRecord *change, const DeskOptions &o)
{
    OwnedIncident x;
    x.id = fmt::format("{:016x}", (o.seed * 0x9E3779B97F4A7C15ULL) ^ (n * 0xBF58476D1CE4E5B9ULL));
    x.number = fmt::format("INC{:07}", 10000 + n);
    x.source = "local";
    x.title = std::string(category.title);
    x.description = change ? fmt::format("{} since the change last night.", category.title)
                           : fmt::format("{}. Reported by {}.", category.title, caller.name);
    x.category = std::string(category.category);
    x.subcategory = std::string(category.subcategory);
    x.ci = std::string(category.ci);
    x.caller_id = caller.id;
    x.caller_email = caller.email;
    x.caller_name = caller.name;
    x.location = caller.site;
    // Skilled people serve themselves (portal, chat); novices pick up the phone.
    const double portal = std::array<double, 3>{12, 25, 45}[static_cast<std::size_t>(caller.skill)];
    const double chat = std::array<double, 3>{6, 12, 20}[static_cast<std::size_t>(caller.skill)];
    x.contact_type = static_cast<sl_contact_type_t>(
        1 + rng.weighted(std::array<double, 7>{30, 25, portal, caller.site == "Zurich HQ" ? 10.0 : 4.0, chat, 1,
                                               change ? 8.0 : 2.0}));
    x.impact = change ? 1 + static_cast<int>(rng.below(2)) : 1 + static_cast<int>(rng.weighted(std::array<double, 3>{1, 4, 10}));
    x.urgency = caller.vip ? 1 : 1 + static_cast<int>(rng.weighted(std::array<double, 3>{1, 5, 8}));
    x.priority = std::clamp(x.impact + x.urgency - 1, 1, 5);
    if (category.how_to && x.priority < 4) x.priority = 4;
    x.opened_at = opened;
    x.related_change = change ? change->number : "";

    // Level 1 resolves most; break-fix on infrastructure escalates more.
    const double escalate = category.how_to ? 0.05 : (x.priority <= 2 ? 0.6 : 0.25);
    x.escalation_level = rng.chance(escalate) ? (rng.chance(0.15) ? 2 : 1) : 0;
    x.assignment_group = x.escalation_level == 0 ? priority_groups[std::min(x.priority, 4)] : std::string(rng.pick(l2_groups));
    if (x.priority == 1) x.assignment_group = "Major Incident Team";
    x.reassignment_count = x.escalation_level + (rng.chance(0.1) ? 1 : 0);
    x.assigned_to = fmt::format("agent{:02}", rng.below(40) + 1);

    static constexpr std::array<double, 6> sla_hours = {0, 4, 8, 72, 120, 240};
    static constexpr std::array<double, 6> median_hours = {0, 2.5, 6, 20, 40, 60};
    x.first_response_at = opened + static_cast<sl_timestamp_t>(rng.exponential(x.priority <= 2 ? 10 : 45) * minute) + minute;
    x.sla_due_at = opened + static_cast<sl_timestamp_t>(sla_hours[static_cast<std::size_t>(x.priority)] * hour);
    // A phone call, chat or walk-up that level 1 handles alone is often
    // fixed while the caller waits: first-contact resolution.
    const bool live = x.contact_type == SL_CONTACT_PHONE || x.contact_type == SL_CONTACT_CHAT ||
                      x.contact_type == SL_CONTACT_WALK_UP;
    const bool fixed_on_contact =
        live && x.escalation_level == 0 && x.reassignment_count == 0 && rng.chance(category.how_to ? 0.7 : 0.45);
    if (fixed_on_contact) x.first_response_at = opened + minute;
    const double hours =
        fixed_on_contact
            ? static_cast<double>(5 + rng.below(40)) / 60.0
            : rng.lognormal(median_hours[static_cast<std::size_t>(x.priority)] * (1 + x.escalation_level), 0.9) *
                  (category.how_to ? 0.3 : 1.0);
    const sl_timestamp_t resolved = opened + static_cast<sl_timestamp_t>(hours * hour) + (fixed_on_contact ? 0 : 5 * minute);
    sl_timestamp_t updated = x.first_response_at;
    if (resolved < o.until) {
        x.resolved_at = resolved;
        x.reopen_count = rng.chance(0.04) ? 1 : 0;
        x.state = resolved + 3 * day < o.until ? "closed" : "resolved";
        if (x.state == "closed") x.closed_at = resolved + 3 * day;
        x.sla_breached = resolved > x.sla_due_at ? SL_YES : SL_NO;
        updated = x.closed_at != SL_TIMESTAMP_NONE ? x.closed_at : resolved;
    } else {
        x.state = rng.chance(0.2) ? "on_hold" : "in_progress";
        x.sla_breached = o.until > x.sla_due_at ? SL_YES : SL_UNKNOWN;
        updated = std::min(o.until - minute, std::max(updated, opened + hour));
    }

    // Comments: slow or reopened tickets sound unhappy; quick ones grateful.
    const bool slow = x.sla_breached == SL_YES || x.reopen_count > 0;
    const int comment_count = static_cast<int>(rng.below(4));
    for (int c = 0; c < comment_count; ++c) {
        const sl_timestamp_t at = std::min(updated, x.first_response_at + static_cast<sl_timestamp_t>(c + 1) * hour);
        const bool from_caller = c % 2 == 0;
        std::string_view body;
        if (!from_caller) body = "Working on it; collected the logs and checking with the team.";
        else if (slow) body = rng.chance(0.75) ? rng.pick(unhappy) : rng.pick(neutral);
        else body = rng.chance(0.5) ? rng.pick(neutral) : (rng.chance(0.3) ? rng.pick(unhappy) : rng.pick(happy));
        x.comments.push_back({fmt::format("{}-c{}", x.number, c + 1), from_caller ? caller.name : x.assigned_to,
                              std::string(body), from_caller ? SL_VISIBILITY_PUBLIC : SL_VISIBILITY_INTERNAL, at});
    }
    if (x.resolved_at != SL_TIMESTAMP_NONE && rng.chance(0.3)) {
        const int rating = slow ? 1 + static_cast<int>(rng.below(3)) : 3 + static_cast<int>(rng.below(3));
        const std::string_view text = rating >= 4 ? rng.pick(happy) : rating <= 2 ? rng.pick(unhappy) : rng.pick(neutral);
        x.survey.push_back({x.number + "-s1", rng.chance(0.7) ? std::string(text) : "", rating,
                            rating >= 3 ? SL_YES : SL_NO, x.resolved_at + 2 * hour});
    }
    x.updated_at = updated;
    if (caller.vip) x.custom["u_vip"] = "true";
    return x;
}

} // namespace

Desk generate_desk(const DeskOptions &o)
{
    Rng rng(o.seed);
    Desk desk;
    const sl_timestamp_t from = o.until - static_cast<sl_timestamp_t>(o.months) * 30 * day;
    desk.people = make_people(rng, std::max<std::size_t>(50, o.incidents / 8));
    desk.changes = make_changes(rng, o, from);
    desk.incidents.reserve(o.incidents);
    for (std::size_t n = 0; n < o.incidents; ++n) {
        const Person &caller = desk.people[rng.below(desk.people.size())];
        // One incident in eight follows a change: the volume spike after it.
        const ChangeRecord *change = rng.chance(0.12) ? &desk.changes[rng.below(desk.changes.size())] : nullptr;
        std::size_t category = rng.weighted(category_weights);
        if (caller.skill == 0 && rng.chance(0.3)) category = rng.chance(0.5) ? 5 : 9;   // novices ask how-to
        sl_timestamp_t opened = business_time(rng, from, o.until);
        if (change) {
            for (std::size_t i = 0; i < categories.size(); ++i)
                if (categories[i].ci == change->ci) category = i;
            opened = change->implemented_at + static_cast<sl_timestamp_t>(rng.exponential(10) * hour);
            if (opened >= o.until) opened = o.until - hour;
        }
        desk.incidents.push_back(make_incident(rng, n, caller, categories[category], opened, change, o));
    }
    std::sort(desk.incidents.begin(), desk.incidents.end(),
              [](const OwnedIncident &a, const OwnedIncident &b) { return a.opened_at < b.opened_at; });
    return desk;
}

void write_context_files(const Desk &desk, const DeskOptions &o, const std::filesystem::path &dir)
{
    std::filesystem::create_directories(dir);
    Rng rng(o.seed ^ 0xC0FFEE);
    std::ofstream directory(dir / "directory.csv");
    directory << "id,email,name,department,title,manager,cost_centre,vip,site,language,working_hours\n";
    for (const Person &p : desk.people)
        directory << fmt::format("{},{},{},{},{},{},CC-{},{},{},{},{}\n", p.id, p.email, p.name, p.department, p.title,
                                 p.manager, 1000 + p.department.size() * 37, p.vip ? "true" : "false", p.site,
                                 p.language, p.working_hours);

    std::ofstream assets(dir / "assets.csv");
    assets << "asset_id,owner_email,type,model,os,os_version,purchased,warranty_end,last_seen,primary\n";
    static constexpr std::array<std::array<std::string_view, 3>, 4> models = {{{"laptop", "Lenovo ThinkPad T14", "Windows 11"},
                                                                               {"laptop", "Dell Latitude 7440", "Windows 11"},
                                                                               {"laptop", "Apple MacBook Pro 14", "macOS"},
                                                                               {"desktop", "HP EliteDesk 800", "Windows 10"}}};
    std::size_t asset = 0;
    for (const Person &p : desk.people) {
        const auto &m = models[rng.below(models.size())];
        const sl_timestamp_t purchased = o.until - static_cast<sl_timestamp_t>(rng.below(4 * 365)) * day;
        assets << fmt::format("A{:06},{},{},{},{},{},{},{},{},true\n", ++asset, p.email, m[0], m[1], m[2],
                              m[2] == "macOS" ? "14.6" : (m[2] == "Windows 11" ? "23H2" : "22H2"),
                              format_utc(purchased).substr(0, 10), format_utc(purchased + 3 * 365 * day).substr(0, 10),
                              format_utc(o.until - static_cast<sl_timestamp_t>(rng.below(72)) * hour));
        if (rng.chance(0.3))
            assets << fmt::format("A{:06},{},phone,Apple iPhone 15,iOS,17.5,{},{},{},false\n", ++asset, p.email,
                                  format_utc(purchased).substr(0, 10), format_utc(purchased + 2 * 365 * day).substr(0, 10),
                                  format_utc(o.until - static_cast<sl_timestamp_t>(rng.below(24)) * hour));
    }

    std::ofstream telemetry(dir / "telemetry.jsonl");
    static constexpr std::array<std::string_view, 8> apps = {"Outlook", "Teams", "Excel", "Chrome", "SAP GUI", "VPN Client",
                                                             "Word", "OneDrive"};
    for (const OwnedIncident &x : desk.incidents) {
        if (!rng.chance(0.5)) continue;   // half the callers run the telemetry agent
        for (int e = 0; e < 4; ++e) {
            const std::string_view app = e == 0 && x.subcategory == "vpn" ? "VPN Client" : rng.pick(apps);
            const char *event = e == 0 ? (rng.chance(0.5) ? "crash" : "error") : "start";
            telemetry << nlohmann::json{{"user", x.caller_email}, {"device", fmt::format("dev-{}", x.caller_id)},
                                        {"app", app}, {"event", event},
                                        {"time", format_utc(x.opened_at - static_cast<sl_timestamp_t>(rng.below(240) + 1) * minute)}}
                             .dump()
                      << '\n';
        }
    }

    nlohmann::json site_file = {{"sites", nlohmann::json::array()}, {"walkup_centres", nlohmann::json::array()}};
    static constexpr std::array<std::array<double, 2>, 4> coordinates = {{{47.3769, 8.5417}, {51.5072, -0.1276},
                                                                          {40.7128, -74.0060}, {1.3521, 103.8198}}};
    static constexpr std::array<std::string_view, 4> zones = {"Europe/Zurich", "Europe/London", "America/New_York", "Asia/Singapore"};
    for (std::size_t i = 0; i < sites.size(); ++i) {
        site_file["sites"].push_back({{"name", sites[i]}, {"lat", coordinates[i][0]}, {"lon", coordinates[i][1]},
                                      {"time_zone", zones[i]}, {"buildings", {"A", "B"}}});
        site_file["walkup_centres"].push_back({{"name", fmt::format("{} Tech Bar", sites[i])}, {"site", sites[i]},
                                               {"building", "A"}, {"floor", 1}, {"time_zone", zones[i]},
                                               {"hours", {{"mon-fri", "08:00-17:00"}}},
                                               {"skills", {"hardware", "access", "software"}}});
    }
    std::ofstream(dir / "sites.json") << site_file.dump(2) << '\n';

    std::ofstream changes(dir / "changes.csv");
    changes << "number,ci,implemented_at,description\n";
    for (const ChangeRecord &c : desk.changes)
        changes << fmt::format("{},{},{},{}\n", c.number, c.ci, format_utc(c.implemented_at), c.description);
}

} // namespace servicelens::host
