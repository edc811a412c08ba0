/* ServiceLens plugin ABI: the status every call returns. */
#ifndef SERVICELENS_STATUS_H
#define SERVICELENS_STATUS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Rationale: a fixed-width integer, not an enum type, so its size is the
 * same for every compiler and new codes can be added in a minor version.
 * A caller treats an unknown non-zero code like SL_STATUS_INTERNAL. */
typedef int32_t sl_status_t;

enum {
    SL_STATUS_OK = 0,
    /* The caller passed something the callee cannot accept (bad config, a
     * NULL where a value is required, malformed JSON). Retrying is useless. */
    SL_STATUS_INVALID_ARGUMENT = 1,
    /* The callee does not implement this call, id or option. */
    SL_STATUS_NOT_SUPPORTED = 2,
    /* A resource is unavailable right now (a file, a remote service);
     * the same call may succeed later. */
    SL_STATUS_UNAVAILABLE = 3,
    /* A deadline passed; the same call may succeed later. */
    SL_STATUS_TIMEOUT = 4,
    /* A bug or an unexpected condition inside the callee. */
    SL_STATUS_INTERNAL = 5,
    /* A lookup found nothing (cache miss, unknown key). Not an error in itself. */
    SL_STATUS_NOT_FOUND = 6
};

/* A stable, lower-case name for a status, for messages. Never NULL. */
static inline const char *sl_status_name(sl_status_t status)
{
    switch (status) {
    case SL_STATUS_OK: return "ok";
    case SL_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case SL_STATUS_NOT_SUPPORTED: return "not supported";
    case SL_STATUS_UNAVAILABLE: return "unavailable";
    case SL_STATUS_TIMEOUT: return "timeout";
    case SL_STATUS_INTERNAL: return "internal error";
    case SL_STATUS_NOT_FOUND: return "not found";
    default: return "unknown status";
    }
}

/* Whether repeating the same call later may succeed. */
static inline int sl_status_is_retryable(sl_status_t status)
{
    return status == SL_STATUS_UNAVAILABLE || status == SL_STATUS_TIMEOUT;
}

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_STATUS_H */
