// The loader against purpose-built broken plugins: every refusal names the
// file and says why; every plugin message reaches the user.
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <catch2/catch.hpp>

#include <dlfcn.h>

#include <filesystem>
#include <string>

using namespace servicelens::host;
using Catch::Matchers::Contains;

namespace {

std::filesystem::path broken(const std::string &name)
{
    return std::filesystem::path(SL_TEST_BROKEN_DIR) / name / ("broken_" + name);
}

std::filesystem::path broken_so(const std::string &name) { return broken(name).string() + ".so"; }

std::string refusal(const std::filesystem::path &file)
{
    try {
        PluginLibrary library(file);
    } catch (const PluginLoadError &e) {
        return e.what();
    }
    FAIL("the loader accepted " << file);
    return {};
}

// "1.1.0": the ABI this host implements, as messages print it.
std::string host_version()
{
    return std::to_string(SL_ABI_VERSION_MAJOR) + "." + std::to_string(SL_ABI_VERSION_MINOR) + "." +
           std::to_string(SL_ABI_VERSION_PATCH);
}

} // namespace

TEST_CASE("a plugin built for another major is refused with both versions and the file named")
{
    const std::string message = refusal(broken_so("wrong_major"));
    CHECK_THAT(message, Contains(broken_so("wrong_major").string()));
    CHECK_THAT(message, Contains("2.0.0"));
    CHECK_THAT(message, Contains(host_version()));
    CHECK_THAT(message, Contains("rebuild"));
}

TEST_CASE("a plugin built for a newer minor is refused")
{
    const std::string message = refusal(broken_so("newer_minor"));
    CHECK_THAT(message, Contains(std::to_string(SL_ABI_VERSION_MAJOR) + "." + std::to_string(SL_ABI_VERSION_MINOR + 1) + ".0"));
    CHECK_THAT(message, Contains(host_version()));
    CHECK_THAT(message, Contains("newer"));
}

TEST_CASE("an entry with a NULL get_factory is refused")
{
    CHECK_THAT(refusal(broken_so("null_factory")), Contains("NULL init, deinit or get_factory"));
}

TEST_CASE("a library that offers no plugin is refused")
{
    CHECK_THAT(refusal(broken_so("no_plugins")), Contains("offers no plugin"));
}

TEST_CASE("a library without the entry symbol is refused")
{
    const std::string message = refusal(broken_so("missing_entry"));
    CHECK_THAT(message, Contains("does not export 'servicelens_plugin_entry'"));
}

TEST_CASE("a failing init is reported")
{
    CHECK_THAT(refusal(broken_so("init_fails")), Contains("init failed (unavailable)"));
}

TEST_CASE("a file that does not exist is reported, not crashed on")
{
    CHECK_THAT(refusal("/nonexistent/plugin.so"), Contains("/nonexistent/plugin.so: cannot load the library"));
}

TEST_CASE("a constructor that throws becomes a failed create carrying its message")
{
    PluginLibrary library(broken_so("create_throws"));
    try {
        ContextProviderInstance instance(library, {"org.servicelens.test.create-throws", "x", "{}", {}});
        FAIL("create succeeded");
    } catch (const PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INTERNAL);
        CHECK_THAT(e.what(), Contains("constructor exploded: the directory export is unreadable"));
        CHECK_THAT(e.what(), Contains("instance 'x' of org.servicelens.test.create-throws"));
    }
}

TEST_CASE("a create that fails with a message: the message reaches the user")
{
    PluginLibrary library(broken_so("create_fails"));
    try {
        ContextProviderInstance instance(library, {"org.servicelens.test.create-fails", "hr", "{}", {}});
        FAIL("create succeeded");
    } catch (const PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_UNAVAILABLE);
        CHECK_THAT(e.what(), Contains("cannot open /nonexistent/hr-export.csv"));
    }
}

TEST_CASE("a config that violates the plugin's schema never reaches create")
{
    PluginLibrary library(std::filesystem::path(SL_TEST_PLUGIN_DIR) / "email-domain.so");
    try {
        ContextProviderInstance instance(library,
                                         {"org.servicelens.example.email-domain", "mail", R"({"internal_domains": [42]})", {}});
        FAIL("an invalid config was accepted");
    } catch (const PluginCallError &e) {
        CHECK(e.status() == SL_STATUS_INVALID_ARGUMENT);
        CHECK_THAT(e.what(), Contains("/internal_domains/0"));
    }
}

TEST_CASE("asking a library for a plugin of the wrong kind is an error naming both kinds")
{
    PluginLibrary library(std::filesystem::path(SL_TEST_PLUGIN_DIR) / "email-domain.so");
    CHECK_THROWS_WITH((SentimentAnalyzerInstance(library, {"org.servicelens.example.email-domain", "", "{}", {}})),
                      Contains("is a context plugin, not a sentiment plugin"));
}

TEST_CASE("never_unload keeps the library mapped after the host lets go of it")
{
    const auto file = std::filesystem::path(SL_TEST_PLUGIN_DIR) / "ticket-volume.so";
    { PluginLibrary library(file, LoadOptions{.never_unload = true}); }
    void *still_there = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
    CHECK(still_there != nullptr);
    if (still_there) ::dlclose(still_there);
}

TEST_CASE("a library is unloaded when the host lets go of it, by default")
{
    const auto file = std::filesystem::path(SL_TEST_PLUGIN_DIR) / "keyword-sentiment.so";
    { PluginLibrary library(file); }
    void *still_there = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD);
    CHECK(still_there == nullptr);
    if (still_there) ::dlclose(still_there);
}
