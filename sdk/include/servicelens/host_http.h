/* ServiceLens plugin ABI: HTTP through the host ("servicelens.host-http/1").
 *
 * The host owns the HTTP stack (libcurl): credentials of named connections,
 * TLS verification, proxies, timeouts, retries with backoff, 429 handling and
 * rate limits. A plugin names a connection configured by the admin and never
 * sees its secret.
 *
 * A host may not offer this service (get_service returns NULL); a plugin
 * that needs it fails create with a message saying so. */
#ifndef SERVICELENS_HOST_HTTP_H
#define SERVICELENS_HOST_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "str.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HOST_HTTP_ID "servicelens.host-http/1"

typedef struct sl_http_request {
    uint32_t struct_size;
    uint32_t timeout_ms;          /* total time for the call, retries included; 0: host default */
    sl_str_t connection;          /* admin-configured connection whose base URL and auth apply; may be empty */
    sl_str_t method;              /* "GET", "POST", ... */
    sl_str_t url;                 /* absolute, or relative to the connection's base URL */
    const sl_key_value_t *headers;
    size_t header_count;
    sl_str_t body;
    /* Fields are only ever appended, never reordered or removed. */
} sl_http_request_t;

typedef struct sl_http_response {
    uint32_t struct_size;
    int32_t status;               /* HTTP status code */
    const sl_key_value_t *headers;
    size_t header_count;
    sl_str_t body;
    /* Fields are only ever appended, never reordered or removed. */
} sl_http_response_t;

/* Receives the final response (after the host's retries). The views are
 * valid only during the call. Returns SL_STATUS_OK or an error status that
 * `perform` then returns. */
typedef sl_status_t (*sl_http_response_fn)(void *context, const sl_http_response_t *response);

typedef struct sl_host_http {
    /* Performs `request` and delivers the response to `on_response` before
     * returning. Any HTTP status, 4xx and 5xx included, counts as a response.
     * Returns SL_STATUS_OK after delivery; SL_STATUS_TIMEOUT or
     * SL_STATUS_UNAVAILABLE when no response came after retries;
     * SL_STATUS_INVALID_ARGUMENT for an unknown connection or a bad URL. The
     * message is logged by the host. Blocks the calling thread. [thread-safe] */
    sl_status_t (*perform)(const sl_host_t *host, const sl_http_request_t *request,
                           sl_http_response_fn on_response, void *context);
} sl_host_http_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_HTTP_H */
