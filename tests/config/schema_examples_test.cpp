// Every schema under schemas/ has examples that must pass and examples that
// must fail: schemas/examples/<schema>/valid-*.{json,yaml} and invalid-*.
#include <servicelens/config/schema_check.hpp>
#include <servicelens/config/yaml_document.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

nlohmann::json read_example(const fs::path &file)
{
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    if (file.extension() == ".yaml") return servicelens::config::parse_yaml(text.str(), file.string()).value;
    return nlohmann::json::parse(text.str());
}

} // namespace

TEST_CASE("every schema's valid examples pass and its invalid examples fail")
{
    const fs::path schemas = SL_TEST_SCHEMA_DIR;
    std::size_t checked_schemas = 0;
    for (const auto &entry : fs::directory_iterator(schemas)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".json") continue;
        const std::string stem = name.substr(0, name.find(".schema.json"));
        const fs::path examples = schemas / "examples" / stem;
        DYNAMIC_SECTION(name)
        {
            REQUIRE(fs::is_directory(examples));
            const nlohmann::json *schema = servicelens::config::builtin_schema(name);
            REQUIRE(schema != nullptr);
            std::size_t valid = 0, invalid = 0;
            for (const auto &example : fs::directory_iterator(examples)) {
                const std::string file = example.path().filename().string();
                const auto violations =
                    servicelens::config::check_against_schema(*schema, read_example(example.path()), &servicelens::config::builtin_schema);
                INFO(example.path().string());
                if (file.rfind("valid-", 0) == 0) {
                    ++valid;
                    for (const auto &v : violations) UNSCOPED_INFO(v.pointer << ": " << v.message);
                    CHECK(violations.empty());
                } else if (file.rfind("invalid-", 0) == 0) {
                    ++invalid;
                    CHECK_FALSE(violations.empty());
                }
            }
            CHECK(valid > 0);
            CHECK(invalid > 0);
        }
        ++checked_schemas;
    }
    CHECK(checked_schemas == 8);
}
