// The host's logging set-up: one spdlog logger per plugin instance plus the
// host's own, all writing to stderr as text or JSON lines.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace servicelens::host {

enum class LogFormat { text, json };

// Throws std::invalid_argument for an unknown level (with the valid ones).
void configure_logging(std::string_view level, LogFormat format);

// The logger named `name`, created on first use with the configured sinks.
std::shared_ptr<spdlog::logger> logger_for(const std::string &name);

} // namespace servicelens::host
