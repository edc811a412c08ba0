/* ServiceLens plugin ABI: counters ("servicelens.host-metrics/1"), exported
 * by the host under the plugin instance's name. */
#ifndef SERVICELENS_HOST_METRICS_H
#define SERVICELENS_HOST_METRICS_H

#include <stdint.h>

#include "host.h"
#include "str.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HOST_METRICS_ID "servicelens.host-metrics/1"

typedef struct sl_host_metrics {
    /* Adds `delta` to the counter `name` (snake_case, created on first use).
     * Never fails. [thread-safe] */
    void (*add)(const sl_host_t *host, sl_str_t name, int64_t delta);
} sl_host_metrics_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_METRICS_H */
