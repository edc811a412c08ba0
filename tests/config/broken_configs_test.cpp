// Table-driven: broken configurations, each run through
// `servicelens config validate` exactly as an admin would, each asserting
// the exit code and the fragments the message must contain.
#include "cli_runner.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using servicelens::test::run_cli;
using servicelens::test::TempFile;

namespace {

const std::string minimal = R"(version: 1
plugins:
  - name: mail-domain
    plugin: org.servicelens.example.email-domain
)";

const std::string with_connector = minimal + R"(connectors:
  - name: desk
    kind: local
    path: desk.db
)";

std::string replaced(std::string text, const std::string &from, const std::string &to)
{
    const auto at = text.find(from);
    if (at == std::string::npos) throw std::logic_error("test table: '" + from + "' not in the base config");
    return text.replace(at, from.size(), to);
}

struct BrokenConfig {
    const char *name;
    std::string yaml;
    std::vector<std::string> fragments;
};

std::string nested(int depth)
{
    std::string text = "version: 1\nplugins: [{name: a, plugin: b, config: {x: ";
    for (int i = 0; i < depth; ++i) text += "[";
    for (int i = 0; i < depth; ++i) text += "]";
    return text + "}}]\n";
}

std::string alias_bomb()
{
    std::string text = "version: 1\nplugins: []\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int i = 1; i < 8; ++i) {
        text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
        for (int j = 0; j < 10; ++j) text += (j ? ", *a" : "*a") + std::to_string(i - 1);
        text += "]\n";
    }
    return text;
}

