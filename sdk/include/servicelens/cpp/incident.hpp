// ServiceLens C++ plugin layer: reading the canonical incident.
//
//     for (const servicelens::Incident incident : batch)
//         if (incident.priority() == 1) ...
//
// Views are valid only during the call that received them.
#pragma once

#include <servicelens/incident.h>

#include "strings.hpp"

#include <cstddef>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

namespace servicelens {

// The canonical names of sl_contact_type_t (schemas/incident.schema.json):
// "phone", "email", "portal", "walk_up", "chat", "social", "monitoring";
// empty for SL_CONTACT_UNKNOWN and values this header does not know.
constexpr std::string_view contact_type_name(sl_contact_type_t type) noexcept
{
    constexpr std::string_view names[] = {"", "phone", "email", "portal", "walk_up", "chat", "social", "monitoring"};
    return type < std::size(names) ? names[type] : std::string_view();
}

// The contact type of a canonical name; SL_CONTACT_UNKNOWN for any other text.
constexpr sl_contact_type_t parse_contact_type(std::string_view name) noexcept
{
    for (sl_contact_type_t t = SL_CONTACT_PHONE; t <= SL_CONTACT_MONITORING; ++t)
        if (contact_type_name(t) == name) return t;
    return SL_CONTACT_UNKNOWN;
}

// A batch of C structs passed as an array of pointers, iterated as `View`s
// that know their index in the batch (sinks want it).
template <class CStruct, class View>
class Batch {
public:
    Batch(const CStruct *const *items, std::size_t count) noexcept : items_(items), count_(count) {}

    std::size_t size() const noexcept { return count_; }
    bool empty() const noexcept { return count_ == 0; }
    View operator[](std::size_t i) const noexcept { return View(*items_[i], i); }

    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = View;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = View;

        iterator() = default;
        iterator(const CStruct *const *items, std::size_t i) noexcept : items_(items), i_(i) {}
        View operator*() const noexcept { return View(*items_[i_], i_); }
        iterator &operator++() noexcept { ++i_; return *this; }
        iterator operator++(int) noexcept { iterator old = *this; ++i_; return old; }
        bool operator==(const iterator &other) const noexcept { return i_ == other.i_; }

    private:
        const CStruct *const *items_ = nullptr;
        std::size_t i_ = 0;
    };

    iterator begin() const noexcept { return iterator(items_, 0); }
    iterator end() const noexcept { return iterator(items_, count_); }

private:
    const CStruct *const *items_;
    std::size_t count_;
};

class Incident {
public:
    Incident(const sl_incident_t &incident, std::size_t index) noexcept : c_(&incident), index_(index) {}

    std::size_t index() const noexcept { return index_; }     // position in the batch
    const sl_incident_t &raw() const noexcept { return *c_; }

    std::string_view id() const noexcept { return view(c_->id); }
    std::string_view number() const noexcept { return view(c_->number); }
    std::string_view source() const noexcept { return view(c_->source); }
    std::string_view title() const noexcept { return view(c_->title); }
    std::string_view description() const noexcept { return view(c_->description); }
    std::string_view state() const noexcept { return view(c_->state); }
    std::string_view category() const noexcept { return view(c_->category); }
    std::string_view subcategory() const noexcept { return view(c_->subcategory); }
    std::string_view caller_id() const noexcept { return view(c_->caller.id); }
    std::string_view caller_email() const noexcept { return view(c_->caller.email); }
    std::string_view caller_name() const noexcept { return view(c_->caller.name); }
    std::string_view assignment_group() const noexcept { return view(c_->assignment_group); }
    std::string_view assigned_to() const noexcept { return view(c_->assigned_to); }
    std::string_view ci() const noexcept { return view(c_->ci); }
    std::string_view location() const noexcept { return view(c_->location); }
    std::string_view related_change() const noexcept { return view(c_->related_change); }

    sl_contact_type_t contact_type() const noexcept { return c_->contact_type; }
    int priority() const noexcept { return c_->priority; }
    int impact() const noexcept { return c_->impact; }
    int urgency() const noexcept { return c_->urgency; }
    int escalation_level() const noexcept { return c_->escalation_level; }
    int reopen_count() const noexcept { return c_->reopen_count; }
    int reassignment_count() const noexcept { return c_->reassignment_count; }

    std::optional<sl_timestamp_t> opened_at() const noexcept { return time(c_->opened_at); }
    std::optional<sl_timestamp_t> first_response_at() const noexcept { return time(c_->first_response_at); }
    std::optional<sl_timestamp_t> resolved_at() const noexcept { return time(c_->resolved_at); }
    std::optional<sl_timestamp_t> closed_at() const noexcept { return time(c_->closed_at); }
    std::optional<sl_timestamp_t> updated_at() const noexcept { return time(c_->updated_at); }
    std::optional<sl_timestamp_t> sla_due_at() const noexcept { return time(c_->sla_due_at); }
    std::optional<bool> sla_breached() const noexcept
    {
        if (c_->sla_breached == SL_UNKNOWN) return std::nullopt;
        return c_->sla_breached == SL_YES;
    }

    std::span<const sl_comment_t *const> comments() const noexcept
    {
        return {c_->comments, c_->comment_count};
    }
    std::span<const sl_survey_response_t *const> survey() const noexcept
    {
        return {c_->survey, c_->survey_count};
    }
    // A custom field, or nullopt when the incident has none by that name.
    std::optional<std::string_view> custom(std::string_view key) const noexcept
    {
        for (std::size_t i = 0; i < c_->custom_count; ++i)
            if (view(c_->custom[i].key) == key) return view(c_->custom[i].value);
        return std::nullopt;
    }

private:
    static std::optional<sl_timestamp_t> time(sl_timestamp_t t) noexcept
    {
        if (t == SL_TIMESTAMP_NONE) return std::nullopt;
        return t;
    }

    const sl_incident_t *c_;
    std::size_t index_;
};

using IncidentBatch = Batch<sl_incident_t, Incident>;

} // namespace servicelens
