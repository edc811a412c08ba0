#include <servicelens/sentiment_core/lexicon_scorer.hpp>
#include <servicelens/sentiment_core/term_hash.hpp>
#include <servicelens/sentiment_core/text_policy.hpp>

#include <algorithm>
#include <cmath>

namespace servicelens::sentiment {

namespace {

// How far back a negation or an intensifier reaches, in words.
constexpr std::size_t modifier_reach = 3;
// A negated term keeps this much of its strength, turned over: "not great"
// is mildly negative, "not bad" mildly positive.
constexpr double negation_factor = -0.75;
// A word in capitals in a text that is not all capitals is shouted.
constexpr double shouting_factor = 1.3;
// Each "!" (up to four) adds this much weight in the direction of the text.
constexpr double exclamation_weight = 0.3;
// Squashes the summed weight into (-1, 1): a sum of 4 (one strong word)
// gives 0.72, and the scale keeps growing slowly beyond.
constexpr double squash = 15.0;

bool is_clause_boundary(const TokenRef &t)
{
    return t.kind == TokenKind::clause_end || t.kind == TokenKind::sentence_end || t.kind == TokenKind::exclamation;
}

// The first clause boundary after token i, or the end.
std::size_t clause_end_after(std::span<const TokenRef> tokens, std::size_t i)
{
    while (i < tokens.size() && !is_clause_boundary(tokens[i])) ++i;
    return i;
}

} // namespace

std::vector<Token> LexiconScorer::tokenize(std::string_view text) const
{
    return servicelens::sentiment::tokenize(text, emoticons_);
}

const LexiconScore &LexiconScorer::score(std::string_view text) const
{
    servicelens::sentiment::tokenize(text, emoticons_, text_);
    return score(text_.tokens());
}

const LexiconScore &LexiconScorer::score(const std::vector<Token> &tokens) const
{
    refs_.resize(tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i)
        refs_[i] = {tokens[i].kind, tokens[i].all_caps, tokens[i].latin, term_hash(tokens[i].text), tokens[i].text};
    return score(refs_);
}

const LexiconScore &LexiconScorer::score(std::span<const TokenRef> tokens) const
{
    LexiconScore &result = result_;
    // Reset, keeping the storage of the term list and its strings.
    result.covered = true;
    result.not_covered_why.clear();
    result.label = 0;
    result.compound = result.positive = result.negative = result.confidence = 0;
    result.neutral = 1;
    std::size_t terms_kept = 0;
    // One lookup per token (its hash computed by the tokenizer); the rules
    // below read the entries.
    const auto looked_up = [](const TokenRef &t) {
        return t.kind == TokenKind::word || t.kind == TokenKind::emoji || t.kind == TokenKind::emoticon;
    };
    // The modifier ending at token i: a word alone, or the last word of a
    // phrase whose other words come just before it.
    const auto modifier_at = [&](std::size_t i) -> const Modifier * {
        const Entry *e = entries_[i];
        if (!e || tokens[i].kind != TokenKind::word) return nullptr;
        for (const PhraseModifier &p : lexicon_.phrase_modifiers(*e)) {
            if (p.before.size() > i) continue;
            bool matches = true;
            for (std::size_t k = 0; k < p.before.size() && matches; ++k)
                matches = tokens[i - p.before.size() + k].kind == TokenKind::word && tokens[i - p.before.size() + k].text == p.before[k];
            if (matches) return &p.modifier;
        }
        return e->modifier.kind == Modifier::Kind::none ? nullptr : &e->modifier;
    };
    // Each token's entry and modifier, worked out once (the rules ask about
    // a token for every term after it), in one pass while the entry is in
    // the cache.
    entries_.resize(tokens.size());
    modifiers_.resize(tokens.size());
    std::size_t words = 0, english = 0, foreign = 0, capitals = 0, exclamations = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const TokenRef &t = tokens[i];
        entries_[i] = looked_up(t) ? lexicon_.lookup(t) : nullptr;
        modifiers_[i] = modifier_at(i);
        if (t.kind == TokenKind::exclamation) ++exclamations;
        if (t.kind != TokenKind::word) continue;
        ++words;
        if (!t.latin) ++foreign;
        if (t.all_caps) ++capitals;
        if (entries_[i] && (entries_[i]->english || entries_[i]->has_valence)) ++english;
    }
    const bool shouting_text = capitals == words;   // all capitals: nothing stands out
    const auto modifier_of = [&](std::size_t i) -> Modifier::Kind {
        return modifiers_[i] ? modifiers_[i]->kind : Modifier::Kind::none;
    };

