// Percentiles of durations in bounded memory, mergeable and serialisable:
// a DDSketch (Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable
// quantile sketch with relative-error guarantees", VLDB 2019). Values fall
// into logarithmic bins, so every estimate is within `relative_accuracy` of
// the exact value; merging adds bin counts, so shards merged in any order
// give exactly the sketch one pass gives. Memory grows with the log of the
// value range (about 2,000 bins from a second to ten years at 0.5 %), not
// with the number of values.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace servicelens::desk_report {

class QuantileSketch {
public:
    static constexpr double relative_accuracy = 0.005;

    // Negative and non-finite values are not durations; the caller drops them.
    void add(double value);
    void merge(const QuantileSketch &other);

    std::uint64_t count() const noexcept { return count_; }
    // The value at 0-based rank floor(q * (count - 1)) of the sorted values,
    // within relative_accuracy; nullopt when empty.
    std::optional<double> quantile(double q) const;

    friend void to_json(nlohmann::json &j, const QuantileSketch &s);
    friend void from_json(const nlohmann::json &j, QuantileSketch &s);
    // The same values in the same bins, however the bins are laid out.
    bool operator==(const QuantileSketch &other) const;

private:
    std::uint64_t &bin(int key);

    // Bin k holds (gamma^(k-1), gamma^k]; bins_[i] is bin first_bin_ + i.
    // Dense: durations span a few thousand bins at most, and an add is an
    // index instead of a tree search.
    std::vector<std::uint64_t> bins_;
    int first_bin_ = 0;
    std::uint64_t zeros_ = 0;   // values too small for a bin: reported as 0
    std::uint64_t count_ = 0;
};

} // namespace servicelens::desk_report
