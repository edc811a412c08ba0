// Snippets the docs show that are in no example plugin, compiled here so
// they cannot drift from the SDK (tests/docs/code_blocks_test.cpp checks
// that every C++ block in docs/ is an excerpt of a compiled file).
#include <servicelens/cpp/plugin.hpp>

namespace guide {

// docs/plugin-author-guide.md, 2.4: keep the host, refuse to start without HTTP.
class MyPlugin final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{.id = "org.example.my-plugin", .name = "My plugin", .version = "1.0.0"};

    explicit MyPlugin(const servicelens::CreateContext &context) : host_(context.host)
    {
        if (host_.http() == nullptr)
            throw servicelens::Error(SL_STATUS_NOT_SUPPORTED,
                                     "this plugin needs the host's HTTP service (servicelens.host-http/1)");
        host_.info("ready");
    }
    // ...
    void enrich(servicelens::IncidentBatch, servicelens::AttributeSink &) override {}

private:
    servicelens::Host host_;   // copyable; valid until the instance is destroyed
};

// docs/plugin-author-guide.md, 2.6: choosing the status the host sees.
[[noreturn]] void fail(int how)
{
    if (how == 0)
throw servicelens::invalid_argument("internal_domains: an entry is empty");       // SL_STATUS_INVALID_ARGUMENT
    if (how == 1)
throw servicelens::Error(SL_STATUS_UNAVAILABLE, "the directory service is down"); // retryable
throw servicelens::Error("unexpected state");                                     // SL_STATUS_INTERNAL
}

// docs/data-model.md, 5: a custom field, in C++.
void read_business_service(const servicelens::Incident incident)
{
if (const auto service = incident.custom("u_business_service")) { /* *service is a std::string_view */ }
}

} // namespace guide

// Referenced so the compiler keeps (and checks) every snippet.
[[maybe_unused]] const auto guide_snippets = &guide::read_business_service;
