/* ServiceLens plugin ABI: the host's clock ("servicelens.host-clock/1").
 *
 * Rationale: plugins read time through the host so that tests, replays and
 * back-fills can run on a fixed or simulated clock. */
#ifndef SERVICELENS_HOST_CLOCK_H
#define SERVICELENS_HOST_CLOCK_H

#include <stdint.h>

#include "host.h"
#include "timestamp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HOST_CLOCK_ID "servicelens.host-clock/1"

typedef struct sl_host_clock {
    /* The current UTC wall-clock time (possibly simulated). Never fails. [thread-safe] */
    sl_timestamp_t (*now)(const sl_host_t *host);
    /* A monotonic nanosecond counter for measuring durations. Never fails. [thread-safe] */
    uint64_t (*monotonic_ns)(const sl_host_t *host);
} sl_host_clock_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_CLOCK_H */
