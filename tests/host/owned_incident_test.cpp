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

#include <servicelens/host/incident_json.hpp>

TEST_CASE("UTC times print and parse both ways, offsets included")
{
    using servicelens::host::format_utc;
    using servicelens::host::parse_utc;
    CHECK(format_utc(1772442000000) == "2026-03-02T09:00:00Z");
    CHECK(format_utc(1772442000250) == "2026-03-02T09:00:00.250Z");
    CHECK(format_utc(0) == "1970-01-01T00:00:00Z");
    CHECK(format_utc(1772442000000, servicelens::host::Milliseconds::always) == "2026-03-02T09:00:00.000Z");
    CHECK(format_utc(-1) == "1969-12-31T23:59:59.999Z");
    CHECK(format_utc(253402300799999) == "9999-12-31T23:59:59.999Z");
    CHECK(format_utc(-62135596800000) == "0001-01-01T00:00:00Z");
    CHECK(parse_utc("2026-03-02T09:00:00Z") == 1772442000000);
    CHECK(parse_utc("2026-03-02T09:00:00.250Z") == 1772442000250);
    CHECK(parse_utc("2026-03-02T10:00:00+01:00") == 1772442000000);
    CHECK(parse_utc("2024-02-29T00:00:00Z").has_value());
    CHECK_FALSE(parse_utc("2026-02-30T00:00:00Z").has_value());
    CHECK_FALSE(parse_utc("2026-03-02 09:00"));
    CHECK_FALSE(parse_utc(""));
}

TEST_CASE("an incident survives the trip to JSON and back")
{
    for (const auto &incident : sample_incidents()) {
        const auto json = servicelens::host::incident_to_json(incident);
        CHECK(servicelens::host::incident_to_json(servicelens::host::incident_from_json(json)) == json);
    }
}