const std::vector<BrokenConfig> &broken_configs()
{
    static const std::vector<BrokenConfig> table = {
        // -- the shape of the file
        {"empty file", "", {"the file is empty"}},
        {"top level is a list", "- version: 1\n", {"top level must be a map"}},
        {"YAML syntax error", "version: 1\nplugins: [\n", {"YAML syntax error", ":3:"}},
        {"invalid UTF-8", "version: 1\nplugins:\n  - name: caf\xe9\n", {":3:14:", "invalid UTF-8 (byte 0xE9); save the file as UTF-8"}},
        {"tab indentation", "version: 1\nplugins:\n\t- name: x\n", {":3:1:", "a tab is used for indentation"}},
        {"duplicate key", "version: 1\nversion: 1\nplugins: []\n", {"duplicate key 'version' (first at line 1)"}},
        {"nested 100 levels deep", nested(100), {"nested deeper than 64 levels"}},
        {"nested 5000 levels deep", nested(5000), {"servicelens.yaml:2:", "YAML syntax error"}},
        {"alias bomb", alias_bomb(), {"expands to more than"}},
        // -- required keys and types
        {"missing version", replaced(minimal, "version: 1\n", ""), {"missing required key 'version'"}},
        {"missing plugins", "version: 1\n", {"missing required key 'plugins'"}},
        {"version is a word", replaced(minimal, "version: 1", "version: one"), {":1:10:", "version: expected 1, found string \"one\""}},
        {"version 2", replaced(minimal, "version: 1", "version: 2"), {"version: expected 1, found integer 2"}},
        {"plugins is a string", "version: 1\nplugins: all\n", {"plugins: expected a list, found string \"all\""}},
        {"plugins is empty", "version: 1\nplugins: []\n", {"plugins: expected at least 1 item, found 0"}},
        {"instance without a name", replaced(minimal, "  - name: mail-domain\n    plugin", "  - plugin"),
         {"plugins[0]: missing required key 'name'"}},
        {"instance without a plugin", replaced(minimal, "    plugin: org.servicelens.example.email-domain\n", ""),
         {"plugins[0]: missing required key 'plugin'"}},
        {"instance name with capitals", replaced(minimal, "name: mail-domain", "name: Mail_Domain"),
         {"plugins[0].name", "does not have the expected form: Lower-case letters"}},
        {"quoted number for workers", minimal + "schedule:\n  workers: \"2\"\n",
         {"schedule.workers: expected an integer, found string \"2\""}},
        {"workers is 0", minimal + "schedule:\n  workers: 0\n", {"schedule.workers: expected a number from 1 to 256, found integer 0"}},
        {"interval in words", minimal + "schedule:\n  interval: 5 minutes\n",
         {"schedule.interval", "does not have the expected form: A number and a unit"}},
        {"interval overflows", minimal + "schedule:\n  interval: 99999999999999999999d\n",
         {"schedule.interval: expected a duration of at most 30d"}},
        {"log level unknown", minimal + "logging:\n  level: verbose\n",
         {"logging.level: expected one of trace, debug, info, warn, error, off, found string \"verbose\""}},
        {"log format close to json", minimal + "logging:\n  format: jsn\n", {"did you mean 'json'?"}},
        // -- unknown keys
        {"unknown top-level key, close", minimal + "plugin_dir: [/tmp]\n",
         {":5:1:", "unknown key 'plugin_dir'; did you mean 'plugin_dirs'?"}},
        {"unknown top-level key, far", minimal + "colour: red\n", {"unknown key 'colour'; allowed here: connectors, logging"}},
        {"unknown key in an instance", replaced(minimal, "    plugin:", "    confg: {}\n    plugin:"),
         {"plugins[0].confg: unknown key 'confg'; did you mean 'config'?"}},
        {"unknown key in auth", minimal + R"(connectors:
  - name: sn
    kind: servicenow
    base_url: https://x.service-now.com
    auth: {type: basic, username: u, pasword: p}
)", {"connectors[0].auth.pasword: unknown key 'pasword'; did you mean 'password'?"}},
        // -- plugins
        {"unknown plugin id, close", replaced(minimal, "email-domain", "email-domian"),
         {"plugins[0].plugin", "did you mean 'org.servicelens.example.email-domain'?"}},
        {"unknown plugin id, far", replaced(minimal, "org.servicelens.example.email-domain", "com.acme.nothing"),
         {"no plugin 'com.acme.nothing'", "servicelens plugins list"}},
        {"plugin config breaks the plugin's schema", minimal + "    config:\n      internal_domains: 42\n",
         {":6:25:", "plugins[0].config.internal_domains: expected a list, found integer 42",
          "(plugin org.servicelens.example.email-domain's config schema)"}},
        {"plugin config has an unknown key", minimal + "    config:\n      internal_domain: [a.com]\n",
         {"plugins[0].config.internal_domain: unknown key 'internal_domain'; did you mean 'internal_domains'?"}},
        {"plugin config is not a map", minimal + "    config: yes\n", {"plugins[0].config: expected a map, found string \"yes\""}},
        {"duplicate instance names", minimal + "  - name: mail-domain\n    plugin: org.servicelens.example.ticket-volume\n",
         {"plugins[1].name: the name 'mail-domain' is already used by plugins[0] (line 3)"}},
        // -- connectors
        {"connector without kind", minimal + "connectors:\n  - name: desk\n", {"connectors[0]: missing required key 'kind'"}},
        {"connector kind misspelt", minimal + "connectors:\n  - name: sn\n    kind: servicenow2\n",
         {"connectors[0].kind: expected one of local, servicenow, jira, zendesk, rt", "did you mean 'servicenow'?"}},
        {"local connector without path", minimal + "connectors:\n  - name: desk\n    kind: local\n",
         {"connectors[0]: missing required key 'path'"}},
        {"vendor connector without auth", minimal + "connectors:\n  - name: sn\n    kind: zendesk\n    base_url: https://x.zendesk.com\n",
         {"connectors[0]: missing required key 'auth'"}},
        {"bad base URL", minimal + "connectors:\n  - name: sn\n    kind: jira\n    base_url: example.com\n    auth: {type: none}\n",
         {"connectors[0].base_url", "does not have the expected form: An http:// or https:// URL."}},
        {"basic auth without password", minimal + "connectors:\n  - name: rt\n    kind: rt\n    base_url: http://127.0.0.1/rt\n    auth: {type: basic, username: u}\n",
         {"connectors[0].auth: missing required key 'password'"}},
        {"unknown auth type", minimal + "connectors:\n  - name: rt\n    kind: rt\n    base_url: http://127.0.0.1/rt\n    auth: {type: kerberos}\n",
         {"connectors[0].auth.type: expected one of none, basic, bearer"}},
        {"negative rate limit", minimal + "connectors:\n  - name: sn\n    kind: jira\n    base_url: https://x.atlassian.net\n    auth: {type: none}\n    requests_per_second: -1\n",
         {"connectors[0].requests_per_second: expected a number"}},
        {"verify_tls is a word", replaced(with_connector, "    path: desk.db\n", "    path: desk.db\n    verify_tls: maybe\n"),
         {"connectors[0].verify_tls: expected true or false, found string \"maybe\""}},
        {"duplicate connector names", with_connector + "  - name: desk\n    kind: local\n    path: other.db\n",
         {"connectors[1].name: the name 'desk' is already used by connectors[0]"}},
        // -- pipeline
        {"pipeline runs an unknown instance", minimal + "pipeline:\n  - on: incident_changed\n    run: [mail-domian]\n",
         {"pipeline[0].run[0]: no plugin instance is named 'mail-domian'; did you mean 'mail-domain'?"}},
        {"pipeline event misspelt", minimal + "pipeline:\n  - on: incident_created\n    run: [mail-domain]\n",
         {"pipeline[0].on: expected one of incident_changed", "did you mean 'incident_changed'?"}},
        {"pipeline names an unknown connector", with_connector + "pipeline:\n  - on: schedule\n    connector: dsk\n    run: [mail-domain]\n",
         {"pipeline[0].connector: no connector is named 'dsk'; did you mean 'desk'?"}},
        {"write back to a field without the field", with_connector + "pipeline:\n  - on: schedule\n    run: [mail-domain]\n    write_back: {as: field}\n",
         {"pipeline[0].write_back: missing required key 'field'"}},
        {"write back with no connector", minimal + "pipeline:\n  - on: schedule\n    run: [mail-domain]\n    write_back: {as: tag}\n",
         {"pipeline[0].write_back: results can only be written back through a connector"}},
        // -- secrets and files
        {"missing environment secret", minimal + "connectors:\n  - name: sn\n    kind: zendesk\n    base_url: https://x.zendesk.com\n    auth: {type: bearer, token: \"${env:SL_TEST_SURELY_UNSET}\"}\n",
         {"connectors[0].auth.token: ${env:SL_TEST_SURELY_UNSET}: the environment variable SL_TEST_SURELY_UNSET is not set"}},
        {"unreadable secret file", minimal + "connectors:\n  - name: sn\n    kind: zendesk\n    base_url: https://x.zendesk.com\n    auth: {type: bearer, token: \"${file:/nonexistent/zendesk.token}\"}\n",
         {"${file:/nonexistent/zendesk.token}: cannot read /nonexistent/zendesk.token"}},
        {"plugin directory that does not exist", minimal + "plugin_dirs: [/nonexistent/plugins]\n",
         {"plugin_dirs[0]: /nonexistent/plugins is not a directory"}},
    };
    return table;
}

} // namespace

