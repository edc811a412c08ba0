/* ServiceLens plugin ABI: the read-only view of a canonical incident.
 *
 * Every plugin sees incidents in this one shape, whatever the vendor. The
 * fields mirror schemas/incident.schema.json; docs/data-model.md maps each
 * JSON field to its member here. All views are owned by the host and valid
 * only during the call that received them: copy what you keep. */
#ifndef SERVICELENS_INCIDENT_H
#define SERVICELENS_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "str.h"
#include "timestamp.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the incident reached the desk. */
typedef uint32_t sl_contact_type_t;
enum {
    SL_CONTACT_UNKNOWN = 0,
    SL_CONTACT_PHONE = 1,
    SL_CONTACT_EMAIL = 2,
    SL_CONTACT_PORTAL = 3,
    SL_CONTACT_WALK_UP = 4,
    SL_CONTACT_CHAT = 5,
    SL_CONTACT_SOCIAL = 6,
    SL_CONTACT_MONITORING = 7
};

/* Who may read a comment. */
typedef uint32_t sl_visibility_t;
enum {
    SL_VISIBILITY_PUBLIC = 0,   /* the caller sees it (customer comment) */
    SL_VISIBILITY_INTERNAL = 1  /* agents only (work note) */
};

/* A tri-state for yes/no facts that may be unknown. */
typedef int32_t sl_tristate_t;
enum {
    SL_UNKNOWN = -1,
    SL_NO = 0,
    SL_YES = 1
};

/* The person who raised the incident. Any member may be empty. */
typedef struct sl_caller {
    sl_str_t id;
    sl_str_t email;
    sl_str_t name;
} sl_caller_t;

/* One comment or work note on an incident. */
typedef struct sl_comment {
    uint32_t struct_size;        /* sizeof(sl_comment_t) as the host built it */
    sl_visibility_t visibility;
    sl_str_t id;
    sl_str_t author;
    sl_str_t body;               /* plain text, UTF-8 */
    sl_timestamp_t created_at;
    /* Fields are only ever appended, never reordered or removed. */
} sl_comment_t;

/* One answer to the post-resolution survey. */
typedef struct sl_survey_response {
    uint32_t struct_size;
    /* Five-face rating, 1 (very unhappy) to 5 (very happy); 0 when not given. */
    int32_t rating;
    /* "Is IT making your job easier?" */
    sl_tristate_t makes_job_easier;
    uint32_t reserved_;          /* zero; keeps the layout identical on 32 and 64 bit */
    sl_str_t id;
    sl_str_t text;               /* free text, may be empty */
    sl_timestamp_t submitted_at;
    /* Fields are only ever appended, never reordered or removed. */
} sl_survey_response_t;

/* The canonical incident. Numbers are 0 and strings empty when unknown;
 * times are SL_TIMESTAMP_NONE when the event has not happened. */
typedef struct sl_incident {
    uint32_t struct_size;        /* read members past it only if struct_size covers them */
    sl_contact_type_t contact_type;

    sl_str_t id;                 /* stable id in the source system (sys_id, key, ticket id) */
    sl_str_t number;             /* the human number: INC0012345, HELP-42 */
    sl_str_t source;             /* connector instance name: "servicenow-prod", "desk" */
    sl_str_t title;
    sl_str_t description;
    sl_str_t state;              /* canonical: new, in_progress, on_hold, resolved, closed, cancelled */

    int32_t priority;            /* 1 (highest) .. 5; 0 unknown */
    int32_t impact;              /* 1 (high) .. 3; 0 unknown */
    int32_t urgency;             /* 1 (high) .. 3; 0 unknown */
    int32_t escalation_level;    /* 0 = resolved at level 1, 1 = level 2, ... */

    sl_str_t category;
    sl_str_t subcategory;
    sl_caller_t caller;
    sl_str_t assignment_group;
    sl_str_t assigned_to;
    sl_str_t ci;                 /* configuration item (affected service or device) */
    sl_str_t location;
    sl_str_t related_change;     /* change record that caused or fixed it */

    sl_timestamp_t opened_at;
    sl_timestamp_t first_response_at;
    sl_timestamp_t resolved_at;
    sl_timestamp_t closed_at;
    sl_timestamp_t updated_at;

    int32_t reopen_count;
    int32_t reassignment_count;

    sl_timestamp_t sla_due_at;
    sl_tristate_t sla_breached;
    uint32_t reserved_;          /* zero */

    /* Arrays of growable structs are arrays of pointers, so each element
     * keeps its own struct_size. */
    const sl_comment_t *const *comments;
    size_t comment_count;
    const sl_survey_response_t *const *survey;
    size_t survey_count;

    /* Everything the typed members do not cover (vendor custom fields,
     * u_ columns), as text. Keys are unique; order is unspecified. */
    const sl_key_value_t *custom;
    size_t custom_count;
    /* Fields are only ever appended, never reordered or removed. */
} sl_incident_t;

/* Whether `incident` (built by a host of any 1.x) has the member `member`. */
#define SL_HAS_MEMBER(type, object, member) \
    ((object)->struct_size >= offsetof(type, member) + sizeof((object)->member))

/* The value of a custom field, or the empty view when absent. */
static inline sl_str_t sl_incident_custom(const sl_incident_t *incident, sl_str_t key)
{
    size_t i;
    sl_str_t none = { NULL, 0 };
    for (i = 0; i < incident->custom_count; ++i) {
        if (sl_str_equal(incident->custom[i].key, key)) return incident->custom[i].value;
    }
    return none;
}

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_INCIDENT_H */
