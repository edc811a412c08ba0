#include "keyset_collector.hpp"

#include <servicelens/connectors/vendor_support.hpp>

#include <algorithm>
#include <utility>

namespace servicelens::connectors {

KeysetCollector::KeysetCollector(store::Watermark since, std::size_t limit) : since_(std::move(since)), limit_(limit) {}

void KeysetCollector::add(host::OwnedIncident incident)
{
    if (!after_watermark(since_, incident.updated_at, incident.id)) return;
    const auto it = by_id_.find(incident.id);
    if (it == by_id_.end()) {
        std::string id = incident.id;
        by_id_.emplace(std::move(id), std::move(incident));
    } else if (incident.updated_at >= it->second.updated_at) {
        // The later read of the same version wins too: an export repeats a
        // record only when it changed, and then the last copy is the truth.
        it->second = std::move(incident);
    }
}

void KeysetCollector::forget(std::string_view id)
{
    if (const auto it = by_id_.find(id); it != by_id_.end()) by_id_.erase(it);
}

void KeysetCollector::advance(sl_timestamp_t frontier)
{
    frontier_ = std::max(frontier_, frontier);
}

bool KeysetCollector::full() const
{
    std::size_t ready = 0;
    for (const auto &[id, incident] : by_id_)
        if (incident.updated_at < frontier_ && ++ready >= limit_) return true;
    return false;
}

std::vector<host::OwnedIncident> KeysetCollector::take(bool listing_ended)
{
    std::vector<host::OwnedIncident> ready;
    for (auto &[id, incident] : by_id_)
        if (listing_ended || incident.updated_at < frontier_) ready.push_back(std::move(incident));
    by_id_.clear();
    std::sort(ready.begin(), ready.end(), [](const host::OwnedIncident &a, const host::OwnedIncident &b) {
        if (a.updated_at != b.updated_at) return a.updated_at < b.updated_at;
        return compare_ids(a.id, b.id) < 0;
    });
    if (ready.size() > limit_) ready.resize(limit_);
    return ready;
}

} // namespace servicelens::connectors
