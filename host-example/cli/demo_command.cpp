// `servicelens demo`: every plugin found, run once on built-in sample data.
// It stands in for the sync pipeline until that exists, and proves each
// plugin loads, creates, answers and tears down in the real host.
#include "commands.hpp"

#include <servicelens/host/logging.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_registry.hpp>
#include <servicelens/host/sample_data.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <servicelens/host/caller_history.hpp>
#include <servicelens/host/config_schema_check.hpp>

#include <fstream>
#include <memory>

namespace servicelens::cli {

namespace {

struct SampleSet {
    std::vector<host::OwnedIncident> incidents = host::sample_incidents();
    std::vector<host::SampleText> texts = host::sample_texts();
    std::vector<std::unique_ptr<host::IncidentView>> views;
    std::vector<const sl_incident_t *> incident_ptrs;
    std::vector<sl_text_t> text_structs;
    std::vector<const sl_text_t *> text_ptrs;
    // The samples are the whole desk the history service knows here.
    std::shared_ptr<host::CallerHistory> history = std::make_shared<host::CallerHistory>();

    SampleSet()
    {
        for (const auto &i : incidents) history->add(i);
        for (const auto &i : incidents) {
            views.push_back(std::make_unique<host::IncidentView>(i));
            incident_ptrs.push_back(views.back()->get());
        }
        for (const auto &t : texts) {
            sl_text_t s{};
            s.struct_size = sizeof s;
            s.kind = t.kind;
            s.text = {t.text.data(), t.text.size()};
            s.rating = t.rating;
            s.answer = t.answer;
            text_structs.push_back(s);
        }
        for (const auto &s : text_structs) text_ptrs.push_back(&s);
    }
};

nlohmann::json run_context(const host::PluginLibrary &library, const host::PluginDescriptor &d, const SampleSet &samples)
{
    host::HostEnvironment environment;
    environment.history = samples.history;
    host::ContextProviderInstance instance(library, {d.id, "demo", "{}", environment});
    const auto found = instance.enrich(samples.incident_ptrs);
    nlohmann::json out = nlohmann::json::array();
    for (const auto &a : found.attributes) {
        const auto &incident = samples.incidents[a.incident_index];
        fmt::print("  {}  {} = {}  (confidence {:.2f}{}{})\n", incident.number, a.key, a.value_text(), a.confidence,
                   a.source.empty() ? "" : ", source ", a.source);
        out.push_back({{"incident", incident.number}, {"key", a.key}, {"value", a.value_text()},
                       {"confidence", a.confidence}, {"source", a.source}});
    }
    for (const auto &f : found.failures)
        fmt::print("  {}  not enriched: {}\n", samples.incidents[f.index].number, f.message);
    if (found.attributes.empty()) fmt::print("  (no attributes for the sample incidents)\n");
    return out;
}

nlohmann::json run_sentiment(const host::PluginLibrary &library, const host::PluginDescriptor &d,
                             const SampleSet &samples)
{
    host::SentimentAnalyzerInstance instance(library, {d.id, "demo", "{}", {}});
    const auto scored = instance.score(samples.text_ptrs);
    nlohmann::json out = nlohmann::json::array();
    for (std::size_t i = 0; i < samples.texts.size(); ++i) {
        const auto &score = scored.scores[i];
        if (!score) continue;
        const char *label = score->label > 0 ? "positive" : score->label < 0 ? "negative" : "neutral";
        std::string terms;
        for (const auto &[term, weight] : score->terms) terms += fmt::format(" {}({:+.1f})", term, weight);
        fmt::print("  {:+.3f} {:<8} \"{}\"{}\n", score->compound, label, samples.texts[i].text,
                   terms.empty() ? "" : "  <-" + terms);
        out.push_back({{"text", samples.texts[i].text}, {"compound", score->compound}, {"label", label}});
    }
    for (const auto &f : scored.failures)
        fmt::print("  not scored: \"{}\": {}\n", samples.texts[f.index].text, f.message);
    return out;
}

nlohmann::json run_report(const host::PluginLibrary &library, const host::PluginDescriptor &d, const SampleSet &samples)
{
    host::ReportBuilderInstance instance(library, {d.id, "demo", "{}", {}});
    std::vector<sl_report_record_t> records;
    for (const auto *incident : samples.incident_ptrs) {
        sl_report_record_t r{};
        r.struct_size = sizeof r;
        r.incident = incident;
        records.push_back(r);
    }
    std::vector<const sl_report_record_t *> record_ptrs;
    for (const auto &r : records) record_ptrs.push_back(&r);

    sl_report_params_t params{};
    params.struct_size = sizeof params;
    params.from = 1772323200000;  // 2026-03-01T00:00:00Z
    params.to = 1772928000000;    // 2026-03-08T00:00:00Z: the sample week
    host::ReportState state = instance.begin(params);
    instance.consume(state, record_ptrs);
    const std::string document = instance.finish(state);
    auto json = nlohmann::json::parse(document, nullptr, false);
    fmt::print("{}\n", json.is_discarded() ? document : json.dump(2));
    return json.is_discarded() ? nlohmann::json(document) : json;
}

struct DemoOptions {
    std::vector<std::filesystem::path> dirs;
    std::filesystem::path out = "servicelens-demo/demo-results.json";
};

void run_demo(const DemoOptions &options, const host::LoadOptions &load)
{
    const auto dirs = options.dirs.empty() ? default_plugin_dirs() : options.dirs;
    if (dirs.empty())
        throw CommandFailed(exit_bad_input, "no plugin directory: pass --dir DIR or set SERVICELENS_PLUGIN_PATH");
    host::PluginRegistry registry(load);
    for (const auto &dir : dirs) registry.scan(dir);
    for (const auto &r : registry.refused()) fmt::print(stderr, "refused: {}\n", r.reason);
    if (registry.descriptors().empty())
        throw CommandFailed(exit_failure, "no usable plugin found; build them first (scripts/demo does)");

    const auto log = host::logger_for("servicelens");
    const SampleSet samples;
    nlohmann::json results = nlohmann::json::object();
    int failed = 0, skipped = 0;
    for (const auto &library : registry.libraries()) {
        for (const auto &d : library->descriptors()) {
            // Plugins that read the organisation's files need them configured:
            // `servicelens seed` writes such a configuration for its desk.
            if (!d.config_schema.empty() && !host::check_config_against_schema(d.config_schema, "{}").empty()) {
                ++skipped;
                fmt::print("\n== {} [{}] {}: skipped, it needs a configuration (its README says which; "
                           "`servicelens seed` writes one for its desk)\n",
                           d.name, host::kind_name(d.kind), d.id);
                results[d.id] = {{"skipped", "needs a configuration"}};
                continue;
            }
            log->info("running {} on the sample data", d.id);
            fmt::print("\n== {} [{}] {} {} ({})\n", d.name, host::kind_name(d.kind), d.id, d.version,
                       d.file.filename().string());
            try {
                switch (d.kind) {
                case host::PluginKind::context: results[d.id] = run_context(*library, d, samples); break;
                case host::PluginKind::sentiment: results[d.id] = run_sentiment(*library, d, samples); break;
                case host::PluginKind::report: results[d.id] = run_report(*library, d, samples); break;
                }
            } catch (const std::exception &e) {
                ++failed;
                fmt::print("  FAILED: {}\n", e.what());
                results[d.id] = {{"error", e.what()}};
            }
        }
    }

    if (options.out.has_parent_path()) std::filesystem::create_directories(options.out.parent_path());
    std::ofstream(options.out) << results.dump(2) << '\n';
    fmt::print("\n{} plugin(s) ran, {} failed, {} skipped for want of a configuration. Results: {}\n",
               registry.descriptors().size() - static_cast<std::size_t>(skipped), failed, skipped,
               std::filesystem::absolute(options.out).string());
    if (failed > 0) throw CommandFailed(exit_failure, fmt::format("{} plugin(s) failed on the sample data", failed));
}

} // namespace

void add_demo_command(CLI::App &app, const GlobalOptions &global)
{
    auto options = std::make_shared<DemoOptions>();
    CLI::App *demo = app.add_subcommand(
        "demo", "Run every plugin once on built-in sample incidents and texts, print what each returned, and "
                "save it all as JSON");
    demo->add_option("--dir", options->dirs, "A plugin directory (repeatable); default: $SERVICELENS_PLUGIN_PATH "
                                              "or the plugins folder next to this program")
        ->check(CLI::ExistingDirectory);
    demo->add_option("--out", options->out, "Where to write the results as JSON")->capture_default_str();
    demo->callback([options, &global] { run_demo(*options, global.load); });
}

} // namespace servicelens::cli
