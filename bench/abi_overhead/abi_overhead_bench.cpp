// bench/abi_overhead: what calling a plugin through the C ABI costs over a
// direct C++ virtual call doing the same work, per item, at batch sizes 1,
// 16 and 256. The ABI side is a real loaded plugin whose results come back
// through the host's sink callbacks; the direct side is an in-process
// class returning the same results into a vector.
#include "work.hpp"

#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/plugin_library.hpp>
#include <servicelens/host/host_services.hpp>

#include <servicelens/context.h>
#include <servicelens/sentiment.h>

#include <benchmark/benchmark.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace {

struct Emitted {
    std::size_t index;
    std::size_t value_size;   // enough to keep the work from being optimised away
};

struct Scored {
    std::size_t index;
    double compound;
};

// --- the direct C++ side ---------------------------------------------------------------------

class DirectContext {
public:
    virtual ~DirectContext() = default;
    virtual void enrich(std::span<const sl_incident_t *const> incidents, std::vector<Emitted> &out) = 0;
};

class DirectEmailDomain final : public DirectContext {
public:
    void enrich(std::span<const sl_incident_t *const> incidents, std::vector<Emitted> &out) override
    {
        for (std::size_t i = 0; i < incidents.size(); ++i) {
            const sl_str_t email = incidents[i]->caller.email;
            out.push_back({i, bench::email_domain({email.data, email.size}).size()});
        }
    }
};

class DirectSentiment {
public:
    virtual ~DirectSentiment() = default;
    virtual void score(std::span<const sl_text_t *const> texts, std::vector<Scored> &out) = 0;
};

class DirectKeywords final : public DirectSentiment {
public:
    void score(std::span<const sl_text_t *const> texts, std::vector<Scored> &out) override
    {
        for (std::size_t i = 0; i < texts.size(); ++i)
            out.push_back({i, bench::keyword_score({texts[i]->text.data, texts[i]->text.size})});
    }
};

// --- inputs --------------------------------------------------------------------------------

struct Inputs {
    std::vector<servicelens::host::OwnedIncident> incidents;
    std::vector<std::unique_ptr<servicelens::host::IncidentView>> views;
    std::vector<const sl_incident_t *> incident_ptrs;
    std::vector<std::string> strings;
    std::vector<sl_text_t> texts;
    std::vector<const sl_text_t *> text_ptrs;

    explicit Inputs(std::size_t n)
    {
        static constexpr const char *phrases[] = {"thanks, fixed quickly", "still broken", "slow again",
                                                  "outage on the VPN", "please reset my password"};
        for (std::size_t i = 0; i < n; ++i) {
            auto &incident = incidents.emplace_back();
            incident.id = std::to_string(i);
            incident.caller_email = "user" + std::to_string(i) + "@example.com";
            strings.emplace_back(phrases[i % 5]);
        }
        for (const auto &incident : incidents) {
            views.push_back(std::make_unique<servicelens::host::IncidentView>(incident));
            incident_ptrs.push_back(views.back()->get());
        }
        for (const auto &s : strings) {
            sl_text_t t{};
            t.struct_size = sizeof t;
            t.text = {s.data(), s.size()};
            t.answer = SL_UNKNOWN;
            texts.push_back(t);
        }
        for (const auto &t : texts) text_ptrs.push_back(&t);
    }
};

// --- the C ABI side --------------------------------------------------------------------------

struct LoadedPlugins {
    servicelens::host::PluginLibrary library{SL_BENCH_PLUGIN};
    servicelens::host::InstanceServices services{"bench", "bench"};
    sl_context_provider_t *context = nullptr;
    sl_sentiment_analyzer_t *sentiment = nullptr;

    LoadedPlugins()
    {
        context = static_cast<sl_context_provider_t *>(create(servicelens::host::PluginKind::context, "bench.context"));
        sentiment =
            static_cast<sl_sentiment_analyzer_t *>(create(servicelens::host::PluginKind::sentiment, "bench.sentiment"));
    }
    ~LoadedPlugins()
    {
        context->api->destroy(context);
        sentiment->api->destroy(sentiment);
    }
    void *create(servicelens::host::PluginKind kind, const char *id)
    {
        const sl_plugin_factory_t *factory = library.factory(kind);
        sl_create_args_t args{};
        args.struct_size = sizeof args;
        args.plugin_id = sl_str_from_cstr(id);
        args.config_json = SL_STR("{}");
        args.host = services.table();
        void *out = nullptr;
        if (factory->create(factory, &args, &out) != SL_STATUS_OK) std::abort();
        return out;
    }
};

