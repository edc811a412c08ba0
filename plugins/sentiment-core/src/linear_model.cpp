#include <servicelens/sentiment_core/linear_model.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <numeric>
#include <optional>
#include <random>
#include <stdexcept>

namespace servicelens::sentiment {

namespace {

constexpr const char *magic = "servicelens-sentiment-model";

static_assert(std::endian::native == std::endian::little, "model files are little-endian float32");

} // namespace

LinearModel::LinearModel(int classes, int bits)
    : classes_(classes), bits_(bits), dimensions_(feature_dimensions(bits)),
      weights_(static_cast<std::size_t>(classes) * feature_dimensions(bits), 0.0f)
{
    if (classes != 2 && classes != 3) throw std::invalid_argument("a sentiment model has 2 or 3 classes");
    if (bits < 10 || bits > 24) throw std::invalid_argument("feature bits must be 10 to 24");
}

std::vector<double> LinearModel::probabilities(const SparseVector &x) const
{
    std::vector<double> scores(static_cast<std::size_t>(classes_), 0.0);
    for (int c = 0; c < classes_; ++c)
        for (const auto &[slot, value] : x) scores[static_cast<std::size_t>(c)] += static_cast<double>(weight(c, slot)) * value;
    const double top = *std::max_element(scores.begin(), scores.end());
    double sum = 0;
    for (double &s : scores) sum += (s = std::exp(s - top));
    for (double &s : scores) s /= sum;
    return scores;
}

double LinearModel::compound(const std::vector<double> &p) const { return p.back() - p.front(); }

void LinearModel::train(const std::vector<SparseVector> &examples, const std::vector<int> &labels,
                        const TrainOptions &options, const std::function<void(int, int)> &progress)
{
    if (examples.size() != labels.size()) throw std::invalid_argument("as many labels as examples are needed");
    // AdaGrad: each weight's step shrinks with its own history, so rare
    // n-grams still learn while frequent ones settle.
    std::vector<float> history(weights_.size(), 0.0f);
    std::vector<std::size_t> order(examples.size());
    std::iota(order.begin(), order.end(), 0);
    std::mt19937_64 rng(options.seed);
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
        std::shuffle(order.begin(), order.end(), rng);
        for (const std::size_t i : order) {
            const std::vector<double> p = probabilities(examples[i]);
            for (int c = 0; c < classes_; ++c) {
                const double error = p[static_cast<std::size_t>(c)] - (labels[i] == c ? 1.0 : 0.0);
                for (const auto &[slot, value] : examples[i]) {
                    float &w = weight(c, slot);
                    const double gradient = error * value + options.l2 * w;
                    float &h = history[static_cast<std::size_t>(c) * dimensions_ + slot];
                    h += static_cast<float>(gradient * gradient);
                    w -= static_cast<float>(options.learning_rate * gradient / (std::sqrt(static_cast<double>(h)) + 1e-8));
                }
            }
        }
        if (progress) progress(epoch + 1, options.epochs);
    }
}

void LinearModel::save(const std::filesystem::path &file, const nlohmann::json &about) const
{
    nlohmann::json header = about;
    header["format"] = format_version;
    header["classes"] = classes_;
    header["bits"] = bits_;
    // Written beside the target and renamed: a crash leaves the old model, never half a new one.
    const std::filesystem::path partial = file.string() + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (!out) throw std::runtime_error(file.string() + ": cannot write the model file");
        out << magic << '\n' << header.dump() << '\n';
        out.write(reinterpret_cast<const char *>(weights_.data()), static_cast<std::streamsize>(weights_.size() * sizeof(float)));
        out.flush();
        if (!out) throw std::runtime_error(file.string() + ": writing the model failed (disk full?)");
    }
    std::filesystem::rename(partial, file);
}

LinearModel LinearModel::load(const std::filesystem::path &file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot open the model file");
    std::string first, header_line;
    std::getline(in, first);
    if (first != magic)
        throw std::runtime_error(file.string() + ": not a ServiceLens sentiment model (train one with `servicelens sentiment train`)");
    std::getline(in, header_line);
    const nlohmann::json header = nlohmann::json::parse(header_line, nullptr, false);
    if (header.is_discarded() || !header.is_object()) throw std::runtime_error(file.string() + ": the model's header is not JSON");
    if (header.value("format", 0) != format_version)
        throw std::runtime_error(file.string() + ": model format " + std::to_string(header.value("format", 0)) +
                                 ", this plugin reads format " + std::to_string(format_version) + "; train it again");
    std::optional<LinearModel> loaded;
    try {
        loaded.emplace(header.value("classes", 0), header.value("bits", 0));
    } catch (const std::invalid_argument &e) {
        throw std::runtime_error(file.string() + ": " + e.what());
    }
    LinearModel &model = *loaded;
    in.read(reinterpret_cast<char *>(model.weights_.data()), static_cast<std::streamsize>(model.weights_.size() * sizeof(float)));
    if (static_cast<std::size_t>(in.gcount()) != model.weights_.size() * sizeof(float) || in.peek() != std::ifstream::traits_type::eof())
        throw std::runtime_error(file.string() + ": the model's weights do not match its header (a truncated or damaged file)");
    for (const float w : model.weights_)
        if (!std::isfinite(w)) throw std::runtime_error(file.string() + ": the model holds a weight that is not a number");
    return std::move(model);
}

} // namespace servicelens::sentiment
