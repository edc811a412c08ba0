#include <servicelens/host/plugin_kind.hpp>

#include <servicelens/context.h>
#include <servicelens/report.h>
#include <servicelens/sentiment.h>

namespace servicelens::host {

std::string_view factory_id(PluginKind kind) noexcept
{
    switch (kind) {
    case PluginKind::context: return SL_CONTEXT_FACTORY_ID;
    case PluginKind::sentiment: return SL_SENTIMENT_FACTORY_ID;
    case PluginKind::report: return SL_REPORT_FACTORY_ID;
    }
    return {};
}

std::string_view kind_name(PluginKind kind) noexcept
{
    switch (kind) {
    case PluginKind::context: return "context";
    case PluginKind::sentiment: return "sentiment";
    case PluginKind::report: return "report";
    }
    return {};
}

std::optional<PluginKind> parse_kind(std::string_view name) noexcept
{
    for (PluginKind kind : all_plugin_kinds)
        if (kind_name(kind) == name) return kind;
    return std::nullopt;
}

} // namespace servicelens::host
