/* ServiceLens plugin ABI: the host's log service ("servicelens.host-log/1").
 * Messages go to the host's logger (spdlog) tagged with the plugin instance. */
#ifndef SERVICELENS_HOST_LOG_H
#define SERVICELENS_HOST_LOG_H

#include <stdint.h>

#include "host.h"
#include "str.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HOST_LOG_ID "servicelens.host-log/1"

typedef int32_t sl_log_level_t;
enum {
    SL_LOG_TRACE = 0,
    SL_LOG_DEBUG = 1,
    SL_LOG_INFO = 2,
    SL_LOG_WARN = 3,
    SL_LOG_ERROR = 4
};

typedef struct sl_host_log {
    /* Whether a message at `level` would be written; lets a plugin skip
     * formatting what nobody reads. [thread-safe] */
    int (*enabled)(const sl_host_t *host, sl_log_level_t level);
    /* Writes one message. The host copies `message` before returning. Never
     * fails from the plugin's point of view. Never put secrets in it.
     * [thread-safe] */
    void (*write)(const sl_host_t *host, sl_log_level_t level, sl_str_t message);
} sl_host_log_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_LOG_H */
