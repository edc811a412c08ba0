/* ServiceLens plugin ABI: the host's key/value cache with expiry
 * ("servicelens.host-cache/1"). Each plugin instance has its own namespace;
 * the cache may drop any entry at any time, so it is never a store of record. */
#ifndef SERVICELENS_HOST_CACHE_H
#define SERVICELENS_HOST_CACHE_H

#include <stdint.h>

#include "host.h"
#include "str.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HOST_CACHE_ID "servicelens.host-cache/1"

typedef struct sl_host_cache {
    /* Writes the value stored under `key` into `out`. Returns SL_STATUS_OK,
     * SL_STATUS_NOT_FOUND when absent or expired, or the status the sink
     * returned. The host copies nothing back: the sink receives the bytes.
     * [thread-safe] */
    sl_status_t (*get)(const sl_host_t *host, sl_str_t key, const sl_byte_sink_t *out);
    /* Stores a copy of `value` under `key` for `ttl_ms` milliseconds (0: until
     * the instance is destroyed). Returns SL_STATUS_OK or
     * SL_STATUS_UNAVAILABLE when the cache is full. [thread-safe] */
    sl_status_t (*put)(const sl_host_t *host, sl_str_t key, const void *value, size_t size,
                       uint64_t ttl_ms);
    /* Removes `key`. Returns SL_STATUS_OK or SL_STATUS_NOT_FOUND. [thread-safe] */
    sl_status_t (*erase)(const sl_host_t *host, sl_str_t key);
} sl_host_cache_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_CACHE_H */
