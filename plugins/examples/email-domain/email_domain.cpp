// Example context provider: the caller's e-mail domain, and whether it is
// one of the organisation's own. The plugin author guide walks through it.
#include <servicelens/cpp/plugin.hpp>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

class EmailDomain final : public servicelens::ContextProvider {
public:
    static constexpr servicelens::PluginInfo info{
        .id = "org.servicelens.example.email-domain",
        .name = "E-mail domain",
        .version = "1.0.0",
        .vendor = "ServiceLens",
        .description = "The caller's e-mail domain and whether it is an internal one.",
        .config_schema = R"({"type": "object", "additionalProperties": false, "properties": {
            "internal_domains": {"type": "array", "items": {"type": "string"}}}})",
        .emits = "caller.email_domain,caller.is_internal",
        .thread_safe = true,
    };

    explicit EmailDomain(const servicelens::CreateContext &context)
    {
        const auto config = nlohmann::json::parse(context.config_json);
        for (const auto &domain : config.value("internal_domains", nlohmann::json::array()))
            internal_.insert(servicelens::ascii_lower(domain.get<std::string>()));
    }

    void enrich(servicelens::IncidentBatch incidents, servicelens::AttributeSink &sink) override
    {
        const servicelens::Provenance from_email{.confidence = 1.0, .source = "incident.caller.email"};
        for (const servicelens::Incident incident : incidents) {
            const std::string_view email = incident.caller_email();
            const auto at = email.rfind('@');
            if (at == std::string_view::npos || at + 1 == email.size()) continue; // no domain: say nothing
            const std::string domain = servicelens::ascii_lower(servicelens::utf8::sanitize(email.substr(at + 1)));
            sink.text(incident.index(), "caller.email_domain", domain, from_email);
            if (!internal_.empty())
                sink.boolean(incident.index(), "caller.is_internal", internal_.count(domain) > 0, from_email);
        }
    }

private:
    std::set<std::string> internal_;
};

SERVICELENS_PLUGINS(EmailDomain)
