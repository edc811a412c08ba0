// Folding one incident into the state, and merging states.
#pragma once

#include "calendar.hpp"
#include "desk_state.hpp"

#include <servicelens/cpp/report_builder.hpp>

namespace servicelens::desk_report {

void consume(DeskState &state, const Calendar &calendar, const servicelens::Record &record);

} // namespace servicelens::desk_report
