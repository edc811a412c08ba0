#include <servicelens/config/secrets.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

namespace servicelens::config {

namespace {

const std::regex &reference_pattern()
{
    static const std::regex pattern(R"(\$\{(env|file):([^}]*)\})");
    return pattern;
}

} // namespace

bool has_secret_reference(std::string_view text)
{
    return std::regex_search(text.begin(), text.end(), reference_pattern());
}

void SecretResolver::resolve(nlohmann::json &value, const YamlDocument &document, std::vector<ConfigProblem> &problems)
{
    // Walk with explicit pointers so each problem names its place.
    struct Walker {
        SecretResolver &self;
        const YamlDocument &document;
        std::vector<ConfigProblem> &problems;
        void operator()(nlohmann::json &v, const std::string &pointer)
        {
            if (v.is_string()) {
                self.resolve_string(v.get_ref<std::string &>(), pointer, document, problems);
            } else if (v.is_array()) {
                for (std::size_t i = 0; i < v.size(); ++i) (*this)(v[i], pointer + "/" + std::to_string(i));
            } else if (v.is_object()) {
                for (auto &[key, child] : v.items()) (*this)(child, pointer + "/" + key);
            }
        }
    };
    Walker{*this, document, problems}(value, "");
    std::sort(values_.begin(), values_.end(), [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
}

void SecretResolver::resolve_string(std::string &text, const std::string &pointer, const YamlDocument &document,
                                    std::vector<ConfigProblem> &problems)
{
    if (!has_secret_reference(text)) return;
    std::string out;
    auto begin = text.cbegin();
    for (std::sregex_iterator it(text.begin(), text.end(), reference_pattern()), end; it != end; ++it) {
        const std::smatch &m = *it;
        out.append(begin, m[0].first);
        begin = m[0].second;
        const std::string kind = m[1], name = m[2], reference = m[0];
        std::string secret;
        if (name.empty()) {
            problems.push_back(document.problem_at(pointer, fmt::format("{} names nothing; write ${{{}:NAME}}", reference, kind)));
            continue;
        }
        if (kind == "env") {
            const char *env = std::getenv(name.c_str());
            if (!env) {
                problems.push_back(document.problem_at(
                    pointer, fmt::format("{}: the environment variable {} is not set", reference, name)));
                continue;
            }
            secret = env;
        } else {
            std::filesystem::path file(name);
            if (file.is_relative()) file = base_dir_ / file;
            std::ifstream in(file, std::ios::binary);
            if (!in) {
                problems.push_back(
                    document.problem_at(pointer, fmt::format("{}: cannot read {}", reference, file.string())));
                continue;
            }
            std::ostringstream content;
            content << in.rdbuf();
            secret = content.str();
            // Secret files usually end with a newline nobody meant as part of the secret.
            while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
        }
        if (!secret.empty()) values_.push_back(secret);
        out += secret;
    }
    out.append(begin, text.cend());
    text = std::move(out);
}

std::string redact(std::string text, const std::vector<std::string> &secrets)
{
    // A secret of one to three characters (a test password, a PIN) would
    // otherwise blank out letters inside every word; those are hidden only
    // where they stand alone.
    const auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    for (const std::string &secret : secrets) {
        if (secret.empty()) continue;
        const bool whole_words_only = secret.size() < 4;
        for (std::size_t at = 0; (at = text.find(secret, at)) != std::string::npos;) {
            const std::size_t end = at + secret.size();
            if (whole_words_only && ((at > 0 && word_char(text[at - 1])) || (end < text.size() && word_char(text[end])))) {
                at = end;
                continue;
            }
            text.replace(at, secret.size(), "********");
            at += 8;
        }
    }
    return text;
}

} // namespace servicelens::config
