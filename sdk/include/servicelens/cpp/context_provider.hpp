// ServiceLens C++ plugin layer: context providers.
//
//     class EmailDomain final : public servicelens::ContextProvider {
//     public:
//         static constexpr servicelens::PluginInfo info{ ... };
//         explicit EmailDomain(const servicelens::CreateContext &) {}
//         void enrich(servicelens::IncidentBatch incidents,
//                     servicelens::AttributeSink &sink) override;
//     };
#pragma once

#include <servicelens/context.h>

#include "error.hpp"
#include "incident.hpp"
#include "instance.hpp"
#include "strings.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace servicelens {

// Where an attribute's value came from and how far to trust it.
struct Provenance {
    double confidence = 1.0;
    std::string_view source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;
};

// Typed front of sl_attribute_sink_t. A refusal by the host ends the batch
// (thrown as Error, returned by the trampoline as the host's status).
class AttributeSink {
public:
    explicit AttributeSink(const sl_attribute_sink_t &sink) noexcept : sink_(sink) {}

    void text(std::size_t incident, std::string_view key, std::string_view value, const Provenance &p)
    {
        sl_context_attribute_t a = make(incident, key, SL_VALUE_STRING, p);
        a.text = str(value);
        emit(a);
    }
    void json(std::size_t incident, std::string_view key, std::string_view value, const Provenance &p)
    {
        sl_context_attribute_t a = make(incident, key, SL_VALUE_JSON, p);
        a.text = str(value);
        emit(a);
    }
    void integer(std::size_t incident, std::string_view key, int64_t value, const Provenance &p)
    {
        sl_context_attribute_t a = make(incident, key, SL_VALUE_INTEGER, p);
        a.integer = value;
        emit(a);
    }
    void number(std::size_t incident, std::string_view key, double value, const Provenance &p)
    {
        sl_context_attribute_t a = make(incident, key, SL_VALUE_NUMBER, p);
        a.number = value;
        emit(a);
    }
    void boolean(std::size_t incident, std::string_view key, bool value, const Provenance &p)
    {
        sl_context_attribute_t a = make(incident, key, SL_VALUE_BOOLEAN, p);
        a.integer = value ? 1 : 0;
        emit(a);
    }
    void time(std::size_t incident, std::string_view key, sl_timestamp_t value, const Provenance &p)
    {
        sl_context_attribute_t a = make(incident, key, SL_VALUE_TIME, p);
        a.integer = value;
        emit(a);
    }

    // This incident could not be enriched; the batch goes on.
    void fail(std::size_t incident, std::string_view message,
              sl_status_t status = SL_STATUS_INTERNAL) const noexcept
    {
        sink_.fail(sink_.context, incident, status, str(message));
    }

private:
    static sl_context_attribute_t make(std::size_t incident, std::string_view key, sl_value_type_t type,
                                       const Provenance &p) noexcept
    {
        sl_context_attribute_t a{};
        a.struct_size = sizeof a;
        a.type = type;
        a.incident_index = incident;
        a.key = str(key);
        a.confidence = p.confidence;
        a.source = str(p.source);
        a.observed_at = p.observed_at;
        return a;
    }
    void emit(const sl_context_attribute_t &a)
    {
        const sl_status_t status = sink_.emit(sink_.context, &a);
        if (status != SL_STATUS_OK)
            throw Error(status, "the host refused attribute '" + copy(a.key) + "'");
    }

    const sl_attribute_sink_t &sink_;
};

class ContextProvider {
public:
    virtual ~ContextProvider() = default;

    // Emits what the provider knows about each incident. Throw to fail the
    // whole batch; use sink.fail() to skip one incident.
    virtual void enrich(IncidentBatch incidents, AttributeSink &sink) = 0;
};

namespace detail {

template <class P>
struct ContextTrampolines {
    using Self = Instance<sl_context_provider_t, P>;

    static sl_status_t enrich(sl_context_provider_t *self, const sl_incident_t *const *incidents,
                              std::size_t count, const sl_attribute_sink_t *sink) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(sink && sink->emit && sink->fail, "enrich: the attribute sink is incomplete");
            require(incidents || count == 0, "enrich: incidents is NULL but count is not 0");
            AttributeSink out(*sink);
            plugin.enrich(IncidentBatch(incidents, count), out);
        });
    }

    static constexpr sl_context_provider_api_t api{&Self::destroy, &Self::last_error, &enrich};

    static sl_status_t create(const sl_create_args_t *args, void **out) noexcept
    {
        return Self::create(&api, args, out);
    }
};

} // namespace detail
} // namespace servicelens
