#include <servicelens/config/config_problem.hpp>

#include <algorithm>
#include <numeric>

namespace servicelens::config {

namespace {

std::string join_problems(const std::vector<ConfigProblem> &problems)
{
    std::string text;
    for (const ConfigProblem &p : problems) text += (text.empty() ? "" : "\n") + p.to_string();
    return text;
}

std::size_t edit_distance(const std::string &a, const std::string &b)
{
    std::vector<std::size_t> row(b.size() + 1);
    std::iota(row.begin(), row.end(), std::size_t{0});
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

} // namespace

std::string ConfigProblem::to_string() const
{
    std::string text = file.empty() ? "<config>" : file;
    if (where.line > 0) text += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
    text += ": ";
    if (!path.empty()) text += path + ": ";
    return text + message;
}

ConfigError::ConfigError(std::vector<ConfigProblem> problems)
    : std::runtime_error(join_problems(problems)), problems_(std::move(problems))
{
}

std::string closest_match(const std::string &word, const std::vector<std::string> &candidates)
{
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(1, word.size() / 3) + 1;
    for (const std::string &candidate : candidates) {
        const std::size_t d = edit_distance(word, candidate);
        if (d < best_distance) {
            best_distance = d;
            best = candidate;
        }
    }
    return best;
}

} // namespace servicelens::config
