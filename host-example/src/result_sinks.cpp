#include <servicelens/host/result_sinks.hpp>

#include <servicelens/host/incident_json.hpp>

#include <servicelens/cpp/strings.hpp>
#include <servicelens/cpp/utf8.hpp>

#include <fmt/format.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cmath>
#include <cstddef>

namespace servicelens::host {

namespace {

// Sizes of the structs as ABI 1.0 defined them: a plugin's struct_size may
// be larger (built against a later 1.x), never smaller.
constexpr std::size_t attribute_size_v1_0 = offsetof(sl_context_attribute_t, observed_at) + sizeof(sl_timestamp_t);
constexpr std::size_t result_size_v1_0 = offsetof(sl_sentiment_result_t, term_count) + sizeof(size_t);

bool valid_view(sl_str_t s) noexcept { return s.size == 0 || s.data != nullptr; }

bool in_unit_range(double x) noexcept { return std::isfinite(x) && x >= 0.0 && x <= 1.0; }

// A time attribute as people read it, always with its milliseconds.
std::string format_time(sl_timestamp_t t)
{
    return t == SL_TIMESTAMP_NONE ? "none" : format_utc(t, Milliseconds::always);
}

// context-attribute.schema.json's key pattern, ^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$:
// namespaced lower-case words, so keys from different plugins sort and
// group the same way everywhere.
bool is_attribute_key(std::string_view key) noexcept
{
    if (key.empty() || key.front() < 'a' || key.front() > 'z' || key.back() == '.') return false;
    bool namespaced = false;
    char previous = 0;
    for (const char c : key) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (c == '.') {
            if (previous == '.') return false;
            namespaced = true;
        } else if (!word) {
            return false;
        }
        previous = c;
    }
    return namespaced;
}

// Checked with RapidJSON's event reader, which builds nothing: a sync checks
// a few JSON values per incident, and nlohmann-json's accept() was a fifth
// of the plugins' time. Iterative, so no nesting depth can exhaust the stack.
bool is_json_array_or_object(std::string_view text)
{
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos || (text[first] != '[' && text[first] != '{')) return false;
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::BaseReaderHandler<> ignore;
    rapidjson::Reader reader;
    return !reader.Parse<rapidjson::kParseIterativeFlag>(bytes, ignore).IsError();
}

// The problem with an attribute, or an empty string when it is valid. A
// known key or source is one that passed these checks before.
std::string attribute_problem(const sl_context_attribute_t &a, std::size_t batch_size, bool known_key, bool known_source)
{
    if (a.struct_size < attribute_size_v1_0)
        return fmt::format("struct_size {} is smaller than ABI 1.0's {}", a.struct_size, attribute_size_v1_0);
    if (a.incident_index >= batch_size)
        return fmt::format("incident_index {} is outside the batch of {}", a.incident_index, batch_size);
    if (!valid_view(a.key) || a.key.size == 0) return "the key is empty";
    if (!valid_view(a.text) || !valid_view(a.source)) return "a string view has a size but no data";
    if ((!known_key && !is_valid_utf8(view(a.key))) || !is_valid_utf8(view(a.text)) ||
        (!known_source && !is_valid_utf8(view(a.source))))
        return "a string is not valid UTF-8";
    if (!known_key && !is_attribute_key(view(a.key)))
        return "the key is not lower-case words joined by dots, with a namespace (like caller.department)";
    if (a.type == SL_VALUE_JSON && !is_json_array_or_object(view(a.text))) return "a json value is not a JSON array or object";
    if (a.type > SL_VALUE_JSON) return fmt::format("unknown value type {}", a.type);
    if (a.type == SL_VALUE_BOOLEAN && a.integer != 0 && a.integer != 1) return "a boolean is neither 0 nor 1";
    if (a.type == SL_VALUE_NUMBER && !std::isfinite(a.number)) return "the number is not finite";
    if (!in_unit_range(a.confidence)) return fmt::format("confidence {} is outside [0, 1]", a.confidence);
    return {};
}

