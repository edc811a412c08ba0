// Whether the host can load a plugin built against another ABI version.
#pragma once

#include <servicelens/version.h>

#include <optional>
#include <string>

namespace servicelens::host {

inline constexpr sl_version_t host_abi_version = SL_ABI_VERSION_INIT;

std::string to_string(sl_version_t version);

// nullopt when compatible; otherwise the reason, naming both versions and
// what to do, e.g. "built against ABI 2.0.0, but this host implements ABI
// 1.0.0: rebuild the plugin against ServiceLens 1.x".
std::optional<std::string> abi_incompatibility(sl_version_t host, sl_version_t plugin);

} // namespace servicelens::host
