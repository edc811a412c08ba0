#include "vendor_fakes.hpp"

#include <fmt/format.h>

namespace servicelens::fakes {

std::vector<VendorFake> all_vendor_fakes()
{
    return {
        {"servicenow", make_fake_servicenow,
         // sys_ids: 32 hex digits, unordered with respect to creation
         [](int i) { return fmt::format("{:08x}{:024x}", static_cast<unsigned>(i * 2654435761u), i); },
         [](int i) { return fmt::format("INC{:07}", 10000 + i); }, "u_sentiment", false},
        {"jira", make_fake_jira, [](int i) { return fmt::format("{}", 10000 + i); },
         [](int i) { return fmt::format("ITSM-{}", i + 1); }, "customfield_10050", true},
        {"zendesk", make_fake_zendesk, [](int i) { return fmt::format("{}", i + 1); },
         [](int i) { return fmt::format("{}", i + 1); }, "360000000050", true},
        {"rt", make_fake_rt, [](int i) { return fmt::format("{}", i + 1); },
         [](int i) { return fmt::format("{}", i + 1); }, "Sentiment", true},
    };
}

} // namespace servicelens::fakes
