// Multinomial logistic regression over hashed features: the model
// `servicelens sentiment train` writes and the `learned` plugin reads.
// Classes: negative and positive, or negative, neutral and positive.
//
// The file: the line "servicelens-sentiment-model", a JSON header line
// (format, classes, bits, what it was trained on), then the weights as
// little-endian float32. A file of another format version, or one whose
// size does not match its header, is refused with the reason.
#pragma once

#include "features.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

namespace servicelens::sentiment {

struct TrainOptions {
    int epochs = 20;
    double learning_rate = 0.2;
    double l2 = 1e-5;
    std::uint64_t seed = 42;   // the order examples are visited in: same data, same model
};

class LinearModel {
public:
    static constexpr int format_version = 1;

    LinearModel(int classes, int bits);

    int classes() const noexcept { return classes_; }
    int bits() const noexcept { return bits_; }

    // Class probabilities, summing to 1.
    std::vector<double> probabilities(const SparseVector &x) const;
    // P(positive) - P(negative): -1 .. 1.
    double compound(const std::vector<double> &probabilities) const;

    // `labels[i]` in 0 .. classes - 1; `progress(epoch, epochs)` after each epoch.
    void train(const std::vector<SparseVector> &examples, const std::vector<int> &labels, const TrainOptions &options,
               const std::function<void(int, int)> &progress = {});

    // `about` goes into the header (what it was trained on, when, by what).
    void save(const std::filesystem::path &file, const nlohmann::json &about) const;
    // Throws std::runtime_error naming the file and what is wrong with it.
    static LinearModel load(const std::filesystem::path &file);

private:
    float &weight(int c, std::uint32_t slot) { return weights_[static_cast<std::size_t>(c) * dimensions_ + slot]; }
    float weight(int c, std::uint32_t slot) const { return weights_[static_cast<std::size_t>(c) * dimensions_ + slot]; }

    int classes_;
    int bits_;
    std::uint32_t dimensions_;
    std::vector<float> weights_;
};

} // namespace servicelens::sentiment
