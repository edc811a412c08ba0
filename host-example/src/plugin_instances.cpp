#include <servicelens/host/plugin_instances.hpp>

#include <servicelens/host/config_schema_check.hpp>

#include <servicelens/cpp/strings.hpp>

#include <fmt/format.h>

#include <utility>

namespace servicelens::host {

namespace {

const PluginDescriptor &find_descriptor(const PluginLibrary &library, PluginKind kind, const std::string &id)
{
    const PluginDescriptor *d = library.find(id);
    if (!d)
        throw PluginCallError(SL_STATUS_INVALID_ARGUMENT,
                              fmt::format("{} offers no plugin '{}'", library.file().string(), id));
    if (d->kind != kind)
        throw PluginCallError(SL_STATUS_INVALID_ARGUMENT,
                              fmt::format("plugin '{}' in {} is a {} plugin, not a {} plugin", id,
                                          library.file().string(), kind_name(d->kind), kind_name(kind)));
    return *d;
}

} // namespace

InstanceBase::InstanceBase(const PluginLibrary &library, PluginKind kind, const InstanceSpec &spec)
    : library_(&library),
      descriptor_(&find_descriptor(library, kind, spec.plugin_id)),
      services_(std::make_unique<InstanceServices>(spec.instance_name.empty() ? spec.plugin_id : spec.instance_name,
                                                   spec.plugin_id, spec.environment))
{
    if (!descriptor_->config_schema.empty()) {
        const auto problems = check_config_against_schema(descriptor_->config_schema, spec.config_json);
        if (!problems.empty()) {
            std::string message = fmt::format("{}: the configuration does not match the plugin's schema:", who());
            for (const std::string &p : problems) message += "\n  " + p;
            throw PluginCallError(SL_STATUS_INVALID_ARGUMENT, message);
        }
    }
}

std::string InstanceBase::who() const
{
    return fmt::format("instance '{}' of {} ({})", services_->instance_name(), descriptor_->id,
                       library_->file().filename().string());
}

void InstanceBase::fail(std::string_view call, sl_status_t status, sl_str_t plugin_message) const
{
    const std::string said = copy(plugin_message);
    throw PluginCallError(status, fmt::format("{}: {} failed ({}){}{}", who(), call, sl_status_name(status),
                                              said.empty() ? "" : ": ", said.empty() ? "the plugin gave no message" : said));
}

void *InstanceBase::create(const sl_plugin_factory_t &factory, const InstanceSpec &spec,
                           sl_str_t (*last_error)(const void *), void (*destroy)(void *))
{
    sl_create_args_t args{};
    args.struct_size = sizeof args;
    args.plugin_id = str(descriptor_->id);
    args.instance_name = str(services_->instance_name());
    args.config_json = str(spec.config_json);
    args.host = services_->table();
    void *instance = nullptr;
    const sl_status_t status = factory.create(&factory, &args, &instance);
    if (status == SL_STATUS_OK && instance) return instance;
    std::string message;
    if (instance) {
        message = copy(last_error(instance));
        destroy(instance);
    }
    if (status == SL_STATUS_OK) message = "create returned ok but no instance";
    fail("create", status == SL_STATUS_OK ? SL_STATUS_INTERNAL : status, str(message));
}

// --- context ---------------------------------------------------------------

ContextProviderInstance::ContextProviderInstance(const PluginLibrary &library, const InstanceSpec &spec)
    : InstanceBase(library, PluginKind::context, spec)
{
    self_ = static_cast<sl_context_provider_t *>(create(
        *library.factory(PluginKind::context), spec,
        [](const void *p) { auto *s = static_cast<const sl_context_provider_t *>(p); return s->api->get_last_error(s); },
        [](void *p) { auto *s = static_cast<sl_context_provider_t *>(p); s->api->destroy(s); }));
}

ContextProviderInstance::~ContextProviderInstance() { self_->api->destroy(self_); }

AttributeCollector ContextProviderInstance::enrich(std::span<const sl_incident_t *const> incidents)
{
    AttributeCollector found(incidents.size());
    found.attributes.reserve(incidents.size() * per_thousand_.load(std::memory_order_relaxed) / 1000);
    const sl_status_t status = self_->api->enrich(self_, incidents.data(), incidents.size(), found.sink());
    if (status != SL_STATUS_OK) fail("enrich", status, self_->api->get_last_error(self_));
    if (!incidents.empty())
        per_thousand_.store(found.attributes.size() * 1000 / incidents.size() + 1, std::memory_order_relaxed);
    return found;
}

// --- sentiment ---------------------------------------------------------------

SentimentAnalyzerInstance::SentimentAnalyzerInstance(const PluginLibrary &library, const InstanceSpec &spec)
    : InstanceBase(library, PluginKind::sentiment, spec)
{
    self_ = static_cast<sl_sentiment_analyzer_t *>(create(
        *library.factory(PluginKind::sentiment), spec,
        [](const void *p) { auto *s = static_cast<const sl_sentiment_analyzer_t *>(p); return s->api->get_last_error(s); },
        [](void *p) { auto *s = static_cast<sl_sentiment_analyzer_t *>(p); s->api->destroy(s); }));
}

SentimentAnalyzerInstance::~SentimentAnalyzerInstance() { self_->api->destroy(self_); }

SentimentCollector SentimentAnalyzerInstance::score(std::span<const sl_text_t *const> texts, TermsKept terms)
{
    SentimentCollector scored(texts.size(), terms);
    const sl_status_t status = self_->api->score(self_, texts.data(), texts.size(), scored.sink());
    if (status != SL_STATUS_OK) fail("score", status, self_->api->get_last_error(self_));
    scored.check_complete();
    return scored;
}

// --- report ------------------------------------------------------------------

ReportState::ReportState(ReportState &&other) noexcept
    : builder_(std::exchange(other.builder_, nullptr)), state_(std::exchange(other.state_, nullptr))
{
}

ReportState &ReportState::operator=(ReportState &&other) noexcept
{
    if (this != &other) {
        reset();
        builder_ = std::exchange(other.builder_, nullptr);
        state_ = std::exchange(other.state_, nullptr);
    }
    return *this;
}

ReportState::~ReportState() { reset(); }

void ReportState::reset() noexcept
{
    if (builder_ && state_) builder_->self_->api->destroy_state(builder_->self_, state_);
    state_ = nullptr;
}

ReportBuilderInstance::ReportBuilderInstance(const PluginLibrary &library, const InstanceSpec &spec)
    : InstanceBase(library, PluginKind::report, spec)
{
    self_ = static_cast<sl_report_builder_t *>(create(
        *library.factory(PluginKind::report), spec,
        [](const void *p) { auto *s = static_cast<const sl_report_builder_t *>(p); return s->api->get_last_error(s); },
        [](void *p) { auto *s = static_cast<sl_report_builder_t *>(p); s->api->destroy(s); }));
}

ReportBuilderInstance::~ReportBuilderInstance() { self_->api->destroy(self_); }

void ReportBuilderInstance::check(std::string_view call, sl_status_t status) const
{
    if (status != SL_STATUS_OK) fail(call, status, self_->api->get_last_error(self_));
}

ReportState ReportBuilderInstance::begin(const sl_report_params_t &params)
{
    sl_report_state_t *state = nullptr;
    check("begin", self_->api->begin(self_, &params, &state));
    if (!state) fail("begin", SL_STATUS_INTERNAL, str("begin returned ok but no state"));
    return ReportState(this, state);
}

void ReportBuilderInstance::consume(ReportState &state, std::span<const sl_report_record_t *const> records)
{
    check("consume", self_->api->consume(self_, state.raw(), records.data(), records.size()));
}

void ReportBuilderInstance::merge(ReportState &into, const ReportState &from)
{
    check("merge", self_->api->merge(self_, into.raw(), from.raw()));
}

std::string ReportBuilderInstance::serialize(const ReportState &state)
{
    ByteCollector out;
    check("serialize", self_->api->serialize(self_, state.raw(), out.sink()));
    return std::move(out.bytes);
}

ReportState ReportBuilderInstance::deserialize(std::string_view bytes)
{
    sl_report_state_t *state = nullptr;
    check("deserialize", self_->api->deserialize(self_, bytes.data(), bytes.size(), &state));
    if (!state) fail("deserialize", SL_STATUS_INTERNAL, str("deserialize returned ok but no state"));
    return ReportState(this, state);
}

std::string ReportBuilderInstance::finish(const ReportState &state)
{
    ByteCollector out;
    check("finish", self_->api->finish(self_, state.raw(), out.sink()));
    return std::move(out.bytes);
}

} // namespace servicelens::host
