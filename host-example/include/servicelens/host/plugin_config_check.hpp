// The part of configuration checking that needs the plugins themselves:
// every instance names a plugin that loads, and its config section follows
// that plugin's own schema.
#pragma once

#include "plugin_registry.hpp"

#include <servicelens/config/host_config.hpp>

#include <vector>

namespace servicelens::host {

// Scans config.plugin_dirs into `registry` and returns a problem for every
// instance whose plugin is missing (with a "did you mean") or whose config
// breaks the plugin's schema (with the line of the offending value).
std::vector<config::ConfigProblem> check_plugin_instances(const config::HostConfig &config, PluginRegistry &registry);

} // namespace servicelens::host
