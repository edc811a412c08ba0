// `servicelens new plugin`: a small out-of-tree plugin project that builds
// against the installed SDK, passes the conformance kit and loads in the
// host unchanged. The templates are embedded at build time
// (host-example/templates/), so the command works wherever the CLI is.
#include "commands.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string_view>

namespace servicelens::cli::templates {
struct EmbeddedFile {
    std::string_view name;
    std::string_view text;
};
extern const EmbeddedFile embedded_templates[];
extern const std::size_t embedded_templates_count;
} // namespace servicelens::cli::templates

namespace servicelens::cli {

namespace {

struct NewPluginOptions {
    std::string kind;
    std::string name;
    std::string language = "cpp";
    std::string id;        // default: com.example.<name>
    std::string vendor = "Example";
    std::filesystem::path dir;
    bool force = false;
};

std::string_view template_text(std::string_view name)
{
    for (std::size_t i = 0; i < templates::embedded_templates_count; ++i)
        if (templates::embedded_templates[i].name == name) return templates::embedded_templates[i].text;
    throw CommandFailed(exit_failure, fmt::format("this servicelens was built without the template {}", name));
}

// "ticket-age" -> "TicketAge" and "ticket_age".
std::string camel_case(const std::string &name)
{
    std::string out;
    bool start_of_word = true;
    for (const char c : name) {
        if (c == '-') {
            start_of_word = true;
            continue;
        }
        out += start_of_word && c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
        start_of_word = false;
    }
    return out;
}

std::string snake_case(std::string name)
{
    for (char &c : name)
        if (c == '-') c = '_';
    return name;
}

// Where the installed JSON Schemas are, for the editor line in the YAML.
std::string schema_dir()
{
    const std::filesystem::path bin = boost::dll::program_location().parent_path().string();
    const std::filesystem::path installed = bin / ".." / SERVICELENS_INSTALL_SCHEMA_DIR;
    if (std::filesystem::is_directory(installed)) return std::filesystem::weakly_canonical(installed).string();
    return SERVICELENS_SOURCE_SCHEMA_DIR;
}

std::string substituted(std::string_view text, const std::map<std::string, std::string> &values)
{
    std::string out(text);
    for (const auto &[key, value] : values)
        for (std::size_t at = 0; (at = out.find(key, at)) != std::string::npos; at += value.size())
            out.replace(at, key.size(), value);
    return out;
}

void write_file(const std::filesystem::path &path, const std::string &content)
{
    std::filesystem::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary);
    out << content;
    if (!out) throw CommandFailed(exit_failure, "cannot write " + path.string());
}

void new_plugin(const NewPluginOptions &o)
{
    if (std::filesystem::exists(o.dir) && !std::filesystem::is_empty(o.dir) && !o.force)
        throw CommandFailed(exit_bad_input, fmt::format("{} exists and is not empty; choose a new folder, or add --force "
                                                        "to write over the files this command makes",
                                                        o.dir.string()));
    const bool c = o.language == "c";
    const std::string source_file = o.name + (c ? ".c" : ".cpp");
    const std::string id = o.id.empty() ? "com.example." + o.name : o.id;
    const std::map<std::string, std::string> factory_macro = {
        {"context", "SL_CONTEXT_FACTORY_ID"}, {"sentiment", "SL_SENTIMENT_FACTORY_ID"}, {"report", "SL_REPORT_FACTORY_ID"}};
    const bool report = o.kind == "report";
    const std::map<std::string, std::string> values = {
        {"@PLUGIN_NAME@", o.name},
        {"@PLUGIN_ID@", id},
        {"@CLASS_NAME@", camel_case(o.name)},
        {"@C_PREFIX@", snake_case(o.name)},
        {"@VENDOR@", o.vendor},
        {"@KIND@", o.kind},
        {"@LANGUAGES@", c ? "C CXX" : "CXX"},
        {"@LANGUAGE_NAME@", c ? "plain C99 (the test is C++, for Catch2)" : "C++20 with the SDK's C++ layer"},
        {"@SOURCE_FILE@", source_file},
        {"@FACTORY_MACRO@", factory_macro.at(o.kind)},
        {"@SCHEMA_DIR@", schema_dir()},
        {"@PIPELINE_EVENT@", report ? "schedule" : "incident_changed"},
        {"@WRITE_BACK@", report ? "" : "\n    write_back:\n      as: work_note"},
        {"@RUN_REPORT@", report ? fmt::format("\nservicelens report --plugin {} --config servicelens.yaml --out report", o.name)
                                : ""},
    };
    const std::vector<std::pair<std::string, std::string>> files = {
        {"CMakeLists.txt", "CMakeLists.txt.in"},
        {"src/" + source_file, o.kind + (c ? ".c.in" : ".cpp.in")},
        {"tests/plugin_test.cpp", "plugin_test.cpp.in"},
        {"servicelens.yaml", "servicelens.yaml.in"},
        {"README.md", "README.md.in"},
    };
    for (const auto &[file, template_name] : files) {
        write_file(o.dir / file, substituted(template_text(template_name), values));
        fmt::print("wrote {}\n", (o.dir / file).string());
    }
    fmt::print("\nnext:\n  cd {}\n  cmake -S . -B build && cmake --build build && ctest --test-dir build\n"
               "  servicelens-plugin-check build/{}.so\n",
               o.dir.string(), o.name);
}

} // namespace

