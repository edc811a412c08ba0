// A ServiceNow incident list export or audit event log (CSV), read one
// incident at a time in bounded memory: the reader holds one chunk of the
// file and one incident's rows, whatever the file's size. docs/metrics.md
// ("Importing ServiceNow exports") has the columns read and the mapping.
#pragma once

#include "owned_incident.hpp"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>

namespace servicelens::host {

struct ServiceNowCsvStats {
    std::size_t rows = 0;        // data rows read (event-log rows included)
    std::size_t incidents = 0;   // incidents handed on
    std::size_t skipped = 0;     // malformed rows and rows without a number or opened_at
};

using CsvWarning = std::function<void(const std::string &message)>;

// Calls `visit` for every incident of `file`, built from its latest row
// (highest sys_mod_count; on a tie the later row). `source` becomes each
// incident's source (the connector name). Rows of one incident must be
// consecutive, as ServiceNow writes them: a number seen again after other
// incidents throws, naming both lines. A missing file, a missing required
// column (number, opened_at) or an unreadable date format throws with the
// file, line and what to check; a malformed row is passed to `warn` and
// skipped. `progress(bytes_read, file_size)` is called after each chunk.
ServiceNowCsvStats read_servicenow_csv(const std::filesystem::path &file, const std::string &source,
                                       const std::function<void(OwnedIncident &&)> &visit, const CsvWarning &warn,
                                       const std::function<void(std::size_t, std::size_t)> &progress = {});

} // namespace servicelens::host
