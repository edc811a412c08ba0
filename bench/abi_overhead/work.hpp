// The work both sides of the benchmark do, so the difference between them
// is the dispatch: the C ABI's tables and sinks versus a C++ virtual call.
#pragma once

#include <cstddef>
#include <string_view>

namespace bench {

// Context work: the e-mail domain of a caller.
inline std::string_view email_domain(std::string_view email) noexcept
{
    const auto at = email.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : email.substr(at + 1);
}

// Sentiment work: a handful of keywords, summed.
inline double keyword_score(std::string_view text) noexcept
{
    constexpr std::pair<std::string_view, double> words[] = {
        {"thanks", 1.5}, {"fixed", 1.5}, {"broken", -1.5}, {"slow", -1.0}, {"outage", -2.0}};
    double sum = 0;
    for (const auto &[word, weight] : words)
        if (text.find(word) != std::string_view::npos) sum += weight;
    return sum / (1.0 + (sum < 0 ? -sum : sum));
}

} // namespace bench
