#include "conformance_checks.hpp"

#include "test_inputs.hpp"

#include <servicelens/config/schema_check.hpp>
#include <servicelens/host/caller_history.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <servicelens/cpp/strings.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <future>
#include <optional>
#include <tuple>

namespace servicelens::kit {

namespace {

using host::PluginDescriptor;
using host::PluginLibrary;

// A check returns nullopt when it passes, or why it failed. Exceptions fail it.
using Check = std::function<std::optional<std::string>()>;

void run(CheckReport &report, const std::string &plugin, const std::string &name, const Check &check)
{
    try {
        if (auto problem = check())
            report.fail(plugin, name, *problem);
        else
            report.pass(plugin, name);
    } catch (const std::exception &e) {
        report.fail(plugin, name, e.what());
    }
}

std::optional<std::string> first_violation(const std::vector<std::string> &violations)
{
    if (violations.empty()) return std::nullopt;
    return fmt::format("{} ABI violation(s), first: {}", violations.size(), violations.front());
}

// The desk's memory the kit's host offers (servicelens.host-history/1): the
// kit's own typical incidents, so plugins that read history find some.
std::shared_ptr<const host::CallerHistory> kit_history()
{
    static const auto history = [] {
        auto h = std::make_shared<host::CallerHistory>();
        const IncidentBatch earlier(2000, Variant::typical);
        for (const host::OwnedIncident &incident : earlier.incidents()) h->add(incident);
        return h;
    }();
    return history;
}

host::InstanceSpec spec_for(const PluginDescriptor &d, const KitOptions &o)
{
    // A frozen clock: the same input must give the same output in every
    // check, also from plugins that compute ages from "now".
    host::HostEnvironment environment;
    environment.now = [] { return sl_timestamp_t{1772442000000}; };   // 2026-03-02T09:00:00Z
    environment.history = kit_history();
    return {d.id, "conformance-kit", o.config_json, environment};
}

// --- checks every kind shares --------------------------------------------------------------

template <class Instance>
void check_lifecycle(CheckReport &report, const PluginLibrary &library, const PluginDescriptor &d,
                     const KitOptions &o)
{
    run(report, d.id, fmt::format("{} create/destroy cycles", o.cycles), [&]() -> std::optional<std::string> {
        for (std::size_t i = 0; i < o.cycles; ++i) Instance instance(library, spec_for(d, o));
        return std::nullopt;
    });

    run(report, d.id, "unknown plugin id is refused", [&]() -> std::optional<std::string> {
        const sl_plugin_factory_t *factory = library.factory(d.kind);
        sl_create_args_t args{};
        args.struct_size = sizeof args;
        args.plugin_id = SL_STR("org.servicelens.conformance-kit.no-such-plugin");
        args.config_json = SL_STR("{}");
        host::InstanceServices services("kit", "none");
        args.host = services.table();
        void *instance = reinterpret_cast<void *>(1);
        const sl_status_t status = factory->create(factory, &args, &instance);
        if (status == SL_STATUS_OK) return "create succeeded for an id the factory does not list";
        if (instance != nullptr) return "create failed but left *out_instance set for an unknown id";
        return std::nullopt;
    });

    run(report, d.id, "malformed config JSON is handled", [&]() -> std::optional<std::string> {
        // The host validates configs first, so this only happens through a
        // host bug; the plugin must still fail cleanly or cope.
        const sl_plugin_factory_t *factory = library.factory(d.kind);
        host::InstanceServices services("kit", d.id);
        sl_create_args_t args{};
        args.struct_size = sizeof args;
        args.plugin_id = str(d.id);
        args.config_json = SL_STR("{\"unterminated");
        args.host = services.table();
        void *instance = nullptr;
        const sl_status_t status = factory->create(factory, &args, &instance);
        if (!instance) return status == SL_STATUS_OK ? std::optional<std::string>("ok without an instance") : std::nullopt;
        // Destroy through the kind's table: every instance struct starts with its api pointer,
        // and every api starts with destroy then get_last_error.
        std::optional<std::string> problem;
        if (d.kind == host::PluginKind::context) {
            auto *p = static_cast<sl_context_provider_t *>(instance);
            if (status != SL_STATUS_OK && p->api->get_last_error(p).size == 0) problem = "failed without a message";
            p->api->destroy(p);
        } else if (d.kind == host::PluginKind::sentiment) {
            auto *p = static_cast<sl_sentiment_analyzer_t *>(instance);
            if (status != SL_STATUS_OK && p->api->get_last_error(p).size == 0) problem = "failed without a message";
            p->api->destroy(p);
        } else {
            auto *p = static_cast<sl_report_builder_t *>(instance);
            if (status != SL_STATUS_OK && p->api->get_last_error(p).size == 0) problem = "failed without a message";
            p->api->destroy(p);
        }
        return problem;
    });
}

// Runs `work(instance)` on o.threads threads: on one shared instance when
// the plugin says it is thread-safe, else on one instance per thread.
// Every thread must get what a single thread got.
template <class Instance, class Result>
std::optional<std::string> concurrent_agreement(const PluginLibrary &library, const PluginDescriptor &d,
                                                const KitOptions &o, const std::function<Result(Instance &)> &work)
{
    Instance reference_instance(library, spec_for(d, o));
    const Result expected = work(reference_instance);
    std::vector<std::unique_ptr<Instance>> instances;
    for (unsigned t = 0; t < (d.thread_safe ? 1u : o.threads); ++t)
        instances.push_back(std::make_unique<Instance>(library, spec_for(d, o)));
    std::vector<std::future<Result>> results;
    for (unsigned t = 0; t < o.threads; ++t) {
        Instance &instance = *instances[d.thread_safe ? 0 : t];
        results.push_back(std::async(std::launch::async, [&instance, &work] {
            Result last{};
            for (int round = 0; round < 5; ++round) last = work(instance);
            return last;
        }));
    }
    for (auto &r : results)
        if (r.get() != expected) return "a thread got a different result than a single thread did";
    return std::nullopt;
}

// --- context providers -----------------------------------------------------------------------

using AttributeList = std::vector<std::tuple<std::size_t, std::string, std::string, double>>;

AttributeList flatten(const host::AttributeCollector &c)
{
    AttributeList out;
    for (const auto &a : c.attributes) out.emplace_back(a.incident_index, a.key, a.value_text(), a.confidence);
    return out;
}

// A sink that refuses everything, to see that the plugin stops and passes the status on.
struct RefusingSink {
    int emits = 0;
    sl_attribute_sink_t sink{sizeof(sl_attribute_sink_t), 0, this,
                             [](void *self, const sl_context_attribute_t *) -> sl_status_t {
                                 ++static_cast<RefusingSink *>(self)->emits;
                                 return SL_STATUS_UNAVAILABLE;
                             },
                             [](void *, size_t, sl_status_t, sl_str_t) {}};
};

void check_context(CheckReport &report, const PluginLibrary &library, const PluginDescriptor &d, const KitOptions &o)
{
    using Instance = host::ContextProviderInstance;
    std::optional<Instance> created;
    run(report, d.id, "create with the given config", [&]() -> std::optional<std::string> {
        created.emplace(library, spec_for(d, o));
        return std::nullopt;
    });
    if (!created) return;
    Instance &instance = *created;

    const auto batch_check = [&](const std::string &name, std::size_t count, Variant variant) {
        run(report, d.id, name, [&]() -> std::optional<std::string> {
            const IncidentBatch batch(count, variant);
            const auto found = instance.enrich(batch.pointers());
            if (count == 0 && !found.attributes.empty()) return "attributes emitted for an empty batch";
            return first_violation(found.violations);
        });
    };
    batch_check("empty batch", 0, Variant::typical);
    batch_check(fmt::format("batch of {}", o.large_batch), o.large_batch, Variant::typical);
    batch_check("missing optional fields", 100, Variant::minimal);
    batch_check("invalid UTF-8 in every field", 100, Variant::invalid_utf8);

    run(report, d.id, "same input, same output", [&]() -> std::optional<std::string> {
        const IncidentBatch batch(200, Variant::typical);
        if (flatten(instance.enrich(batch.pointers())) != flatten(instance.enrich(batch.pointers())))
            return "two runs on the same batch emitted different attributes";
        return std::nullopt;
    });

    run(report, d.id, "NULL sink is refused with a message", [&]() -> std::optional<std::string> {
        const IncidentBatch batch(3, Variant::typical);
        sl_context_provider_t *p = instance.raw();
        const sl_status_t status = p->api->enrich(p, batch.pointers().data(), 3, nullptr);
        if (status != SL_STATUS_INVALID_ARGUMENT)
            return fmt::format("returned '{}', expected 'invalid argument'", sl_status_name(status));
        if (p->api->get_last_error(p).size == 0) return "no last error message";
        return std::nullopt;
    });

    run(report, d.id, "a refusing sink stops the batch", [&]() -> std::optional<std::string> {
        const IncidentBatch batch(100, Variant::typical);
        RefusingSink refusing;
        sl_context_provider_t *p = instance.raw();
        const sl_status_t status = p->api->enrich(p, batch.pointers().data(), 100, &refusing.sink);
        if (refusing.emits == 0) return std::nullopt;   // emitted nothing: nothing to refuse
        if (status != SL_STATUS_UNAVAILABLE)
            return fmt::format("returned '{}' after the sink refused; expected the sink's 'unavailable'",
                               sl_status_name(status));
        if (refusing.emits > 1) return fmt::format("kept emitting after a refusal ({} emits)", refusing.emits);
        return std::nullopt;
    });

    run(report, d.id, d.thread_safe ? "concurrent calls on one instance" : "concurrent instances",
        [&] {
            const IncidentBatch batch(500, Variant::typical);
            return concurrent_agreement<Instance, AttributeList>(
                library, d, o, [&](Instance &i) { return flatten(i.enrich(batch.pointers())); });
        });

    created.reset();
    check_lifecycle<Instance>(report, library, d, o);
}

// --- sentiment analyzers -----------------------------------------------------------------

using ScoreList = std::vector<std::tuple<bool, int, double>>;

ScoreList flatten(const host::SentimentCollector &c)
{
    ScoreList out;
    for (const auto &s : c.scores) out.emplace_back(s.has_value(), s ? s->label : 0, s ? s->compound : 0.0);
    return out;
}

void check_sentiment(CheckReport &report, const PluginLibrary &library, const PluginDescriptor &d, const KitOptions &o)
{
    using Instance = host::SentimentAnalyzerInstance;
    std::optional<Instance> created;
    run(report, d.id, "create with the given config", [&]() -> std::optional<std::string> {
        created.emplace(library, spec_for(d, o));
        return std::nullopt;
    });
    if (!created) return;
    Instance &instance = *created;

    const auto batch_check = [&](const std::string &name, std::size_t count, Variant variant) {
        run(report, d.id, name, [&]() -> std::optional<std::string> {
            const TextBatch batch(count, variant);
            return first_violation(instance.score(batch.pointers()).violations);
        });
    };
    batch_check("empty batch", 0, Variant::typical);
    batch_check(fmt::format("batch of {} (every text kind)", o.large_batch), o.large_batch, Variant::typical);
    batch_check("empty texts", 100, Variant::minimal);
    batch_check("invalid UTF-8 texts", 100, Variant::invalid_utf8);

    run(report, d.id, "same input, same output", [&]() -> std::optional<std::string> {
        const TextBatch batch(200, Variant::typical);
        if (flatten(instance.score(batch.pointers())) != flatten(instance.score(batch.pointers())))
            return "two runs on the same texts gave different scores";
        return std::nullopt;
    });

    run(report, d.id, "NULL sink is refused with a message", [&]() -> std::optional<std::string> {
        const TextBatch batch(3, Variant::typical);
        sl_sentiment_analyzer_t *p = instance.raw();
        const sl_status_t status = p->api->score(p, batch.pointers().data(), 3, nullptr);
        if (status != SL_STATUS_INVALID_ARGUMENT)
            return fmt::format("returned '{}', expected 'invalid argument'", sl_status_name(status));
        if (p->api->get_last_error(p).size == 0) return "no last error message";
        return std::nullopt;
    });

    run(report, d.id, d.thread_safe ? "concurrent calls on one instance" : "concurrent instances", [&] {
        const TextBatch batch(500, Variant::typical);
        return concurrent_agreement<Instance, ScoreList>(library, d, o,
                                                         [&](Instance &i) { return flatten(i.score(batch.pointers())); });
    });

    created.reset();
    check_lifecycle<Instance>(report, library, d, o);
}

// --- report builders ---------------------------------------------------------------------

sl_report_params_t kit_params()
{
    sl_report_params_t p{};
    p.struct_size = sizeof p;
    p.from = 1767225600000;        // 2026-01-01
    p.to = 1798761600000;          // 2027-01-01
    return p;
}

// finish() must write a report document the host can render: a JSON
// object that follows schemas/report.schema.json (the host adds only the
// period when the plugin leaves it out).
std::optional<std::string> not_a_report_document(const std::string &document)
{
    const auto json = nlohmann::json::parse(document, nullptr, false);
    if (json.is_discarded() || !json.is_object())
        return fmt::format("finish wrote something that is not a JSON object: {:.80}", document);
    const auto problems = config::check_against_schema(*config::builtin_schema("report.schema.json"), json);
    if (!problems.empty())
        return fmt::format("finish wrote a document that breaks schemas/report.schema.json at {}: {}",
                           problems.front().pointer.empty() ? "/" : problems.front().pointer, problems.front().message);
    return std::nullopt;
}

std::string one_pass(host::ReportBuilderInstance &instance, std::span<const sl_report_record_t *const> records)
{
    host::ReportState state = instance.begin(kit_params());
    instance.consume(state, records);
    return instance.finish(state);
}

void check_report(CheckReport &report, const PluginLibrary &library, const PluginDescriptor &d, const KitOptions &o)
{
    using Instance = host::ReportBuilderInstance;
    std::optional<Instance> created;
    run(report, d.id, "create with the given config", [&]() -> std::optional<std::string> {
        created.emplace(library, spec_for(d, o));
        return std::nullopt;
    });
    if (!created) return;
    Instance &instance = *created;

    run(report, d.id, "empty state finishes to a valid report document",
        [&] { return not_a_report_document(one_pass(instance, {})); });

    const auto batch_check = [&](const std::string &name, std::size_t count, Variant variant) {
        run(report, d.id, name, [&] {
            const IncidentBatch batch(count, variant);
            return not_a_report_document(one_pass(instance, batch.records()));
        });
    };
    batch_check(fmt::format("batch of {}", o.large_batch), o.large_batch, Variant::typical);
    batch_check("missing optional fields", 100, Variant::minimal);
    batch_check("invalid UTF-8 in every field", 100, Variant::invalid_utf8);

    run(report, d.id, "serialize/deserialize round trip", [&]() -> std::optional<std::string> {
        const IncidentBatch batch(1000, Variant::typical);
        host::ReportState state = instance.begin(kit_params());
        instance.consume(state, batch.records());
        const host::ReportState restored = instance.deserialize(instance.serialize(state));
        if (instance.finish(restored) != instance.finish(state)) return "the restored state reports differently";
        return std::nullopt;
    });

    run(report, d.id, "two merged shards equal one pass", [&]() -> std::optional<std::string> {
        const IncidentBatch batch(1000, Variant::typical);
        const auto all = std::span(batch.records());
        host::ReportState first = instance.begin(kit_params());
        instance.consume(first, all.first(400));
        host::ReportState second = instance.begin(kit_params());
        instance.consume(second, all.subspan(400));
        instance.merge(first, second);
        if (instance.finish(first) != one_pass(instance, all)) return "merged shards report differently from one pass";
        return std::nullopt;
    });

    run(report, d.id, "corrupt state bytes are refused", [&]() -> std::optional<std::string> {
        sl_report_builder_t *p = instance.raw();
        static constexpr char garbage[] = "\x00\x01 definitely not a state \xff";
        sl_report_state_t *state = reinterpret_cast<sl_report_state_t *>(1);
        const sl_status_t status = p->api->deserialize(p, garbage, sizeof garbage - 1, &state);
        if (status == SL_STATUS_OK) {
            p->api->destroy_state(p, state);
            return "deserialize accepted garbage";
        }
        if (state != nullptr) return "deserialize failed but left *out set";
        if (p->api->get_last_error(p).size == 0) return "no last error message";
        return std::nullopt;
    });

    run(report, d.id, d.thread_safe ? "concurrent states on one instance" : "concurrent instances", [&] {
        const IncidentBatch batch(500, Variant::typical);
        return concurrent_agreement<Instance, std::string>(library, d, o,
                                                           [&](Instance &i) { return one_pass(i, batch.records()); });
    });

    created.reset();
    check_lifecycle<Instance>(report, library, d, o);
}

// --- the library itself --------------------------------------------------------------

void check_entry(CheckReport &report, const PluginLibrary &library)
{
    const std::string who = "(library)";
    const sl_plugin_entry_t &entry = library.entry();
    run(report, who, "init is reference-counted", [&]() -> std::optional<std::string> {
        if (entry.init(str(library.file().string())) != SL_STATUS_OK) return "a second init failed";
        entry.deinit();
        for (host::PluginKind kind : host::all_plugin_kinds)
            if (std::any_of(library.descriptors().begin(), library.descriptors().end(),
                            [&](const PluginDescriptor &d) { return d.kind == kind; }) &&
                !library.factory(kind))
                return "after init + deinit, a factory the library had is gone";
        return std::nullopt;
    });
    run(report, who, "unknown factory id gives NULL", [&]() -> std::optional<std::string> {
        if (entry.get_factory("servicelens.no-such-kind/1")) return "get_factory returned a table for an unknown id";
        return std::nullopt;
    });
    run(report, who, "descriptor index out of range gives NULL", [&]() -> std::optional<std::string> {
        for (host::PluginKind kind : host::all_plugin_kinds)
            if (const sl_plugin_factory_t *f = library.factory(kind))
                if (f->descriptor(f, f->descriptor_count(f)) != nullptr)
                    return fmt::format("{} factory returned a descriptor past its count", host::kind_name(kind));
        return std::nullopt;
    });
    for (const PluginDescriptor &d : library.descriptors()) {
        run(report, d.id, "config schema is JSON", [&]() -> std::optional<std::string> {
            if (d.config_schema.empty()) return std::nullopt;
            if (nlohmann::json::parse(d.config_schema, nullptr, false).is_discarded())
                return "config_schema is not valid JSON";
            return std::nullopt;
        });
    }
}

} // namespace

bool check_library(const KitOptions &options, CheckReport &report)
{
    std::unique_ptr<PluginLibrary> library;
    try {
        library = std::make_unique<PluginLibrary>(options.file);
        report.pass("(library)", "loads, ABI compatible, descriptors valid");
    } catch (const std::exception &e) {
        report.fail("(library)", "loads, ABI compatible, descriptors valid", e.what());
        return false;
    }
    check_entry(report, *library);
    for (const PluginDescriptor &d : library->descriptors()) {
        switch (d.kind) {
        case host::PluginKind::context: check_context(report, *library, d, options); break;
        case host::PluginKind::sentiment: check_sentiment(report, *library, d, options); break;
        case host::PluginKind::report: check_report(report, *library, d, options); break;
        }
    }
    return true;
}

} // namespace servicelens::kit
