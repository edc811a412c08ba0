/* ServiceLens plugin ABI: version numbers and the compatibility rule. */
#ifndef SERVICELENS_VERSION_H
#define SERVICELENS_VERSION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI these headers describe. A plugin records the version it was built
 * against in its entry; the host records its own in every sl_host_t. */
#define SL_ABI_VERSION_MAJOR 1
#define SL_ABI_VERSION_MINOR 1
#define SL_ABI_VERSION_PATCH 0

typedef struct sl_version {
    uint32_t major;
    uint32_t minor;
    uint32_t patch;
} sl_version_t;

#define SL_ABI_VERSION_INIT { SL_ABI_VERSION_MAJOR, SL_ABI_VERSION_MINOR, SL_ABI_VERSION_PATCH }

/* A host loads a plugin when the majors match and the host's minor is at
 * least the plugin's. The patch number never affects compatibility.
 *
 * Rationale: a plugin built against 1.3 may call a host service that only
 * exists since 1.3, so a 1.2 host must refuse it; a 1.3 host keeps every
 * 1.0..1.2 table, so it accepts all older minors of its major. */
static inline int sl_version_is_compatible(sl_version_t host, sl_version_t plugin)
{
    return host.major == plugin.major && host.minor >= plugin.minor;
}

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_VERSION_H */
