// What is wrong with a configuration, and where: file, line:column, the
// YAML path, and a message that says what was expected and what was found.
//
//     servicelens.yaml:14:9: plugins[1].config.file: expected string, found integer 42
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace servicelens::config {

struct SourceLocation {
    int line = 0;     // 1-based; 0 when unknown
    int column = 0;   // 1-based
};

struct ConfigProblem {
    std::string file;
    SourceLocation where;
    std::string path;      // YAML path: plugins[1].config.file; empty for the whole file
    std::string message;

    std::string to_string() const;
};

// Thrown when a configuration cannot be used; carries every problem found,
// not just the first, so an admin fixes them in one go.
class ConfigError : public std::runtime_error {
public:
    explicit ConfigError(std::vector<ConfigProblem> problems);
    const std::vector<ConfigProblem> &problems() const noexcept { return problems_; }

private:
    std::vector<ConfigProblem> problems_;
};

// The closest of `candidates` to `word` when it is close enough to be a
// likely typo (edit distance at most a third of the word, at least 1), or "".
std::string closest_match(const std::string &word, const std::vector<std::string> &candidates);

} // namespace servicelens::config