std::string result_problem(const sl_sentiment_result_t &r)
{
    if (r.struct_size < result_size_v1_0)
        return fmt::format("struct_size {} is smaller than ABI 1.0's {}", r.struct_size, result_size_v1_0);
    if (r.label < SL_SENTIMENT_NEGATIVE || r.label > SL_SENTIMENT_POSITIVE)
        return fmt::format("label {} is not -1, 0 or 1", r.label);
    if (!std::isfinite(r.compound) || r.compound < -1.0 || r.compound > 1.0)
        return fmt::format("compound {} is outside [-1, 1]", r.compound);
    if (!in_unit_range(r.positive) || !in_unit_range(r.neutral) || !in_unit_range(r.negative))
        return "a pos/neu/neg share is outside [0, 1]";
    if (std::abs(r.positive + r.neutral + r.negative - 1.0) > 1e-6)
        return fmt::format("pos + neu + neg = {}, not 1", r.positive + r.neutral + r.negative);
    if (!in_unit_range(r.confidence)) return fmt::format("confidence {} is outside [0, 1]", r.confidence);
    if (r.term_count > 0 && r.terms == nullptr) return "term_count is not 0 but terms is NULL";
    for (std::size_t i = 0; i < r.term_count; ++i)
        if (!valid_view(r.terms[i].term) || !is_valid_utf8(view(r.terms[i].term)) || !std::isfinite(r.terms[i].weight))
            return fmt::format("term {} is malformed (bad view, invalid UTF-8 or non-finite weight)", i);
    return {};
}

} // namespace

std::string Attribute::value_text() const
{
    switch (type) {
    case SL_VALUE_INTEGER: return std::to_string(integer);
    case SL_VALUE_NUMBER: return fmt::format("{}", number);   // the shortest text that reads back the same double
    case SL_VALUE_BOOLEAN: return integer ? "true" : "false";
    case SL_VALUE_TIME: return format_time(integer);
    default: return text;
    }
}

std::optional<std::string_view> InternedTexts::find(std::string_view text) const
{
    if (const auto known = index_.find(text); known != index_.end()) return *known;
    return std::nullopt;
}

std::string_view InternedTexts::intern(std::string_view text)
{
    if (const auto known = find(text)) return *known;
    return *index_.insert(texts_.emplace_back(text)).first;
}

AttributeCollector::AttributeCollector(std::size_t batch_size) : batch_size_(batch_size)
{
    sink_.struct_size = sizeof sink_;
    sink_.context = this;
    sink_.emit = &emit;
    sink_.fail = &fail;
}

AttributeCollector::AttributeCollector(AttributeCollector &&other)
    : attributes(std::move(other.attributes)), failures(std::move(other.failures)),
      violations(std::move(other.violations)), batch_size_(other.batch_size_), keys_(std::move(other.keys_)),
      sources_(std::move(other.sources_)),
      sink_(other.sink_)
{
    sink_.context = this;
}

AttributeCollector &AttributeCollector::operator=(AttributeCollector &&other)
{
    attributes = std::move(other.attributes);
    failures = std::move(other.failures);
    violations = std::move(other.violations);
    batch_size_ = other.batch_size_;
    keys_ = std::move(other.keys_);
    sources_ = std::move(other.sources_);
    return *this;
}

sl_status_t AttributeCollector::emit(void *context, const sl_context_attribute_t *a) noexcept
{
    auto &self = *static_cast<AttributeCollector *>(context);
    try {
        if (!a) {
            self.violations.push_back("emit: attribute is NULL");
            return SL_STATUS_INVALID_ARGUMENT;
        }
        const auto known_key = valid_view(a->key) ? self.keys_.find(view(a->key)) : std::nullopt;
        const auto known_source = valid_view(a->source) ? self.sources_.find(view(a->source)) : std::nullopt;
        if (std::string problem = attribute_problem(*a, self.batch_size_, known_key.has_value(), known_source.has_value());
            !problem.empty()) {
            self.violations.push_back(fmt::format("emit '{}': {}", a->key.data ? copy(a->key) : "", problem));
            return SL_STATUS_INVALID_ARGUMENT;
        }
        self.attributes.push_back({a->incident_index, known_key ? *known_key : self.keys_.intern(view(a->key)), a->type,
                                   copy(a->text), a->integer, a->number, a->confidence,
                                   known_source ? *known_source : self.sources_.intern(view(a->source)), a->observed_at});
        return SL_STATUS_OK;
    } catch (...) {
        return SL_STATUS_INTERNAL;
    }
}