void add_new_command(CLI::App &app)
{
    CLI::App *cmd = app.add_subcommand("new", "Start a new project");
    cmd->require_subcommand(1);
    auto options = std::make_shared<NewPluginOptions>();
    CLI::App *plugin = cmd->add_subcommand(
        "plugin", "Write a small plugin project (CMake, source, a Catch2 test, a host configuration, a README) "
                  "that builds against the installed SDK");
    plugin->add_option("--kind", options->kind, "context, sentiment or report")
        ->required()
        ->check(CLI::IsMember({"context", "sentiment", "report"}));
    plugin->add_option("--name", options->name, "The plugin's name: lower-case words joined by '-', like ticket-age")
        ->required()
        ->check([](const std::string &name) -> std::string {
            const bool ok = !name.empty() && name.size() <= 64 && name.front() >= 'a' && name.front() <= 'z' &&
                            name.back() != '-' &&
                            name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos &&
                            name.find("--") == std::string::npos;
            return ok ? "" : "expected lower-case letters, digits and single '-', starting with a letter, like ticket-age";
        });
    plugin->add_option("--lang", options->language, "cpp (the C++ layer) or c (plain C99)")
        ->check(CLI::IsMember({"c", "cpp"}))
        ->capture_default_str();
    plugin->add_option("--id", options->id, "The plugin id, reverse-DNS; default: com.example.NAME")
        ->check([](const std::string &id) -> std::string {
            const bool ok = id.find('.') != std::string::npos && id.front() != '.' && id.back() != '.' &&
                            id.find("..") == std::string::npos &&
                            id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") == std::string::npos;
            return ok ? "" : "expected a reverse-DNS id of lower-case words, like org.example.ticket-age";
        });
    // The vendor lands in C and C++ string literals: keep it plain text.
    plugin->add_option("--vendor", options->vendor, "Who makes it, as the descriptor says")
        ->capture_default_str()
        ->check([](const std::string &vendor) -> std::string {
            const bool ok = !vendor.empty() && vendor.size() <= 100 &&
                            std::none_of(vendor.begin(), vendor.end(), [](char c) {
                                return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
                            });
            return ok ? "" : "expected plain text without quotes, backslashes or control characters";
        });
    plugin->add_option("dir", options->dir, "The folder to write the project into")->required();
    plugin->add_flag("--force", options->force, "Write into a folder that is not empty (overwrites these files)");
    plugin->footer("Example:\n  servicelens new plugin --kind context --name ticket-age ticket-age\n"
                   "  cd ticket-age && cmake -S . -B build && cmake --build build && ctest --test-dir build");
    plugin->callback([options] { new_plugin(*options); });
}

} // namespace servicelens::cli
