// What the desk has seen of each caller: the compact records the history
// service (servicelens.host-history/1) hands to plugins. The sync engine
// adds each batch's incidents before plugins run on it, and what earlier
// syncs stored is loaded the first time a plugin asks, so a sync that no
// plugin asks about pays nothing for it.
//
//     auto history = std::make_shared<CallerHistory>([&](CallerHistory &h) { load from the state store });
//     environment.history = history;           // instances created with it offer the service
//     history->add(incident);                  // between plugin calls, never during one
#pragma once

#include "owned_incident.hpp"

#include <servicelens/host_history.h>

#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace servicelens::host {

class CallerHistory {
public:
    using StoredLoader = std::function<void(CallerHistory &)>;

    explicit CallerHistory(StoredLoader load_stored = {});

    // Adds or replaces (same id) an incident. `replace = false` keeps what
    // is known: the loader uses it, so stored versions never overwrite the
    // newer ones of the batch in hand. Not concurrently with visit().
    void add(const OwnedIncident &incident, bool replace = true);

    // The ABI call: the caller's incidents opened before `before`, newest
    // first, at most `limit` (0: all). Thread-safe against other visits.
    sl_status_t visit(std::string_view caller, sl_timestamp_t before, uint32_t limit, sl_past_incident_visitor_t fn,
                      void *context) const;

    std::size_t size() const noexcept { return entries_.size(); }

private:
    struct Entry {
        sl_timestamp_t opened_at, resolved_at;
        int32_t reopen_count, escalation_level;
        sl_contact_type_t contact_type;
        uint32_t category, subcategory;   // into strings_
        uint32_t email_key, id_key;        // into strings_: where by_caller_ lists it
    };

    // Looked up by string_view: no key is copied to find what is known.
    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
    };
    template <class Value>
    using TextMap = std::unordered_map<std::string, Value, TextHash, std::equal_to<>>;

    uint32_t intern(std::string_view text);
    // Lists the entry under the caller key, in opened_at order.
    void index(uint32_t key, std::size_t entry);
    void load_stored_once() const;

    StoredLoader load_stored_;
    mutable std::once_flag stored_loaded_;
    std::vector<Entry> entries_;
    TextMap<std::size_t> entry_of_incident_;
    std::vector<std::string> strings_;
    // By interned lower-cased e-mail or caller id (strings_'s index): the
    // entries, ordered by opened_at. Indexed, not hashed again: adding an
    // incident was seven hash lookups, most of them cache misses.
    std::vector<std::vector<std::size_t>> by_caller_;
    TextMap<uint32_t> string_index_;
    std::string key_scratch_;   // add()'s lower-cased e-mail address
};

} // namespace servicelens::host
