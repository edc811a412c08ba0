// The kit's verdicts: one line per check, a table at the end, and whether
// anything failed.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace servicelens::kit {

enum class Verdict { pass, fail, skip };

struct CheckResult {
    std::string plugin;     // plugin id, or "(library)"
    std::string check;
    Verdict verdict;
    std::string detail;     // why it failed or was skipped
};

class CheckReport {
public:
    void pass(const std::string &plugin, const std::string &check, std::string detail = {});
    void fail(const std::string &plugin, const std::string &check, std::string detail);
    void skip(const std::string &plugin, const std::string &check, std::string detail);

    std::size_t count(Verdict verdict) const noexcept;
    bool any_failed() const noexcept { return count(Verdict::fail) > 0; }

    void print_table() const;
    void print_json() const;

private:
    std::vector<CheckResult> results_;
};

} // namespace servicelens::kit
