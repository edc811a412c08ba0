// The report document (schemas/report.schema.json) for a state: every
// metric of docs/metrics.md, the tables and series behind them, and the
// support success story as sentences with their figures.
#pragma once

#include "calendar.hpp"
#include "desk_state.hpp"

#include <nlohmann/json.hpp>

namespace servicelens::desk_report {

nlohmann::json report_document(const DeskState &state);

} // namespace servicelens::desk_report
