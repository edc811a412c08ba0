/* A C plugin whose create fails with a message and hands back a handle, as
 * the ABI allows, so the host can show the message before destroying it. */
#include <servicelens/servicelens.h>

#include <stdlib.h>
#include <string.h>

typedef struct failed_instance {
    sl_context_provider_t base;
} failed_instance_t;

static void destroy(sl_context_provider_t *self) { free(self); }

static sl_str_t get_last_error(const sl_context_provider_t *self)
{
    static const sl_str_t message = SL_STR("cannot open /nonexistent/hr-export.csv: No such file or directory");
    (void)self;
    return message;
}

static sl_status_t enrich(sl_context_provider_t *self, const sl_incident_t *const *incidents, size_t count,
                          const sl_attribute_sink_t *sink)
{
    (void)self; (void)incidents; (void)count; (void)sink;
    return SL_STATUS_INTERNAL;
}

static const sl_context_provider_api_t api = { destroy, get_last_error, enrich };

static const sl_plugin_descriptor_t descriptor = {
    sizeof(sl_plugin_descriptor_t), 0,
    SL_STR("org.servicelens.test.create-fails"), SL_STR("Create fails"), SL_STR("0.0.1"),
    SL_STR("ServiceLens tests"), SL_STR("create fails with a message."), SL_STR(""), NULL, 0
};

static uint32_t descriptor_count(const sl_plugin_factory_t *f) { (void)f; return 1; }

static const sl_plugin_descriptor_t *get_descriptor(const sl_plugin_factory_t *f, uint32_t i)
{
    (void)f;
    return i == 0 ? &descriptor : NULL;
}

static sl_status_t create(const sl_plugin_factory_t *f, const sl_create_args_t *args, void **out)
{
    failed_instance_t *instance = (failed_instance_t *)calloc(1, sizeof *instance);
    (void)f; (void)args;
    if (instance == NULL) return SL_STATUS_INTERNAL;
    instance->base.api = &api;
    *out = &instance->base;
    return SL_STATUS_UNAVAILABLE;
}

static const sl_plugin_factory_t factory = { descriptor_count, get_descriptor, create };

static sl_status_t init(sl_str_t path) { (void)path; return SL_STATUS_OK; }
static void deinit(void) {}

static const sl_plugin_factory_t *get_factory(const char *id)
{
    return strcmp(id, SL_CONTEXT_FACTORY_ID) == 0 ? &factory : NULL;
}

SL_PLUGIN_EXPORT const sl_plugin_entry_t servicelens_plugin_entry = {
    SL_ABI_VERSION_INIT, sizeof(sl_plugin_entry_t), init, deinit, get_factory
};
