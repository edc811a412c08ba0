// Checks a plugin instance's configuration against the JSON Schema its
// descriptor declares (valijson), before the plugin ever sees it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace servicelens::host {

// One message per violation, each naming the JSON pointer of the offending
// value: "/internal_domains/0: Value type not permitted by 'type' constraint."
// Empty when valid. A malformed schema or config JSON gives one message that
// says which of the two is broken.
std::vector<std::string> check_config_against_schema(std::string_view schema_json,
                                                     std::string_view config_json);

} // namespace servicelens::host
