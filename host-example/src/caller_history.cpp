#include <servicelens/host/caller_history.hpp>

#include <servicelens/host/result_sinks.hpp>

#include <servicelens/cpp/strings.hpp>

#include <algorithm>

namespace servicelens::host {

namespace {

// E-mail addresses compare ignoring case and surrounding space; ids as
// written. An address with capitals is lower-cased into `scratch`; the
// others, nearly all of them, are looked up where they are.
std::string_view caller_key(std::string_view caller, std::string &scratch)
{
    const auto begin = caller.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return {};
    caller = caller.substr(begin, caller.find_last_not_of(" \t") - begin + 1);
    const auto capital = [](char c) { return c >= 'A' && c <= 'Z'; };
    if (caller.find('@') == std::string_view::npos || std::none_of(caller.begin(), caller.end(), capital)) return caller;
    return scratch = ascii_lower(caller);
}

} // namespace

CallerHistory::CallerHistory(StoredLoader load_stored) : load_stored_(std::move(load_stored)) {}

uint32_t CallerHistory::intern(std::string_view text)
{
    if (const auto known = string_index_.find(text); known != string_index_.end()) return known->second;
    const auto key = static_cast<uint32_t>(strings_.size());
    strings_.emplace_back(text);
    string_index_.emplace(strings_.back(), key);
    return key;
}

void CallerHistory::index(uint32_t key, std::size_t entry)
{
    if (strings_[key].empty()) return;
    if (by_caller_.size() <= key) by_caller_.resize(key + 1);
    auto &list = by_caller_[key];
    const auto at = std::upper_bound(list.begin(), list.end(), entries_[entry].opened_at,
                                     [&](sl_timestamp_t t, std::size_t e) { return t < entries_[e].opened_at; });
    list.insert(at, entry);
}

void CallerHistory::add(const OwnedIncident &incident, bool replace)
{
    const auto known = entry_of_incident_.find(incident.id);
    if (known != entry_of_incident_.end() && !replace) return;
    const uint32_t email = intern(caller_key(incident.caller_email, key_scratch_));
    const uint32_t id = intern(caller_key(incident.caller_id, key_scratch_));
    const Entry entry{incident.opened_at,
                      incident.resolved_at,
                      incident.reopen_count,
                      incident.escalation_level,
                      incident.contact_type,
                      intern(incident.category),
                      intern(incident.subcategory),
                      email,
                      id};
    std::size_t at = entries_.size();
    if (known != entry_of_incident_.end()) {
        // Times, even the caller, may have moved: out of the old callers' order first.
        at = known->second;
        for (const uint32_t key : {entries_[at].email_key, entries_[at].id_key})
            if (key < by_caller_.size()) std::erase(by_caller_[key], at);
        entries_[at] = entry;
    } else {
        entries_.push_back(entry);
        entry_of_incident_.emplace(incident.id, at);
    }
    index(email, at);
    if (id != email) index(id, at);   // listed once when the id is the e-mail address
}

void CallerHistory::load_stored_once() const
{
    std::call_once(stored_loaded_, [this] {
        // Loading adds to the index; every visit waits here until it is done,
        // and the engine adds nothing while plugins run.
        if (load_stored_) load_stored_(const_cast<CallerHistory &>(*this));
    });
}

sl_status_t CallerHistory::visit(std::string_view caller, sl_timestamp_t before, uint32_t limit,
                                 sl_past_incident_visitor_t fn, void *context) const
{
    if (!fn || !is_valid_utf8(caller)) return SL_STATUS_INVALID_ARGUMENT;
    load_stored_once();
    std::string scratch;
    const auto found = string_index_.find(caller_key(caller, scratch));
    if (found == string_index_.end() || found->second >= by_caller_.size()) return SL_STATUS_OK;
    const auto &list = by_caller_[found->second];
    auto end = std::lower_bound(list.begin(), list.end(), before,
                                [&](std::size_t e, sl_timestamp_t t) { return entries_[e].opened_at < t; });
    uint32_t visited = 0;
    for (auto it = end; it != list.begin() && (limit == 0 || visited < limit); ++visited) {
        const Entry &e = entries_[*--it];
        sl_past_incident_t past{};
        past.struct_size = sizeof past;
        past.contact_type = e.contact_type;
        past.category = str(strings_[e.category]);
        past.subcategory = str(strings_[e.subcategory]);
        past.opened_at = e.opened_at;
        past.resolved_at = e.resolved_at;
        past.reopen_count = e.reopen_count;
        past.escalation_level = e.escalation_level;
        if (const sl_status_t status = fn(context, &past); status != SL_STATUS_OK) return status;
    }
    return SL_STATUS_OK;
}

} // namespace servicelens::host
