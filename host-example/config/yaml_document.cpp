#include <servicelens/config/yaml_document.hpp>

#include <servicelens/cpp/utf8.hpp>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fstream>
#include <regex>
#include <sstream>

namespace servicelens::config {

namespace {

SourceLocation location(const YAML::Mark &mark)
{
    if (mark.is_null()) return {};
    return {mark.line + 1, mark.column + 1};
}

std::string escape_pointer_token(const std::string &token)
{
    std::string out;
    for (char c : token) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

// A plain scalar typed by the YAML 1.2 core schema.
nlohmann::json plain_scalar(const std::string &text)
{
    static const std::regex null_re("~|null|Null|NULL|");
    static const std::regex bool_re("true|True|TRUE|false|False|FALSE");
    static const std::regex int_re("[-+]?[0-9]+");
    static const std::regex float_re("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    if (std::regex_match(text, null_re)) return nullptr;
    if (std::regex_match(text, bool_re)) return text[0] == 't' || text[0] == 'T';
    if (std::regex_match(text, int_re)) {
        int64_t value = 0;
        const char *begin = text.data() + (text[0] == '+' ? 1 : 0);
        const auto [end, error] = std::from_chars(begin, text.data() + text.size(), value);
        if (error == std::errc() && end == text.data() + text.size()) return value;
    }
    if (std::regex_match(text, float_re)) {
        try {
            return std::stod(text);
        } catch (const std::out_of_range &) {
            return text;   // beyond a double: keep the text, the schema will say what it wanted
        }
    }
    return text;
}

class Converter {
public:
    explicit Converter(YamlDocument &document) : document_(document) {}

    nlohmann::json convert(const YAML::Node &node, const std::string &pointer, int depth)
    {
        if (depth > max_nesting)
            throw problem(node.Mark(), pointer, fmt::format("nested deeper than {} levels", max_nesting));
        if (++values_ > max_values)
            throw problem(node.Mark(), pointer,
                          fmt::format("the document expands to more than {} values (an alias bomb?)", max_values));
        document_.locations.emplace(pointer, location(node.Mark()));
        switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return nullptr;
        case YAML::NodeType::Scalar: return node.Tag() == "?" ? plain_scalar(node.Scalar()) : nlohmann::json(node.Scalar());
        case YAML::NodeType::Sequence: {
            nlohmann::json array = nlohmann::json::array();
            std::size_t i = 0;
            for (const YAML::Node &item : node) array.push_back(convert(item, pointer + "/" + std::to_string(i++), depth + 1));
            return array;
        }
        case YAML::NodeType::Map: {
            nlohmann::json object = nlohmann::json::object();
            for (auto it = node.begin(); it != node.end(); ++it) {
                if (!it->first.IsScalar())
                    throw problem(it->first.Mark(), pointer, "a key must be a plain word, not a list or a map");
                const std::string key = it->first.Scalar();
                const std::string child = pointer + "/" + escape_pointer_token(key);
                if (object.contains(key)) {
                    const SourceLocation first = document_.location_of(child);
                    throw problem(it->first.Mark(), pointer,
                                  fmt::format("duplicate key '{}' (first at line {}); each key may appear once", key,
                                              first.line));
                }
                document_.key_locations.emplace(child, location(it->first.Mark()));
                object[key] = convert(it->second, child, depth + 1);
            }
            return object;
        }
        }
        return nullptr;
    }

private:
    ConfigError problem(const YAML::Mark &mark, const std::string &pointer, std::string message) const
    {
        return ConfigError({{document_.file, location(mark), yaml_path(pointer), std::move(message)}});
    }

    YamlDocument &document_;
    std::size_t values_ = 0;
};

// YAML forbids tabs in indentation; yaml-cpp's own message for them is
// obscure, so find them first and say so plainly.
void reject_tab_indentation(std::string_view text, const std::string &file)
{
    int line = 1;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        for (std::size_t i = start; i < end && (text[i] == ' ' || text[i] == '\t'); ++i)
            if (text[i] == '\t')
                throw ConfigError({{file, {line, static_cast<int>(i - start) + 1}, "",
                                    "a tab is used for indentation; YAML indents with spaces only"}});
        start = end + 1;
        ++line;
    }
}

// YAML is Unicode text; a file saved in Latin-1 would otherwise reach the
// schema checks as bytes no JSON library can print.
void reject_invalid_utf8(std::string_view text, const std::string &file)
{
    int line = 1, column = 1;
    while (!text.empty()) {
        const std::size_t n = utf8::sequence_length(text);
        if (n == 0)
            throw ConfigError({{file, {line, column}, "",
                                fmt::format("invalid UTF-8 (byte 0x{:02X}); save the file as UTF-8",
                                            static_cast<unsigned char>(text[0]))}});
        if (text[0] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
        text.remove_prefix(n);
    }
}

ConfigError too_large(const std::string &file, std::size_t size)
{
    return ConfigError({{file, {}, "",
                         fmt::format("the file is {:.1f} MiB; a configuration is at most {} MiB: is it the right file?",
                                     static_cast<double>(size) / (1 << 20), max_config_bytes >> 20)}});
}

} // namespace

SourceLocation YamlDocument::location_of(const std::string &pointer) const
{
    for (std::string p = pointer;; p = p.substr(0, p.rfind('/'))) {
        if (auto it = locations.find(p); it != locations.end()) return it->second;
        if (p.empty()) return {};
    }
}

ConfigProblem YamlDocument::problem_at(const std::string &pointer, std::string message, bool about_key) const
{
    SourceLocation where = location_of(pointer);
    if (about_key)
        if (auto it = key_locations.find(pointer); it != key_locations.end()) where = it->second;
    return {file, where, yaml_path(pointer), std::move(message)};
}

YamlDocument parse_yaml(std::string_view text, const std::string &file)
{
    if (text.size() > max_config_bytes) throw too_large(file, text.size());
    reject_invalid_utf8(text, file);
    reject_tab_indentation(text, file);
    YamlDocument document;
    document.file = file;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException &e) {
        throw ConfigError({{file, location(e.mark), "", "YAML syntax error: " + e.msg}});
    }
    if (!root.IsMap())
        throw ConfigError({{file, location(root.Mark()), "",
                            root.IsNull() ? "the file is empty; it needs at least `version: 1` and `plugins:`"
                                          : "the top level must be a map of keys (version, plugins, ...)"}});
    document.value = Converter(document).convert(root, "", 0);
    return document;
}

YamlDocument load_yaml_file(const std::filesystem::path &path)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) throw ConfigError({{path.string(), {}, "", "cannot read the file: " + ec.message()}});
    if (size > max_config_bytes) throw too_large(path.string(), size);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError({{path.string(), {}, "", "cannot open the file for reading"}});
    std::ostringstream text;
    text << in.rdbuf();
    return parse_yaml(text.str(), path.string());
}

std::string yaml_path(const std::string &json_pointer)
{
    std::string path;
    std::size_t start = 1;
    while (start <= json_pointer.size() && !json_pointer.empty()) {
        const std::size_t end = std::min(json_pointer.find('/', start), json_pointer.size());
        std::string token = json_pointer.substr(start, end - start);
        for (std::size_t i = 0; (i = token.find('~', i)) != std::string::npos; ++i)
            token.replace(i, 2, token.compare(i, 2, "~1") == 0 ? "/" : "~");
        const bool index = !token.empty() && token.find_first_not_of("0123456789") == std::string::npos;
        path += index ? "[" + token + "]" : (path.empty() ? "" : ".") + token;
        start = end + 1;
    }
    return path;
}

} // namespace servicelens::config
