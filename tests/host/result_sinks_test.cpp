// The host's sinks copy what plugins emit and catch what breaks the rules.
#include <servicelens/host/result_sinks.hpp>

#include <catch2/catch.hpp>

#include <utility>

using namespace servicelens::host;
using Catch::Matchers::Contains;

namespace {

sl_context_attribute_t attribute(size_t index, const char *key, const char *text)
{
    sl_context_attribute_t a{};
    a.struct_size = sizeof a;
    a.type = SL_VALUE_STRING;
    a.incident_index = index;
    a.key = sl_str_from_cstr(key);
    a.text = sl_str_from_cstr(text);
    a.confidence = 0.9;
    a.observed_at = SL_TIMESTAMP_NONE;
    return a;
}

sl_sentiment_result_t result(double compound, double pos, double neu, double neg)
{
    sl_sentiment_result_t r{};
    r.struct_size = sizeof r;
    r.label = SL_SENTIMENT_NEUTRAL;
    r.compound = compound;
    r.positive = pos;
    r.neutral = neu;
    r.negative = neg;
    r.confidence = 0.5;
    return r;
}

} // namespace

TEST_CASE("a valid attribute is copied")
{
    AttributeCollector c(2);
    std::string key = "caller.site";
    auto a = attribute(1, key.c_str(), "Zurich");
    REQUIRE(c.sink()->emit(c.sink()->context, &a) == SL_STATUS_OK);
    key = "overwritten";   // the collector kept its own copy
    REQUIRE(c.attributes.size() == 1);
    CHECK(c.attributes[0].key == "caller.site");
    CHECK(c.attributes[0].value_text() == "Zurich");
    CHECK(c.violations.empty());
}

