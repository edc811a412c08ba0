#include <servicelens/host/sample_data.hpp>

namespace servicelens::host {

namespace {

// 2026-03-02T09:00:00Z, a Monday morning.
constexpr sl_timestamp_t monday_9am = 1772442000000;
constexpr sl_timestamp_t hour = 3600 * 1000;

} // namespace

std::vector<OwnedIncident> sample_incidents()
{
    OwnedIncident vpn;
    vpn.id = "a1f3c2d4e5";
    vpn.number = "INC0010042";
    vpn.source = "sample";
    vpn.title = "VPN drops every few minutes since this morning's client update";
    vpn.description = "Cannot stay connected to the VPN from home; the update last night broke it.";
    vpn.state = "in_progress";
    vpn.priority = 2;
    vpn.impact = 2;
    vpn.urgency = 1;
    vpn.category = "network";
    vpn.subcategory = "vpn";
    vpn.contact_type = SL_CONTACT_PHONE;
    vpn.caller_id = "u1042";
    vpn.caller_email = "Maria.Keller@Example.com";
    vpn.caller_name = "Maria Keller";
    vpn.assignment_group = "Network L2";
    vpn.ci = "vpn-gateway-01";
    vpn.location = "Zurich HQ";
    vpn.related_change = "CHG0003131";
    vpn.opened_at = monday_9am;
    vpn.first_response_at = monday_9am + hour / 4;
    vpn.updated_at = monday_9am + 2 * hour;
    vpn.escalation_level = 1;
    vpn.reassignment_count = 1;
    vpn.comments = {{"c1", "Maria Keller", "Still broken after the reboot, I have a client call at 11. Please hurry!",
                     SL_VISIBILITY_PUBLIC, monday_9am + hour}};
    vpn.custom = {{"u_business_service", "Remote access"}};

    OwnedIncident printer;
    printer.id = "b7e8f9a0b1";
    printer.number = "INC0010043";
    printer.source = "sample";
    printer.title = "How do I add the 3rd floor printer?";
    printer.state = "resolved";
    printer.priority = 4;
    printer.impact = 3;
    printer.urgency = 3;
    printer.category = "hardware";
    printer.subcategory = "printer";
    printer.contact_type = SL_CONTACT_PORTAL;
    printer.caller_email = "j.osei@example.com";
    printer.caller_name = "James Osei";
    printer.assignment_group = "Service Desk";
    printer.opened_at = monday_9am + 3 * hour;
    printer.first_response_at = monday_9am + 3 * hour + hour / 6;
    printer.resolved_at = monday_9am + 4 * hour;
    printer.updated_at = printer.resolved_at;
    printer.sla_breached = SL_NO;
    printer.survey = {{"s1", "Fixed quickly, thanks a lot!", 5, SL_YES, monday_9am + 5 * hour}};

    return {vpn, printer};
}

std::vector<SampleText> sample_texts()
{
    return {
        {SL_TEXT_COMMENT, "Still broken after the reboot, I have a client call at 11. Please hurry!"},
        {SL_TEXT_SURVEY, "Fixed quickly, thanks a lot! The agent was really helpful."},
        {SL_TEXT_SOCIAL, "Another outage this week. The new VPN client is useless."},
        {SL_TEXT_COMMENT, "Please find the log file attached."},
    };
}

} // namespace servicelens::host
