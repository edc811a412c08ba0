#include "labelled_texts.hpp"

#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <stdexcept>

namespace servicelens::cli {

namespace {

struct Label {
    int classes;
    int value;
};

std::optional<Label> label_of(std::string_view text)
{
    if (text == "0") return Label{2, 0};
    if (text == "1") return Label{2, 1};
    if (text == "negative") return Label{3, 0};
    if (text == "neutral") return Label{3, 1};
    if (text == "positive") return Label{3, 2};
    return std::nullopt;
}

} // namespace

LabelledTexts read_labelled_texts(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(fmt::format("{}: cannot open the labelled texts", file.string()));
    LabelledTexts out;
    std::optional<int> classes;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
        if (line.empty()) continue;
        const std::size_t tab = line.rfind('\t');
        const std::string_view label_text = tab == std::string::npos ? std::string_view() : std::string_view(line).substr(tab + 1);
        const auto label = label_of(label_text);
        if (!label) {
            if (number == 1) continue;   // a header ("text<TAB>label")
            throw std::runtime_error(fmt::format(
                "{}:{}: expected text<TAB>label with label 0 or 1, or negative, neutral or positive; found '{}'",
                file.string(), number, tab == std::string::npos ? "no tab" : std::string(label_text)));
        }
        if (classes && *classes != label->classes)
            throw std::runtime_error(fmt::format("{}:{}: mixes 0/1 labels with negative/neutral/positive ones",
                                                 file.string(), number));
        classes = label->classes;
        std::string text = line.substr(0, tab);
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.pop_back();
        out.texts.push_back(std::move(text));
        out.labels.push_back(label->value);
    }
    if (out.texts.empty()) throw std::runtime_error(fmt::format("{}: no labelled text in it", file.string()));
    out.classes = classes.value_or(2);
    return out;
}

} // namespace servicelens::cli
