// Every code block in docs/ is built or run by a test, so the docs cannot
// rot. This test holds each block to that by its language:
//   c, cpp, cmake  an excerpt (its lines, in order) of a file the build
//                  compiles: the SDK, the plugins, the host, the templates
//                  `servicelens new plugin` writes, docs/examples/
//   sh             a step of a script a test runs (the tutorial's steps are
//                  run in order by tests/journey/journey_test.sh)
//   yaml           an excerpt of a docs/examples/*.yaml file, which the
//                  config tests validate, or of a template
//   json           parses as JSON
// Blocks marked `text` or `console`, or with no language, show output or
// layout; they are not code.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct CodeBlock {
    fs::path file;
    int line = 0;   // of the opening fence
    std::string language;
    std::vector<std::string> lines;
};

std::string trimmed(const std::string &s)
{
    const auto begin = s.find_first_not_of(" \t\r");
    if (begin == std::string::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

std::string read(const fs::path &file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<CodeBlock> code_blocks(const fs::path &markdown)
{
    std::vector<CodeBlock> blocks;
    std::istringstream in(read(markdown));
    std::string line;
    int number = 0;
    CodeBlock *open = nullptr;
    while (std::getline(in, line)) {
        ++number;
        const std::string t = trimmed(line);
        if (t.rfind("```", 0) == 0) {
            if (open) {
                open = nullptr;
            } else {
                blocks.push_back({markdown, number, t.substr(3), {}});
                open = &blocks.back();
            }
        } else if (open) {
            open->lines.push_back(line);
        }
    }
    return blocks;
}

// YAML and shell lines are compared without their trailing comment, so an
// example file may explain a line the docs quote bare, and the other way.
std::string without_comment(const std::string &line, const std::string &language)
{
    if (language != "yaml" && language != "sh") return line;
    const auto hash = line.find(" #");
    return trimmed(hash == std::string::npos ? line : line.substr(0, hash));
}

// The block's non-blank lines, trimmed, stand in `text` in the same order
// (other lines may come between: an excerpt may skip a part).
bool is_excerpt_of(const CodeBlock &block, const std::vector<std::string> &text)
{
    std::size_t at = 0;
    for (const std::string &line : block.lines) {
        const std::string wanted = without_comment(trimmed(line), block.language);
        if (wanted.empty() || wanted == "..." || wanted == "// ..." || wanted == "/* ... */" || wanted == "# ...")
            continue;
        while (at < text.size() && without_comment(text[at], block.language) != wanted) ++at;
        if (at == text.size()) return false;
        ++at;
    }
    return true;
}

std::vector<std::string> trimmed_lines(const fs::path &file)
{
    std::vector<std::string> lines;
    std::istringstream in(read(file));
    for (std::string line; std::getline(in, line);) lines.push_back(trimmed(line));
    return lines;
}

// The files a block may be an excerpt of, by language.
std::vector<fs::path> sources_for(const std::string &language, const fs::path &root)
{
    std::map<std::string, std::vector<std::string>> extensions = {
        {"c", {".c", ".h", ".in"}},
        {"cpp", {".cpp", ".hpp", ".h", ".in"}},
        {"cmake", {".txt", ".cmake", ".in"}},
        {"sh", {".sh", ""}},
        {"yaml", {".yaml", ".in"}},
    };
    std::vector<fs::path> files;
    for (const char *dir :
         {"sdk", "plugins", "host-example", "docs/examples", "tests/journey", "tests/docs", "scripts", "cmake", "bench"})
        for (const auto &entry : fs::recursive_directory_iterator(root / dir)) {
            if (!entry.is_regular_file()) continue;
            const auto &wanted = extensions[language];
            if (std::find(wanted.begin(), wanted.end(), entry.path().extension().string()) != wanted.end())
                files.push_back(entry.path());
        }
    if (language == "cmake") files.push_back(root / "CMakeLists.txt");
    return files;
}

} // namespace

// The tutorial's shell steps: tests/journey/journey_test.sh runs every sh
// block of part one of the plugin author guide, in order, as written.
std::vector<std::string> tutorial_steps(const fs::path &root)
{
    const fs::path guide = root / "docs" / "plugin-author-guide.md";
    const std::string text = read(guide);
    const auto begin = text.find("\n# Part one"), end = text.find("\n# Part two");
    std::vector<std::string> steps;
    for (const CodeBlock &block : code_blocks(guide)) {
        if (block.language != "sh") continue;
        std::size_t offset = 0;
        for (int line = 1; line < block.line; ++line) offset = text.find('\n', offset) + 1;
        if (offset > begin && offset < end)
            for (const auto &l : block.lines) steps.push_back(trimmed(l));
    }
    return steps;
}

TEST_CASE("every code block in docs/ is built or run by a test")
{
    const fs::path root = SL_SOURCE_DIR;
    std::map<std::string, std::vector<std::vector<std::string>>> cache;
    cache["sh"].push_back(tutorial_steps(root));
    REQUIRE(cache["sh"].front().size() > 10);
    int checked = 0;
    for (const auto &entry : fs::recursive_directory_iterator(root / "docs")) {
        if (entry.path().extension() != ".md") continue;
        for (const CodeBlock &block : code_blocks(entry.path())) {
            const std::string where = fs::relative(block.file, root).string() + ":" + std::to_string(block.line);
            if (block.language.empty() || block.language == "text" || block.language == "console") continue;
            ++checked;
            INFO(where << ": a ```" << block.language << " block");
            if (block.language == "json") {
                std::string text;
                for (const auto &l : block.lines) text += l + "\n";
                CHECK(nlohmann::json::accept(text));
                continue;
            }
            const auto files = sources_for(block.language, root);
            REQUIRE_FALSE(files.empty());
            auto &texts = cache[block.language];
            if (texts.size() <= (block.language == "sh" ? 1u : 0u))
                for (const auto &f : files) texts.push_back(trimmed_lines(f));
            const bool found = std::any_of(texts.begin(), texts.end(),
                                           [&](const auto &text) { return is_excerpt_of(block, text); });
            if (!found) {
                std::string first;
                for (const auto &l : block.lines)
                    if (!trimmed(l).empty()) {
                        first = trimmed(l);
                        break;
                    }
                FAIL_CHECK(where << ": no built or tested file holds this ```" << block.language
                                 << " block (first line: " << first << ")");
            }
        }
    }
    CHECK(checked > 20);
}
