/* ServiceLens plugin ABI: context providers ("servicelens.context/1").
 *
 * A context provider answers "who is this caller, what do they use, where
 * are they, how skilled are they?" for a batch of incidents, as namespaced
 * attributes ("caller.department", "device.primary.os") each with a
 * confidence and a source.
 *
 * Threads: one instance is called from one thread at a time unless its
 * descriptor has SL_DESCRIPTOR_THREAD_SAFE; the host then may share it
 * across its workers, otherwise it creates one instance per worker. */
#ifndef SERVICELENS_CONTEXT_H
#define SERVICELENS_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "incident.h"
#include "status.h"
#include "str.h"
#include "timestamp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_CONTEXT_FACTORY_ID "servicelens.context/1"

/* Which member of an attribute holds its value. */
typedef uint32_t sl_value_type_t;
enum {
    SL_VALUE_STRING = 0,  /* text */
    SL_VALUE_INTEGER = 1, /* integer */
    SL_VALUE_NUMBER = 2,  /* number */
    SL_VALUE_BOOLEAN = 3, /* integer: 0 or 1 */
    SL_VALUE_TIME = 4,    /* integer: an sl_timestamp_t */
    SL_VALUE_JSON = 5     /* text: a JSON array or object */
};

/* One fact about the caller or the incident. */
typedef struct sl_context_attribute {
    uint32_t struct_size;
    sl_value_type_t type;
    size_t incident_index;       /* index of the incident in the batch */
    sl_str_t key;                /* namespaced, lower-case, dot-separated */
    sl_str_t text;
    int64_t integer;
    double number;
    double confidence;           /* 0 (a guess) .. 1 (authoritative) */
    sl_str_t source;             /* where it came from: "hr_export.csv:118" */
    sl_timestamp_t observed_at;  /* when the source last saw it true */
    /* Fields are only ever appended, never reordered or removed. */
} sl_context_attribute_t;

/* Where a provider sends what it finds. Owned by the host, valid during
 * the enrich call. */
typedef struct sl_attribute_sink {
    uint32_t struct_size;
    uint32_t reserved_;
    void *context;
    /* Records one attribute; the host copies it before returning. Returns
     * SL_STATUS_OK, or an error status after which the provider stops and
     * returns that status. [instance-serialized]: on the enrich thread. */
    sl_status_t (*emit)(void *context, const sl_context_attribute_t *attribute);
    /* Records that incident `incident_index` could not be enriched, with a
     * message for the admin (copied before returning). The batch goes on.
     * [instance-serialized]: on the enrich thread. */
    void (*fail)(void *context, size_t incident_index, sl_status_t status, sl_str_t message);
    /* Fields are only ever appended, never reordered or removed. */
} sl_attribute_sink_t;

struct sl_context_provider_api;

/* An instance. A plugin embeds it as the first member of its own state. */
typedef struct sl_context_provider {
    const struct sl_context_provider_api *api;
} sl_context_provider_t;

typedef struct sl_context_provider_api {
    /* Frees the instance and everything it owns. `self` may be an instance
     * whose create failed. Never fails. [instance-serialized] */
    void (*destroy)(sl_context_provider_t *self);

    /* The message of the last failed call on this instance (made on the
     * calling thread, for a thread-safe instance); empty when none.
     * Valid until the next call on the instance or destroy. [instance-serialized] */
    sl_str_t (*get_last_error)(const sl_context_provider_t *self);

    /* Emits the attributes of `count` incidents into `sink`. An incident the
     * provider knows nothing about (unknown caller) yields no attribute and
     * no failure. A problem with one incident goes to sink->fail and the
     * batch continues. Returns SL_STATUS_OK, the status sink->emit returned,
     * or an error for the whole batch (its message in get_last_error).
     * `incidents` and everything they point to are valid during the call.
     * [instance-serialized] */
    sl_status_t (*enrich)(sl_context_provider_t *self, const sl_incident_t *const *incidents,
                          size_t count, const sl_attribute_sink_t *sink);
} sl_context_provider_api_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_CONTEXT_H */
