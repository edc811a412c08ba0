// What one plugin instance logs (Host::warn and friends), captured for a
// test. The host logs for an instance through the spdlog logger
// "plugin.<instance name>", made on first use; registering it first with a
// sink of our own puts the instance's lines in memory. Declare it before
// the instance, so it outlives everything that may log to it.
//
//     CapturedPluginLog log("directory-test");   // before the instance is created
//     host::ContextProviderInstance p(library, {"org.servicelens.directory", "directory-test", config, {}});
//     CHECK_THAT(log.text(), Contains("directory.csv:6:"));
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <sstream>
#include <string>

class CapturedPluginLog {
public:
    explicit CapturedPluginLog(const std::string &instance_name) : name_("plugin." + instance_name)
    {
        spdlog::drop(name_);
        auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
        sink->set_pattern("%l %v");
        auto logger = std::make_shared<spdlog::logger>(name_, std::move(sink));
        logger->set_level(spdlog::level::trace);
        spdlog::register_logger(std::move(logger));
    }
    ~CapturedPluginLog() { spdlog::drop(name_); }
    CapturedPluginLog(const CapturedPluginLog &) = delete;
    CapturedPluginLog &operator=(const CapturedPluginLog &) = delete;

    // Every line so far, "warning <message>" or "info <message>".
    std::string text() const
    {
        if (auto logger = spdlog::get(name_)) logger->flush();
        return out_.str();
    }

private:
    std::string name_;
    std::ostringstream out_;
};
