/* ServiceLens plugin ABI: report builders ("servicelens.report/1").
 *
 * A report builder folds records (an incident with its enrichment) into a
 * state, and turns a state into a report document. States merge and
 * serialize, so shards of a desk's history can be computed anywhere, in
 * any order, and combined: begin -> consume* -> (serialize / deserialize /
 * merge)* -> finish.
 *
 * Threads: calls on one instance are serialized unless the descriptor has
 * SL_DESCRIPTOR_THREAD_SAFE. Even then one state is never used by two
 * threads at once; the host guarantees that. */
#ifndef SERVICELENS_REPORT_H
#define SERVICELENS_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "context.h"
#include "incident.h"
#include "sentiment.h"
#include "status.h"
#include "str.h"
#include "timestamp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_REPORT_FACTORY_ID "servicelens.report/1"

/* The period and options of one report. */
typedef struct sl_report_params {
    uint32_t struct_size;
    uint32_t reserved_;
    sl_timestamp_t from;          /* inclusive */
    sl_timestamp_t to;            /* exclusive */
    sl_str_t time_zone;           /* IANA name for day and week boundaries; empty: UTC */
    /* Fields are only ever appended, never reordered or removed. */
} sl_report_params_t;

/* A stored sentiment score of one of the incident's texts. */
typedef struct sl_scored_text {
    uint32_t struct_size;
    sl_sentiment_label_t label;
    sl_str_t text_id;             /* comment or survey response id */
    sl_str_t plugin_id;           /* the analyzer that scored it */
    sl_timestamp_t observed_at;   /* when the text was written */
    double compound;
    /* Fields are only ever appended, never reordered or removed. */
} sl_scored_text_t;

/* One incident and what the host stored about it. */
typedef struct sl_report_record {
    uint32_t struct_size;
    uint32_t reserved_;
    const sl_incident_t *incident;
    const sl_context_attribute_t *const *attributes;
    size_t attribute_count;
    const sl_scored_text_t *const *sentiments;
    size_t sentiment_count;
    /* Fields are only ever appended, never reordered or removed. */
} sl_report_record_t;

/* A plugin-defined accumulation. Opaque to the host. */
typedef struct sl_report_state sl_report_state_t;

struct sl_report_builder_api;

/* An instance. A plugin embeds it as the first member of its own state. */
typedef struct sl_report_builder {
    const struct sl_report_builder_api *api;
} sl_report_builder_t;

typedef struct sl_report_builder_api {
    /* Frees the instance. Every state it made must already be destroyed.
     * `self` may be an instance whose create failed. Never fails.
     * [instance-serialized] */
    void (*destroy)(sl_report_builder_t *self);

    /* The message of the last failed call (made on the calling thread, for a
     * thread-safe instance); empty when none. Valid until the
     * next call on the instance or destroy. [instance-serialized] */
    sl_str_t (*get_last_error)(const sl_report_builder_t *self);

    /* Starts an empty state for `params` (copied). On success stores it in
     * *out; the plugin owns it until destroy_state. [instance-serialized] */
    sl_status_t (*begin)(sl_report_builder_t *self, const sl_report_params_t *params,
                         sl_report_state_t **out);

    /* Folds `count` records into `state`. Records outside the period are
     * ignored. The records are valid during the call. Memory grows with the
     * number of groups reported on, never with the number of records.
     * [instance-serialized] */
    sl_status_t (*consume)(sl_report_builder_t *self, sl_report_state_t *state,
                           const sl_report_record_t *const *records, size_t count);

    /* Adds everything `from` holds into `into`; `from` is unchanged. Both
     * must come from this instance (or deserialize on it) with the same
     * params, else SL_STATUS_INVALID_ARGUMENT. [instance-serialized] */
    sl_status_t (*merge)(sl_report_builder_t *self, sl_report_state_t *into,
                         const sl_report_state_t *from);

    /* Writes `state` as bytes that deserialize restores, on this or another
     * machine of the same plugin version. [instance-serialized] */
    sl_status_t (*serialize)(sl_report_builder_t *self, const sl_report_state_t *state,
                             const sl_byte_sink_t *out);

    /* Restores a state from serialize's bytes (valid during the call). Bytes
     * that are corrupt or from an incompatible version give
     * SL_STATUS_INVALID_ARGUMENT and leave *out NULL. [instance-serialized] */
    sl_status_t (*deserialize)(sl_report_builder_t *self, const void *data, size_t size,
                               sl_report_state_t **out);

    /* Writes the report document for `state` (JSON, schemas/report.schema.json)
     * into `out`. The state stays usable. [instance-serialized] */
    sl_status_t (*finish)(sl_report_builder_t *self, const sl_report_state_t *state,
                          const sl_byte_sink_t *out);

    /* Frees a state; NULL is ignored. Never fails. [instance-serialized] */
    void (*destroy_state)(sl_report_builder_t *self, sl_report_state_t *state);
} sl_report_builder_api_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_REPORT_H */
