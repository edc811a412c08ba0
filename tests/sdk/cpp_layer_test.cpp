// The C++ layer without any loading: the entry and trampolines it generates
// for plugin classes defined right here, called through the C tables.
#include <servicelens/cpp/plugin.hpp>

#include <catch2/catch.hpp>

#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

class Tagger final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "test.tagger",
        .name = "Tagger",
        .version = "1.2.3",
        .vendor = "tests",
        .description = "Emits one tag per incident; throws on demand.",
        .emits = "test.tag,test.other",
        .thread_safe = true,
    };
    explicit Tagger(const servicelens::CreateContext &context)
    {
        if (context.config_json == R"({"fail": true})") throw servicelens::invalid_argument("fail was requested");
    }
    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        for (const servicelens::Incident incident : incidents) {
            if (incident.id() == "throw-runtime") throw std::runtime_error("runtime trouble");
            if (incident.id() == "throw-int") throw 42;
            if (incident.id() == "skip") {
                sink.fail(incident.index(), "cannot tag this one", SL_STATUS_UNAVAILABLE);
                continue;
            }
            sink.text(incident.index(), "test.tag", incident.id(), {.confidence = 0.5, .source = "test"});
        }
    }
};

class Echo final : public servicelens::SentimentAnalyzer {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "test.echo", .name = "Echo", .version = "0.1.0", .vendor = "tests", .description = "Neutral.",
        .thread_safe = false};
    explicit Echo(const servicelens::CreateContext &) {}
    void score(servicelens::TextBatch texts, servicelens::SentimentSink &sink) override
    {
        for (const servicelens::Text text : texts) sink.emit(text.index(), {});
    }
};

class Counter final : public servicelens::ReportBuilder<long> {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "test.counter", .name = "Counter", .version = "0.1.0", .vendor = "tests", .description = "Counts.",
        .thread_safe = false};
    explicit Counter(const servicelens::CreateContext &) {}
    long begin(const servicelens::ReportParams &) override { return 0; }
    void consume(long &n, servicelens::RecordBatch records) override { n += static_cast<long>(records.size()); }
    void merge(long &into, const long &from) override { into += from; }
    std::string serialize(const long &n) override { return std::to_string(n); }
    long deserialize(std::string_view bytes) override { return std::stol(std::string(bytes)); }
    std::string finish(const long &n) override { return "{\"count\": " + std::to_string(n) + "}"; }
};

using Entry = servicelens::detail::Entry<Tagger, Echo, Counter>;

sl_host_t null_host()
{
    sl_host_t host{};
    host.struct_size = sizeof host;
    host.abi_version = SL_ABI_VERSION_INIT;
    host.get_service = [](const sl_host_t *, const char *) -> const void * { return nullptr; };
    return host;
}

struct Collected {
    std::vector<std::string> values;
    std::vector<std::string> failures;
    sl_attribute_sink_t sink{sizeof(sl_attribute_sink_t), 0, this,
                             [](void *self, const sl_context_attribute_t *a) -> sl_status_t {
                                 static_cast<Collected *>(self)->values.emplace_back(a->text.data, a->text.size);
                                 return SL_STATUS_OK;
                             },
                             [](void *self, size_t, sl_status_t, sl_str_t message) {
                                 static_cast<Collected *>(self)->failures.emplace_back(message.data, message.size);
                             }};
};

struct Created {
    sl_context_provider_t *instance = nullptr;
    sl_status_t status;
    Created(const char *config)
    {
        static const sl_host_t host = null_host();
        const sl_plugin_factory_t *factory = Entry::get_factory(SL_CONTEXT_FACTORY_ID);
        sl_create_args_t args{};
        args.struct_size = sizeof args;
        args.plugin_id = SL_STR("test.tagger");
        args.config_json = sl_str_from_cstr(config);
        args.host = &host;
        void *out = nullptr;
        status = factory->create(factory, &args, &out);
        instance = static_cast<sl_context_provider_t *>(out);
    }
    ~Created()
    {
        if (instance) instance->api->destroy(instance);
    }
    std::string last_error() const
    {
        const sl_str_t e = instance->api->get_last_error(instance);
        return std::string(e.data ? e.data : "", e.size);
    }
};

sl_incident_t incident_with_id(const char *id)
{
    sl_incident_t i{};
    i.struct_size = sizeof i;
    i.id = sl_str_from_cstr(id);
    return i;
}

struct Initialized {
    Initialized() { Entry::init(SL_STR("test")); }
    ~Initialized() { Entry::deinit(); }
};

} // namespace

