// How a Jira Service Management issue, as /rest/api/3/search/jql returns
// it, becomes a canonical incident, and how a value written back is shaped
// for the field it goes to. The mapping table is in docs/connectors/jira.md.
#pragma once

#include <servicelens/host/owned_incident.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::connectors::jira {

// The site's fields, read once from GET /rest/api/3/field. Custom field ids
// (customfield_N) differ from site to site, so the ITSM fields are found by
// name (Impact, Urgency) and by type (the JSM request type).
struct FieldCatalog {
    struct Field {
        std::string id, name;
        std::string type;        // schema.type: string, number, option, array, ...
        std::string items;       // schema.items, for arrays
        std::string custom_type; // schema.custom, e.g. ...customfieldtypes:textarea
    };
    std::map<std::string, Field> custom;       // by id
    std::string impact, urgency, request_type; // ids; empty when the site has none

    static FieldCatalog from_json(const nlohmann::json &fields);
    const Field *find(std::string_view id) const;
    // What the search asks for: the mapped system fields, comment, and every
    // custom field (they land in `custom`, under their id).
    std::vector<std::string> search_fields() const;
};

struct MappedIssue {
    host::OwnedIncident incident;
    // The search embeds only the first comments; the rest must be read from
    // the request's comment list.
    bool comments_truncated = false;
};

// Throws ConnectorError naming the connector when the issue has no id or
// no readable `updated` (it could not be placed in the sync order).
MappedIssue map_issue(const nlohmann::json &issue, const FieldCatalog &catalog, const std::string &source);

// A comment from /rest/servicedeskapi/request/{key}/comment.
host::OwnedComment map_request_comment(const nlohmann::json &comment);

// The status (category key and name) as a canonical state.
std::string state_of(const nlohmann::json &status);
// Priority names (Highest..Lowest, Blocker..Trivial, P1..P5) as 1..5; 0 unknown.
int priority_of(std::string_view name);
// Impact and urgency option values (JSM's "Extensive / Widespread" ..
// "Minor / Localized", "Critical" .. "Low") as 1..3; 0 unknown.
int level_of(std::string_view value);

// Atlassian Document Format as plain text: paragraphs apart by a blank line,
// hard breaks as newlines, mentions and emoji by their text.
std::string adf_to_text(const nlohmann::json &node);
nlohmann::json text_to_adf(std::string_view text);

// A custom field's value as text for `custom`: options by value, users by
// name, arrays joined with ", ", rich text as plain text; nullopt when unset.
std::optional<std::string> custom_value_text(const nlohmann::json &value);

// The JSON a PUT /rest/api/3/issue sets `field` to for the text `value`;
// nullopt when the field takes a number and the text is not one. An unknown
// field (not in the catalog) gets the text and Jira's answer decides.
std::optional<nlohmann::json> field_value(const FieldCatalog::Field *field, const std::string &value);

// The human part of a Jira error body: {"errorMessages":[...],"errors":{field:msg}}
// (platform) or {"errorMessage":"..."} (servicedeskapi).
std::string error_message(const nlohmann::json &body);

} // namespace servicelens::connectors::jira