TEST_CASE("attributes that break the ABI's rules are refused and recorded")
{
    AttributeCollector c(1);
    auto out_of_batch = attribute(1, "caller.site", "v");
    auto bad_utf8 = attribute(0, "caller.site", "\xff");
    auto bad_confidence = attribute(0, "caller.site", "v");
    bad_confidence.confidence = 1.5;
    auto too_small = attribute(0, "caller.site", "v");
    too_small.struct_size = 8;
    auto no_namespace = attribute(0, "site", "v");
    auto upper_case = attribute(0, "caller.Site", "v");
    auto bad_json = attribute(0, "caller.groups", "42");
    bad_json.type = SL_VALUE_JSON;
    auto cut_json = attribute(0, "caller.groups", R"( [{"a": 1})");   // starts like an array, never ends
    cut_json.type = SL_VALUE_JSON;
    for (auto *a : {&out_of_batch, &bad_utf8, &bad_confidence, &too_small, &no_namespace, &upper_case, &bad_json, &cut_json})
        CHECK(c.sink()->emit(c.sink()->context, a) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(c.attributes.empty());
    REQUIRE(c.violations.size() == 8);
    CHECK_THAT(c.violations[0], Contains("outside the batch"));
    CHECK_THAT(c.violations[1], Contains("UTF-8"));
    CHECK_THAT(c.violations[2], Contains("confidence"));
    CHECK_THAT(c.violations[3], Contains("struct_size"));
    CHECK_THAT(c.violations[4], Contains("namespace"));
    CHECK_THAT(c.violations[5], Contains("lower-case"));
    CHECK_THAT(c.violations[6], Contains("JSON array or object"));
    CHECK_THAT(c.violations[7], Contains("JSON array or object"));
    auto spaced_json = attribute(0, "caller.groups", "\n  {\"a\": [1, 2]} ");
    spaced_json.type = SL_VALUE_JSON;
    CHECK(c.sink()->emit(c.sink()->context, &spaced_json) == SL_STATUS_OK);
}

TEST_CASE("a key or source seen before skips only its own checks, and a refused one is checked every time")
{
    AttributeCollector c(1);
    auto first = attribute(0, "caller.site", "Zurich");
    first.source = sl_str_from_cstr("hr");
    REQUIRE(c.sink()->emit(c.sink()->context, &first) == SL_STATUS_OK);
    // The same key and source again: the value, confidence and index are still checked.
    auto bad_text = attribute(0, "caller.site", "\xff");
    bad_text.source = sl_str_from_cstr("hr");
    auto bad_confidence = attribute(0, "caller.site", "Basel");
    bad_confidence.confidence = -0.5;
    auto out_of_batch = attribute(3, "caller.site", "Basel");
    // A refused key is not kept, so it is refused again; a bad source likewise.
    auto bad_key = attribute(0, "caller.Site", "Basel");
    auto bad_source = attribute(0, "caller.site", "Basel");
    bad_source.source = sl_str_from_cstr("h\xc3");
    for (auto *a : {&bad_text, &bad_confidence, &out_of_batch, &bad_key, &bad_key, &bad_source, &bad_source})
        CHECK(c.sink()->emit(c.sink()->context, a) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(c.violations.size() == 7);
    auto again = attribute(0, "caller.site", "Bern");
    again.source = sl_str_from_cstr("hr");
    REQUIRE(c.sink()->emit(c.sink()->context, &again) == SL_STATUS_OK);
    REQUIRE(c.attributes.size() == 2);
    CHECK(c.attributes[1].key.data() == c.attributes[0].key.data());   // one copy of the key
    CHECK(c.attributes[1].source == "hr");
    // Moved, the attributes still name the collector's texts, and its sink the new collector.
    AttributeCollector moved = std::move(c);
    CHECK(moved.attributes[1].key == "caller.site");
    auto third = attribute(0, "caller.vip", "true");
    REQUIRE(moved.sink()->emit(moved.sink()->context, &third) == SL_STATUS_OK);
    CHECK(moved.attributes.size() == 3);
}

TEST_CASE("a json value is one well-formed array or object, however deeply nested")
{
    const auto accepted = [](const std::string &text) {
        AttributeCollector c(1);
        sl_context_attribute_t a = attribute(0, "caller.groups", text.c_str());
        a.text = {text.data(), text.size()};
        a.type = SL_VALUE_JSON;
        return c.sink()->emit(c.sink()->context, &a) == SL_STATUS_OK;
    };
    CHECK(accepted(R"([{"app":"Teams","at":"2025-11-06T15:30:00Z","n":-1.5e3,"ok":true,"x":null,"s":"a\"b\u00e9"}])"));
    CHECK(accepted("{}"));
    CHECK(accepted(std::string(200000, '[') + std::string(200000, ']')));   // no recursion to run out of stack
    CHECK_FALSE(accepted("[1] x"));          // something after the value
    CHECK_FALSE(accepted("[1][2]"));         // two values
    CHECK_FALSE(accepted("[1,]"));
    CHECK_FALSE(accepted("[NaN]"));
    CHECK_FALSE(accepted("{'a': 1}"));
    CHECK_FALSE(accepted("[\"tab\tinside\"]"));   // a raw control character in a string
    CHECK_FALSE(accepted(std::string(200000, '[')));
}

TEST_CASE("typed values read back as text for people")
{
    Attribute a;
    a.type = SL_VALUE_BOOLEAN;
    a.integer = 1;
    CHECK(a.value_text() == "true");
    a.type = SL_VALUE_TIME;
    a.integer = 1772442000000;
    CHECK(a.value_text() == "2026-03-02T09:00:00.000Z");
    a.integer = 1772442000123 + 86399000;   // the last second of the day, milliseconds kept
    CHECK(a.value_text() == "2026-03-03T08:59:59.123Z");
    a.integer = -1;                          // before the epoch: the day before, not a negative time
    CHECK(a.value_text() == "1969-12-31T23:59:59.999Z");
    a.type = SL_VALUE_NUMBER;
    a.number = 2.5;
    CHECK(a.value_text() == "2.5");
    a.number = 1234567.89;   // every digit kept: report builders add these up
    CHECK(a.value_text() == "1234567.89");
}

TEST_CASE("sentiment results must be in range and answer each text once")
{
    SentimentCollector c(3);
    auto good = result(0.5, 0.5, 0.5, 0.0);
    auto out_of_range = result(1.5, 0.5, 0.5, 0.0);
    auto bad_shares = result(0.1, 0.9, 0.9, 0.0);
    CHECK(c.sink()->emit(c.sink()->context, 0, &good) == SL_STATUS_OK);
    CHECK(c.sink()->emit(c.sink()->context, 0, &good) == SL_STATUS_INVALID_ARGUMENT);   // twice
    CHECK(c.sink()->emit(c.sink()->context, 1, &out_of_range) == SL_STATUS_INVALID_ARGUMENT);
    CHECK(c.sink()->emit(c.sink()->context, 1, &bad_shares) == SL_STATUS_INVALID_ARGUMENT);
    c.check_complete();
    CHECK(c.scores[0].has_value());
    REQUIRE(c.violations.size() == 4);
    CHECK_THAT(c.violations[3], Contains("2 of 3 texts got neither"));
}

TEST_CASE("a collector that keeps no terms still checks them")
{
    for (const TermsKept kept : {TermsKept::yes, TermsKept::no}) {
        SentimentCollector c(2, kept);
        const sl_term_weight_t terms[] = {{SL_STR("thanks"), 1.5}, {SL_STR("slow"), -0.5}};
        const sl_term_weight_t broken[] = {{{"\xff", 1}, 1.0}};
        auto good = result(0.5, 0.5, 0.5, 0.0);
        good.terms = terms;
        good.term_count = 2;
        auto bad_term = result(0.5, 0.5, 0.5, 0.0);
        bad_term.terms = broken;
        bad_term.term_count = 1;
        CHECK(c.sink()->emit(c.sink()->context, 0, &good) == SL_STATUS_OK);
        CHECK(c.sink()->emit(c.sink()->context, 1, &bad_term) == SL_STATUS_INVALID_ARGUMENT);
        REQUIRE(c.scores[0].has_value());
        CHECK(c.scores[0]->terms.size() == (kept == TermsKept::yes ? 2u : 0u));
        CHECK(c.scores[0]->compound == 0.5);
        CHECK_FALSE(c.scores[1].has_value());
        REQUIRE(c.violations.size() == 1);
        CHECK_THAT(c.violations[0], Contains("term 0 is malformed"));
    }
}

TEST_CASE("per-text failures count as answers")
{
    SentimentCollector c(1);
    c.sink()->fail(c.sink()->context, 0, SL_STATUS_NOT_SUPPORTED, SL_STR("five-face clicks are not text"));
    c.check_complete();
    CHECK(c.violations.empty());
    REQUIRE(c.failures.size() == 1);
    CHECK(c.failures[0].message == "five-face clicks are not text");
}
