#include <servicelens/host/plugin_descriptor.hpp>

#include <servicelens/cpp/strings.hpp>

#include <cstddef>
#include <stdexcept>

namespace servicelens::host {

namespace {

// The size of the descriptor as ABI 1.0 defined it; a plugin's
// struct_size may only be larger (a later 1.x appended fields).
constexpr std::size_t descriptor_size_v1_0 = offsetof(sl_plugin_descriptor_t, emit_count) + sizeof(size_t);

std::string checked(sl_str_t s, const char *field)
{
    if (s.size > 0 && s.data == nullptr)
        throw std::invalid_argument(std::string("descriptor field '") + field + "' has a size but no data");
    return copy(s);
}

} // namespace

PluginDescriptor PluginDescriptor::copy_from(const sl_plugin_descriptor_t &c, PluginKind kind,
                                             const std::filesystem::path &file)
{
    if (c.struct_size < descriptor_size_v1_0)
        throw std::invalid_argument("descriptor struct_size " + std::to_string(c.struct_size) +
                                    " is smaller than ABI 1.0's " + std::to_string(descriptor_size_v1_0));
    PluginDescriptor d{kind, file, checked(c.id, "id"), checked(c.name, "name"), checked(c.version, "version"),
                       checked(c.vendor, "vendor"), checked(c.description, "description"),
                       checked(c.config_schema, "config_schema"), {}, (c.flags & SL_DESCRIPTOR_THREAD_SAFE) != 0};
    if (d.id.empty()) throw std::invalid_argument("descriptor has an empty id");
    if (c.emit_count > 0 && c.emits == nullptr)
        throw std::invalid_argument("descriptor of '" + d.id + "' has emit_count " +
                                    std::to_string(c.emit_count) + " but emits is NULL");
    for (std::size_t i = 0; i < c.emit_count; ++i) d.emits.push_back(checked(c.emits[i], "emits"));
    return d;
}

} // namespace servicelens::host