TEST_CASE("the entry is constant data carrying the SDK's ABI version")
{
    constexpr const sl_plugin_entry_t &entry = Entry::value;
    STATIC_REQUIRE(entry.abi_version.major == SL_ABI_VERSION_MAJOR);
    STATIC_REQUIRE(entry.abi_version.minor == SL_ABI_VERSION_MINOR);
    CHECK(entry.struct_size == sizeof(sl_plugin_entry_t));
}

TEST_CASE("factories exist only between init and deinit, one per kind present")
{
    CHECK(Entry::get_factory(SL_CONTEXT_FACTORY_ID) == nullptr);
    {
        Initialized once;
        Initialized twice;   // reference-counted
        CHECK(Entry::get_factory(SL_CONTEXT_FACTORY_ID) != nullptr);
        CHECK(Entry::get_factory(SL_SENTIMENT_FACTORY_ID) != nullptr);
        CHECK(Entry::get_factory(SL_REPORT_FACTORY_ID) != nullptr);
        CHECK(Entry::get_factory("servicelens.context/2") == nullptr);   // no such revision yet
    }
    CHECK(Entry::get_factory(SL_CONTEXT_FACTORY_ID) == nullptr);
}

TEST_CASE("a library without a plugin of some kind has no factory for it")
{
    using ContextOnly = servicelens::detail::Entry<Tagger>;
    ContextOnly::init(SL_STR("test"));
    CHECK(ContextOnly::get_factory(SL_CONTEXT_FACTORY_ID) != nullptr);
    CHECK(ContextOnly::get_factory(SL_SENTIMENT_FACTORY_ID) == nullptr);
    CHECK(ContextOnly::get_factory(SL_REPORT_FACTORY_ID) == nullptr);
    ContextOnly::deinit();
}

TEST_CASE("descriptors are generated from PluginInfo")
{
    Initialized init;
    const sl_plugin_factory_t *factory = Entry::get_factory(SL_CONTEXT_FACTORY_ID);
    REQUIRE(factory->descriptor_count(factory) == 1);
    const sl_plugin_descriptor_t *d = factory->descriptor(factory, 0);
    CHECK(servicelens::view(d->id) == "test.tagger");
    CHECK(servicelens::view(d->version) == "1.2.3");
    CHECK((d->flags & SL_DESCRIPTOR_THREAD_SAFE) != 0);
    REQUIRE(d->emit_count == 2);
    CHECK(servicelens::view(d->emits[0]) == "test.tag");
    CHECK(servicelens::view(d->emits[1]) == "test.other");
    CHECK(factory->descriptor(factory, 1) == nullptr);
}

TEST_CASE("a constructor that throws gives a failed create with a readable message")
{
    Initialized init;
    Created created(R"({"fail": true})");
    CHECK(created.status == SL_STATUS_INVALID_ARGUMENT);
    REQUIRE(created.instance != nullptr);
    CHECK(created.last_error() == "fail was requested");
    Collected out;
    CHECK(created.instance->api->enrich(created.instance, nullptr, 0, &out.sink) == SL_STATUS_INVALID_ARGUMENT);
}

TEST_CASE("exceptions thrown by plugin code become status + last error, never escape")
{
    Initialized init;
    Created created("{}");
    REQUIRE(created.status == SL_STATUS_OK);
    Collected out;

    const sl_incident_t runtime = incident_with_id("throw-runtime");
    const sl_incident_t *batch1[] = {&runtime};
    CHECK(created.instance->api->enrich(created.instance, batch1, 1, &out.sink) == SL_STATUS_INTERNAL);
    CHECK(created.last_error() == "runtime trouble");

    const sl_incident_t unknown = incident_with_id("throw-int");
    const sl_incident_t *batch2[] = {&unknown};
    CHECK(created.instance->api->enrich(created.instance, batch2, 1, &out.sink) == SL_STATUS_INTERNAL);
    CHECK(created.last_error() == "unknown exception");
}

TEST_CASE("per-item failures go to the sink and the batch continues")
{
    Initialized init;
    Created created("{}");
    Collected out;
    const sl_incident_t a = incident_with_id("a"), skip = incident_with_id("skip"), b = incident_with_id("b");
    const sl_incident_t *batch[] = {&a, &skip, &b};
    CHECK(created.instance->api->enrich(created.instance, batch, 3, &out.sink) == SL_STATUS_OK);
    CHECK(out.values == std::vector<std::string>{"a", "b"});
    CHECK(out.failures == std::vector<std::string>{"cannot tag this one"});
}

