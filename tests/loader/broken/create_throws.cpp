// A C++ plugin whose constructor throws: the C++ layer must turn that into
// a failed create whose message reaches the user, and nothing may crash.
#include <servicelens/cpp/plugin.hpp>

#include <stdexcept>

class ThrowsOnCreate final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.test.create-throws",
        .name = "Throws on create",
        .version = "0.0.1",
        .vendor = "ServiceLens tests",
        .description = "Its constructor throws std::runtime_error.",
        .thread_safe = false,   // GCC 12 warns about omitted trailing members
    };
    explicit ThrowsOnCreate(const servicelens::CreateContext &)
    {
        throw std::runtime_error("constructor exploded: the directory export is unreadable");
    }
    void enrich(servicelens::IncidentBatch, servicelens::AttributeSink &) override {}
};

SERVICELENS_PLUGINS(ThrowsOnCreate)