void AttributeCollector::fail(void *context, std::size_t index, sl_status_t status, sl_str_t message) noexcept
{
    auto &self = *static_cast<AttributeCollector *>(context);
    try {
        if (index >= self.batch_size_ || !valid_view(message)) {
            self.violations.push_back(fmt::format("fail: index {} outside the batch of {} or bad message view",
                                                  index, self.batch_size_));
            return;
        }
        self.failures.push_back({index, status, copy(message)});
    } catch (...) {
    }
}

SentimentCollector::SentimentCollector(std::size_t batch_size, TermsKept terms)
    : scores(batch_size), answered_(batch_size, false), terms_(terms)
{
    sink_.struct_size = sizeof sink_;
    sink_.context = this;
    sink_.emit = &emit;
    sink_.fail = &fail;
}

void SentimentCollector::check_complete()
{
    std::size_t missing = 0;
    for (bool answered : answered_) missing += answered ? 0 : 1;
    if (missing > 0)
        violations.push_back(fmt::format("{} of {} texts got neither a score nor a failure", missing, answered_.size()));
}

sl_status_t SentimentCollector::emit(void *context, std::size_t index, const sl_sentiment_result_t *r) noexcept
{
    auto &self = *static_cast<SentimentCollector *>(context);
    try {
        if (!r || index >= self.scores.size()) {
            self.violations.push_back(fmt::format("emit: NULL result or index {} outside the batch of {}", index,
                                                  self.scores.size()));
            return SL_STATUS_INVALID_ARGUMENT;
        }
        if (self.answered_[index]) {
            self.violations.push_back(fmt::format("emit: text {} answered twice", index));
            return SL_STATUS_INVALID_ARGUMENT;
        }
        if (std::string problem = result_problem(*r); !problem.empty()) {
            self.violations.push_back(fmt::format("emit for text {}: {}", index, problem));
            return SL_STATUS_INVALID_ARGUMENT;
        }
        SentimentScore &score =
            self.scores[index].emplace(SentimentScore{r->label, r->compound, r->positive, r->neutral, r->negative, r->confidence, {}});
        if (self.terms_ == TermsKept::yes) {
            score.terms.reserve(r->term_count);
            for (std::size_t i = 0; i < r->term_count; ++i) score.terms.emplace_back(copy(r->terms[i].term), r->terms[i].weight);
        }
        self.answered_[index] = true;
        return SL_STATUS_OK;
    } catch (...) {
        return SL_STATUS_INTERNAL;
    }
}

void SentimentCollector::fail(void *context, std::size_t index, sl_status_t status, sl_str_t message) noexcept
{
    auto &self = *static_cast<SentimentCollector *>(context);
    try {
        if (index >= self.scores.size() || !valid_view(message)) {
            self.violations.push_back(fmt::format("fail: index {} outside the batch of {} or bad message view",
                                                  index, self.scores.size()));
            return;
        }
        if (self.answered_[index]) {
            self.violations.push_back(fmt::format("fail: text {} answered twice", index));
            return;
        }
        self.answered_[index] = true;
        self.failures.push_back({index, status, copy(message)});
    } catch (...) {
    }
}

ByteCollector::ByteCollector() noexcept
{
    sink_.context = this;
    sink_.write = &write;
}

sl_status_t ByteCollector::write(void *context, const void *data, std::size_t size) noexcept
{
    if (size > 0 && !data) return SL_STATUS_INVALID_ARGUMENT;
    try {
        static_cast<ByteCollector *>(context)->bytes.append(static_cast<const char *>(data), size);
        return SL_STATUS_OK;
    } catch (...) {
        return SL_STATUS_INTERNAL;
    }
}

bool is_valid_utf8(std::string_view text) noexcept { return utf8::is_valid(text); }

} // namespace servicelens::host
