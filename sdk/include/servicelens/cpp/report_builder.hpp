// ServiceLens C++ plugin layer: report builders.
//
//     struct Counts { ... };   // the plugin's state: copyable, mergeable
//     class Volume final : public servicelens::ReportBuilder<Counts> {
//     public:
//         static constexpr servicelens::PluginInfo info{ ... };
//         explicit Volume(const servicelens::CreateContext &) {}
//         Counts begin(const servicelens::ReportParams &) override;
//         void consume(Counts &, servicelens::RecordBatch) override;
//         void merge(Counts &into, const Counts &from) override;
//         std::string serialize(const Counts &) override;
//         Counts deserialize(std::string_view bytes) override;
//         std::string finish(const Counts &) override;
//     };
#pragma once

#include <servicelens/report.h>

#include "error.hpp"
#include "incident.hpp"
#include "instance.hpp"
#include "strings.hpp"

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace servicelens {

struct ReportParams {
    sl_timestamp_t from;
    sl_timestamp_t to;
    std::string time_zone;

    bool contains(sl_timestamp_t t) const noexcept { return t >= from && t < to; }
    bool operator==(const ReportParams &) const = default;
};

class Record {
public:
    Record(const sl_report_record_t &record, std::size_t index) noexcept : c_(&record), index_(index) {}

    std::size_t index() const noexcept { return index_; }
    Incident incident() const noexcept { return Incident(*c_->incident, index_); }
    std::span<const sl_context_attribute_t *const> attributes() const noexcept
    {
        return {c_->attributes, c_->attribute_count};
    }
    std::span<const sl_scored_text_t *const> sentiments() const noexcept
    {
        return {c_->sentiments, c_->sentiment_count};
    }
    // The first attribute named `key`, or nullptr.
    const sl_context_attribute_t *attribute(std::string_view key) const noexcept
    {
        for (const sl_context_attribute_t *a : attributes())
            if (view(a->key) == key) return a;
        return nullptr;
    }

private:
    const sl_report_record_t *c_;
    std::size_t index_;
};

using RecordBatch = Batch<sl_report_record_t, Record>;

namespace detail {
struct ReportBuilderTag {};
} // namespace detail

// `State` is the plugin's accumulation; it must be default-constructible
// only if the plugin's own code needs that.
template <class State>
class ReportBuilder : public detail::ReportBuilderTag {
public:
    using state_type = State;
    virtual ~ReportBuilder() = default;

    virtual State begin(const ReportParams &params) = 0;
    virtual void consume(State &state, RecordBatch records) = 0;
    // Throw invalid_argument() when the states cannot be merged (other params).
    virtual void merge(State &into, const State &from) = 0;
    virtual std::string serialize(const State &state) = 0;
    // Corrupt or incompatible bytes: throw anything; the layer reports
    // SL_STATUS_INVALID_ARGUMENT with the exception's message.
    virtual State deserialize(std::string_view bytes) = 0;
    // The report document: JSON following schemas/report.schema.json.
    virtual std::string finish(const State &state) = 0;
};

namespace detail {

template <class P>
struct ReportTrampolines {
    using Self = Instance<sl_report_builder_t, P>;
    using State = typename P::state_type;

    static State *unwrap(sl_report_state_t *s) noexcept { return reinterpret_cast<State *>(s); }
    static const State *unwrap(const sl_report_state_t *s) noexcept
    {
        return reinterpret_cast<const State *>(s);
    }
    static sl_report_state_t *wrap(State *s) noexcept { return reinterpret_cast<sl_report_state_t *>(s); }

    static void write(const sl_byte_sink_t *out, const std::string &bytes)
    {
        const sl_status_t status = out->write(out->context, bytes.data(), bytes.size());
        if (status != SL_STATUS_OK) throw Error(status, "the host refused the output");
    }

    static sl_status_t begin(sl_report_builder_t *self, const sl_report_params_t *params,
                             sl_report_state_t **out) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(params && out, "begin: params and out are required");
            *out = nullptr;
            const ReportParams p{params->from, params->to, copy(params->time_zone)};
            *out = wrap(new State(plugin.begin(p)));
        });
    }

    static sl_status_t consume(sl_report_builder_t *self, sl_report_state_t *state,
                               const sl_report_record_t *const *records, std::size_t count) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(state != nullptr, "consume: state is NULL");
            require(records || count == 0, "consume: records is NULL but count is not 0");
            plugin.consume(*unwrap(state), RecordBatch(records, count));
        });
    }

    static sl_status_t merge(sl_report_builder_t *self, sl_report_state_t *into,
                             const sl_report_state_t *from) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(into && from, "merge: both states are required");
            plugin.merge(*unwrap(into), *unwrap(from));
        });
    }

    static sl_status_t serialize(sl_report_builder_t *self, const sl_report_state_t *state,
                                 const sl_byte_sink_t *out) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(state && out && out->write, "serialize: state and sink are required");
            write(out, plugin.serialize(*unwrap(state)));
        });
    }

    // Bytes that do not restore are the caller's problem, whatever the
    // plugin's parser threw: SL_STATUS_INVALID_ARGUMENT, not INTERNAL.
    static State restore(P &plugin, std::string_view bytes)
    {
        try {
            return plugin.deserialize(bytes);
        } catch (const Error &) {
            throw;
        } catch (const std::bad_alloc &) {
            throw;
        } catch (const std::exception &e) {
            throw invalid_argument(std::string("cannot restore the state from these bytes: ") + e.what());
        }
    }

    static sl_status_t deserialize(sl_report_builder_t *self, const void *data, std::size_t size,
                                   sl_report_state_t **out) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(out != nullptr, "deserialize: out is NULL");
            *out = nullptr;
            require(data || size == 0, "deserialize: data is NULL but size is not 0");
            const std::string_view bytes(static_cast<const char *>(data), size);
            *out = wrap(new State(restore(plugin, bytes)));
        });
    }

    static sl_status_t finish(sl_report_builder_t *self, const sl_report_state_t *state,
                              const sl_byte_sink_t *out) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(state && out && out->write, "finish: state and sink are required");
            write(out, plugin.finish(*unwrap(state)));
        });
    }

    static void destroy_state(sl_report_builder_t *, sl_report_state_t *state) noexcept
    {
        delete unwrap(state);
    }

    static constexpr sl_report_builder_api_t api{&Self::destroy, &Self::last_error, &begin, &consume,
                                                 &merge, &serialize, &deserialize, &finish,
                                                 &destroy_state};

    static sl_status_t create(const sl_create_args_t *args, void **out) noexcept
    {
        return Self::create(&api, args, out);
    }
};

} // namespace detail
} // namespace servicelens
