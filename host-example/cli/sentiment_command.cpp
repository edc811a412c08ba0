// `servicelens sentiment train|eval`: train the learned plugin's model on
// labelled texts, and measure any sentiment plugin on labelled texts
// (accuracy, macro-F1, confusion matrix, throughput), optionally with
// k-fold cross-validation of the learned model.
#include "commands.hpp"
#include "labelled_texts.hpp"

#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_registry.hpp>
#include <servicelens/sentiment_core/features.hpp>
#include <servicelens/sentiment_core/linear_model.hpp>

#include <date/date.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <random>
#include <unistd.h>

namespace servicelens::cli {

namespace {

namespace ss = servicelens::sentiment;

struct TrainOptions {
    std::filesystem::path file, out = "sentiment-model.bin";
    int bits = 18;
    ss::TrainOptions training;
};

struct EvalOptions {
    std::filesystem::path file;
    std::string plugin = "lexicon";
    std::filesystem::path model;
    int folds = 0;
    bool json = false;
    TrainOptions training;   // for cross-validation
};

std::vector<ss::SparseVector> features_of(const std::vector<std::string> &texts, int bits)
{
    const ss::Lexicon &lexicon = ss::Lexicon::builtin();
    const ss::LexiconScorer scorer(lexicon);
    std::vector<ss::SparseVector> out(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const auto tokens = scorer.tokenize(texts[i]);
        ss::extract_features(tokens, lexicon, scorer.score(tokens), bits, out[i]);
    }
    return out;
}

// Trains on the texts `rows` picks from `data`, whose features are given
// (computed once: cross-validation trains on each text nine times).
ss::LinearModel train_model(const LabelledTexts &data, const std::vector<ss::SparseVector> &features,
                            const std::vector<std::size_t> &rows, const TrainOptions &o, bool show_progress)
{
    std::vector<ss::SparseVector> examples;
    std::vector<int> labels;
    for (const std::size_t r : rows) {
        examples.push_back(features[r]);
        labels.push_back(data.labels[r]);
    }
    ss::LinearModel model(data.classes, o.bits);
    model.train(examples, labels, o.training, [&](int epoch, int epochs) {
        if (show_progress) fmt::print(stderr, "\rtraining: epoch {}/{}{}", epoch, epochs, epoch == epochs ? "\n" : "");
    });
    return model;
}

void train(const TrainOptions &o)
{
    const LabelledTexts data = read_labelled_texts(o.file);
    std::vector<std::size_t> all(data.texts.size());
    std::iota(all.begin(), all.end(), 0);
    const auto started = std::chrono::steady_clock::now();
    const auto features = features_of(data.texts, o.bits);
    const ss::LinearModel model = train_model(data, features, all, o, ::isatty(2));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::size_t right = 0;
    for (std::size_t i = 0; i < features.size(); ++i) {
        const auto p = model.probabilities(features[i]);
        right += static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin()) == data.labels[i] ? 1 : 0;
    }
    const auto now = date::format("%FT%TZ", std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()));
    model.save(o.out, {{"trained_on", {{"file", o.file.filename().string()}, {"texts", data.texts.size()}}},
                       {"created", now},
                       {"epochs", o.training.epochs},
                       {"lexicon_terms", ss::Lexicon::builtin().size()}});
    fmt::print("trained on {} texts ({} classes) in {:.1f} s; {:.1f} % right on the training texts (expect less on new ones:"
               " `servicelens sentiment eval FILE --plugin learned --cross-validate 10`)\nwrote {} ({} KiB)\n",
               data.texts.size(), data.classes, seconds, 100.0 * static_cast<double>(right) / static_cast<double>(features.size()),
               o.out.string(), std::filesystem::file_size(o.out) / 1024);
}

