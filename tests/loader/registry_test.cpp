// The registry: scanning directories, keeping refusals, refusing duplicates.
#include <servicelens/host/plugin_registry.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>

using namespace servicelens::host;
using Catch::Matchers::Contains;

TEST_CASE("scanning the plugin directory finds every reference plugin, in name order")
{
    PluginRegistry registry;
    registry.scan(SL_TEST_PLUGIN_DIR);
    CHECK(registry.refused().empty());
    std::vector<std::string> ids, files;
    for (const auto *d : registry.descriptors()) {
        ids.push_back(d->id);
        files.push_back(d->file.filename().string());
    }
    CHECK(ids.size() == SL_TEST_REFERENCE_PLUGIN_COUNT);   // one plugin per reference library
    CHECK(std::is_sorted(files.begin(), files.end()));     // libraries in file-name order
    for (const char *example : {"org.servicelens.example.email-domain", "org.servicelens.example.keyword-sentiment",
                                "org.servicelens.example.priority-label-c", "org.servicelens.example.ticket-volume"})
        CHECK(std::find(ids.begin(), ids.end(), example) != ids.end());
}

TEST_CASE("a refused file is recorded with its reason and the scan goes on")
{
    PluginRegistry registry;
    registry.scan(std::filesystem::path(SL_TEST_BROKEN_DIR) / "wrong_major");
    registry.scan(SL_TEST_PLUGIN_DIR);
    REQUIRE(registry.refused().size() == 1);
    CHECK_THAT(registry.refused()[0].reason, Contains("2.0.0"));
    CHECK(registry.descriptors().size() == SL_TEST_REFERENCE_PLUGIN_COUNT);
}

TEST_CASE("a second library offering the same plugin id is refused")
{
    const auto copy_dir = std::filesystem::temp_directory_path() / "servicelens-registry-duplicate";
    std::filesystem::remove_all(copy_dir);
    std::filesystem::create_directories(copy_dir);
    std::filesystem::copy_file(std::filesystem::path(SL_TEST_PLUGIN_DIR) / "email-domain.so",
                               copy_dir / "email-domain-copy.so");
    PluginRegistry registry;
    registry.scan(SL_TEST_PLUGIN_DIR);
    registry.scan(copy_dir);
    REQUIRE(registry.refused().size() == 1);
    CHECK_THAT(registry.refused()[0].reason, Contains("already provided by"));
    std::filesystem::remove_all(copy_dir);
}

TEST_CASE("scanning a directory that does not exist says so")
{
    PluginRegistry registry;
    CHECK_THROWS_WITH(registry.scan("/nonexistent/plugins"), Contains("/nonexistent/plugins"));
}
