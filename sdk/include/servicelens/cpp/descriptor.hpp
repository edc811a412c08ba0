// ServiceLens C++ plugin layer: describing a plugin at compile time.
//
//     static constexpr servicelens::PluginInfo info{
//         .id = "org.example.email-domain",
//         .name = "E-mail domain",
//         .version = "1.0.0",
//         .vendor = "Example Corp",
//         .description = "The caller's e-mail domain.",
//         .config_schema = R"({"type": "object", "additionalProperties": false})",
//         .emits = "caller.email_domain",
//     };
//
// `emits` is a comma-separated list (no spaces), `config_schema` JSON
// Schema draft-07 text. The layer turns `info` into the C descriptor as
// constant data: nothing runs at load time.
#pragma once

#include <servicelens/factory.h>

#include "strings.hpp"

#include <array>
#include <cstddef>
#include <string_view>

namespace servicelens {

struct PluginInfo {
    std::string_view id = {};
    std::string_view name = {};
    std::string_view version = {};
    std::string_view vendor = {};
    std::string_view description = {};
    std::string_view config_schema = R"({"type": "object", "additionalProperties": false})";
    std::string_view emits = {};
    // True when one instance may be called from several threads at once.
    bool thread_safe = false;
};

namespace detail {

constexpr std::size_t count_items(std::string_view list) noexcept
{
    if (list.empty()) return 0;
    std::size_t n = 1;
    for (char c : list) n += c == ',';
    return n;
}

template <std::size_t N>
constexpr std::array<sl_str_t, N> split_items(std::string_view list) noexcept
{
    std::array<sl_str_t, N> items{};
    for (std::size_t i = 0; i < N; ++i) {
        const std::size_t comma = list.find(',');
        items[i] = str(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    }
    return items;
}

// The C descriptor of plugin class P, built from P::info as constant data.
template <class P>
struct DescriptorOf {
    static constexpr std::size_t emit_count = count_items(P::info.emits);
    // One spare element so a plugin that emits nothing still has an array.
    static constexpr std::array<sl_str_t, emit_count + 1> emits =
        split_items<emit_count + 1>(P::info.emits);
    static constexpr sl_plugin_descriptor_t value{
        sizeof(sl_plugin_descriptor_t),
        P::info.thread_safe ? static_cast<uint32_t>(SL_DESCRIPTOR_THREAD_SAFE) : 0u,
        str(P::info.id),
        str(P::info.name),
        str(P::info.version),
        str(P::info.vendor),
        str(P::info.description),
        str(P::info.config_schema),
        emits.data(),
        emit_count,
    };
};

} // namespace detail
} // namespace servicelens