// The plugin by id, or by the last part of its id ("lexicon").
const host::PluginLibrary &find_plugin(const host::PluginRegistry &registry, const std::string &name, std::string &id)
{
    for (const host::PluginDescriptor *d : registry.descriptors())
        if (d->kind == host::PluginKind::sentiment && (d->id == name || d->id.ends_with("." + name))) {
            id = d->id;
            return *registry.library_of(d->id);
        }
    std::string known;
    for (const host::PluginDescriptor *d : registry.descriptors())
        if (d->kind == host::PluginKind::sentiment) known += (known.empty() ? "" : ", ") + d->id;
    throw CommandFailed(exit_bad_input, fmt::format("no sentiment plugin '{}'; found: {}", name, known));
}

struct Predictions {
    std::vector<int> predicted;   // class index per text
    std::size_t neutral = 0;      // scored neutral or not scored
    std::size_t unscored = 0;
};

// Binary sets: positive when the compound is above 0, so a text scored
// neutral (or not scored) counts as negative; three classes: the label.
void predict(host::SentimentAnalyzerInstance &analyzer, const LabelledTexts &data, const std::vector<std::size_t> &rows,
             Predictions &out)
{
    constexpr std::size_t batch = 1000;
    for (std::size_t start = 0; start < rows.size(); start += batch) {
        const std::size_t end = std::min(rows.size(), start + batch);
        std::vector<sl_text_t> texts(end - start);
        std::vector<const sl_text_t *> pointers;
        pointers.reserve(end - start);
        for (std::size_t k = start; k < end; ++k) {
            sl_text_t &t = texts[k - start];
            t.struct_size = sizeof t;
            t.kind = SL_TEXT_SURVEY;
            t.text = {data.texts[rows[k]].data(), data.texts[rows[k]].size()};
            pointers.push_back(&t);
        }
        const host::SentimentCollector found = analyzer.score(pointers, host::TermsKept::no);
        for (std::size_t k = start; k < end; ++k) {
            const auto &score = found.scores[k - start];
            int predicted = data.classes == 2 ? 0 : 1;
            if (!score) {
                ++out.unscored;
                ++out.neutral;
            } else {
                if (score->label == SL_SENTIMENT_NEUTRAL) ++out.neutral;
                predicted = data.classes == 2 ? (score->compound > 0 ? 1 : 0) : score->label + 1;
            }
            out.predicted[rows[k]] = predicted;
        }
    }
}

// Texts per second scoring the whole set again and again for at least a
// second, the median of three such runs.
double texts_per_second(host::SentimentAnalyzerInstance &analyzer, const LabelledTexts &data)
{
    std::vector<std::size_t> all(data.texts.size());
    std::iota(all.begin(), all.end(), 0);
    Predictions scratch{std::vector<int>(data.texts.size()), 0, 0};
    predict(analyzer, data, all, scratch);   // warm-up
    std::vector<double> rates;
    for (int run = 0; run < 3; ++run) {
        std::size_t scored = 0;
        const auto started = std::chrono::steady_clock::now();
        double seconds = 0;
        while (seconds < 1.0) {
            predict(analyzer, data, all, scratch);
            scored += data.texts.size();
            seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        }
        rates.push_back(static_cast<double>(scored) / seconds);
    }
    std::sort(rates.begin(), rates.end());
    return rates[1];
}

nlohmann::json measure(const LabelledTexts &data, const Predictions &p)
{
    const auto k = static_cast<std::size_t>(data.classes);
    std::vector<std::vector<std::size_t>> confusion(k, std::vector<std::size_t>(k, 0));   // [actual][predicted]
    std::size_t right = 0;
    for (std::size_t i = 0; i < data.labels.size(); ++i) {
        ++confusion[static_cast<std::size_t>(data.labels[i])][static_cast<std::size_t>(p.predicted[i])];
        right += data.labels[i] == p.predicted[i] ? 1 : 0;
    }
    double f1_sum = 0;
    for (std::size_t c = 0; c < k; ++c) {
        std::size_t predicted_c = 0, actual_c = 0;
        for (std::size_t o = 0; o < k; ++o) {
            predicted_c += confusion[o][c];
            actual_c += confusion[c][o];
        }
        const double precision = predicted_c ? static_cast<double>(confusion[c][c]) / static_cast<double>(predicted_c) : 0;
        const double recall = actual_c ? static_cast<double>(confusion[c][c]) / static_cast<double>(actual_c) : 0;
        f1_sum += precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
    }
    const double n = static_cast<double>(data.labels.size());
    return {{"n", data.labels.size()}, {"classes", data.classes}, {"accuracy", static_cast<double>(right) / n},
            {"macro_f1", f1_sum / static_cast<double>(k)}, {"neutral_share", static_cast<double>(p.neutral) / n},
            {"not_scored", p.unscored}, {"confusion", confusion}};
}

