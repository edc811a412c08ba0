// The lexicon's data files (plugins/lexicon/data), compiled in by
// cmake/EmbedFiles.cmake: a plugin is one file, with nothing to find at
// run time.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace servicelens::sentiment::embedded {

struct EmbeddedFile {
    std::string_view name;
    std::string_view text;
};

extern const EmbeddedFile lexicon_data[];
extern const std::size_t lexicon_data_count;

inline std::span<const EmbeddedFile> lexicon_files() { return {lexicon_data, lexicon_data_count}; }

} // namespace servicelens::sentiment::embedded
