// Secrets never show: not in logs at trace level, not in errors, not in
// `config show`. The CLI runs for real, with a secret only this test knows.
#include "cli_runner.hpp"

#include <catch2/catch.hpp>

using servicelens::test::run_cli;
using servicelens::test::TempFile;
using Catch::Matchers::Contains;

namespace {

const std::string secret = "sl-test-secret-7f3a9c1e";
const std::string file_secret = "sl-file-secret-42b8d0";
const std::string literal_secret = "sl-literal-password-19e2";

std::string config_text(const std::string &secret_file)
{
    return "version: 1\n"
           "plugins:\n"
           "  - name: mail-domain\n"
           "    plugin: org.servicelens.example.email-domain\n"
           "    config: {internal_domains: [\"${env:SL_TEST_SECRET}\"]}\n"
           "connectors:\n"
           "  - name: sn\n"
           "    kind: servicenow\n"
           "    base_url: https://example.service-now.com\n"
           "    auth: {type: oauth2_client_credentials, token_url: https://example.service-now.com/oauth_token.do,\n"
           "           client_id: sl, client_secret: \"${env:SL_TEST_SECRET}\"}\n"
           "  - name: rt\n"
           "    kind: rt\n"
           "    base_url: http://127.0.0.1/rt\n"
           "    auth: {type: rt_token, token: \"${file:" + secret_file + "}\"}\n"
           "  - name: zd\n"
           "    kind: zendesk\n"
           "    base_url: https://example.zendesk.com\n"
           "    auth: {type: basic, username: u, password: " + literal_secret + "}\n";
}

} // namespace

TEST_CASE("secrets appear in no output of validate or show, even at trace level")
{
    const TempFile token("rt.token", file_secret + "\n");
    const TempFile file("servicelens.yaml", config_text(token.path().string()));
    const std::string env = "SL_TEST_SECRET=" + secret;
    for (const std::string command : {"validate", "show", "show --format json"}) {
        for (const std::string format : {"text", "json"}) {
            const auto run = run_cli("--log-level trace --log-format " + format + " config " + command + " '" +
                                         file.path().string() + "' --plugin-dir '" SL_TEST_PLUGIN_DIR "'",
                                     env);
            INFO(command << " / " << format << "\n" << run.output);
            CHECK(run.exit_code == 0);
            CHECK_THAT(run.output, Contains("trace") || Contains("debug"));   // it did log
            CHECK_THAT(run.output, !Contains(secret));
            CHECK_THAT(run.output, !Contains(file_secret));
            CHECK_THAT(run.output, !Contains(literal_secret));
        }
    }
}

TEST_CASE("show prints references and masks literal secrets")
{
    const TempFile token("rt.token", file_secret);
    const TempFile file("servicelens.yaml", config_text(token.path().string()));
    const auto run = run_cli("config show '" + file.path().string() + "' --plugin-dir '" SL_TEST_PLUGIN_DIR "'",
                             "SL_TEST_SECRET=" + secret);
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.output, Contains("client_secret: ${env:SL_TEST_SECRET}"));
    CHECK_THAT(run.output, Contains("password: \"********\""));
}

TEST_CASE("a plugin config problem next to a secret does not reveal the secret")
{
    const TempFile file("servicelens.yaml", "version: 1\n"
                                            "plugins:\n"
                                            "  - name: mail-domain\n"
                                            "    plugin: org.servicelens.example.email-domain\n"
                                            "    config: {internal_domains: \"${env:SL_TEST_SECRET}\"}\n");
    const auto run = run_cli("--log-level trace config validate '" + file.path().string() +
                                 "' --plugin-dir '" SL_TEST_PLUGIN_DIR "'",
                             "SL_TEST_SECRET=" + secret);
    INFO(run.output);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.output, Contains("plugins[0].config.internal_domains: expected a list"));
    CHECK_THAT(run.output, !Contains(secret));
}

TEST_CASE("a literal credential in a plugin's own section is masked in show and scrubbed from logs")
{
    const TempFile file("servicelens.yaml", "version: 1\n"
                                            "plugins:\n"
                                            "  - name: assets\n"
                                            "    plugin: org.example.assets\n"
                                            "    config: {url: https://cmdb.example.com, api_key: " + secret + "}\n");
    const auto run = run_cli("--log-level trace config show --skip-plugins '" + file.path().string() + "'");
    INFO(run.output);
    CHECK(run.exit_code == 0);
    CHECK_THAT(run.output, Contains("api_key: \"********\""));
    CHECK_THAT(run.output, !Contains(secret));
}

TEST_CASE("show lists no connectors as an empty list, and fills in a vendor connector's defaults")
{
    const TempFile none("servicelens.yaml", "version: 1\nplugins: [{name: a, plugin: org.example.a}]\n");
    const auto empty = run_cli("config show --skip-plugins '" + none.path().string() + "'");
    CHECK(empty.exit_code == 0);
    CHECK_THAT(empty.output, Contains("connectors:\n  []"));

    const TempFile vendor("servicelens.yaml", "version: 1\nplugins: [{name: a, plugin: org.example.a}]\nconnectors:\n"
                                              "  - name: rt\n    kind: rt\n    base_url: http://127.0.0.1:8080\n"
                                              "    auth: {type: rt_token, token: \"${env:SL_TEST_SECRET}\"}\n");
    const auto filled = run_cli("config show --skip-plugins '" + vendor.path().string() + "'", "SL_TEST_SECRET=" + secret);
    INFO(filled.output);
    CHECK(filled.exit_code == 0);
    CHECK_THAT(filled.output, Contains("timeout: 30s"));
    CHECK_THAT(filled.output, Contains("verify_tls: true"));
}
