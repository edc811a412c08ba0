#include <servicelens/host/logging.hpp>

#include <servicelens/config/secrets.hpp>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

namespace servicelens::host {

namespace {

// The secrets to scrub, shared by every sink; read on every log line.
struct SecretList {
    std::mutex mutex;
    std::vector<std::string> values;

    std::string scrub(std::string text)
    {
        std::lock_guard lock(mutex);
        return config::redact(std::move(text), values);
    }
};

SecretList &secret_list()
{
    static SecretList list;
    return list;
}

// Wraps the real sink and scrubs secrets from each message before it.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    explicit RedactingSink(spdlog::sink_ptr inner) : inner_(std::move(inner)) {}

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        const std::string clean = secret_list().scrub(std::string(msg.payload.data(), msg.payload.size()));
        spdlog::details::log_msg copy = msg;
        copy.payload = clean;
        inner_->log(copy);
    }
    void flush_() override { inner_->flush(); }

private:
    spdlog::sink_ptr inner_;
};

struct LoggingSetup {
    std::mutex mutex;
    spdlog::level::level_enum level = spdlog::level::info;
    LogFormat format = LogFormat::text;
    spdlog::sink_ptr sink;
};

LoggingSetup &setup()
{
    static LoggingSetup s;   // function-local: built on first use, never at load time
    return s;
}

// One JSON object per line. spdlog escapes nothing in patterns, so the
// message goes through a formatter that escapes it.
class JsonLineFormatter final : public spdlog::formatter {
public:
    void format(const spdlog::details::log_msg &msg, spdlog::memory_buf_t &dest) override
    {
        using namespace std::chrono;
        const auto ms = duration_cast<milliseconds>(msg.time.time_since_epoch()).count();
        fmt::format_to(std::back_inserter(dest), R"({{"ts_ms":{},"level":"{}","logger":")", ms,
                       spdlog::level::to_string_view(msg.level));
        escape(std::string_view(msg.logger_name.data(), msg.logger_name.size()), dest);
        fmt::format_to(std::back_inserter(dest), R"(","msg":")");
        escape(std::string_view(msg.payload.data(), msg.payload.size()), dest);
        fmt::format_to(std::back_inserter(dest), "\"}}\n");
    }
    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonLineFormatter>(); }

private:
    static void escape(std::string_view s, spdlog::memory_buf_t &dest)
    {
        for (const char c : s) {
            switch (c) {
            case '"': dest.append(std::string_view("\\\"")); break;
            case '\\': dest.append(std::string_view("\\\\")); break;
            case '\n': dest.append(std::string_view("\\n")); break;
            case '\r': dest.append(std::string_view("\\r")); break;
            case '\t': dest.append(std::string_view("\\t")); break;
            default:
                if (static_cast<unsigned char>(c) < 0x20)
                    fmt::format_to(std::back_inserter(dest), "\\u{:04x}", static_cast<unsigned>(c));
                else
                    dest.push_back(c);
            }
        }
    }
};

spdlog::sink_ptr make_sink(LogFormat format)
{
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    if (format == LogFormat::json)
        sink->set_formatter(std::make_unique<JsonLineFormatter>());
    else
        sink->set_formatter(std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ [%n] %v",
                                                                        spdlog::pattern_time_type::utc));
    return std::make_shared<RedactingSink>(std::move(sink));
}

} // namespace

void configure_logging(std::string_view level, LogFormat format)
{
    const auto parsed = spdlog::level::from_str(std::string(level));
    if (parsed == spdlog::level::off && level != "off")
        throw std::invalid_argument("unknown log level '" + std::string(level) +
                                    "'; use one of trace, debug, info, warn, error, off");
    LoggingSetup &s = setup();
    std::lock_guard lock(s.mutex);
    s.level = parsed;
    s.format = format;
    s.sink = make_sink(format);
    spdlog::apply_all([&](const std::shared_ptr<spdlog::logger> &logger) {
        logger->sinks() = {s.sink};
        logger->set_level(parsed);
    });
}

std::shared_ptr<spdlog::logger> logger_for(const std::string &name)
{
    LoggingSetup &s = setup();
    std::lock_guard lock(s.mutex);
    if (auto existing = spdlog::get(name)) return existing;
    if (!s.sink) s.sink = make_sink(s.format);
    auto logger = std::make_shared<spdlog::logger>(name, s.sink);
    logger->set_level(s.level);
    spdlog::register_logger(logger);
    return logger;
}

void redact_in_logs(const std::vector<std::string> &secrets)
{
    SecretList &list = secret_list();
    std::lock_guard lock(list.mutex);
    for (const std::string &secret : secrets)
        if (!secret.empty() && std::find(list.values.begin(), list.values.end(), secret) == list.values.end())
            list.values.push_back(secret);
    // Longest first, so a secret that contains another is scrubbed whole.
    std::sort(list.values.begin(), list.values.end(),
              [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
}

std::string redact_secrets(std::string text) { return secret_list().scrub(std::move(text)); }

} // namespace servicelens::host
