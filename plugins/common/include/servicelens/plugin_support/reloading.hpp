// Data a plugin loads from files and reloads when they change, safe to read
// from many threads while a reload happens. Readers get a shared_ptr to an
// immutable snapshot; a reload builds a new one and swaps it in. A reload
// that fails keeps the old snapshot and reports why, so a half-written file
// never empties the plugin's knowledge.
//
//     Reloading<Directory> directory({path}, [&](const Warn &warn) { return load(path, warn); }, warn);
//     std::shared_ptr<const Directory> now = directory.current();   // checks the files at most once a second
#pragma once

#include "csv_file.hpp"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <system_error>
#include <vector>

namespace servicelens::plugin_support {

template <class Data>
class Reloading {
public:
    using Loader = std::function<Data(const Warn &warn)>;

    // Loads once now: a missing or broken file throws here, at create time.
    Reloading(std::vector<std::filesystem::path> files, Loader load, Warn warn)
        : files_(std::move(files)), load_(std::move(load)), warn_(std::move(warn)),
          stamps_(stamps()), data_(std::make_shared<const Data>(load_(warn_)))
    {
    }

    std::shared_ptr<const Data> current()
    {
        std::lock_guard lock(mutex_);
        const auto now = std::chrono::steady_clock::now();
        if (now - last_check_ < std::chrono::seconds(1)) return data_;
        last_check_ = now;
        if (auto seen = stamps(); seen != stamps_) {
            try {
                data_ = std::make_shared<const Data>(load_(warn_));
                stamps_ = std::move(seen);
            } catch (const std::exception &e) {
                warn_(std::string("kept the data loaded before: reloading failed: ") + e.what());
            }
        }
        return data_;
    }

private:
    struct Stamp {
        std::filesystem::file_time_type written{};
        std::uintmax_t size = 0;
        bool operator==(const Stamp &) const = default;
    };

    std::vector<Stamp> stamps() const
    {
        std::vector<Stamp> out;
        for (const auto &file : files_) {
            std::error_code ec;
            Stamp s{std::filesystem::last_write_time(file, ec), 0};
            s.size = std::filesystem::file_size(file, ec);
            out.push_back(ec ? Stamp{} : s);
        }
        return out;
    }

    std::vector<std::filesystem::path> files_;
    Loader load_;
    Warn warn_;
    std::mutex mutex_;
    std::vector<Stamp> stamps_;
    std::shared_ptr<const Data> data_;
    std::chrono::steady_clock::time_point last_check_ = std::chrono::steady_clock::now();
};

} // namespace servicelens::plugin_support
