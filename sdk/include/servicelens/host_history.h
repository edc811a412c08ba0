/* ServiceLens plugin ABI 1.1: the desk's memory of a caller
 * ("servicelens.host-history/1").
 *
 * The host keeps every incident it has synced; a plugin that judges a
 * caller by their history (how often they call, how they get help, what
 * they ask) reads it here instead of keeping its own copy of the desk.
 *
 * Rationale: a visitor callback rather than an array the host fills, so
 * neither side allocates for the other and the host can stream from its
 * store; compact records rather than whole incidents, because a caller may
 * have hundreds of them and the plugin needs a few fields of each.
 *
 * Added in ABI 1.1: a host before 1.1 returns NULL for this id, like any
 * service it does not offer. */
#ifndef SERVICELENS_HOST_HISTORY_H
#define SERVICELENS_HOST_HISTORY_H

#include <stdint.h>

#include "host.h"
#include "incident.h"
#include "status.h"
#include "str.h"
#include "timestamp.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_HOST_HISTORY_ID "servicelens.host-history/1"

/* One earlier incident of a caller, as the host last synced it. */
typedef struct sl_past_incident {
    uint32_t struct_size;
    sl_contact_type_t contact_type;
    sl_str_t category;
    sl_str_t subcategory;           /* "how_to" marks a question rather than a fault */
    sl_timestamp_t opened_at;
    sl_timestamp_t resolved_at;     /* SL_TIMESTAMP_NONE while unresolved */
    int32_t reopen_count;
    int32_t escalation_level;       /* 0: resolved (or being worked) at level 1 */
    /* Fields are only ever appended; read struct_size before a later field. */
} sl_past_incident_t;

/* Called once per past incident. `incident` and its strings are valid only
 * during the call: copy what you keep. Return SL_STATUS_OK to go on; any
 * other status stops the walk and is returned by caller_incidents. */
typedef sl_status_t (*sl_past_incident_visitor_t)(void *context, const sl_past_incident_t *incident);

typedef struct sl_host_history {
    /* Visits the incidents `caller` opened before `before`, newest first, at
     * most `limit` of them (0: no limit). `caller` is an e-mail address
     * (compared ignoring case and surrounding space) or a caller id.
     * Returns SL_STATUS_OK, also for a caller the desk has never seen;
     * SL_STATUS_INVALID_ARGUMENT when `visit` is NULL or `caller` is not
     * valid UTF-8; the visitor's own status when it stopped the walk.
     * [thread-safe] */
    sl_status_t (*caller_incidents)(const sl_host_t *host, sl_str_t caller, sl_timestamp_t before, uint32_t limit,
                                    sl_past_incident_visitor_t visit, void *context);
} sl_host_history_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_HOST_HISTORY_H */
