#include <servicelens/host/write_back_note.hpp>

#include <fmt/format.h>

#include <regex>

namespace servicelens::host {

namespace {
constexpr std::string_view marker_start = "[servicelens:";
} // namespace

std::string note_with_marker(std::string_view body, std::string_view idempotency_key)
{
    return fmt::format("{}\n\n{}{}]", body, marker_start, idempotency_key);
}

bool has_marker(std::string_view text, std::string_view idempotency_key)
{
    return text.find(fmt::format("{}{}]", marker_start, idempotency_key)) != std::string_view::npos;
}

bool is_own_note(std::string_view text) { return text.find(marker_start) != std::string_view::npos; }

NoteTemplate::NoteTemplate(const std::string &text_template)
{
    if (text_template.empty()) return;
    static const std::regex placeholder(R"(\{\{\s*([a-z0-9_.]+)\s*\}\})");
    auto last = text_template.cbegin();
    for (std::sregex_iterator it(text_template.begin(), text_template.end(), placeholder), end; it != end; ++it) {
        literals_.emplace_back(last, (*it)[0].first);
        const std::string key = (*it)[1];
        if (key_index(key) < 0) keys_.push_back(key);
        slots_.push_back(static_cast<std::size_t>(key_index(key)));
        last = (*it)[0].second;
    }
    literals_.emplace_back(last, text_template.cend());
}

int NoteTemplate::key_index(std::string_view key) const noexcept
{
    for (std::size_t k = 0; k < keys_.size(); ++k)
        if (keys_[k] == key) return static_cast<int>(k);
    return -1;
}

std::string NoteTemplate::fill(const std::vector<std::string> &values) const
{
    std::string out = literals_.front();
    for (std::size_t k = 0; k < slots_.size(); ++k) out.append(values[slots_[k]]).append(literals_[k + 1]);
    return out;
}

WriteBackNote::WriteBackNote(const NoteTemplate &note_template)
    : template_(note_template), values_(note_template.key_count(), "unknown"), known_(note_template.key_count())
{
}

void WriteBackNote::add_attribute(std::string_view key, std::string_view value)
{
    found_anything_ = true;
    if (template_.empty()) {
        listing_.append(listing_.empty() ? "" : "; ").append(key).append("=").append(value);
        return;
    }
    // The first plugin of the rule to give a key wins.
    if (const int k = template_.key_index(key); k >= 0 && !known_[k]) {
        values_[k] = value;
        known_[k] = true;
    }
}

void WriteBackNote::add_compound(double compound)
{
    found_anything_ = true;
    compound_sum_ += compound;
    ++compound_count_;
}

std::string WriteBackNote::text() const
{
    const double mean = compound_count_ > 0 ? compound_sum_ / compound_count_ : 0;
    const char *label = mean > 0.05 ? "positive" : mean < -0.05 ? "negative" : "neutral";
    if (template_.empty()) {
        std::string out = "ServiceLens: " + listing_;
        if (compound_count_ > 0)
            out += fmt::format("{}sentiment={} ({:+.2f}, {} text{})", listing_.empty() ? "" : "; ", label, mean,
                               compound_count_, compound_count_ == 1 ? "" : "s");
        return out;
    }
    if (compound_count_ == 0) return template_.fill(values_);
    std::vector<std::string> values = values_;
    if (const int k = template_.key_index("sentiment.compound"); k >= 0) values[k] = fmt::format("{:+.2f}", mean);
    if (const int k = template_.key_index("sentiment.label"); k >= 0) values[k] = label;
    return template_.fill(values);
}

} // namespace servicelens::host
