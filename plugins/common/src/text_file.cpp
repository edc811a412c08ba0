#include <servicelens/plugin_support/text_file.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace servicelens::plugin_support {

std::string read_text_file(const std::filesystem::path &file)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw std::runtime_error(file.string() + ": no such file (check the path in the plugin's config; "
                                                 "a relative path starts at the host's working folder)");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot be read: " + std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void for_each_json_line(const std::filesystem::path &file, const Warn &warn,
                        const std::function<void(const nlohmann::json &object, std::size_t line)> &visit)
{
    for_each_json_line_in(read_text_file(file), file.string(), warn, visit);
}

void for_each_json_line_in(std::string_view text, const std::string &source_name, const Warn &warn,
                           const std::function<void(const nlohmann::json &object, std::size_t line)> &visit)
{
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        const auto json = nlohmann::json::parse(line, nullptr, false);
        if (json.is_discarded() || !json.is_object()) {
            warn(source_name + ":" + std::to_string(number) + ": not a JSON object; line skipped");
            continue;
        }
        visit(json, number);
    }
}

} // namespace servicelens::plugin_support
