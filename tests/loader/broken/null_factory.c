/* An entry whose get_factory is NULL: refused before anything is called. */
#include <servicelens/entry.h>

#include <stddef.h>

static sl_status_t init(sl_str_t path) { (void)path; return SL_STATUS_OK; }
static void deinit(void) {}

SL_PLUGIN_EXPORT const sl_plugin_entry_t servicelens_plugin_entry = {
    SL_ABI_VERSION_INIT, sizeof(sl_plugin_entry_t), init, deinit, NULL
};
