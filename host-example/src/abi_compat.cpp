#include <servicelens/host/abi_compat.hpp>

#include <fmt/format.h>

namespace servicelens::host {

std::string to_string(sl_version_t v) { return fmt::format("{}.{}.{}", v.major, v.minor, v.patch); }

std::optional<std::string> abi_incompatibility(sl_version_t host, sl_version_t plugin)
{
    if (sl_version_is_compatible(host, plugin)) return std::nullopt;
    if (plugin.major != host.major)
        return fmt::format("built against ABI {}, but this host implements ABI {}: majors differ; "
                           "rebuild the plugin against a ServiceLens {}.x SDK",
                           to_string(plugin), to_string(host), host.major);
    return fmt::format("built against ABI {}, newer than this host's ABI {}: it may call services this "
                       "host lacks; upgrade the host to ServiceLens {}.{} or later, or rebuild the plugin "
                       "against SDK {}.{}",
                       to_string(plugin), to_string(host), plugin.major, plugin.minor, host.major, host.minor);
}

} // namespace servicelens::host
