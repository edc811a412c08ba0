/* Example context provider in plain C99: no C++ anywhere, only the ABI
 * headers. Emits the priority as a word and how old the incident is,
 * reading the time from the host's clock service. */
#include <servicelens/servicelens.h>

#include <stdlib.h>
#include <string.h>

typedef struct priority_label {
    sl_context_provider_t base;          /* first member: the host holds a pointer to it */
    const sl_host_clock_t *clock;        /* NULL when the host offers none */
    const sl_host_t *host;
    const char *last_error;              /* a static message, or NULL */
} priority_label_t;

static const sl_str_t priority_names[] = {
    SL_STR("unknown"), SL_STR("critical"), SL_STR("high"), SL_STR("moderate"), SL_STR("low"), SL_STR("planning")
};

static void destroy(sl_context_provider_t *self) { free(self); }

static sl_str_t get_last_error(const sl_context_provider_t *self)
{
    return sl_str_from_cstr(((const priority_label_t *)self)->last_error);
}

static sl_context_attribute_t attribute(size_t index, sl_str_t key, sl_value_type_t type)
{
    sl_context_attribute_t a;
    memset(&a, 0, sizeof a);
    a.struct_size = sizeof a;
    a.incident_index = index;
    a.key = key;
    a.type = type;
    a.confidence = 1.0;
    a.observed_at = SL_TIMESTAMP_NONE;
    return a;
}

static sl_status_t enrich(sl_context_provider_t *self, const sl_incident_t *const *incidents, size_t count,
                          const sl_attribute_sink_t *sink)
{
    priority_label_t *plugin = (priority_label_t *)self;
    static const sl_str_t label_key = SL_STR("incident.priority_label");
    static const sl_str_t age_key = SL_STR("incident.age_hours");
    static const sl_str_t priority_source = SL_STR("incident.priority");
    static const sl_str_t age_source = SL_STR("incident.opened_at");
    size_t i;
    plugin->last_error = NULL;
    if (sink == NULL || sink->emit == NULL) {
        plugin->last_error = "enrich: the attribute sink is NULL or has no emit";
        return SL_STATUS_INVALID_ARGUMENT;
    }
    if (incidents == NULL && count > 0) {
        plugin->last_error = "enrich: incidents is NULL but count is not 0";
        return SL_STATUS_INVALID_ARGUMENT;
    }
    for (i = 0; i < count; ++i) {
        const sl_incident_t *incident = incidents[i];
        int32_t p = incident->priority;
        sl_context_attribute_t a = attribute(i, label_key, SL_VALUE_STRING);
        sl_status_t status;
        a.text = priority_names[(p >= 1 && p <= 5) ? p : 0];
        a.source = priority_source;
        if ((status = sink->emit(sink->context, &a)) != SL_STATUS_OK) return status;
        if (plugin->clock != NULL && incident->opened_at != SL_TIMESTAMP_NONE) {
            a = attribute(i, age_key, SL_VALUE_NUMBER);
            a.number = (double)(plugin->clock->now(plugin->host) - incident->opened_at) / 3600000.0;
            a.source = age_source;
            if ((status = sink->emit(sink->context, &a)) != SL_STATUS_OK) return status;
        }
    }
    return SL_STATUS_OK;
}

static const sl_context_provider_api_t api = { destroy, get_last_error, enrich };

static const sl_str_t emits[] = { SL_STR("incident.priority_label"), SL_STR("incident.age_hours") };

static const sl_plugin_descriptor_t descriptor = {
    sizeof(sl_plugin_descriptor_t),
    0, /* not thread-safe: enrich records its last error in the instance */
    SL_STR("org.servicelens.example.priority-label-c"),
    SL_STR("Priority label (C example)"),
    SL_STR("1.0.0"),
    SL_STR("ServiceLens"),
    SL_STR("The priority as a word and the incident's age in hours; written in plain C."),
    SL_STR("{\"type\": \"object\", \"additionalProperties\": false}"),
    emits,
    sizeof emits / sizeof emits[0]
};

static uint32_t descriptor_count(const sl_plugin_factory_t *factory)
{
    (void)factory;
    return 1;
}

static const sl_plugin_descriptor_t *get_descriptor(const sl_plugin_factory_t *factory, uint32_t index)
{
    (void)factory;
    return index == 0 ? &descriptor : NULL;
}

static sl_status_t create(const sl_plugin_factory_t *factory, const sl_create_args_t *args, void **out)
{
    priority_label_t *plugin;
    (void)factory;
    if (out == NULL) return SL_STATUS_INVALID_ARGUMENT;
    *out = NULL;
    if (args == NULL || args->host == NULL || !sl_str_equal(args->plugin_id, descriptor.id))
        return SL_STATUS_INVALID_ARGUMENT;
    plugin = (priority_label_t *)calloc(1, sizeof *plugin);
    if (plugin == NULL) return SL_STATUS_INTERNAL;
    plugin->base.api = &api;
    plugin->host = args->host;
    plugin->clock = args->host->get_service
                        ? (const sl_host_clock_t *)args->host->get_service(args->host, SL_HOST_CLOCK_ID)
                        : NULL;
    *out = &plugin->base;
    return SL_STATUS_OK;
}

static const sl_plugin_factory_t factory = { descriptor_count, get_descriptor, create };

/* Nothing to set up: the library has no global state. */
static sl_status_t init(sl_str_t plugin_path)
{
    (void)plugin_path;
    return SL_STATUS_OK;
}

static void deinit(void) {}

static const sl_plugin_factory_t *get_factory(const char *factory_id)
{
    return (factory_id != NULL && strcmp(factory_id, SL_CONTEXT_FACTORY_ID) == 0) ? &factory : NULL;
}

SL_PLUGIN_EXPORT const sl_plugin_entry_t servicelens_plugin_entry = {
    SL_ABI_VERSION_INIT, sizeof(sl_plugin_entry_t), init, deinit, get_factory
};
