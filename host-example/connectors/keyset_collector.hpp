// Gathers the incidents of a listing that the platform orders by update time
// (a JQL search, Zendesk's incremental export) read page by page, and hands
// out the first `limit` after the watermark, in (updated_at, id) order, once
// nothing the listing has not shown yet can come before them.
//
//   KeysetCollector collector(since, limit);
//   for each page: collector.add(incident)...; collector.advance(last_updated_at_on_page);
//                  stop when collector.full() or the listing ended
//   page.incidents = collector.take(listing_ended);
//
// Rationale: the platform orders by its update time, but incidents with the
// same time (the same millisecond, or the same second) may continue on the
// next page in an order that is not ours (by key rather than id). An
// incident is therefore ready only when its updated_at is before the last
// one the listing has shown (the frontier): everything earlier has then been
// read. A copy read twice (updated while paging, or repeated by an export)
// keeps the newer version, so a pull never returns an incident twice.
#pragma once

#include <servicelens/host/owned_incident.hpp>
#include <servicelens/store/state_store.hpp>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::connectors {

class KeysetCollector {
public:
    KeysetCollector(store::Watermark since, std::size_t limit);

    // One incident as the listing showed it; ignored unless it comes after
    // the watermark. A second copy replaces the first unless it is older.
    void add(host::OwnedIncident incident);
    // The listing says this record is gone (a deleted ticket): drop any copy.
    void forget(std::string_view id);
    // The listing has shown everything updated before `frontier`.
    void advance(sl_timestamp_t frontier);

    // `limit` incidents are ready: reading further pages cannot change them.
    bool full() const;
    // The ready incidents (all of them once the listing ended), oldest
    // first, at most `limit`.
    std::vector<host::OwnedIncident> take(bool listing_ended);

private:
    store::Watermark since_;
    std::size_t limit_;
    sl_timestamp_t frontier_ = SL_TIMESTAMP_NONE;
    std::map<std::string, host::OwnedIncident, std::less<>> by_id_;
};

} // namespace servicelens::connectors
