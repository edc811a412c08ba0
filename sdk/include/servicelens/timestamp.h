/* ServiceLens plugin ABI: points in time. */
#ifndef SERVICELENS_TIMESTAMP_H
#define SERVICELENS_TIMESTAMP_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Milliseconds since 1970-01-01T00:00:00Z, always UTC.
 *
 * Rationale: one integer compares, subtracts and buckets without parsing;
 * connectors convert vendor time zones once, at the edge, and ISO-8601 text
 * only appears in JSON documents. */
typedef int64_t sl_timestamp_t;

/* "No value": the event has not happened (not resolved yet) or is unknown. */
#define SL_TIMESTAMP_NONE INT64_MIN

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_TIMESTAMP_H */
