// ServiceLens C++ plugin layer: what every instance has in common — the C
// struct the host holds, the plugin object behind it and its last error.
// Plugin authors do not use this header directly.
#pragma once

#include <servicelens/factory.h>

#include "error.hpp"
#include "host.hpp"
#include "strings.hpp"

#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>

namespace servicelens {

// What a plugin's constructor receives.
struct CreateContext {
    std::string_view plugin_id;
    std::string_view instance_name;
    std::string_view config_json;   // valid during the constructor only
    Host host;                      // valid for the instance's lifetime
};

namespace detail {

// The object behind one C instance pointer. Standard layout, so a pointer
// to it and to its first member convert both ways.
template <class CStruct, class Plugin>
struct Instance {
    struct State {
        LastError last_error;
        std::unique_ptr<Plugin> plugin;
    };

    CStruct c;
    State *state;

    static Instance *from(CStruct *c) noexcept { return reinterpret_cast<Instance *>(c); }
    static const Instance *from(const CStruct *c) noexcept
    {
        return reinterpret_cast<const Instance *>(c);
    }

    // Runs `body(plugin)` guarded; refuses instances whose create failed.
    template <class Body>
    sl_status_t call(Body &&body) noexcept
    {
        if (!state->plugin)
            return remember(state->last_error, SL_STATUS_INVALID_ARGUMENT,
                            "this instance failed to create and can only be destroyed");
        return guarded(state->last_error, [&] { return body(*state->plugin); });
    }

    static sl_status_t create(const typename std::remove_pointer_t<decltype(CStruct::api)> *api,
                              const sl_create_args_t *args, void **out) noexcept
    {
        if (!out) return SL_STATUS_INVALID_ARGUMENT;
        *out = nullptr;
        if (!args || !args->host) return SL_STATUS_INVALID_ARGUMENT;
        auto *instance = new (std::nothrow) Instance{CStruct{api}, nullptr};
        if (!instance) return SL_STATUS_INTERNAL;
        instance->state = new (std::nothrow) State;
        if (!instance->state) {
            delete instance;
            return SL_STATUS_INTERNAL;
        }
        // Handed out even on failure: the host reads the message, then destroys.
        *out = &instance->c;
        return guarded(instance->state->last_error, [&] {
            instance->state->plugin = std::make_unique<Plugin>(
                CreateContext{view(args->plugin_id), view(args->instance_name),
                              view(args->config_json), Host(args->host)});
        });
    }

    static void destroy(CStruct *c) noexcept
    {
        if (!c) return;
        Instance *instance = from(c);
        delete instance->state;
        delete instance;
    }

    static sl_str_t last_error(const CStruct *c) noexcept
    {
        if (!c) return sl_str_t{nullptr, 0};
        return from(c)->state->last_error.get();
    }
};

// Argument checks shared by the trampolines.
inline void require(bool condition, const char *what)
{
    if (!condition) throw Error(SL_STATUS_INVALID_ARGUMENT, what);
}

} // namespace detail
} // namespace servicelens
