/* ServiceLens plugin ABI v1: everything, in one include.
 *
 * Read the headers in this order: version.h, status.h, str.h, entry.h,
 * factory.h, host.h and host_*.h, then the kind you implement: context.h,
 * sentiment.h or report.h. docs/abi-policy.md states what may change. */
#ifndef SERVICELENS_SERVICELENS_H
#define SERVICELENS_SERVICELENS_H

#include "version.h"
#include "status.h"
#include "str.h"
#include "timestamp.h"
#include "entry.h"
#include "factory.h"
#include "host.h"
#include "host_log.h"
#include "host_clock.h"
#include "host_cache.h"
#include "host_progress.h"
#include "host_metrics.h"
#include "host_http.h"
#include "host_history.h"
#include "incident.h"
#include "context.h"
#include "sentiment.h"
#include "report.h"

#endif /* SERVICELENS_SERVICELENS_H */
