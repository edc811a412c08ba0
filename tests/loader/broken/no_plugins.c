/* A valid entry whose get_factory knows no kind: nothing to offer, refused. */
#include <servicelens/entry.h>

#include <stddef.h>

static sl_status_t init(sl_str_t path) { (void)path; return SL_STATUS_OK; }
static void deinit(void) {}
static const sl_plugin_factory_t *get_factory(const char *id) { (void)id; return NULL; }

SL_PLUGIN_EXPORT const sl_plugin_entry_t servicelens_plugin_entry = {
    SL_ABI_VERSION_INIT, sizeof(sl_plugin_entry_t), init, deinit, get_factory
};