TEST_CASE("NULL arguments are refused, not dereferenced")
{
    Initialized init;
    Created created("{}");
    CHECK(created.instance->api->enrich(created.instance, nullptr, 1, nullptr) == SL_STATUS_INVALID_ARGUMENT);
    CHECK_FALSE(created.last_error().empty());
    const sl_plugin_factory_t *factory = Entry::get_factory(SL_CONTEXT_FACTORY_ID);
    CHECK(factory->create(factory, nullptr, nullptr) == SL_STATUS_INVALID_ARGUMENT);
}

TEST_CASE("an unknown plugin id is refused without an instance")
{
    Initialized init;
    const sl_host_t host = null_host();
    const sl_plugin_factory_t *factory = Entry::get_factory(SL_CONTEXT_FACTORY_ID);
    sl_create_args_t args{};
    args.struct_size = sizeof args;
    args.plugin_id = SL_STR("test.echo");   // exists, but is a sentiment plugin
    args.host = &host;
    void *out = nullptr;
    CHECK(factory->create(factory, &args, &out) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(out == nullptr);
}

TEST_CASE("each thread reads the message of its own failure")
{
    Initialized init;
    Created created("{}");
    const sl_incident_t runtime = incident_with_id("throw-runtime");
    const sl_incident_t *batch[] = {&runtime};
    Collected out;
    created.instance->api->enrich(created.instance, batch, 1, &out.sink);
    std::string seen_on_other_thread = "unset";
    std::thread([&] {
        const sl_str_t e = created.instance->api->get_last_error(created.instance);
        seen_on_other_thread.assign(e.data ? e.data : "", e.size);
    }).join();
    CHECK(seen_on_other_thread.empty());
    CHECK(created.last_error() == "runtime trouble");
}

TEST_CASE("report states go through begin, consume, merge, serialize, deserialize and finish")
{
    Initialized init;
    static const sl_host_t host = null_host();
    const sl_plugin_factory_t *factory = Entry::get_factory(SL_REPORT_FACTORY_ID);
    sl_create_args_t args{};
    args.struct_size = sizeof args;
    args.plugin_id = SL_STR("test.counter");
    args.host = &host;
    void *out = nullptr;
    REQUIRE(factory->create(factory, &args, &out) == SL_STATUS_OK);
    auto *builder = static_cast<sl_report_builder_t *>(out);
    const sl_report_builder_api_t &api = *builder->api;

    sl_report_params_t params{};
    params.struct_size = sizeof params;
    sl_report_state_t *a = nullptr, *b = nullptr, *restored = nullptr;
    REQUIRE(api.begin(builder, &params, &a) == SL_STATUS_OK);
    REQUIRE(api.begin(builder, &params, &b) == SL_STATUS_OK);
    sl_report_record_t record{};
    const sl_report_record_t *records[] = {&record, &record, &record};
    CHECK(api.consume(builder, a, records, 2) == SL_STATUS_OK);
    CHECK(api.consume(builder, b, records, 3) == SL_STATUS_OK);
    CHECK(api.merge(builder, a, b) == SL_STATUS_OK);

    std::string bytes;
    const sl_byte_sink_t sink{&bytes, [](void *s, const void *data, size_t size) -> sl_status_t {
                                  static_cast<std::string *>(s)->append(static_cast<const char *>(data), size);
                                  return SL_STATUS_OK;
                              }};
    CHECK(api.serialize(builder, a, &sink) == SL_STATUS_OK);
    CHECK(bytes == "5");
    REQUIRE(api.deserialize(builder, bytes.data(), bytes.size(), &restored) == SL_STATUS_OK);
    bytes.clear();
    CHECK(api.finish(builder, restored, &sink) == SL_STATUS_OK);
    CHECK(bytes == R"({"count": 5})");

    SECTION("bytes the plugin's parser rejects are an invalid argument, not an internal error")
    {
        sl_report_state_t *bad = reinterpret_cast<sl_report_state_t *>(1);
        CHECK(api.deserialize(builder, "oops", 4, &bad) == SL_STATUS_INVALID_ARGUMENT);
        CHECK(bad == nullptr);
        const sl_str_t e = api.get_last_error(builder);
        CHECK_THAT(std::string(e.data, e.size), Catch::Matchers::Contains("cannot restore the state"));
    }

    for (sl_report_state_t *s : {a, b, restored}) api.destroy_state(builder, s);
    api.destroy(builder);
}
