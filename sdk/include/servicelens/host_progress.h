/* ServiceLens plugin ABI: progress of long work ("servicelens.host-progress/1"),
 * shown by the host as a progress bar on a terminal or periodic log lines. */
#ifndef SERVICELENS_HOST_PROGRESS_H
#define SERVICELENS_HOST_PROGRESS_H

#include <stdint.h>

#include "host.h"
#include "str.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HOST_PROGRESS_ID "servicelens.host-progress/1"

typedef struct sl_host_progress {
    /* Reports that `done` of `total` units of `stage` are finished (`total`
     * 0: unknown). Cheap enough to call per item; the host rate-limits
     * output. Returns non-zero when the host asks the plugin to stop early
     * (shutdown requested); the plugin then returns SL_STATUS_UNAVAILABLE.
     * [thread-safe] */
    int (*update)(const sl_host_t *host, sl_str_t stage, uint64_t done, uint64_t total);
} sl_host_progress_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_PROGRESS_H */