    found_.clear();
    contrasts_.clear();
    std::size_t sentence = 0, neutral_words = 0;
    for (std::size_t i = 0; i < tokens.size();) {
        const TokenRef &t = tokens[i];
        if (t.kind == TokenKind::sentence_end || t.kind == TokenKind::exclamation) ++sentence;
        if (const Modifier *m = modifiers_[i]; m && m->kind == Modifier::Kind::contrast)
            contrasts_.push_back({sentence, i, m->value, clause_end_after(tokens, i)});
        const PhraseMatch match = lexicon_.match(tokens, i, entries_[i], phrase_);
        if (match.tokens == 0 || match.valence == 0) {
            // A phrase listed at 0 ("good morning") holds its words neutral.
            if (t.kind == TokenKind::word && modifier_of(i) == Modifier::Kind::none) neutral_words += std::max<std::size_t>(match.tokens, 1);
            i += std::max<std::size_t>(match.tokens, 1);
            continue;
        }
        double weight = match.valence;
        // Modifiers before the term, back to the clause's start.
        for (std::size_t back = 1; back <= modifier_reach && back <= i; ++back) {
            const TokenRef &before = tokens[i - back];
            if (is_clause_boundary(before)) break;
            const Modifier *m = modifiers_[i - back];
            if (!m) continue;
            if (m->kind == Modifier::Kind::contrast) break;
            // A negation turns the term over, by how much its word says
            // ("never" more than "hardly"); intensity reaches two words back.
            if (m->kind == Modifier::Kind::negation) weight *= m->value < 0 ? m->value : negation_factor;
            else if (back <= 2) weight *= m->value;
        }
        if (t.all_caps && !shouting_text) weight *= shouting_factor;
        found_.push_back({i, sentence, match.term, weight});
        i += match.tokens;
    }

    if (words > 0 && found_.empty()) {
        if (foreign * 2 > words) {
            result.covered = false;
            result.not_covered_why = "mostly non-Latin script; the lexicon covers English";
            result.terms.clear();
            return result;
        }
        if (words >= 4 && english == 0) {
            result.covered = false;
            result.not_covered_why = "no English word among " + std::to_string(words) + "; the lexicon covers English";
            result.terms.clear();
            return result;
        }
    }
    // "but" (after > 1) weighs its whole sentence's rest up and what came
    // before down. "although" (after < 1) marks only its own clause as the
    // lesser one: "although the staff were friendly, the room was filthy".
    for (Found &f : found_)
        for (const Contrast &c : contrasts_) {
            if (c.sentence != f.sentence) continue;
            const bool inside = f.token > c.token && (c.after > 1 || f.token < c.clause_end);
            f.weight *= inside ? c.after : 1.0 / c.after;
        }

    double sum = 0, positive = 0, negative = 0;
    for (const Found &f : found_) {
        sum += f.weight;
        (f.weight > 0 ? positive : negative) += std::abs(f.weight);
    }
    if (sum != 0) sum += std::copysign(exclamation_weight * static_cast<double>(std::min<std::size_t>(exclamations, 4)), sum);
    result.compound = std::clamp(sum / std::sqrt(sum * sum + squash), -1.0, 1.0);
    const double total = positive + negative + static_cast<double>(neutral_words);
    if (total > 0) {
        result.positive = positive / total;
        result.negative = negative / total;
        result.neutral = 1.0 - result.positive - result.negative;
    }
    result.label = label_of(result.compound, thresholds_);
    // Evidence: the summed strength of every term, whatever its sign.
    result.confidence = found_.empty() ? 0.0 : 1.0 - std::exp(-(positive + negative) / 3.0);

    // The five strongest, strongest first, without sorting them all.
    const std::size_t shown = std::min<std::size_t>(5, found_.size());
    std::partial_sort(found_.begin(), found_.begin() + static_cast<std::ptrdiff_t>(shown), found_.end(),
                      [](const Found &a, const Found &b) { return std::abs(a.weight) > std::abs(b.weight); });
    for (std::size_t k = 0; k < shown; ++k) {
        if (terms_kept == result.terms.size()) result.terms.emplace_back();
        result.terms[terms_kept].term.assign(found_[k].term);
        result.terms[terms_kept++].weight = found_[k].weight;
    }
    result.terms.resize(terms_kept);
    return result;
}

} // namespace servicelens::sentiment
