// servicelens: the ServiceLens host's command line.
#include "commands.hpp"

#include <servicelens/host/logging.hpp>

#include <boost/dll/runtime_symbol_info.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace servicelens::cli {

std::vector<std::filesystem::path> default_plugin_dirs()
{
    std::vector<std::filesystem::path> dirs;
    if (const char *env = std::getenv("SERVICELENS_PLUGIN_PATH"); env && *env) {
        std::stringstream list(env);
        for (std::string dir; std::getline(list, dir, ':');)
            if (!dir.empty()) dirs.emplace_back(dir);
        return dirs;
    }
    const std::filesystem::path bin = boost::dll::program_location().parent_path().string();
    // The build tree's folder, then the installation's (lib, or lib64 or a
    // multiarch folder, as GNUInstallDirs chose at build time).
    for (const auto &candidate : {bin / ".." / "lib" / "servicelens" / "plugins", bin / ".." / SERVICELENS_INSTALL_PLUGIN_DIR})
        if (std::filesystem::is_directory(candidate)) {
            dirs.push_back(std::filesystem::weakly_canonical(candidate));
            break;
        }
    return dirs;
}

void apply_logging_settings(const config::HostConfig &cfg, const GlobalOptions &global)
{
    const std::string &level = global.log_level_given ? global.log_level : cfg.log_level;
    const std::string &format = global.log_format_given ? global.log_format : cfg.log_format;
    host::configure_logging(level, format == "json" ? host::LogFormat::json : host::LogFormat::text);
}

config::HostConfig load_command_config(const std::filesystem::path &file, const GlobalOptions &global)
{
    try {
        config::HostConfig cfg = config::load_host_config(file, {{}, default_plugin_dirs()});
        host::redact_in_logs(cfg.secrets);
        apply_logging_settings(cfg, global);
        return cfg;
    } catch (const config::ConfigError &e) {
        throw CommandFailed(exit_bad_input, fmt::format("{}\n{} problem(s); `servicelens config validate {}` checks a fix",
                                                        e.what(), e.problems().size(), file.string()));
    }
}

} // namespace servicelens::cli

int main(int argc, char **argv)
{
    using namespace servicelens;
    CLI::App app{"ServiceLens: see the caller's context, hear their sentiment and report the service desk's "
                 "value, through plugins.\n\nExamples:\n"
                 "  servicelens plugins list                 every plugin found, and the files refused\n"
                 "  servicelens plugins inspect FILE.so      what a plugin is, without running it\n"
                 "  servicelens demo                         run every plugin on built-in sample data\n"
                 "  servicelens config validate FILE.yaml    check a configuration; every problem with its line\n"
                 "  servicelens seed --out desk               generate a service desk to try it all on\n"
                 "  servicelens sync --once --config desk/servicelens.yaml\n"
                 "                                           enrich and write back; safe to kill at any point\n"
                 "  servicelens report --plugin ticket-volume --config desk/servicelens.yaml\n"
                 "                                           the stored data as HTML, Markdown, JSON and CSV\n"
                 "  servicelens new plugin --kind context --name ticket-age ticket-age\n"
                 "                                           a plugin project that builds against the SDK\n",
                 "servicelens"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("servicelens ") + SERVICELENS_VERSION);

    cli::GlobalOptions global;
    auto *log_level = app.add_option("--log-level", global.log_level,
                                     "trace, debug, info, warn, error or off; outranks the configuration's logging.level")
                          ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
                          ->capture_default_str();
    auto *log_format = app.add_option("--log-format", global.log_format,
                                      "text, or json (one object per line, for log shippers); outranks logging.format")
                           ->check(CLI::IsMember({"text", "json"}))
                           ->capture_default_str();
    app.add_flag("--never-unload", global.load.never_unload,
                 "Keep plugin libraries mapped until the process exits (for plugins that leave threads "
                 "behind, and for leak reports with symbols)");
    app.parse_complete_callback([&] {
        global.log_level_given = log_level->count() > 0;
        global.log_format_given = log_format->count() > 0;
        host::configure_logging(global.log_level,
                                global.log_format == "json" ? host::LogFormat::json : host::LogFormat::text);
    });

    cli::add_version_command(app);
    cli::add_plugins_command(app, global);
    cli::add_demo_command(app, global);
    cli::add_config_command(app, global);
    cli::add_seed_command(app, global);
    cli::add_sync_commands(app, global);
    cli::add_report_command(app, global);
    cli::add_import_command(app);
    cli::add_sentiment_command(app, global);
    cli::add_new_command(app);
    cli::add_outbox_command(app, global);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : cli::exit_bad_input;
    } catch (const cli::CommandFailed &e) {
        std::cerr << "servicelens: " << host::redact_secrets(e.what()) << '\n';
        return e.exit_code();
    } catch (const std::exception &e) {
        std::cerr << "servicelens: " << host::redact_secrets(e.what()) << '\n';
        return cli::exit_failure;
    }
    return 0;
}
