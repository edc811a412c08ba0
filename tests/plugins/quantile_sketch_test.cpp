// The service-desk report's percentiles: a DDSketch, checked against the
// exact lower-rank percentile of the same values.
#include "quantile_sketch.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <vector>

using servicelens::desk_report::QuantileSketch;

namespace {

double exact_lower_rank(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    return values[static_cast<std::size_t>(q * static_cast<double>(values.size() - 1))];
}

} // namespace

TEST_CASE("sketch percentiles are within 0.5 % of the exact lower-rank percentile")
{
    std::mt19937_64 rng(7);
    std::lognormal_distribution<double> hours(2.0, 1.5);   // resolve times: minutes to months
    std::vector<double> values;
    QuantileSketch sketch;
    for (int k = 0; k < 100000; ++k) {
        const double v = k % 97 == 0 ? 0.0 : hours(rng);   // some resolved in the same minute
        values.push_back(v);
        sketch.add(v);
    }
    for (const double q : {0.0, 0.01, 0.1, 0.5, 0.9, 0.99, 1.0}) {
        const double exact = exact_lower_rank(values, q);
        INFO("q = " << q << ", exact " << exact << ", sketch " << *sketch.quantile(q));
        CHECK(*sketch.quantile(q) == Approx(exact).epsilon(QuantileSketch::relative_accuracy).margin(1e-12));
    }
    CHECK(sketch.count() == values.size());
}

TEST_CASE("sketches merged in any order equal one sketch of all the values, and survive JSON")
{
    std::mt19937_64 rng(11);
    std::exponential_distribution<double> hours(0.1);
    QuantileSketch whole, a, b, c;
    for (int k = 0; k < 3000; ++k) {
        const double v = hours(rng);
        whole.add(v);
        (k % 3 == 0 ? a : k % 3 == 1 ? b : c).add(v);
    }
    QuantileSketch merged = c;
    merged.merge(a);
    merged.merge(b);
    CHECK(merged == whole);
    const QuantileSketch restored = nlohmann::json(merged).get<QuantileSketch>();
    CHECK(restored == whole);
    CHECK(restored.quantile(0.9) == whole.quantile(0.9));
}

TEST_CASE("an empty sketch has no percentiles, and a corrupt one is refused")
{
    QuantileSketch empty;
    CHECK_FALSE(empty.quantile(0.5));
    CHECK_THROWS(nlohmann::json::parse(R"({"count": 5, "zeros": 1, "bins": [[3, 2]]})").get<QuantileSketch>());
}
