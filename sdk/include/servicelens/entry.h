/* ServiceLens plugin ABI: the one symbol a plugin library exports.
 *
 *     SL_PLUGIN_EXPORT const sl_plugin_entry_t servicelens_plugin_entry = {
 *         SL_ABI_VERSION_INIT, sizeof(sl_plugin_entry_t),
 *         my_init, my_deinit, my_get_factory
 *     };
 *
 * Rationale: a single const struct (not several functions) means one dlsym,
 * one place to read the ABI version before calling anything, and nothing
 * runs at load time. */
#ifndef SERVICELENS_ENTRY_H
#define SERVICELENS_ENTRY_H

#include <stdint.h>

#include "factory.h"
#include "status.h"
#include "str.h"
#include "version.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SL_PLUGIN_ENTRY_SYMBOL "servicelens_plugin_entry"

#if defined(_WIN32)
#define SL_PLUGIN_EXPORT __declspec(dllexport)
#elif defined(__GNUC__)
#define SL_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define SL_PLUGIN_EXPORT
#endif

typedef struct sl_plugin_entry {
    /* The ABI the plugin was built against; the host reads it before it
     * calls anything and refuses an incompatible plugin. */
    sl_version_t abi_version;
    uint32_t struct_size;        /* sizeof(sl_plugin_entry_t) as the plugin built it */

    /* Prepares the library. `plugin_path` is the file the host loaded.
     * Reference-counted: a host and a wrapper may load the same file, so
     * init may be called again and each successful init is matched by one
     * deinit. Returns SL_STATUS_OK or an error; after an error the host
     * calls nothing else, deinit included.
     * [host-init]: never concurrently with any other call into the library. */
    sl_status_t (*init)(sl_str_t plugin_path);

    /* Undoes one init. The last deinit joins every thread the library
     * started. Never fails. [host-init] */
    void (*deinit)(void);

    /* The factory for the kind `factory_id` (SL_CONTEXT_FACTORY_ID,
     * SL_SENTIMENT_FACTORY_ID, SL_REPORT_FACTORY_ID, or a later revision),
     * or NULL when the library has no plugin of that kind. `factory_id` is a
     * NUL-terminated ASCII constant. Ownership: static data of the plugin,
     * valid until the last deinit. Only valid between init and deinit.
     * [thread-safe] */
    const sl_plugin_factory_t *(*get_factory)(const char *factory_id);
    /* Fields are only ever appended, never reordered or removed. */
} sl_plugin_entry_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_ENTRY_H */
