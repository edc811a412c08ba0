#include <servicelens/host/config_schema_check.hpp>

#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <fmt/format.h>

namespace servicelens::host {

namespace {

std::string pointer_of(const std::vector<std::string> &context)
{
    // valijson's context is ["<root>", "[\"key\"]", "[0]", ...].
    std::string pointer;
    for (std::size_t i = 1; i < context.size(); ++i) {
        std::string part = context[i];
        if (part.size() >= 4 && part.front() == '[' && part[1] == '"') part = part.substr(2, part.size() - 4);
        else if (part.size() >= 2 && part.front() == '[') part = part.substr(1, part.size() - 2);
        pointer += "/" + part;
    }
    return pointer.empty() ? "/" : pointer;
}

} // namespace

std::vector<std::string> check_config_against_schema(std::string_view schema_json, std::string_view config_json)
{
    const auto schema_doc = nlohmann::json::parse(schema_json, nullptr, false);
    if (schema_doc.is_discarded()) return {"the plugin's config_schema is not valid JSON (a plugin bug)"};
    const auto config = nlohmann::json::parse(config_json, nullptr, false);
    if (config.is_discarded()) return {"the configuration is not valid JSON"};

    valijson::Schema schema;
    try {
        valijson::SchemaParser parser;
        valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
        parser.populateSchema(schema_adapter, schema);
    } catch (const std::exception &e) {
        return {fmt::format("the plugin's config_schema is not a usable JSON Schema (a plugin bug): {}", e.what())};
    }

    valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter config_adapter(config);
    if (validator.validate(schema, config_adapter, &results)) return {};

    std::vector<std::string> problems;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) problems.push_back(pointer_of(error.context) + ": " + error.description);
    return problems;
}

} // namespace servicelens::host
