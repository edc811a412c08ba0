// The built-in sample incident and texts `servicelens demo` runs every
// plugin on, so the demo works with no ticket store or vendor account.
#pragma once

#include "owned_incident.hpp"

#include <servicelens/sentiment.h>

#include <string>
#include <vector>

namespace servicelens::host {

// A handful of believable incidents of varied priority and channel.
std::vector<OwnedIncident> sample_incidents();

struct SampleText {
    sl_text_kind_t kind;
    std::string text;
    int rating = 0;
    sl_tristate_t answer = SL_UNKNOWN;
};

// Comments, survey text and clicks with clearly different sentiment.
std::vector<SampleText> sample_texts();

} // namespace servicelens::host
