#include <servicelens/host/config_schema_check.hpp>

#include <catch2/catch.hpp>

using servicelens::host::check_config_against_schema;
using Catch::Matchers::Contains;

namespace {
constexpr const char *schema = R"({"type": "object", "additionalProperties": false, "required": ["file"],
    "properties": {"file": {"type": "string"}, "reload": {"type": "boolean"}}})";
}

TEST_CASE("a config that follows the schema has no problems")
{
    CHECK(check_config_against_schema(schema, R"({"file": "hr.csv", "reload": true})").empty());
}

TEST_CASE("each violation names the JSON pointer of the offending value")
{
    const auto problems = check_config_against_schema(schema, R"({"file": 7})");
    REQUIRE_FALSE(problems.empty());
    CHECK_THAT(problems.front(), Contains("/file"));
}

TEST_CASE("a missing required key and an unknown key are both reported")
{
    CHECK_FALSE(check_config_against_schema(schema, R"({})").empty());
    CHECK_FALSE(check_config_against_schema(schema, R"({"file": "x", "relaod": true})").empty());
}

TEST_CASE("broken JSON says which side is broken")
{
    CHECK_THAT(check_config_against_schema(schema, "{nope").front(), Contains("configuration is not valid JSON"));
    CHECK_THAT(check_config_against_schema("{nope", "{}").front(), Contains("config_schema is not valid JSON"));
}
