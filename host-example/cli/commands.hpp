// The `servicelens` subcommands. Each add_* registers one command (and its
// options) on the app; the command runs from CLI11's callback and reports
// failure by throwing CommandFailed with the exit code to use.
#pragma once

#include <servicelens/config/host_config.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace servicelens::cli {

class CommandFailed : public std::runtime_error {
public:
    CommandFailed(int exit_code, const std::string &message) : std::runtime_error(message), exit_code_(exit_code) {}
    int exit_code() const noexcept { return exit_code_; }

private:
    int exit_code_;
};

// Exit codes: 0 success, 1 the work failed, 2 bad input (usage, files, config).
inline constexpr int exit_failure = 1;
inline constexpr int exit_bad_input = 2;

// Plugin directories when none is given: $SERVICELENS_PLUGIN_PATH (colon-
// separated), else the build tree's or the installation's plugin folder
// next to the executable.
std::vector<std::filesystem::path> default_plugin_dirs();

// Options every command shares; they live in main() for the whole run.
struct GlobalOptions {
    host::LoadOptions load;
    std::string log_level = "info";
    std::string log_format = "text";
    bool log_level_given = false;    // on the command line, which outranks the configuration
    bool log_format_given = false;
};

// Applies the configuration's `logging` section, except what the command
// line set: --log-level and --log-format outrank the file.
void apply_logging_settings(const config::HostConfig &cfg, const GlobalOptions &global);

// The configuration a command runs on, with its secrets kept out of the
// logs and its logging settings applied; a bad file is bad input, with the
// way to check a fix.
config::HostConfig load_command_config(const std::filesystem::path &file, const GlobalOptions &global);

void add_version_command(CLI::App &app);
void add_plugins_command(CLI::App &app, const GlobalOptions &global);
void add_demo_command(CLI::App &app, const GlobalOptions &global);
void add_config_command(CLI::App &app, const GlobalOptions &global);
void add_seed_command(CLI::App &app, const GlobalOptions &global);
void add_sync_commands(CLI::App &app, const GlobalOptions &global);
void add_report_command(CLI::App &app, const GlobalOptions &global);
void add_import_command(CLI::App &app);
void add_sentiment_command(CLI::App &app, const GlobalOptions &global);
void add_new_command(CLI::App &app);
void add_outbox_command(CLI::App &app, const GlobalOptions &global);

} // namespace servicelens::cli
