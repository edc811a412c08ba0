// Secret references in configuration values: ${env:NAME} and ${file:PATH}.
//
// Admins write references, never secrets; the loader replaces them with
// the values and remembers each value so that logs, errors and
// `config show` can hide it.
#pragma once

#include "config_problem.hpp"
#include "yaml_document.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::config {

class SecretResolver {
public:
    // Relative ${file:...} paths are resolved against `base_dir` (the
    // config file's folder).
    explicit SecretResolver(std::filesystem::path base_dir) : base_dir_(std::move(base_dir)) {}

    // Replaces every reference in the strings of `value` (in place). A
    // missing variable or unreadable file becomes a problem naming the
    // reference, never its (absent) value.
    void resolve(nlohmann::json &value, const YamlDocument &document, std::vector<ConfigProblem> &problems);

    // Every secret value resolved so far, longest first.
    const std::vector<std::string> &values() const noexcept { return values_; }

private:
    void resolve_string(std::string &text, const std::string &pointer, const YamlDocument &document,
                        std::vector<ConfigProblem> &problems);

    std::filesystem::path base_dir_;
    std::vector<std::string> values_;
};

// Whether `text` contains a secret reference.
bool has_secret_reference(std::string_view text);

// `text` with every occurrence of each secret replaced by "********".
std::string redact(std::string text, const std::vector<std::string> &secrets);

} // namespace servicelens::config
