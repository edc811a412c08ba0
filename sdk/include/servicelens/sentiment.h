/* ServiceLens plugin ABI: sentiment analyzers ("servicelens.sentiment/1").
 *
 * A sentiment analyzer scores a batch of texts (ticket comments, survey
 * text, five-face ratings, yes/no answers, social posts) on one scale, so
 * every channel lands in the same trend.
 *
 * Threads: as for context providers, SL_DESCRIPTOR_THREAD_SAFE decides
 * whether the host may share an instance across workers. */
#ifndef SERVICELENS_SENTIMENT_H
#define SERVICELENS_SENTIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "incident.h"
#include "status.h"
#include "str.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_SENTIMENT_FACTORY_ID "servicelens.sentiment/1"

/* Where a text came from. */
typedef uint32_t sl_text_kind_t;
enum {
    SL_TEXT_COMMENT = 0,          /* ticket comment or work note */
    SL_TEXT_SURVEY = 1,           /* survey free text */
    SL_TEXT_FIVE_FACE = 2,        /* a five-face click: `rating` 1..5, text usually empty */
    SL_TEXT_YES_NO = 3,           /* "is IT making your job easier?": `answer` */
    SL_TEXT_SOCIAL = 4,           /* internal social post, chat message */
    SL_TEXT_OTHER = 5
};

/* One input. */
typedef struct sl_text {
    uint32_t struct_size;
    sl_text_kind_t kind;
    sl_str_t text;                /* UTF-8, possibly invalid: analyzers must cope */
    sl_str_t language;            /* BCP 47 ("en", "de-CH"); empty when unknown */
    int32_t rating;               /* 1..5 for SL_TEXT_FIVE_FACE, else 0 */
    sl_tristate_t answer;         /* for SL_TEXT_YES_NO, else SL_UNKNOWN */
    /* Fields are only ever appended, never reordered or removed. */
} sl_text_t;

typedef int32_t sl_sentiment_label_t;
enum {
    SL_SENTIMENT_NEGATIVE = -1,
    SL_SENTIMENT_NEUTRAL = 0,
    SL_SENTIMENT_POSITIVE = 1
};

/* A term and how much it moved the score (signed). Frozen layout. */
typedef struct sl_term_weight {
    sl_str_t term;
    double weight;
} sl_term_weight_t;

/* The score of one text. */
typedef struct sl_sentiment_result {
    uint32_t struct_size;
    sl_sentiment_label_t label;
    double compound;              /* -1 (most negative) .. 1 (most positive) */
    double positive;              /* shares of the text, summing to 1 */
    double neutral;
    double negative;
    double confidence;            /* 0 .. 1 */
    const sl_term_weight_t *terms; /* the strongest contributors, strongest first */
    size_t term_count;
    /* Fields are only ever appended, never reordered or removed. */
} sl_sentiment_result_t;

/* Where an analyzer sends its scores. Owned by the host, valid during score. */
typedef struct sl_sentiment_sink {
    uint32_t struct_size;
    uint32_t reserved_;
    void *context;
    /* Records the result of text `index`; the host copies it (terms
     * included) before returning. Returns SL_STATUS_OK, or an error after
     * which the analyzer stops and returns it. [instance-serialized] */
    sl_status_t (*emit)(void *context, size_t index, const sl_sentiment_result_t *result);
    /* Records that text `index` was not scored: SL_STATUS_NOT_SUPPORTED for
     * a kind the analyzer does not handle, another status for a failure; the
     * message is copied. The batch goes on. [instance-serialized] */
    void (*fail)(void *context, size_t index, sl_status_t status, sl_str_t message);
    /* Fields are only ever appended, never reordered or removed. */
} sl_sentiment_sink_t;

struct sl_sentiment_analyzer_api;

/* An instance. A plugin embeds it as the first member of its own state. */
typedef struct sl_sentiment_analyzer {
    const struct sl_sentiment_analyzer_api *api;
} sl_sentiment_analyzer_t;

typedef struct sl_sentiment_analyzer_api {
    /* Frees the instance; `self` may be an instance whose create failed.
     * Never fails. [instance-serialized] */
    void (*destroy)(sl_sentiment_analyzer_t *self);

    /* The message of the last failed call (made on the calling thread, for a
     * thread-safe instance); empty when none. Valid until the
     * next call on the instance or destroy. [instance-serialized] */
    sl_str_t (*get_last_error)(const sl_sentiment_analyzer_t *self);

    /* Scores `count` texts, calling sink->emit or sink->fail once per text,
     * in any order. Returns SL_STATUS_OK, the status emit returned, or an
     * error for the whole batch (message in get_last_error). The texts are
     * valid during the call. [instance-serialized] */
    sl_status_t (*score)(sl_sentiment_analyzer_t *self, const sl_text_t *const *texts, size_t count,
                         const sl_sentiment_sink_t *sink);
} sl_sentiment_analyzer_api_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_SENTIMENT_H */
