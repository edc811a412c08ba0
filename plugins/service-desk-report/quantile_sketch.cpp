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

std::uint64_t &QuantileSketch::bin(int key)
{
    if (bins_.empty()) {
        first_bin_ = key;
        bins_.assign(1, 0);
    } else if (key < first_bin_) {
        bins_.insert(bins_.begin(), static_cast<std::size_t>(first_bin_ - key), 0);
        first_bin_ = key;
    } else if (key >= first_bin_ + static_cast<int>(bins_.size())) {
        bins_.resize(static_cast<std::size_t>(key - first_bin_) + 1, 0);
    }
    return bins_[static_cast<std::size_t>(key - first_bin_)];
}

void QuantileSketch::add(double value)
{
    ++count_;
    if (value < smallest_binned) ++zeros_;
    else ++bin(bin_of(value));
}

void QuantileSketch::merge(const QuantileSketch &other)
{
    count_ += other.count_;
    zeros_ += other.zeros_;
    for (std::size_t i = 0; i < other.bins_.size(); ++i)
        if (other.bins_[i] > 0) bin(other.first_bin_ + static_cast<int>(i)) += other.bins_[i];
}

std::optional<double> QuantileSketch::quantile(double q) const
{
    if (count_ == 0) return std::nullopt;
    const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
    std::uint64_t seen = zeros_;
    if (rank < seen) return 0.0;
    int last = first_bin_;
    for (std::size_t i = 0; i < bins_.size(); ++i) {
        if (bins_[i] == 0) continue;
        last = first_bin_ + static_cast<int>(i);
        seen += bins_[i];
        if (rank < seen) return value_of(last);
    }
    return value_of(last);
}

bool QuantileSketch::operator==(const QuantileSketch &other) const
{
    return nlohmann::json(*this) == nlohmann::json(other);
}

void to_json(nlohmann::json &j, const QuantileSketch &s)
{
    nlohmann::json bins = nlohmann::json::array();
    for (std::size_t i = 0; i < s.bins_.size(); ++i)
        if (s.bins_[i] > 0) bins.push_back({s.first_bin_ + static_cast<int>(i), s.bins_[i]});
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
        s.bin(b.at(0).get<int>()) += n;
        total += n;
    }
    if (total != s.count_) throw std::invalid_argument("a duration sketch's bins do not add up to its count");
}

} // namespace servicelens::desk_report
