/* ServiceLens plugin ABI: what the host hands every plugin instance.
 *
 * A plugin never links an HTTP stack, a logger or a YAML parser: it asks the
 * host for a service table by id. Each service has its own revisioned id, so
 * a service can grow by publishing ".../2" next to ".../1". */
#ifndef SERVICELENS_HOST_H
#define SERVICELENS_HOST_H

#include <stdint.h>

#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sl_host {
    uint32_t struct_size;
    uint32_t reserved_;      /* zero */
    sl_version_t abi_version; /* the ABI the host implements */
    /* Opaque to the plugin: identifies the instance this table was made for
     * (its logger name, its cache namespace). */
    void *host_data;

    /* Returns the service table registered under `service_id` (for example
     * SL_HOST_LOG_ID), or NULL when this host does not offer it; a plugin
     * checks for NULL and degrades or fails create with a clear message.
     * Ownership: the table belongs to the host and stays valid until the
     * instance is destroyed. `service_id` is NUL-terminated.
     * [thread-safe] */
    const void *(*get_service)(const struct sl_host *host, const char *service_id);
    /* Fields are only ever appended, never reordered or removed. */
} sl_host_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_H */
