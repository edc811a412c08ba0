// The host's logging set-up: one spdlog logger per plugin instance plus the
// host's own, all writing to stderr as text or JSON lines.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spdlog {
class logger;
}

namespace servicelens::host {

enum class LogFormat { text, json };

// Throws std::invalid_argument for an unknown level (with the valid ones).
void configure_logging(std::string_view level, LogFormat format);

// The logger named `name`, created on first use with the configured sinks.
std::shared_ptr<spdlog::logger> logger_for(const std::string &name);

// From now on, every log line has each of `secrets` replaced by "********".
// Rationale: a secret can reach a message through a plugin or a library we
// do not control; scrubbing at the sink catches it wherever it came from.
void redact_in_logs(const std::vector<std::string> &secrets);

// `text` with every secret registered so far replaced by "********": for
// messages that do not go through the logger (the CLI's final error).
std::string redact_secrets(std::string text);

} // namespace servicelens::host
