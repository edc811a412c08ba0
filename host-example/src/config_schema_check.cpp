#include <servicelens/host/config_schema_check.hpp>

#include <servicelens/config/schema_check.hpp>

#include <nlohmann/json.hpp>

namespace servicelens::host {

std::vector<std::string> check_config_against_schema(std::string_view schema_json, std::string_view config_json)
{
    const auto schema = nlohmann::json::parse(schema_json, nullptr, false);
    if (schema.is_discarded()) return {"the plugin's config_schema is not valid JSON (a plugin bug)"};
    const auto config = nlohmann::json::parse(config_json, nullptr, false);
    if (config.is_discarded()) return {"the configuration is not valid JSON"};
    std::vector<std::string> problems;
    try {
        for (const auto &v : config::check_against_schema(schema, config))
            problems.push_back((v.pointer.empty() ? "/" : v.pointer) + ": " + v.message);
    } catch (const std::exception &e) {
        problems.push_back(std::string("the plugin's config_schema is not a usable JSON Schema (a plugin bug): ") + e.what());
    }
    return problems;
}

} // namespace servicelens::host
