// libFuzzer target: the configuration loader must turn any bytes into a
// configuration or a ConfigError, never crash, hang or throw anything else.
#include <servicelens/config/host_config.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char *>(data), size);
    try {
        servicelens::config::parse_host_config(text, "/nonexistent/fuzz/servicelens.yaml");
    } catch (const servicelens::config::ConfigError &) {
        // A refused configuration is a correct answer.
    }
    return 0;
}
