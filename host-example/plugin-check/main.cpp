// servicelens-plugin-check: the conformance kit. Loads a plugin library and
// exercises every plugin in it the way a host will (and the ways a host
// may go wrong), then prints a pass/fail table. Exit status: 0 all passed,
// 1 a check failed, 2 the library could not be loaded or bad usage.
#include "check_report.hpp"
#include "conformance_checks.hpp"

#include <servicelens/host/logging.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

int main(int argc, char **argv)
{
    using namespace servicelens;
    kit::KitOptions options;
    bool json = false;
    std::string log_level = "warn";
    CLI::App app{"Check that a ServiceLens plugin library follows the ABI: loading and versions, descriptors, "
                 "empty and large batches, missing fields, invalid UTF-8, error paths, sink refusals, "
                 "create/destroy cycles, and concurrent calls where the plugin declares them safe.\n\n"
                 "Example:\n  servicelens-plugin-check build/default/lib/servicelens/plugins/email-domain.so\n"
                 "  servicelens-plugin-check my-plugin.so --config '{\"file\": \"hr.csv\"}'\n",
                 "servicelens-plugin-check"};
    app.add_option("FILE", options.file, "The plugin library (.so) to check")->required()->check(CLI::ExistingFile);
    app.add_option("--config", options.config_json, "Instance configuration (JSON) to create every plugin with")
        ->capture_default_str();
    app.add_option("--batch", options.large_batch, "Size of the large batch")->capture_default_str()->check(CLI::PositiveNumber);
    app.add_option("--cycles", options.cycles, "Create/destroy cycles")->capture_default_str()->check(CLI::PositiveNumber);
    app.add_option("--threads", options.threads, "Threads for the concurrency check")->capture_default_str()
        ->check(CLI::Range(1u, 64u));
    app.add_flag("--json", json, "Print the results as JSON");
    app.add_option("--log-level", log_level, "Log level of the plugins' messages")->capture_default_str()
        ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    host::configure_logging(log_level, host::LogFormat::text);

    kit::CheckReport report;
    const bool loaded = kit::check_library(options, report);
    if (json)
        report.print_json();
    else {
        fmt::print("servicelens-plugin-check {}\n\n", options.file.string());
        report.print_table();
    }
    if (!loaded) return 2;
    return report.any_failed() ? 1 : 0;
}
