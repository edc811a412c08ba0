#include "commands.hpp"

#include <servicelens/host/abi_compat.hpp>
#include <servicelens/host/plugin_kind.hpp>

#include <servicelens/host_cache.h>
#include <servicelens/host_clock.h>
#include <servicelens/host_history.h>
#include <servicelens/host_http.h>
#include <servicelens/host_log.h>
#include <servicelens/host_metrics.h>
#include <servicelens/host_progress.h>

#include <fmt/format.h>

namespace servicelens::cli {

void add_version_command(CLI::App &app)
{
    CLI::App *cmd = app.add_subcommand("version", "Print the host version, the plugin ABI it implements, "
                                                  "the plugin kinds and the host services it offers");
    cmd->callback([] {
        fmt::print("servicelens {}\n", SERVICELENS_VERSION);
        fmt::print("plugin ABI  {} (loads plugins built against {}.0 to {}.{})\n",
                   host::to_string(host::host_abi_version), host::host_abi_version.major,
                   host::host_abi_version.major, host::host_abi_version.minor);
        fmt::print("kinds       ");
        for (host::PluginKind kind : host::all_plugin_kinds) fmt::print("{} ", host::factory_id(kind));
        fmt::print("\nservices    {} {} {} {} {}\n", SL_HOST_LOG_ID, SL_HOST_CLOCK_ID, SL_HOST_CACHE_ID,
                   SL_HOST_PROGRESS_ID, SL_HOST_METRICS_ID);
        fmt::print("during sync {} (the desk's memory of each caller)\n", SL_HOST_HISTORY_ID);
        fmt::print("declared    {} (not offered by this host yet)\n", SL_HOST_HTTP_ID);
    });
}

} // namespace servicelens::cli
