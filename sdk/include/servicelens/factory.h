/* ServiceLens plugin ABI: descriptors and factories.
 *
 * A plugin library offers one factory per plugin kind it implements (see
 * entry.h). A factory describes the plugins it can create without creating
 * anything, so `servicelens plugins inspect` works offline, and creates
 * instances from a configuration the host has already validated. */
#ifndef SERVICELENS_FACTORY_H
#define SERVICELENS_FACTORY_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"
#include "status.h"
#include "str.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Descriptor flags. */
enum {
    /* The host may call one instance from several threads at once: every
     * function tagged [instance-serialized] in the kind's table is then
     * [thread-safe] for this plugin. Without it, the host either serializes
     * calls on an instance or creates one instance per worker thread. */
    SL_DESCRIPTOR_THREAD_SAFE = 1u << 0
};

/* What a plugin is. Static data of the plugin: every view stays valid until
 * the library's last deinit. */
typedef struct sl_plugin_descriptor {
    uint32_t struct_size;
    uint32_t flags;              /* SL_DESCRIPTOR_* */
    sl_str_t id;                 /* reverse-DNS, unique: "org.servicelens.directory" */
    sl_str_t name;               /* for people: "Directory lookup" */
    sl_str_t version;            /* semver of the plugin itself: "1.4.2" */
    sl_str_t vendor;
    sl_str_t description;        /* one or two sentences */
    /* JSON Schema (draft-07) of the instance configuration, as JSON text.
     * The host validates an admin's config against it before create. Empty:
     * the plugin takes no configuration. */
    sl_str_t config_schema;
    /* What the plugin produces: attribute keys for a context provider
     * ("caller.department"), result fields for sentiment, metric ids for a
     * report. For documentation and for routing checks. */
    const sl_str_t *emits;
    size_t emit_count;
    /* Fields are only ever appended, never reordered or removed. */
} sl_plugin_descriptor_t;

/* What create receives. The host owns it; views are valid during create,
 * except `host`, valid until the instance is destroyed. */
typedef struct sl_create_args {
    uint32_t struct_size;
    uint32_t reserved_;          /* zero */
    sl_str_t plugin_id;          /* one of the factory's descriptor ids */
    sl_str_t instance_name;      /* the admin's name for this instance: "directory-hq" */
    /* The instance configuration as canonical JSON text ("{}" when none),
     * already valid against the descriptor's config_schema. */
    sl_str_t config_json;
    const sl_host_t *host;
    /* Fields are only ever appended, never reordered or removed. */
} sl_create_args_t;

/* A factory for one plugin kind; the kind is the id the host asked
 * get_factory for. The table is static data of the plugin. */
typedef struct sl_plugin_factory {
    /* How many plugins of this kind the library offers. [thread-safe] */
    uint32_t (*descriptor_count)(const struct sl_plugin_factory *factory);

    /* The descriptor at `index` (< descriptor_count), or NULL when out of
     * range. Ownership: static data of the plugin, valid until the last
     * deinit. [thread-safe] */
    const sl_plugin_descriptor_t *(*descriptor)(const struct sl_plugin_factory *factory,
                                                uint32_t index);

    /* Creates an instance of `args->plugin_id`. On success returns
     * SL_STATUS_OK and stores the instance in *out_instance; its type is the
     * kind's instance struct (sl_context_provider_t, sl_sentiment_analyzer_t
     * or sl_report_builder_t), destroyed through that kind's `destroy`.
     * On failure returns the status and either leaves *out_instance NULL or
     * stores an instance whose only valid calls are get_last_error and
     * destroy, so the host can show the plugin's message.
     * [thread-safe] */
    sl_status_t (*create)(const struct sl_plugin_factory *factory, const sl_create_args_t *args,
                          void **out_instance);
} sl_plugin_factory_t;

#ifdef __cplusplus
}
#endif

#endif /* SERVICELENS_FACTORY_H */
