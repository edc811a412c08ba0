#include <servicelens/config/config_problem.hpp>
#include <servicelens/config/host_config.hpp>
#include <servicelens/config/yaml_document.hpp>

#include <catch2/catch.hpp>

using namespace servicelens::config;

TEST_CASE("plain scalars are typed by the YAML 1.2 core schema, quoted ones stay strings")
{
    const auto doc = parse_yaml("a: 12\nb: \"12\"\nc: true\nd: yes\ne: 1.5\nf: ~\ng: 0x1F\nh: -7\n", "t.yaml");
    CHECK(doc.value["a"] == 12);
    CHECK(doc.value["b"] == "12");
    CHECK(doc.value["c"] == true);
    CHECK(doc.value["d"] == "yes");     // YAML 1.1's yes is just a word in 1.2
    CHECK(doc.value["e"] == 1.5);
    CHECK(doc.value["f"].is_null());
    CHECK(doc.value["g"] == "0x1F");    // not in the core schema's int form we accept
    CHECK(doc.value["h"] == -7);
}

TEST_CASE("every value knows its line and column")
{
    const auto doc = parse_yaml("version: 1\nplugins:\n  - name: x\n    plugin: y\n", "t.yaml");
    CHECK(doc.location_of("/plugins/0/plugin").line == 4);
    CHECK(doc.location_of("/plugins/0/plugin").column == 13);
    CHECK(doc.location_of("/plugins/0/missing").line == 3);   // nearest ancestor
    CHECK(yaml_path("/plugins/0/config/file") == "plugins[0].config.file");
}

TEST_CASE("durations read as an admin writes them")
{
    CHECK(parse_duration("500ms") == std::chrono::milliseconds(500));
    CHECK(parse_duration("30s") == std::chrono::seconds(30));
    CHECK(parse_duration("5m") == std::chrono::minutes(5));
    CHECK(parse_duration("1d") == std::chrono::hours(24));
    CHECK_FALSE(parse_duration("5 m"));
    CHECK_FALSE(parse_duration("m"));
    CHECK_FALSE(parse_duration("99999999999999999999d"));
}

TEST_CASE("suggestions catch typos and ignore strangers")
{
    CHECK(closest_match("plugin_dir", {"plugin_dirs", "plugins", "pipeline"}) == "plugin_dirs");
    CHECK(closest_match("confg", {"config", "name", "plugin"}) == "config");
    CHECK(closest_match("colour", {"config", "name", "plugin"}).empty());
}

TEST_CASE("a valid configuration loads into typed values with defaults")
{
    const auto cfg = parse_host_config("version: 1\nplugins:\n  - name: x\n    plugin: org.example.x\n"
                                       "schedule: {interval: 30s}\n",
                                       "/etc/servicelens/servicelens.yaml");
    REQUIRE(cfg.plugins.size() == 1);
    CHECK(cfg.plugins[0].plugin_id == "org.example.x");
    CHECK(cfg.interval == std::chrono::seconds(30));
    CHECK(cfg.workers == 2);
    CHECK(cfg.state_store == "/etc/servicelens/servicelens-state.db");
    CHECK(cfg.effective["logging"]["level"] == "info");
}

#include <servicelens/config/secrets.hpp>

TEST_CASE("redaction hides secrets, and short ones only where they stand alone")
{
    CHECK(redact("token=abcd1234 sent", {"abcd1234"}) == "token=******** sent");
    CHECK(redact("org.servicelens.example x", {"x"}) == "org.servicelens.example ********");
    CHECK(redact("a:b", {"a", "b"}) == "********:********");
}
