// Every public C header compiles as C++ (C++11, C++17 and C++20, set by
// the build) with extern "C" linkage.
#include <servicelens/servicelens.h>

int sl_headers_compile_cpp()
{
    const sl_version_t host = SL_ABI_VERSION_INIT;
    const sl_str_t id = SL_STR(SL_CONTEXT_FACTORY_ID);
    return sl_version_is_compatible(host, host) + sl_str_equal(id, sl_str_from_cstr(SL_CONTEXT_FACTORY_ID));
}
