// ServiceLens C++ plugin layer: exporting plugin classes from a library.
//
//     SERVICELENS_PLUGINS(EmailDomain, Polarity)
//
// in exactly one source file of the library defines the one exported symbol,
// servicelens_plugin_entry, with a factory per kind that lists and creates
// the named classes. Everything is constant data (constinit): nothing runs
// when the library is loaded.
#pragma once

#include <servicelens/entry.h>
#include <servicelens/version.h>

#include "context_provider.hpp"
#include "descriptor.hpp"
#include "report_builder.hpp"
#include "sentiment_analyzer.hpp"
#include "strings.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace servicelens::detail {

enum class Kind { context, sentiment, report };

template <class P>
constexpr Kind kind_of() noexcept
{
    if constexpr (std::is_base_of_v<ContextProvider, P>) {
        return Kind::context;
    } else if constexpr (std::is_base_of_v<SentimentAnalyzer, P>) {
        return Kind::sentiment;
    } else {
        static_assert(std::is_base_of_v<ReportBuilderTag, P>,
                      "a plugin class derives from ContextProvider, SentimentAnalyzer or ReportBuilder");
        return Kind::report;
    }
}

template <class P>
using TrampolinesOf = std::conditional_t<
    kind_of<P>() == Kind::context, ContextTrampolines<P>,
    std::conditional_t<kind_of<P>() == Kind::sentiment, SentimentTrampolines<P>, ReportTrampolines<P>>>;

// The factory of kind K over the plugin classes of that kind in Plugins.
template <Kind K, class... Plugins>
struct Factory {
    static constexpr std::size_t count = ((kind_of<Plugins>() == K ? 1 : 0) + ... + 0);

    static constexpr std::array<const sl_plugin_descriptor_t *, count + 1> descriptors = [] {
        std::array<const sl_plugin_descriptor_t *, count + 1> list{};
        std::size_t i = 0;
        ((kind_of<Plugins>() == K ? void(list[i++] = &DescriptorOf<Plugins>::value) : void()), ...);
        return list;
    }();

    static uint32_t descriptor_count(const sl_plugin_factory_t *) noexcept
    {
        return static_cast<uint32_t>(count);
    }

    static const sl_plugin_descriptor_t *descriptor(const sl_plugin_factory_t *, uint32_t index) noexcept
    {
        return index < count ? descriptors[index] : nullptr;
    }

    template <class P>
    static bool try_create(const sl_create_args_t *args, void **out, sl_status_t &status) noexcept
    {
        if constexpr (kind_of<P>() != K) {
            return false;
        } else {
            if (view(args->plugin_id) != P::info.id) return false;
            status = TrampolinesOf<P>::create(args, out);
            return true;
        }
    }

    static sl_status_t create(const sl_plugin_factory_t *, const sl_create_args_t *args, void **out) noexcept
    {
        if (!out) return SL_STATUS_INVALID_ARGUMENT;
        *out = nullptr;
        if (!args) return SL_STATUS_INVALID_ARGUMENT;
        sl_status_t status = SL_STATUS_INVALID_ARGUMENT; // no plugin has that id
        (try_create<Plugins>(args, out, status) || ...);
        return status;
    }

    static constexpr sl_plugin_factory_t table{&descriptor_count, &descriptor, &create};
};

template <class... Plugins>
struct Entry {
    static_assert(sizeof...(Plugins) > 0, "SERVICELENS_PLUGINS needs at least one plugin class");

    // Constant-initialized: no constructor runs at load time.
    static inline std::atomic<int> init_count{0};

    static sl_status_t init(sl_str_t) noexcept
    {
        init_count.fetch_add(1, std::memory_order_acq_rel);
        return SL_STATUS_OK;
    }

    static void deinit() noexcept
    {
        int n = init_count.load(std::memory_order_acquire);
        // Extra deinits are a host bug; never go below zero.
        while (n > 0 && !init_count.compare_exchange_weak(n, n - 1, std::memory_order_acq_rel)) {
        }
    }

    template <Kind K>
    static const sl_plugin_factory_t *factory() noexcept
    {
        return Factory<K, Plugins...>::count ? &Factory<K, Plugins...>::table : nullptr;
    }

    static const sl_plugin_factory_t *get_factory(const char *id) noexcept
    {
        if (!id || init_count.load(std::memory_order_acquire) == 0) return nullptr;
        const std::string_view wanted(id);
        if (wanted == SL_CONTEXT_FACTORY_ID) return factory<Kind::context>();
        if (wanted == SL_SENTIMENT_FACTORY_ID) return factory<Kind::sentiment>();
        if (wanted == SL_REPORT_FACTORY_ID) return factory<Kind::report>();
        return nullptr;
    }

    static constexpr sl_plugin_entry_t value{SL_ABI_VERSION_INIT, sizeof(sl_plugin_entry_t), &init,
                                             &deinit, &get_factory};
};

} // namespace servicelens::detail

#define SERVICELENS_PLUGINS(...)                                                                   \
    extern "C" {                                                                                   \
    SL_PLUGIN_EXPORT extern const sl_plugin_entry_t servicelens_plugin_entry;                     \
    constinit const sl_plugin_entry_t servicelens_plugin_entry =                                  \
        ::servicelens::detail::Entry<__VA_ARGS__>::value;                                          \
    }