LoadedPlugins &plugins()
{
    static LoadedPlugins loaded;
    return loaded;
}

const sl_attribute_sink_t *attribute_sink(std::vector<Emitted> &out)
{
    static thread_local sl_attribute_sink_t sink{};
    sink.struct_size = sizeof sink;
    sink.context = &out;
    sink.emit = [](void *context, const sl_context_attribute_t *a) -> sl_status_t {
        static_cast<std::vector<Emitted> *>(context)->push_back({a->incident_index, a->text.size});
        return SL_STATUS_OK;
    };
    sink.fail = [](void *, size_t, sl_status_t, sl_str_t) {};
    return &sink;
}

const sl_sentiment_sink_t *sentiment_sink(std::vector<Scored> &out)
{
    static thread_local sl_sentiment_sink_t sink{};
    sink.struct_size = sizeof sink;
    sink.context = &out;
    sink.emit = [](void *context, size_t index, const sl_sentiment_result_t *r) -> sl_status_t {
        static_cast<std::vector<Scored> *>(context)->push_back({index, r->compound});
        return SL_STATUS_OK;
    };
    sink.fail = [](void *, size_t, sl_status_t, sl_str_t) {};
    return &sink;
}

// --- benchmarks ------------------------------------------------------------------------------

void context_direct(benchmark::State &state)
{
    const auto batch = static_cast<std::size_t>(state.range(0));
    const Inputs inputs(batch);
    std::unique_ptr<DirectContext> provider = std::make_unique<DirectEmailDomain>();
    std::vector<Emitted> out;
    out.reserve(batch);
    for (auto _ : state) {
        out.clear();
        provider->enrich(inputs.incident_ptrs, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
}

void context_abi(benchmark::State &state)
{
    const auto batch = static_cast<std::size_t>(state.range(0));
    const Inputs inputs(batch);
    sl_context_provider_t *provider = plugins().context;
    std::vector<Emitted> out;
    out.reserve(batch);
    const sl_attribute_sink_t *sink = attribute_sink(out);
    for (auto _ : state) {
        out.clear();
        if (provider->api->enrich(provider, inputs.incident_ptrs.data(), batch, sink) != SL_STATUS_OK) std::abort();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
}

void sentiment_direct(benchmark::State &state)
{
    const auto batch = static_cast<std::size_t>(state.range(0));
    const Inputs inputs(batch);
    std::unique_ptr<DirectSentiment> analyzer = std::make_unique<DirectKeywords>();
    std::vector<Scored> out;
    out.reserve(batch);
    for (auto _ : state) {
        out.clear();
        analyzer->score(inputs.text_ptrs, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
}

void sentiment_abi(benchmark::State &state)
{
    const auto batch = static_cast<std::size_t>(state.range(0));
    const Inputs inputs(batch);
    sl_sentiment_analyzer_t *analyzer = plugins().sentiment;
    std::vector<Scored> out;
    out.reserve(batch);
    const sl_sentiment_sink_t *sink = sentiment_sink(out);
    for (auto _ : state) {
        out.clear();
        if (analyzer->api->score(analyzer, inputs.text_ptrs.data(), batch, sink) != SL_STATUS_OK) std::abort();
        benchmark::DoNotOptimize(out.data());
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * batch));
}

} // namespace

BENCHMARK(context_direct)->Arg(1)->Arg(16)->Arg(256);
BENCHMARK(context_abi)->Arg(1)->Arg(16)->Arg(256);
BENCHMARK(sentiment_direct)->Arg(1)->Arg(16)->Arg(256);
BENCHMARK(sentiment_abi)->Arg(1)->Arg(16)->Arg(256);

BENCHMARK_MAIN();
