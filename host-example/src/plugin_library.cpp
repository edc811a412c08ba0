#include <servicelens/host/plugin_library.hpp>

#include <servicelens/host/abi_compat.hpp>

#include <servicelens/cpp/strings.hpp>

#include <boost/dll/shared_library.hpp>
#include <fmt/format.h>

#include <dlfcn.h>

namespace servicelens::host {

namespace {

// The size of the entry as ABI 1.0 defined it.
constexpr std::size_t entry_size_v1_0 = sizeof(sl_plugin_entry_t);

// Marks an already loaded file RTLD_NODELETE, so dlclose keeps it mapped.
void pin_in_memory(const std::filesystem::path &file)
{
    if (void *handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE)) ::dlclose(handle);
}

} // namespace

PluginLibrary::PluginLibrary(const std::filesystem::path &file, LoadOptions options) : file_(file)
{
    const std::string where = file.string();
    try {
        library_.load(boost::dll::fs::path(where),
                      boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
    } catch (const std::exception &e) {
        throw PluginLoadError(fmt::format("{}: cannot load the library: {}", where, e.what()));
    }
    if (options.never_unload) pin_in_memory(file);
    if (!library_.has(SL_PLUGIN_ENTRY_SYMBOL))
        throw PluginLoadError(fmt::format("{}: not a ServiceLens plugin: it does not export '{}' "
                                          "(build it with servicelens_add_plugin or SERVICELENS_PLUGINS)",
                                          where, SL_PLUGIN_ENTRY_SYMBOL));
    entry_ = &library_.get<const sl_plugin_entry_t>(SL_PLUGIN_ENTRY_SYMBOL);

    if (auto why = abi_incompatibility(host_abi_version, entry_->abi_version))
        throw PluginLoadError(fmt::format("{}: refused: {}", where, *why));
    if (entry_->struct_size < entry_size_v1_0)
        throw PluginLoadError(fmt::format("{}: refused: its entry struct_size {} is smaller than ABI 1.0's {}",
                                          where, entry_->struct_size, entry_size_v1_0));
    if (!entry_->init || !entry_->deinit || !entry_->get_factory)
        throw PluginLoadError(fmt::format("{}: refused: its entry has a NULL init, deinit or get_factory", where));

    const sl_status_t status = entry_->init(str(where));
    if (status != SL_STATUS_OK)
        throw PluginLoadError(fmt::format("{}: init failed ({})", where, sl_status_name(status)));
    try {
        read_descriptors();
    } catch (...) {
        entry_->deinit();
        throw;
    }
}

PluginLibrary::~PluginLibrary()
{
    entry_->deinit();
    // library_ unloads the file (a pinned file stays mapped).
}

const sl_plugin_factory_t *PluginLibrary::factory(PluginKind kind) const noexcept
{
    return entry_->get_factory(std::string(factory_id(kind)).c_str());
}

const PluginDescriptor *PluginLibrary::find(std::string_view id) const noexcept
{
    for (const PluginDescriptor &d : descriptors_)
        if (d.id == id) return &d;
    return nullptr;
}

void PluginLibrary::read_descriptors()
{
    const std::string where = file_.string();
    for (PluginKind kind : all_plugin_kinds) {
        const sl_plugin_factory_t *f = factory(kind);
        if (!f) continue;
        if (!f->descriptor_count || !f->descriptor || !f->create)
            throw PluginLoadError(fmt::format("{}: refused: its {} factory has a NULL function", where,
                                              factory_id(kind)));
        const uint32_t count = f->descriptor_count(f);
        for (uint32_t i = 0; i < count; ++i) {
            const sl_plugin_descriptor_t *d = f->descriptor(f, i);
            if (!d)
                throw PluginLoadError(fmt::format("{}: refused: {} descriptor {} of {} is NULL", where,
                                                  factory_id(kind), i, count));
            try {
                descriptors_.push_back(PluginDescriptor::copy_from(*d, kind, file_));
            } catch (const std::invalid_argument &e) {
                throw PluginLoadError(fmt::format("{}: refused: {}", where, e.what()));
            }
        }
    }
    if (descriptors_.empty())
        throw PluginLoadError(fmt::format("{}: refused: it offers no plugin of any kind this host knows "
                                          "(context, sentiment, report)",
                                          where));
}

} // namespace servicelens::host
