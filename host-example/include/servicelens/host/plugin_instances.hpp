// Live plugin instances, one class per kind. Each validates its
// configuration against the plugin's schema, creates the instance through
// the library's factory, and turns every failed call into a PluginCallError
// carrying the plugin's own message.
//
//     ContextProviderInstance directory(library, "org.servicelens.directory", "directory-hq",
//                                       R"({"file": "hr.csv"})");
//     AttributeCollector found = directory.enrich(incidents);
#pragma once

#include "host_services.hpp"
#include "plugin_library.hpp"
#include "result_sinks.hpp"

#include <servicelens/context.h>
#include <servicelens/report.h>
#include <servicelens/sentiment.h>

#include <atomic>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace servicelens::host {

class PluginCallError : public std::runtime_error {
public:
    PluginCallError(sl_status_t status, const std::string &message)
        : std::runtime_error(message), status_(status) {}
    sl_status_t status() const noexcept { return status_; }

private:
    sl_status_t status_;
};

struct InstanceSpec {
    std::string plugin_id;
    std::string instance_name;       // defaults to the plugin id when empty
    std::string config_json = "{}";
    HostEnvironment environment{};
};

// What the three kinds share: the descriptor, the services, the name.
class InstanceBase {
public:
    const PluginDescriptor &descriptor() const noexcept { return *descriptor_; }
    const std::string &name() const noexcept { return services_->instance_name(); }
    const InstanceServices &services() const noexcept { return *services_; }

protected:
    InstanceBase(const PluginLibrary &library, PluginKind kind, const InstanceSpec &spec);

    // "instance 'x' of org.example.y (file.so)": for messages.
    std::string who() const;
    [[noreturn]] void fail(std::string_view call, sl_status_t status, sl_str_t plugin_message) const;

    // Runs the factory's create; on failure reads the message through
    // `last_error` (when the plugin returned a handle), destroys and throws.
    void *create(const sl_plugin_factory_t &factory, const InstanceSpec &spec,
                 sl_str_t (*last_error)(const void *), void (*destroy)(void *));

    const PluginLibrary *library_;
    const PluginDescriptor *descriptor_;
    std::unique_ptr<InstanceServices> services_;
};

class ContextProviderInstance : public InstanceBase {
public:
    ContextProviderInstance(const PluginLibrary &library, const InstanceSpec &spec);
    ~ContextProviderInstance();
    ContextProviderInstance(const ContextProviderInstance &) = delete;
    ContextProviderInstance &operator=(const ContextProviderInstance &) = delete;

    AttributeCollector enrich(std::span<const sl_incident_t *const> incidents);
    sl_context_provider_t *raw() const noexcept { return self_; }

private:
    sl_context_provider_t *self_ = nullptr;
    // Attributes per thousand incidents in the last batch: the next batch's
    // list is sized once instead of growing (and moving) a dozen times.
    // Atomic: a thread-safe instance enriches several slices at once.
    std::atomic<std::size_t> per_thousand_{0};
};

class SentimentAnalyzerInstance : public InstanceBase {
public:
    SentimentAnalyzerInstance(const PluginLibrary &library, const InstanceSpec &spec);
    ~SentimentAnalyzerInstance();
    SentimentAnalyzerInstance(const SentimentAnalyzerInstance &) = delete;
    SentimentAnalyzerInstance &operator=(const SentimentAnalyzerInstance &) = delete;

    SentimentCollector score(std::span<const sl_text_t *const> texts, TermsKept terms = TermsKept::yes);
    sl_sentiment_analyzer_t *raw() const noexcept { return self_; }

private:
    sl_sentiment_analyzer_t *self_ = nullptr;
};

class ReportBuilderInstance;

// A report state; destroyed through its builder, which must outlive it.
class ReportState {
public:
    ReportState(ReportState &&other) noexcept;
    ReportState &operator=(ReportState &&other) noexcept;
    ~ReportState();

    sl_report_state_t *raw() const noexcept { return state_; }

private:
    friend class ReportBuilderInstance;
    ReportState(const ReportBuilderInstance *builder, sl_report_state_t *state) noexcept
        : builder_(builder), state_(state) {}
    void reset() noexcept;

    const ReportBuilderInstance *builder_;
    sl_report_state_t *state_;
};

class ReportBuilderInstance : public InstanceBase {
public:
    ReportBuilderInstance(const PluginLibrary &library, const InstanceSpec &spec);
    ~ReportBuilderInstance();
    ReportBuilderInstance(const ReportBuilderInstance &) = delete;
    ReportBuilderInstance &operator=(const ReportBuilderInstance &) = delete;

    ReportState begin(const sl_report_params_t &params);
    void consume(ReportState &state, std::span<const sl_report_record_t *const> records);
    void merge(ReportState &into, const ReportState &from);
    std::string serialize(const ReportState &state);
    ReportState deserialize(std::string_view bytes);
    std::string finish(const ReportState &state);

    sl_report_builder_t *raw() const noexcept { return self_; }

private:
    friend class ReportState;
    void check(std::string_view call, sl_status_t status) const;

    sl_report_builder_t *self_ = nullptr;
};

} // namespace servicelens::host
