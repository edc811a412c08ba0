// embed-host PLUGIN.so: loads one context plugin the way the ServiceLens
// host does and runs it on an incident the product already has in memory.
#include <servicelens/host/owned_incident.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <exception>
#include <iostream>

int main(int argc, char **argv)
{
    using namespace servicelens::host;
    if (argc != 2) {
        std::cerr << "usage: embed-host PLUGIN.so\n";
        return 2;
    }
    try {
        // Loads with RTLD_LOCAL, checks the ABI version, reads the
        // descriptors; throws with the file and both versions on a mismatch.
        const PluginLibrary library(argv[1]);
        for (const PluginDescriptor &d : library.descriptors()) {
            if (d.kind != PluginKind::context) continue;
            // The product's own incident, mapped onto the canonical model.
            OwnedIncident incident;
            incident.id = "42";
            incident.number = "INC0000042";
            incident.title = "VPN drops every few minutes";
            incident.priority = 2;
            incident.contact_type = SL_CONTACT_PHONE;
            incident.caller_email = "ada.lovelace@example.com";
            incident.opened_at = 1772442000000;   // 2026-03-02T09:00:00Z
            incident.updated_at = incident.opened_at;
            const IncidentView view(incident);
            const sl_incident_t *batch[] = {view.get()};

            ContextProviderInstance provider(library, {d.id, "embedded", "{}", {}});
            const AttributeCollector found = provider.enrich(batch);
            std::cout << d.id << " " << d.version << ": " << found.attributes.size() << " attribute(s)\n";
            for (const Attribute &a : found.attributes)
                std::cout << "  " << a.key << " = " << a.value_text() << " (confidence " << a.confidence << ")\n";
        }
        return 0;
    } catch (const std::exception &e) {
        // PluginCallError carries the plugin's own message.
        std::cerr << "embed-host: " << e.what() << '\n';
        return 1;
    }
}