TEST_CASE("every broken configuration is refused with exit 2 and a message that says what and where")
{
    REQUIRE(broken_configs().size() >= 40);
    for (const BrokenConfig &broken : broken_configs()) {
        DYNAMIC_SECTION(broken.name)
        {
            const TempFile file("servicelens.yaml", broken.yaml);
            // plugin_dirs from the file where the case is about them; the build's plugins otherwise.
            const bool own_dirs = broken.yaml.find("plugin_dirs:") != std::string::npos;
            const auto run = run_cli("config validate '" + file.path().string() + "'" +
                                     (own_dirs ? "" : " --plugin-dir '" SL_TEST_PLUGIN_DIR "'"));
            INFO(run.output);
            CHECK(run.exit_code == 2);
            for (const std::string &fragment : broken.fragments) CHECK_THAT(run.output, Catch::Matchers::Contains(fragment));
        }
    }
}

TEST_CASE("a 50 MB file is refused before it is parsed")
{
    const TempFile file("huge.yaml", "version: 1\n" + std::string(50u << 20, '#') + "\n");
    const auto run = run_cli("config validate '" + file.path().string() + "'");
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output, Catch::Matchers::Contains("the file is 50.0 MiB; a configuration is at most 4 MiB"));
}

TEST_CASE("a file that does not exist is a usage error")
{
    const auto run = run_cli("config validate /nonexistent/servicelens.yaml");
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output, Catch::Matchers::Contains("/nonexistent/servicelens.yaml"));
}
