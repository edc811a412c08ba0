// Host-side receivers for what plugins emit. They copy everything (an
// attribute collector keeps each distinct key and source once), check it
// against the ABI's rules, and keep what broke them: the host logs those
// violations, and the conformance kit fails on them.
#pragma once

#include <servicelens/context.h>
#include <servicelens/sentiment.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

namespace servicelens::host {

// Each distinct text once, at an address that stays put, also when its
// owner is moved (a deque moves its blocks, not its elements): a plugin
// gives the same few keys and sources for every incident, and a copy of
// each per attribute was two allocations an attribute.
class InternedTexts {
public:
    // The kept copy of `text`, if it is one.
    std::optional<std::string_view> find(std::string_view text) const;
    std::string_view intern(std::string_view text);

private:
    std::deque<std::string> texts_;
    std::unordered_set<std::string_view> index_;
};

// An attribute as a collector keeps it. The key and source are views into
// the collector's InternedTexts: valid while the collector lives.
struct Attribute {
    std::size_t incident_index = 0;
    std::string_view key;
    sl_value_type_t type = SL_VALUE_STRING;
    std::string text;
    int64_t integer = 0;
    double number = 0;
    double confidence = 0;
    std::string_view source;
    sl_timestamp_t observed_at = SL_TIMESTAMP_NONE;

    // The value as text, for people: "Finance", "42", "true", "2026-01-02T03:04:05Z".
    std::string value_text() const;
};

struct ItemFailure {
    std::size_t index = 0;
    sl_status_t status = SL_STATUS_OK;
    std::string message;
};

struct SentimentScore {
    sl_sentiment_label_t label = SL_SENTIMENT_NEUTRAL;
    double compound = 0, positive = 0, neutral = 0, negative = 0, confidence = 0;
    std::vector<std::pair<std::string, double>> terms;
};

class AttributeCollector {
public:
    explicit AttributeCollector(std::size_t batch_size);
    // Movable (the sink then points at the new collector), not copyable: a
    // copy's attributes would name the original's texts.
    AttributeCollector(AttributeCollector &&other);
    AttributeCollector &operator=(AttributeCollector &&other);
    AttributeCollector(const AttributeCollector &) = delete;
    AttributeCollector &operator=(const AttributeCollector &) = delete;

    const sl_attribute_sink_t *sink() const noexcept { return &sink_; }

    std::vector<Attribute> attributes;
    std::vector<ItemFailure> failures;
    std::vector<std::string> violations;   // ABI rules the plugin broke

private:
    static sl_status_t emit(void *context, const sl_context_attribute_t *attribute) noexcept;
    static void fail(void *context, std::size_t index, sl_status_t status, sl_str_t message) noexcept;

    std::size_t batch_size_;
    // The attributes' keys and sources. A text is kept only once it passed
    // the checks, so a known one is not checked again.
    InternedTexts keys_, sources_;
    sl_attribute_sink_t sink_{};
};

// Whether a collector keeps each score's top terms (for people: the demo,
// the tests) or only checks them (a sync and an evaluation read none).
enum class TermsKept { yes, no };

class SentimentCollector {
public:
    explicit SentimentCollector(std::size_t batch_size, TermsKept terms = TermsKept::yes);

    const sl_sentiment_sink_t *sink() const noexcept { return &sink_; }

    // After the call: records a violation for every text that got neither a
    // score nor a failure.
    void check_complete();

    std::vector<std::optional<SentimentScore>> scores;   // by text index
    std::vector<ItemFailure> failures;
    std::vector<std::string> violations;

private:
    static sl_status_t emit(void *context, std::size_t index, const sl_sentiment_result_t *result) noexcept;
    static void fail(void *context, std::size_t index, sl_status_t status, sl_str_t message) noexcept;

    std::vector<bool> answered_;
    TermsKept terms_;
    sl_sentiment_sink_t sink_{};
};

// Collects a byte stream (a serialized state, a report document).
class ByteCollector {
public:
    ByteCollector() noexcept;
    const sl_byte_sink_t *sink() const noexcept { return &sink_; }
    std::string bytes;

private:
    static sl_status_t write(void *context, const void *data, std::size_t size) noexcept;
    sl_byte_sink_t sink_{};
};

// Whether `text` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text) noexcept;

} // namespace servicelens::host
