/* Every public header, alone and together, compiles as strict C (the
 * standard is set by the build: C99 and C11). */
#include <servicelens/version.h>
#include <servicelens/status.h>
#include <servicelens/str.h>
#include <servicelens/timestamp.h>
#include <servicelens/entry.h>
#include <servicelens/factory.h>
#include <servicelens/host.h>
#include <servicelens/host_log.h>
#include <servicelens/host_clock.h>
#include <servicelens/host_cache.h>
#include <servicelens/host_progress.h>
#include <servicelens/host_metrics.h>
#include <servicelens/host_history.h>
#include <servicelens/host_http.h>
#include <servicelens/incident.h>
#include <servicelens/context.h>
#include <servicelens/sentiment.h>
#include <servicelens/report.h>
#include <servicelens/servicelens.h>

/* Use the inline helpers so they are compiled, not just parsed. */
int sl_headers_compile(void)
{
    sl_version_t host = SL_ABI_VERSION_INIT;
    sl_str_t id = SL_STR(SL_CONTEXT_FACTORY_ID);
    return sl_version_is_compatible(host, host) + sl_str_equal(id, sl_str_from_cstr(SL_CONTEXT_FACTORY_ID)) +
           (int)sl_status_name(SL_STATUS_OK)[0] + sl_status_is_retryable(SL_STATUS_TIMEOUT);
}
