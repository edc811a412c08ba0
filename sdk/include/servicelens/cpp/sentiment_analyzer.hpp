// ServiceLens C++ plugin layer: sentiment analyzers.
//
//     class Polarity final : public servicelens::SentimentAnalyzer {
//     public:
//         static constexpr servicelens::PluginInfo info{ ... };
//         explicit Polarity(const servicelens::CreateContext &) {}
//         void score(servicelens::TextBatch texts, servicelens::SentimentSink &sink) override;
//     };
#pragma once

#include <servicelens/sentiment.h>

#include "error.hpp"
#include "incident.hpp"
#include "instance.hpp"
#include "strings.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <span>
#include <string_view>

namespace servicelens {

class Text {
public:
    Text(const sl_text_t &text, std::size_t index) noexcept : c_(&text), index_(index) {}

    std::size_t index() const noexcept { return index_; }
    sl_text_kind_t kind() const noexcept { return c_->kind; }
    std::string_view text() const noexcept { return view(c_->text); }
    std::string_view language() const noexcept { return view(c_->language); }
    int rating() const noexcept { return c_->rating; }
    sl_tristate_t answer() const noexcept { return c_->answer; }
    const sl_text_t &raw() const noexcept { return *c_; }

private:
    const sl_text_t *c_;
    std::size_t index_;
};

using TextBatch = Batch<sl_text_t, Text>;

struct Term {
    std::string_view term;
    double weight;
};

// The label of a compound score, with a neutral band of +-threshold.
constexpr sl_sentiment_label_t label_of(double compound, double threshold = 0.05) noexcept
{
    return compound > threshold    ? sl_sentiment_label_t{SL_SENTIMENT_POSITIVE}
           : compound < -threshold ? sl_sentiment_label_t{SL_SENTIMENT_NEGATIVE}
                                   : sl_sentiment_label_t{SL_SENTIMENT_NEUTRAL};
}

struct Score {
    sl_sentiment_label_t label = SL_SENTIMENT_NEUTRAL;
    double compound = 0;
    double positive = 0;
    double neutral = 1;
    double negative = 0;
    double confidence = 0;
    std::span<const Term> terms = {};   // strongest first; at most max_terms are passed on
};

class SentimentSink {
public:
    static constexpr std::size_t max_terms = 16;

    explicit SentimentSink(const sl_sentiment_sink_t &sink) noexcept : sink_(sink) {}

    void emit(std::size_t index, const Score &score)
    {
        // Left uninitialised: only the first n are written and read, and
        // zeroing 16 entries per text would cost more than the dispatch.
        std::array<sl_term_weight_t, max_terms> terms;
        const std::size_t n = std::min(score.terms.size(), max_terms);
        for (std::size_t i = 0; i < n; ++i) terms[i] = {str(score.terms[i].term), score.terms[i].weight};
        sl_sentiment_result_t r{};
        r.struct_size = sizeof r;
        r.label = score.label;
        r.compound = score.compound;
        r.positive = score.positive;
        r.neutral = score.neutral;
        r.negative = score.negative;
        r.confidence = score.confidence;
        r.terms = terms.data();
        r.term_count = n;
        const sl_status_t status = sink_.emit(sink_.context, index, &r);
        if (status != SL_STATUS_OK) throw Error(status, "the host refused a sentiment result");
    }

    // This text was not scored; the batch goes on.
    void fail(std::size_t index, std::string_view message,
              sl_status_t status = SL_STATUS_INTERNAL) const noexcept
    {
        sink_.fail(sink_.context, index, status, str(message));
    }

private:
    const sl_sentiment_sink_t &sink_;
};

class SentimentAnalyzer {
public:
    virtual ~SentimentAnalyzer() = default;

    // Emits one score or one failure per text. Throw to fail the whole batch.
    virtual void score(TextBatch texts, SentimentSink &sink) = 0;
};

namespace detail {

template <class P>
struct SentimentTrampolines {
    using Self = Instance<sl_sentiment_analyzer_t, P>;

    static sl_status_t score(sl_sentiment_analyzer_t *self, const sl_text_t *const *texts,
                             std::size_t count, const sl_sentiment_sink_t *sink) noexcept
    {
        if (!self) return SL_STATUS_INVALID_ARGUMENT;
        return Self::from(self)->call([&](P &plugin) {
            require(sink && sink->emit && sink->fail, "score: the sentiment sink is incomplete");
            require(texts || count == 0, "score: texts is NULL but count is not 0");
            SentimentSink out(*sink);
            plugin.score(TextBatch(texts, count), out);
        });
    }

    static constexpr sl_sentiment_analyzer_api_t api{&Self::destroy, &Self::last_error, &score};

    static sl_status_t create(const sl_create_args_t *args, void **out) noexcept
    {
        return Self::create(&api, args, out);
    }
};

} // namespace detail
} // namespace servicelens
