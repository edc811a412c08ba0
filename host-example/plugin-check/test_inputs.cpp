#include "test_inputs.hpp"

#include <array>
#include <random>
#include <string_view>

namespace servicelens::kit {

namespace {

constexpr sl_timestamp_t base_time = 1767225600000; // 2026-01-01T00:00:00Z

// Lead bytes without continuation, overlongs, surrogates, truncation.
constexpr std::array<std::string_view, 5> malformed = {"\xff\xfe broken", "caf\xc3", "\xc0\xaf overlong",
                                                       "\xed\xa0\x80 surrogate", "ok \xe2\x82 cut"};

constexpr std::array<std::string_view, 6> phrases = {
    "Still broken after the update, this is the third time!", "Thanks, fixed quickly and the agent was great.",
    "Please reset my password.", "Outage again?! Nobody answers the phone.", "Works now. 👍 Thank you :)",
    "Le VPN ne marche plus depuis ce matin."};

host::OwnedIncident typical_incident(std::size_t i, std::mt19937 &rng)
{
    host::OwnedIncident x;
    const auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    x.id = "kit-" + std::to_string(i);
    x.number = "INC" + std::to_string(1000000 + i);
    x.source = "conformance-kit";
    x.title = std::string(phrases[static_cast<std::size_t>(pick(6))]);
    x.description = std::string(phrases[static_cast<std::size_t>(pick(6))]);
    x.state = pick(2) ? "resolved" : "in_progress";
    x.priority = pick(6);   // 0 (unknown) included
    x.impact = pick(4);
    x.urgency = pick(4);
    x.escalation_level = pick(3);
    x.category = pick(2) ? "network" : "software";
    x.contact_type = static_cast<sl_contact_type_t>(pick(8));
    x.caller_id = "u" + std::to_string(pick(500));
    x.caller_email = pick(5) ? "User" + x.caller_id + "@Example.COM" : "";
    x.caller_name = "Caller " + x.caller_id;
    x.assignment_group = pick(2) ? "Service Desk" : "Network L2";
    x.opened_at = base_time + static_cast<sl_timestamp_t>(i) * 60000;
    x.first_response_at = pick(4) ? x.opened_at + 600000 : SL_TIMESTAMP_NONE;
    x.resolved_at = x.state == "resolved" ? x.opened_at + 3600000 : SL_TIMESTAMP_NONE;
    x.updated_at = x.opened_at + 7200000;
    x.reopen_count = pick(3) == 0 ? 1 : 0;
    x.sla_breached = static_cast<sl_tristate_t>(pick(3) - 1);
    if (pick(2)) x.comments.push_back({"c" + std::to_string(i), "agent", x.description, SL_VISIBILITY_PUBLIC, x.updated_at});
    if (pick(3) == 0) x.survey.push_back({"s" + std::to_string(i), "Great help", 1 + pick(5), SL_YES, x.updated_at});
    if (pick(2)) x.custom["u_business_service"] = "Email";
    return x;
}

host::OwnedIncident invalid_utf8_incident(std::size_t i)
{
    host::OwnedIncident x;
    const std::string bad(malformed[i % malformed.size()]);
    x.id = "kit-bad-" + std::to_string(i);
    x.number = bad;
    x.title = x.description = x.category = x.state = bad;
    x.caller_email = bad + "@" + bad;
    x.caller_name = x.caller_id = x.location = x.ci = bad;
    x.priority = 3;
    x.opened_at = base_time;
    x.comments.push_back({bad, bad, bad, SL_VISIBILITY_INTERNAL, base_time});
    x.custom[bad] = bad;
    return x;
}

} // namespace

IncidentBatch::IncidentBatch(std::size_t count, Variant variant)
{
    std::mt19937 rng(20261122);
    incidents_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        switch (variant) {
        case Variant::typical: incidents_.push_back(typical_incident(i, rng)); break;
        case Variant::minimal: incidents_.emplace_back().id = "kit-min-" + std::to_string(i); break;
        case Variant::invalid_utf8: incidents_.push_back(invalid_utf8_incident(i)); break;
        }
    }
    for (const auto &incident : incidents_) {
        views_.push_back(std::make_unique<host::IncidentView>(incident));
        pointers_.push_back(views_.back()->get());
    }
    records_.reserve(count);
    for (const sl_incident_t *incident : pointers_) {
        sl_report_record_t r{};
        r.struct_size = sizeof r;
        r.incident = incident;
        records_.push_back(r);
    }
    for (const auto &r : records_) record_ptrs_.push_back(&r);
}

TextBatch::TextBatch(std::size_t count, Variant variant)
{
    strings_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        switch (variant) {
        case Variant::typical: strings_.emplace_back(phrases[i % phrases.size()]); break;
        case Variant::minimal: strings_.emplace_back(); break;
        case Variant::invalid_utf8: strings_.emplace_back(malformed[i % malformed.size()]); break;
        }
    }
    texts_.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        sl_text_t t{};
        t.struct_size = sizeof t;
        t.answer = SL_UNKNOWN;
        t.text = {strings_[i].data(), strings_[i].size()};
        // Every kind appears; clicks carry a rating or an answer.
        t.kind = variant == Variant::typical ? static_cast<sl_text_kind_t>(i % 6) : sl_text_kind_t{SL_TEXT_COMMENT};
        if (t.kind == SL_TEXT_FIVE_FACE) t.rating = static_cast<int32_t>(1 + i % 5);
        if (t.kind == SL_TEXT_YES_NO) t.answer = static_cast<sl_tristate_t>(i % 2 ? SL_YES : SL_NO);
        texts_.push_back(t);
    }
    for (const auto &t : texts_) pointers_.push_back(&t);
}

} // namespace servicelens::kit
