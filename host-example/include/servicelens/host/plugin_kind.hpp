// The three plugin kinds, their factory ids and the names people use.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace servicelens::host {

enum class PluginKind { context, sentiment, report };

inline constexpr std::array<PluginKind, 3> all_plugin_kinds{PluginKind::context, PluginKind::sentiment,
                                                             PluginKind::report};

// "servicelens.context/1", ... : what get_factory is asked for.
std::string_view factory_id(PluginKind kind) noexcept;

// "context", "sentiment", "report": what the CLI prints and accepts.
std::string_view kind_name(PluginKind kind) noexcept;

std::optional<PluginKind> parse_kind(std::string_view name) noexcept;

} // namespace servicelens::host
