#include "check_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

namespace servicelens::kit {

namespace {

const char *name(Verdict v)
{
    switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "FAIL";
    case Verdict::skip: return "skip";
    }
    return "?";
}

} // namespace

void CheckReport::pass(const std::string &plugin, const std::string &check, std::string detail)
{
    results_.push_back({plugin, check, Verdict::pass, std::move(detail)});
}

void CheckReport::fail(const std::string &plugin, const std::string &check, std::string detail)
{
    results_.push_back({plugin, check, Verdict::fail, std::move(detail)});
}

void CheckReport::skip(const std::string &plugin, const std::string &check, std::string detail)
{
    results_.push_back({plugin, check, Verdict::skip, std::move(detail)});
}

std::size_t CheckReport::count(Verdict verdict) const noexcept
{
    return static_cast<std::size_t>(
        std::count_if(results_.begin(), results_.end(), [&](const CheckResult &r) { return r.verdict == verdict; }));
}

void CheckReport::print_table() const
{
    std::size_t plugin_width = 6, check_width = 5;
    for (const auto &r : results_) {
        plugin_width = std::max(plugin_width, r.plugin.size());
        check_width = std::max(check_width, r.check.size());
    }
    fmt::print("{:<{}}  {:<{}}  {:<6}  {}\n", "PLUGIN", plugin_width, "CHECK", check_width, "RESULT", "DETAIL");
    for (const auto &r : results_)
        fmt::print("{:<{}}  {:<{}}  {:<6}  {}\n", r.plugin, plugin_width, r.check, check_width, name(r.verdict), r.detail);
    fmt::print("\n{} checks: {} passed, {} failed, {} skipped\n", results_.size(), count(Verdict::pass),
               count(Verdict::fail), count(Verdict::skip));
}

void CheckReport::print_json() const
{
    nlohmann::json out = {{"passed", count(Verdict::pass)},
                          {"failed", count(Verdict::fail)},
                          {"skipped", count(Verdict::skip)},
                          {"checks", nlohmann::json::array()}};
    for (const auto &r : results_)
        out["checks"].push_back({{"plugin", r.plugin}, {"check", r.check}, {"result", name(r.verdict)}, {"detail", r.detail}});
    fmt::print("{}\n", out.dump(2));
}

} // namespace servicelens::kit
