// The vendor fakes the connector conformance suite runs against, each with
// what the suite must know to drive it generically.
#pragma once

#include "fake_vendor.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace servicelens::fakes {

struct VendorFake {
    std::string vendor;                                          // "servicenow", as in config kind
    std::function<std::unique_ptr<FakeVendorServer>(FakeDesk &)> make;
    std::function<std::string(int)> id_of;                       // the record id of ticket i
    std::function<std::string(int)> number_of;                   // what people quote for ticket i
    std::string custom_field;                                    // a field name write-back may set
    bool sorts_ids_as_numbers = false;                           // (updated, id) order: numeric ids
};

std::unique_ptr<FakeVendorServer> make_fake_servicenow(FakeDesk &desk);
std::unique_ptr<FakeVendorServer> make_fake_jira(FakeDesk &desk);
std::unique_ptr<FakeVendorServer> make_fake_zendesk(FakeDesk &desk);
std::unique_ptr<FakeVendorServer> make_fake_rt(FakeDesk &desk);

// Every vendor, in a fixed order.
std::vector<VendorFake> all_vendor_fakes();

} // namespace servicelens::fakes