void eval(const EvalOptions &o, const GlobalOptions &global)
{
    const LabelledTexts data = read_labelled_texts(o.file);
    host::PluginRegistry registry(global.load);
    for (const auto &dir : default_plugin_dirs()) registry.scan(dir);
    std::string id;
    const host::PluginLibrary &library = find_plugin(registry, o.plugin, id);
    Predictions predictions{std::vector<int>(data.texts.size()), 0, 0};
    std::unique_ptr<host::SentimentAnalyzerInstance> last;
    std::vector<std::filesystem::path> temporary;
    if (o.folds > 0) {
        if (id != "org.servicelens.learned")
            throw CommandFailed(exit_bad_input, "--cross-validate trains the learned plugin's model; use --plugin learned");
        if (o.folds < 2 || static_cast<std::size_t>(o.folds) > data.texts.size())
            throw CommandFailed(exit_bad_input, "--cross-validate needs 2 or more folds, and no more than texts");
        // Folds from a seeded shuffle: the same file gives the same folds.
        std::vector<std::size_t> order(data.texts.size());
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), std::mt19937_64(7));
        const auto features = features_of(data.texts, o.training.bits);
        for (int fold = 0; fold < o.folds; ++fold) {
            std::vector<std::size_t> train_rows, test_rows;
            for (std::size_t k = 0; k < order.size(); ++k)
                (static_cast<int>(k % static_cast<std::size_t>(o.folds)) == fold ? test_rows : train_rows).push_back(order[k]);
            const ss::LinearModel model = train_model(data, features, train_rows, o.training, false);
            const auto file = std::filesystem::temp_directory_path() /
                              fmt::format("servicelens-cv-{}-{}.model", ::getpid(), fold);
            model.save(file, {{"cross_validation_fold", fold}});
            temporary.push_back(file);
            last = std::make_unique<host::SentimentAnalyzerInstance>(
                library, host::InstanceSpec{id, "eval", nlohmann::json{{"model", file.string()}}.dump(), {}});
            predict(*last, data, test_rows, predictions);
            if (::isatty(2)) fmt::print(stderr, "\rcross-validation: fold {}/{}{}", fold + 1, o.folds, fold + 1 == o.folds ? "\n" : "");
        }
    } else {
        const std::string config = o.model.empty() ? "{}" : nlohmann::json{{"model", o.model.string()}}.dump();
        last = std::make_unique<host::SentimentAnalyzerInstance>(library, host::InstanceSpec{id, "eval", config, {}});
        std::vector<std::size_t> all(data.texts.size());
        std::iota(all.begin(), all.end(), 0);
        predict(*last, data, all, predictions);
    }
    nlohmann::json result = measure(data, predictions);
    result["plugin"] = id;
    if (o.folds > 0) result["cross_validation_folds"] = o.folds;
    const double rate = texts_per_second(*last, data);
    std::size_t bytes = 0;
    for (const std::string &t : data.texts) bytes += t.size();
    result["texts_per_s"] = rate;
    result["mb_per_s"] = rate * static_cast<double>(bytes) / static_cast<double>(data.texts.size()) / 1e6;
    last.reset();
    for (const auto &file : temporary) std::filesystem::remove(file);
    if (o.json) {
        fmt::print("{}\n", result.dump());
        return;
    }
    fmt::print("{}: {} texts, {} classes, plugin {}{}\n", o.file.string(), data.texts.size(), data.classes, id,
               o.folds > 0 ? fmt::format(" ({}-fold cross-validation)", o.folds) : "");
    fmt::print("accuracy {:.4f}   macro-F1 {:.4f}   scored neutral or not scored {:.1f} %   ({} not scored)\n",
               result["accuracy"].get<double>(), result["macro_f1"].get<double>(),
               100 * result["neutral_share"].get<double>(), predictions.unscored);
    const std::vector<std::string> names = data.classes == 2 ? std::vector<std::string>{"0", "1"}
                                                             : std::vector<std::string>{"negative", "neutral", "positive"};
    fmt::print("confusion (rows: labelled, columns: predicted)\n{:>10}", "");
    for (const auto &n : names) fmt::print("{:>10}", n);
    fmt::print("\n");
    for (std::size_t r = 0; r < names.size(); ++r) {
        fmt::print("{:>10}", names[r]);
        for (std::size_t c = 0; c < names.size(); ++c) fmt::print("{:>10}", result["confusion"][r][c].get<std::size_t>());
        fmt::print("\n");
    }
    fmt::print("throughput {:.0f} texts/s, {:.2f} MB/s (one thread, through the plugin ABI)\n", rate,
               result["mb_per_s"].get<double>());
}

} // namespace

