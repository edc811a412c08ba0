// Labelled texts for `servicelens sentiment train` and `eval`: lines of
// `text<TAB>label`, label 0/1 (binary) or negative/neutral/positive. A first
// line whose label is none of those is a header and skipped; any other bad
// line fails, naming the file and line.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace servicelens::cli {

struct LabelledTexts {
    int classes = 2;                  // 2: 0 negative, 1 positive; 3: 0 negative, 1 neutral, 2 positive
    std::vector<std::string> texts;
    std::vector<int> labels;
};

// Throws std::runtime_error with the file, the line and what to fix.
LabelledTexts read_labelled_texts(const std::filesystem::path &file);

} // namespace servicelens::cli
