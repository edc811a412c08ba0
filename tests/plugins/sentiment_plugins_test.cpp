// The sentiment plugins loaded through the host as a sync loads them: the
// lexicon's rules one by one, bad input with a defined result, text the
// lexicon does not cover flagged rather than scored neutral, the feedback
// plugin's scale, and a learned model trained and read back.
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/plugin_library.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <unistd.h>

using namespace servicelens::host;

namespace {

const std::filesystem::path plugin_dir(SL_TEST_PLUGIN_DIR);

struct Outcome {
    std::optional<SentimentScore> score;
    sl_status_t failure = SL_STATUS_OK;
    std::string message;
};

class Analyzer {
public:
    explicit Analyzer(const std::string &plugin, const std::string &config = "{}")
        : library_(plugin_dir / (plugin + ".so")), instance_(library_, {"org.servicelens." + plugin, "test", config, {}})
    {
    }

    Outcome score(const std::string &text, sl_text_kind_t kind = SL_TEXT_COMMENT, const std::string &language = "",
                  int rating = 0, sl_tristate_t answer = SL_UNKNOWN)
    {
        sl_text_t t{};
        t.struct_size = sizeof t;
        t.kind = kind;
        t.text = {text.data(), text.size()};
        t.language = {language.data(), language.size()};
        t.rating = rating;
        t.answer = answer;
        const sl_text_t *batch[] = {&t};
        SentimentCollector found = instance_.score(batch);
        REQUIRE(found.violations.empty());
        Outcome out;
        out.score = found.scores[0];
        if (!found.failures.empty()) {
            out.failure = found.failures[0].status;
            out.message = found.failures[0].message;
        }
        return out;
    }

    double compound(const std::string &text)
    {
        const Outcome o = score(text);
        INFO(text << ": " << o.message);
        REQUIRE(o.score);
        return o.score->compound;
    }

private:
    PluginLibrary library_;
    SentimentAnalyzerInstance instance_;
};

} // namespace

TEST_CASE("lexicon: support texts get the sign a person would give them")
{
    Analyzer lexicon("lexicon");
    CHECK(lexicon.compound("Thanks, fixed quickly, great job") > 0.5);
    CHECK(lexicon.compound("The VPN is still broken and nobody answers, useless") < -0.5);
    CHECK(lexicon.compound("Printer outage again, third time this week") < 0);
    CHECK(lexicon.compound("The workaround helped, thank you") > 0);
    const Outcome o = lexicon.score("great help, thank you");
    REQUIRE(o.score);
    CHECK(o.score->label == SL_SENTIMENT_POSITIVE);
    CHECK_FALSE(o.score->terms.empty());
    CHECK(o.score->confidence > 0.5);
}

TEST_CASE("lexicon: negation, intensifiers, dampeners, contrast, capitals and exclamation")
{
    Analyzer lexicon("lexicon");
    CHECK(lexicon.compound("the fix was not good") < 0);
    CHECK(lexicon.compound("the fix was not bad") > 0);
    CHECK(lexicon.compound("it isn't working") < lexicon.compound("it is working"));
    CHECK(lexicon.compound("it 's not bad") > 0);   // tokenized corpora split clitics
    CHECK(lexicon.compound("the service was very good") > lexicon.compound("the service was good"));
    CHECK(lexicon.compound("the service was slightly good") < lexicon.compound("the service was good"));
    CHECK(lexicon.compound("The agent was friendly but the laptop is still broken") < 0);
    CHECK(lexicon.compound("The laptop is still broken but the agent was great") > 0);
    CHECK(lexicon.compound("the service was GREAT") > lexicon.compound("the service was great"));
    CHECK(lexicon.compound("the service was great!!!") > lexicon.compound("the service was great"));
    CHECK(lexicon.compound("great :)") > 0);
    CHECK(lexicon.compound("meeting moved :(") < 0);
    CHECK(lexicon.compound("👍") > 0);
    CHECK(lexicon.compound("😡😡") < 0);
}

TEST_CASE("lexicon: admins add and override terms, and set the neutral band")
{
    Analyzer plain("lexicon");
    Analyzer custom("lexicon", R"({"terms": {"sap": -2.0, "great": -1.0, "kudos team": 3.0},
                                  "thresholds": {"positive": 0.5, "negative": -0.5}})");
    CHECK(plain.score("sap again").score->label == SL_SENTIMENT_NEUTRAL);
    CHECK(custom.compound("sap again") < 0);
    CHECK(custom.compound("great") < 0);
    CHECK(custom.compound("kudos team") > 0);
    // 0.2 is positive for the default band, neutral for a band of +-0.5.
    const Outcome mild = custom.score("ok thanks");
    REQUIRE(mild.score);
    if (mild.score->compound < 0.5) CHECK(mild.score->label == SL_SENTIMENT_NEUTRAL);
}

TEST_CASE("lexicon: bad input has a defined result and never crashes")
{
    Analyzer lexicon("lexicon");
    const Outcome empty = lexicon.score("");
    REQUIRE(empty.score);
    CHECK(empty.score->compound == 0);
    CHECK(empty.score->label == SL_SENTIMENT_NEUTRAL);
    CHECK(empty.score->confidence == 0);
    const Outcome punctuation = lexicon.score("?!?!... ,,, ;;; ---");
    REQUIRE(punctuation.score);
    CHECK(punctuation.score->label == SL_SENTIMENT_NEUTRAL);
    CHECK(lexicon.compound("\xff\xfe great \xc3\x28 job \xf0\x9f") > 0);   // invalid UTF-8 around good words
    CHECK(lexicon.compound("🎉🎉👍") > 0);                                   // only emoji
    std::string huge;
    while (huge.size() < (1 << 20)) huge += "the printer is broken again but the new laptop is great. ";
    const Outcome big = lexicon.score(huge);
    REQUIRE(big.score);
    CHECK(big.score->compound >= -1);
    CHECK(big.score->compound <= 1);
    CHECK(big.score->terms.size() <= 5);
}

