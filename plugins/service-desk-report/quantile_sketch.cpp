#include "quantile_sketch.hpp"

#include <cmath>
#include <stdexcept>

namespace servicelens::desk_report {

namespace {

constexpr double gamma = (1 + QuantileSketch::relative_accuracy) / (1 - QuantileSketch::relative_accuracy);
const double log_gamma = std::log(gamma);
// Below this a value counts as zero: a duration of 0.036 ms in hours.
constexpr double smallest_binned = 1e-8;

int bin_of(double value) { return static_cast<int>(std::ceil(std::log(value) / log_gamma)); }

// The point of bin k whose relative distance to both ends is the same.
double value_of(int bin) { return 2 * std::pow(gamma, bin) / (gamma + 1); }

} // namespace

void QuantileSketch::add(double value)
{
    ++count_;
    if (value < smallest_binned) ++zeros_;
    else ++bins_[bin_of(value)];
}

void QuantileSketch::merge(const QuantileSketch &other)
{
    count_ += other.count_;
    zeros_ += other.zeros_;
    for (const auto &[bin, n] : other.bins_) bins_[bin] += n;
}

std::optional<double> QuantileSketch::quantile(double q) const
{
    if (count_ == 0) return std::nullopt;
    const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
    std::uint64_t seen = zeros_;
    if (rank < seen) return 0.0;
    for (const auto &[bin, n] : bins_) {
        seen += n;
        if (rank < seen) return value_of(bin);
    }
    return value_of(bins_.rbegin()->first);
}

void to_json(nlohmann::json &j, const QuantileSketch &s)
{
    nlohmann::json bins = nlohmann::json::array();
    for (const auto &[bin, n] : s.bins_) bins.push_back({bin, n});
    j = {{"count", s.count_}, {"zeros", s.zeros_}, {"bins", bins}};
}

void from_json(const nlohmann::json &j, QuantileSketch &s)
{
    s = {};
    s.count_ = j.at("count").get<std::uint64_t>();
    s.zeros_ = j.at("zeros").get<std::uint64_t>();
    std::uint64_t total = s.zeros_;
    for (const auto &b : j.at("bins")) {
        const auto n = b.at(1).get<std::uint64_t>();
        s.bins_[b.at(0).get<int>()] = n;
        total += n;
    }
    if (total != s.count_) throw std::invalid_argument("a duration sketch's bins do not add up to its count");
}

} // namespace servicelens::desk_report
