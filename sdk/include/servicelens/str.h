/* ServiceLens plugin ABI: strings and byte sinks. */
#ifndef SERVICELENS_STR_H
#define SERVICELENS_STR_H

#include <stddef.h>
#include <string.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A UTF-8 string view: `size` bytes at `data`, not necessarily NUL-terminated.
 * {NULL, 0} is the empty (absent) string.
 *
 * Rationale: views with a length cost no strlen on the hot path, can point
 * into the middle of a host buffer, and carry embedded NULs safely. Every
 * function that takes or returns one says how long the bytes stay valid. */
typedef struct sl_str {
    const char *data;
    size_t size;
} sl_str_t;

/* A view of a string literal: SL_STR("caller.site"). */
#define SL_STR(literal) { (literal), sizeof(literal) - 1 }

/* A view of a NUL-terminated string; NULL gives the empty view. */
static inline sl_str_t sl_str_from_cstr(const char *cstr)
{
    sl_str_t s;
    s.data = cstr;
    s.size = cstr ? strlen(cstr) : 0;
    return s;
}

/* 1 when both views hold the same bytes. */
static inline int sl_str_equal(sl_str_t a, sl_str_t b)
{
    return a.size == b.size && (a.size == 0 || memcmp(a.data, b.data, a.size) == 0);
}

/* A key/value pair of views. Its layout is frozen: it never grows.
 * Used for the incident's extra fields and for HTTP headers. */
typedef struct sl_key_value {
    sl_str_t key;
    sl_str_t value;
} sl_key_value_t;

/* Where a callee writes a byte stream (a serialized state, a JSON
 * document, an HTTP body). The receiver copies the bytes before `write`
 * returns, so the writer may reuse its buffer at once. */
typedef struct sl_byte_sink {
    void *context;
    /* Appends `size` bytes. Returns SL_STATUS_OK, or an error status after
     * which the writer stops and returns that status itself.
     * [instance-serialized]: called only on the thread that received the sink. */
    sl_status_t (*write)(void *context, const void *data, size_t size);
} sl_byte_sink_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_STR_H */
