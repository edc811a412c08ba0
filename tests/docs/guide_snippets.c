/* C snippets the docs show that are in no example plugin, compiled here as
 * C99 so they cannot drift from the ABI headers. */
#include <servicelens/servicelens.h>

/* docs/data-model.md, 5: a custom field, in C. */
int guide_has_business_service(const sl_incident_t *incident);
int guide_has_business_service(const sl_incident_t *incident)
{
const sl_str_t key = SL_STR("u_business_service");
sl_str_t service = sl_incident_custom(incident, key);
if (service.size > 0) { /* ... */ }
    return service.size > 0;
}
