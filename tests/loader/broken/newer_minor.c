/* A plugin built against a newer minor (1.1) than the host (1.0): refused. */
#include <servicelens/entry.h>

#include <stddef.h>

static sl_status_t init(sl_str_t path) { (void)path; return SL_STATUS_OK; }
static void deinit(void) {}
static const sl_plugin_factory_t *get_factory(const char *id) { (void)id; return NULL; }

SL_PLUGIN_EXPORT const sl_plugin_entry_t servicelens_plugin_entry = {
    { SL_ABI_VERSION_MAJOR, SL_ABI_VERSION_MINOR + 1, 0 }, sizeof(sl_plugin_entry_t), init, deinit, get_factory
};