TEST_CASE("lexicon: text in a language it does not cover is flagged, not scored neutral")
{
    Analyzer lexicon("lexicon");
    const Outcome german = lexicon.score("Der Drucker funktioniert seit gestern überhaupt nicht mehr");
    CHECK_FALSE(german.score);
    CHECK(german.failure == SL_STATUS_NOT_SUPPORTED);
    CHECK_THAT(german.message, Catch::Contains("covers English"));
    const Outcome russian = lexicon.score("Принтер не работает");
    CHECK_FALSE(russian.score);
    CHECK(russian.failure == SL_STATUS_NOT_SUPPORTED);
    const Outcome tagged = lexicon.score("great", SL_TEXT_COMMENT, "de-CH");
    CHECK(tagged.failure == SL_STATUS_NOT_SUPPORTED);
    CHECK_THAT(tagged.message, Catch::Contains("'de-CH'"));
    // Mixed: English with a foreign phrase is scored on its English.
    CHECK(lexicon.compound("Danke! the fix works great") > 0);
    CHECK(lexicon.score("great", SL_TEXT_COMMENT, "en-GB").score);
    CHECK(lexicon.score("", SL_TEXT_FIVE_FACE, "", 4).failure == SL_STATUS_NOT_SUPPORTED);
}

TEST_CASE("feedback: five faces and yes/no answers on the text scale")
{
    Analyzer feedback("feedback");
    CHECK(feedback.score("", SL_TEXT_FIVE_FACE, "", 1).score->compound == -1.0);
    CHECK(feedback.score("", SL_TEXT_FIVE_FACE, "", 3).score->label == SL_SENTIMENT_NEUTRAL);
    CHECK(feedback.score("", SL_TEXT_FIVE_FACE, "", 5).score->label == SL_SENTIMENT_POSITIVE);
    CHECK(feedback.score("", SL_TEXT_YES_NO, "", 0, SL_YES).score->compound == Approx(0.6));
    CHECK(feedback.score("", SL_TEXT_YES_NO, "", 0, SL_NO).score->label == SL_SENTIMENT_NEGATIVE);
    CHECK(feedback.score("", SL_TEXT_FIVE_FACE, "", 7).failure == SL_STATUS_INVALID_ARGUMENT);
    CHECK(feedback.score("", SL_TEXT_YES_NO).failure == SL_STATUS_INVALID_ARGUMENT);
    CHECK(feedback.score("great", SL_TEXT_COMMENT).failure == SL_STATUS_NOT_SUPPORTED);
    Analyzer custom("feedback", R"({"ratings": [-1, -0.8, -0.2, 0.4, 1], "yes": 0.3})");
    CHECK(custom.score("", SL_TEXT_FIVE_FACE, "", 2).score->compound == Approx(-0.8));
    CHECK(custom.score("", SL_TEXT_YES_NO, "", 0, SL_YES).score->compound == Approx(0.3));
}

namespace {

std::filesystem::path temp_file(const std::string &name)
{
    return std::filesystem::temp_directory_path() / ("sl-sentiment-" + std::to_string(::getpid()) + "-" + name);
}

int run(const std::string &command) { return std::system((command + " > /dev/null 2>&1").c_str()); }

} // namespace

TEST_CASE("learned: a model trained on labelled comments scores them and explains with the lexicon's words")
{
    const auto data = temp_file("train.tsv");
    {
        std::ofstream out(data);
        out << "text\tlabel\n";
        // The organisation's own words: "sap" and "citrix" are bad news here, "dave" good news.
        for (int k = 0; k < 40; ++k) {
            out << "sap froze again " << k << "\tnegative\n";
            out << "citrix session dropped " << k << "\tnegative\n";
            out << "dave sorted it " << k << "\tpositive\n";
            out << "ticket " << k << " logged\tneutral\n";
        }
    }
    const auto model = temp_file("model.bin");
    REQUIRE(run(std::string(SL_TEST_CLI) + " sentiment train " + data.string() + " --out " + model.string() +
                " --bits 14 --epochs 10") == 0);
    Analyzer learned("learned", nlohmann::json{{"model", model.string()}}.dump());
    CHECK(learned.score("sap froze during the month end").score->label == SL_SENTIMENT_NEGATIVE);
    CHECK(learned.score("dave sorted my laptop").score->label == SL_SENTIMENT_POSITIVE);
    const Outcome o = learned.score("thanks, dave sorted it quickly");
    REQUIRE(o.score);
    CHECK(o.score->positive + o.score->neutral + o.score->negative == Approx(1.0));
    CHECK_FALSE(o.score->terms.empty());   // "thanks", "quickly" from the lexicon
    CHECK(learned.score("", SL_TEXT_FIVE_FACE, "", 4).failure == SL_STATUS_NOT_SUPPORTED);

    // A damaged model is refused at create, naming the file and what is wrong.
    std::filesystem::resize_file(model, std::filesystem::file_size(model) - 4);
    CHECK_THROWS_WITH(Analyzer("learned", nlohmann::json{{"model", model.string()}}.dump()),
                      Catch::Contains("do not match its header"));
    CHECK_THROWS_WITH(Analyzer("learned", R"({"model": "/nonexistent/model.bin"})"), Catch::Contains("cannot open"));
    std::filesystem::remove(data);
    std::filesystem::remove(model);
}
