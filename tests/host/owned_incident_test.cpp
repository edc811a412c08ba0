#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/sample_data.hpp>

#include <servicelens/cpp/incident.hpp>

#include <catch2/catch.hpp>

using namespace servicelens::host;

TEST_CASE("the C view of an owned incident shows every field through the C++ reader")
{
    const auto incidents = sample_incidents();
    const IncidentView view(incidents.at(0));
    const servicelens::Incident incident(*view.get(), 0);
    CHECK(view.get()->struct_size == sizeof(sl_incident_t));
    CHECK(incident.number() == "INC0010042");
    CHECK(incident.priority() == 2);
    CHECK(incident.contact_type() == SL_CONTACT_PHONE);
    CHECK(incident.caller_email() == "Maria.Keller@Example.com");
    CHECK(incident.opened_at() == incidents[0].opened_at);
    CHECK_FALSE(incident.resolved_at().has_value());
    REQUIRE(incident.comments().size() == 1);
    CHECK(servicelens::view(incident.comments()[0]->author) == "Maria Keller");
    CHECK(incident.custom("u_business_service") == "Remote access");
    CHECK_FALSE(incident.custom("nope").has_value());
    CHECK_FALSE(incident.sla_breached().has_value());
}