void add_sentiment_command(CLI::App &app, const GlobalOptions &global)
{
    CLI::App *cmd = app.add_subcommand("sentiment", "Train the learned sentiment model, or measure a sentiment plugin on labelled texts");
    cmd->require_subcommand(1);

    auto t = std::make_shared<TrainOptions>();
    CLI::App *train_cmd = cmd->add_subcommand(
        "train", "Train the learned plugin's model on labelled texts (text<TAB>label lines: 0/1, or negative/neutral/"
                 "positive; typically survey comments labelled by their five-face rating). Example: servicelens "
                 "sentiment train comments.tsv --out model.bin, then configure the learned plugin with {\"model\": \"model.bin\"}");
    train_cmd->add_option("FILE", t->file, "Labelled texts")->required()->check(CLI::ExistingFile);
    train_cmd->add_option("--out", t->out, "Where to write the model")->capture_default_str();
    train_cmd->add_option("--epochs", t->training.epochs, "Passes over the texts")->capture_default_str()->check(CLI::Range(1, 200));
    train_cmd->add_option("--bits", t->bits, "Hashed feature slots: 2^bits")->capture_default_str()->check(CLI::Range(10, 24));
    train_cmd->callback([t] {
        try {
            train(*t);
        } catch (const std::runtime_error &e) {
            throw CommandFailed(exit_bad_input, e.what());
        }
    });

    auto e = std::make_shared<EvalOptions>();
    CLI::App *eval_cmd = cmd->add_subcommand(
        "eval", "Score labelled texts (text<TAB>label lines; a header line is skipped) with a sentiment plugin and print "
                "accuracy, macro-F1, the confusion matrix and throughput. Binary 0/1 labels: a compound above 0 "
                "counts as 1, anything else as 0.");
    eval_cmd->add_option("FILE", e->file, "Labelled texts")->required()->check(CLI::ExistingFile);
    eval_cmd->add_option("--plugin", e->plugin, "Plugin id, or its last part (lexicon, learned)")->capture_default_str();
    eval_cmd->add_option("--model", e->model, "For the learned plugin: the model file")->check(CLI::ExistingFile);
    eval_cmd->add_option("--cross-validate", e->folds, "Train and test the learned plugin in K folds of FILE")->check(CLI::Range(2, 100));
    eval_cmd->add_option("--epochs", e->training.training.epochs, "With --cross-validate: passes over the texts")->capture_default_str();
    eval_cmd->add_flag("--json", e->json, "One JSON object instead of the table");
    eval_cmd->callback([e, &global] {
        try {
            eval(*e, global);
        } catch (const std::runtime_error &error) {
            if (dynamic_cast<const CommandFailed *>(&error)) throw;
            throw CommandFailed(exit_bad_input, error.what());
        }
    });
}

} // namespace servicelens::cli
