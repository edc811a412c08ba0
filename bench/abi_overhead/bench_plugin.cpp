// The benchmark's plugin side: the work of work.hpp behind the C ABI.
#include "work.hpp"

#include <servicelens/cpp/plugin.hpp>

class BenchContext final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{.id = "bench.context", .name = "bench", .version = "1.0.0",
                                                  .vendor = "bench", .description = "bench", .thread_safe = true};
    explicit BenchContext(const servicelens::CreateContext &) {}
    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        for (const servicelens::Incident incident : incidents)
            sink.text(incident.index(), "caller.email_domain", bench::email_domain(incident.caller_email()), {});
    }
};

class BenchSentiment final : public servicelens::SentimentAnalyzer {
public:
    static constexpr servicelens::PluginInfo info{.id = "bench.sentiment", .name = "bench", .version = "1.0.0",
                                                  .vendor = "bench", .description = "bench", .thread_safe = true};
    explicit BenchSentiment(const servicelens::CreateContext &) {}
    void score(servicelens::TextBatch texts, servicelens::SentimentSink &sink) override
    {
        for (const servicelens::Text text : texts) {
            const double compound = bench::keyword_score(text.text());
            sink.emit(text.index(), {.compound = compound, .confidence = 1.0});
        }
    }
};

SERVICELENS_PLUGINS(BenchContext, BenchSentiment)
