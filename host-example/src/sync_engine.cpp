#include <servicelens/host/sync_engine.hpp>

#include <servicelens/host/caller_history.hpp>
#include <servicelens/host/incident_json.hpp>
#include <servicelens/host/logging.hpp>
#include <servicelens/host/plugin_instances.hpp>
#include <servicelens/host/progress_display.hpp>
#include <servicelens/host/write_back_note.hpp>
#include <servicelens/store/stable_hash.hpp>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <functional>
#include <map>
#include <optional>
#include <thread>

namespace servicelens::host {

namespace {

const char *value_type_name(sl_value_type_t t)
{
    switch (t) {
    case SL_VALUE_INTEGER: return "integer";
    case SL_VALUE_NUMBER: return "number";
    case SL_VALUE_BOOLEAN: return "boolean";
    case SL_VALUE_TIME: return "time";
    case SL_VALUE_JSON: return "json";
    default: return "string";
    }
}

// One text of a batch handed to sentiment analyzers.
struct TextRef {
    std::size_t incident;      // index in the batch
    std::string id;            // comment id, or survey id with :rating / :easier
    std::string event;         // comment_added or survey_answered
    sl_timestamp_t written_at;
    sl_text_t text;
};

std::vector<TextRef> texts_of(const std::vector<OwnedIncident> &incidents)
{
    std::vector<TextRef> texts;
    const auto add = [&](std::size_t i, std::string id, const char *event, sl_timestamp_t at, sl_text_kind_t kind,
                         const std::string &body, int rating, sl_tristate_t answer) {
        sl_text_t t{};
        t.struct_size = sizeof t;
        t.kind = kind;
        t.text = {body.data(), body.size()};
        t.rating = rating;
        t.answer = answer;
        texts.push_back({i, std::move(id), event, at, t});
    };
    for (std::size_t i = 0; i < incidents.size(); ++i) {
        for (const OwnedComment &c : incidents[i].comments)
            // What ServiceLens wrote back is the desk's reading of the caller,
            // not the caller's voice, even where a platform shows it as public.
            if (c.visibility == SL_VISIBILITY_PUBLIC && !c.body.empty() && !is_own_note(c.body))
                add(i, c.id, "comment_added", c.created_at, SL_TEXT_COMMENT, c.body, 0, SL_UNKNOWN);
        for (const OwnedSurveyResponse &s : incidents[i].survey) {
            if (!s.text.empty()) add(i, s.id, "survey_answered", s.submitted_at, SL_TEXT_SURVEY, s.text, 0, SL_UNKNOWN);
            if (s.rating) add(i, s.id + ":rating", "survey_answered", s.submitted_at, SL_TEXT_FIVE_FACE, s.text, s.rating, SL_UNKNOWN);
            if (s.makes_job_easier != SL_UNKNOWN)
                add(i, s.id + ":easier", "survey_answered", s.submitted_at, SL_TEXT_YES_NO, s.text, 0, s.makes_job_easier);
        }
    }
    return texts;
}

// The idempotency key of a write-back: what is written, and for a field the
// value the ticket holds now; not when the incident changed. A platform
// counts our own write as an update, so the incident comes back in the next
// pull: keyed on its updated_at, the same note would be queued again after
// every sync, forever. Keyed on the content, an unchanged result is
// recognised and skipped, and a field that goes A, B, then A again is still
// written the third time (the value it replaces differs).
std::string write_back_key(const std::string &connector, const OwnedIncident &incident, std::size_t rule,
                           const config::WriteBack &write_back, const std::string &body)
{
    std::string current;
    if (write_back.as == "field")
        if (const auto it = incident.custom.find(write_back.field); it != incident.custom.end()) current = it->second;
    const uint64_t h = store::stable_hash({write_back.as, write_back.field, body, current});
    return fmt::format("{}:{}:rule{}:{:016x}", connector, incident.id, rule, h);
}

// A field that already holds the value needs no write (and writing it would
// only bring the incident back in the next pull).
bool already_holds(const OwnedIncident &incident, const config::WriteBack &write_back, const std::string &body)
{
    if (write_back.as != "field") return false;
    const auto it = incident.custom.find(write_back.field);
    return it != incident.custom.end() && it->second == body;
}

// Contiguous, nearly equal slices [begin, end) of n items for `workers`.
std::vector<std::pair<std::size_t, std::size_t>> slices(std::size_t n, int workers)
{
    std::vector<std::pair<std::size_t, std::size_t>> out;
    const auto w = static_cast<std::size_t>(std::max(1, workers));
    for (std::size_t k = 0; k < w; ++k) {
        const std::size_t begin = n * k / w, end = n * (k + 1) / w;
        if (begin < end) out.emplace_back(begin, end);
    }
    return out;
}

// Runs job(0) ... job(count - 1), each on a thread of its own when there are
// several; a single slice runs on this thread, which spares a thread per
// stage and batch when a sync has one worker.
void on_workers(std::size_t count, const std::function<void(std::size_t)> &job)
{
    if (count == 1) {
        job(0);
        return;
    }
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < count; ++w) threads.emplace_back(job, w);
    for (auto &t : threads) t.join();
}

// Adds the wall time of a scope to a SyncStats field.
class TimeSpentIn {
public:
    explicit TimeSpentIn(double &seconds) : seconds_(seconds) {}
    TimeSpentIn(const TimeSpentIn &) = delete;
    TimeSpentIn &operator=(const TimeSpentIn &) = delete;
    ~TimeSpentIn() { seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count(); }

private:
    double &seconds_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

} // namespace

// The plugin instances of the pipeline: for each instance name, one
// instance per worker, or one shared when the plugin is thread-safe.
struct SyncEngine::Pipeline {
    template <class Instance>
    struct Stage {
        std::string name;
        const PluginDescriptor *descriptor;
        std::vector<std::unique_ptr<Instance>> per_worker;   // size 1 when shared
        Instance &for_worker(std::size_t w) { return *per_worker[per_worker.size() == 1 ? 0 : w]; }
    };
    std::vector<Stage<ContextProviderInstance>> context;
    std::vector<Stage<SentimentAnalyzerInstance>> sentiment;
    std::shared_ptr<CallerHistory> history;
    int workers = 1;
    std::shared_ptr<spdlog::logger> log = logger_for("servicelens.sync");
};

SyncEngine::SyncEngine(const config::HostConfig &config, const PluginRegistry &registry, store::StateStore &state,
                       HostEnvironment environment, int workers)
    : pipeline_(std::make_unique<Pipeline>()), config_(config), state_(state)
{
    pipeline_->workers = std::max(1, workers);
    // What earlier syncs stored is read only if a plugin asks for a caller's history.
    pipeline_->history = std::make_shared<CallerHistory>([&state](CallerHistory &history) {
        state.for_each_stored_incident([&](const store::StoredIncident &stored) {
            try {
                history.add(incident_from_json(nlohmann::json::parse(stored.json)), false);
            } catch (const std::exception &) {
                // A body this host cannot read is left out of the history, not fatal to the sync.
            }
        });
    });
    environment.history = pipeline_->history;
    std::vector<std::string> used;
    for (const config::PipelineRule &rule : config.pipeline)
        if (rule.on != "schedule")
            for (const std::string &name : rule.run)
                if (std::find(used.begin(), used.end(), name) == used.end()) used.push_back(name);
    for (const config::PluginInstanceConfig &instance : config.plugins) {
        if (std::find(used.begin(), used.end(), instance.name) == used.end()) continue;
        const PluginLibrary *library = registry.library_of(instance.plugin_id);
        if (!library) throw PluginCallError(SL_STATUS_INVALID_ARGUMENT, "no plugin '" + instance.plugin_id + "' is loaded");
        const PluginDescriptor *d = library->find(instance.plugin_id);
        const int copies = d->thread_safe ? 1 : pipeline_->workers;
        const InstanceSpec spec{instance.plugin_id, instance.name, instance.config.dump(), environment};
        if (d->kind == PluginKind::context) {
            auto &stage = pipeline_->context.emplace_back(Pipeline::Stage<ContextProviderInstance>{instance.name, d, {}});
            for (int w = 0; w < copies; ++w) stage.per_worker.push_back(std::make_unique<ContextProviderInstance>(*library, spec));
        } else if (d->kind == PluginKind::sentiment) {
            auto &stage = pipeline_->sentiment.emplace_back(Pipeline::Stage<SentimentAnalyzerInstance>{instance.name, d, {}});
            for (int w = 0; w < copies; ++w) stage.per_worker.push_back(std::make_unique<SentimentAnalyzerInstance>(*library, spec));
        }
    }
}

SyncEngine::~SyncEngine() = default;

std::vector<int64_t> SyncEngine::send_outbox(Connector &connector, SyncStats &stats)
{
    constexpr std::size_t page = 500;
    std::vector<int64_t> confirmed;
    int64_t after = 0;   // entries confirmed here are not acknowledged yet: page past them
    for (;;) {
        const auto entries = [&] {
            TimeSpentIn storing(stats.store_seconds);
            return state_.pending_outbox(connector.name(), page, after);
        }();
        if (entries.empty()) return confirmed;
        const WriteBackResult result = [&] {
            TimeSpentIn writing(stats.connector_seconds);
            return connector.write_back_batch(entries);
        }();
        for (std::size_t i = 0; i < result.acknowledged && i < entries.size(); ++i) confirmed.push_back(entries[i].id);
        stats.written_back += std::min(result.acknowledged, entries.size());
        if (!result.error.empty()) {
            const store::OutboxEntry &failed = entries[result.acknowledged];
            ++stats.write_back_failures;
            if (!result.rejected) {
                // Left in the outbox for the next sync; nothing after it is sent out of order.
                state_.record_failure(failed.id, redact_secrets(result.error));
                pipeline_->log->warn("write-back to {} for incident {} failed, will retry: {}", connector.name(),
                                     failed.incident_id, redact_secrets(result.error));
                return confirmed;
            }
            // Refused for good: parked for the admin, and the entries behind it go on.
            state_.park(failed.id, redact_secrets(result.error));
            pipeline_->log->error("write-back to {} for incident {} was refused; it is parked in the state "
                                  "store's outbox with this error and will not be retried: {}",
                                  connector.name(), failed.incident_id, redact_secrets(result.error));
            ++stats.write_backs_parked;
            after = failed.id;
            continue;
        }
        after = entries.back().id;
        if (entries.size() < page) return confirmed;
    }
}

std::size_t SyncEngine::drain_outbox(Connector &connector, SyncStats &stats)
{
    const std::vector<int64_t> confirmed = send_outbox(connector, stats);
    TimeSpentIn storing(stats.store_seconds);
    state_.acknowledge(confirmed);
    return confirmed.size();
}

SyncStats SyncEngine::sync(Connector &connector, const SyncOptions &options)
{
    Pipeline &p = *pipeline_;
    // Instances named by a rule for this connector, or by a rule for all.
    std::vector<std::string> runs_here;
    for (const config::PipelineRule &rule : config_.pipeline)
        if (rule.on != "schedule" && (rule.connector.empty() || rule.connector == connector.name()))
            runs_here.insert(runs_here.end(), rule.run.begin(), rule.run.end());
    const auto runs_on_this_connector = [&](const std::string &instance) {
        return std::find(runs_here.begin(), runs_here.end(), instance) != runs_here.end();
    };
    SyncStats stats;
    drain_outbox(connector, stats);   // what a crash left behind goes first
    // Confirmed by the connector, acknowledged with the next batch's commit.
    std::vector<int64_t> unacknowledged;
    ProgressDisplay progress("sync " + connector.name(), options.progress_bar);
    store::Watermark mark = state_.watermark(connector.name()).value_or(store::Watermark{});
    // Counted once: incidents changing during the sync only make the bar a little short.
    const std::size_t expected = connector.remaining(mark).value_or(0);

    while (!(options.stop && options.stop->load())) {
        IncidentPage page = [&] {
            TimeSpentIn pulling(stats.connector_seconds);
            return connector.pull(mark, options.batch_size);
        }();
        if (page.incidents.empty()) break;
        const std::vector<OwnedIncident> &incidents = page.incidents;
        std::vector<std::unique_ptr<IncidentView>> views;
        std::vector<const sl_incident_t *> pointers;
        for (const OwnedIncident &i : incidents) {
            views.push_back(std::make_unique<IncidentView>(i));
            pointers.push_back(views.back()->get());
        }
        const std::vector<TextRef> texts = texts_of(incidents);
        std::vector<const sl_text_t *> text_pointers;
        for (const TextRef &t : texts) text_pointers.push_back(&t.text);

        // The commit's attribute sets borrow their keys and sources from
        // the collectors, and their ids from the incidents and descriptors:
        // all of them are kept until the batch is committed.
        std::vector<AttributeCollector> collected;
        store::BatchCommit commit{connector.name(), {}, {}, {}, {}, page.next, std::move(unacknowledged)};
        unacknowledged.clear();
        // What each instance found, for write-back bodies: per incident, the
        // index of its set in commit.attribute_sets (no_set when it found
        // nothing); per incident, its (text, commit.sentiments index) pairs.
        constexpr std::size_t no_set = static_cast<std::size_t>(-1);
        std::map<std::string, std::vector<std::size_t>> found_by_instance;
        using ScoredTexts = std::vector<std::vector<std::pair<std::size_t, std::size_t>>>;
        std::map<std::string, ScoredTexts> scored_by_instance;
        commit.attribute_sets.reserve(incidents.size() * p.context.size());
        commit.sentiments.reserve(texts.size() * 2);

        const auto report_failure = [&](const std::string &instance, const PluginDescriptor &d, std::size_t incident,
                                        const std::string &message) {
            ++stats.plugin_failures;
            p.log->warn("plugin instance '{}' ({}) failed on {}: {}", instance, d.id, incidents[incident].number,
                        redact_secrets(message));
        };

        std::optional<TimeSpentIn> enriching(stats.plugin_seconds);
        for (const OwnedIncident &incident : incidents) p.history->add(incident);   // callers' history includes this batch
        for (auto &stage : p.context) {
            if (!runs_on_this_connector(stage.name)) continue;
            const auto parts = slices(pointers.size(), p.workers);
            std::vector<std::optional<AttributeCollector>> results(parts.size());
            std::vector<std::string> errors(parts.size());
            on_workers(parts.size(), [&](std::size_t w) {
                try {
                    const auto [begin, end] = parts[w];
                    results[w] = stage.for_worker(w).enrich(std::span(pointers).subspan(begin, end - begin));
                } catch (const std::exception &e) {
                    errors[w] = e.what();
                }
            });
            auto &set_of_incident = found_by_instance[stage.name];
            set_of_incident.assign(incidents.size(), no_set);
            for (std::size_t w = 0; w < parts.size(); ++w) {
                const std::size_t offset = parts[w].first;
                if (!results[w]) {
                    for (std::size_t i = parts[w].first; i < parts[w].second; ++i)
                        report_failure(stage.name, *stage.descriptor, i, errors[w]);
                    continue;
                }
                for (const std::string &v : results[w]->violations)
                    p.log->warn("plugin instance '{}' ({}) broke the ABI: {}", stage.name, stage.descriptor->id, v);
                for (const ItemFailure &f : results[w]->failures)
                    report_failure(stage.name, *stage.descriptor, offset + f.index, f.message);
                // Each set sized once: a set of eight attributes grew four times.
                std::vector<std::size_t> found_for(parts[w].second - parts[w].first, 0);
                for (const Attribute &a : results[w]->attributes) ++found_for[a.incident_index];
                for (Attribute &a : results[w]->attributes) {
                    const std::size_t i = offset + a.incident_index;
                    if (set_of_incident[i] == no_set) {
                        set_of_incident[i] = commit.attribute_sets.size();
                        commit.attribute_sets.push_back(
                            {incidents[i].id, stage.descriptor->id, stage.descriptor->version, {}});
                        commit.attribute_sets.back().attributes.reserve(found_for[a.incident_index]);
                    }
                    std::string value = a.type == SL_VALUE_STRING || a.type == SL_VALUE_JSON ? std::move(a.text)
                                                                                             : a.value_text();
                    commit.attribute_sets[set_of_incident[i]].attributes.push_back(
                        {a.key, value_type_name(a.type), std::move(value), a.confidence, a.source, a.observed_at});
                }
                collected.push_back(std::move(*results[w]));
            }
        }

        for (auto &stage : p.sentiment) {
            if (!runs_on_this_connector(stage.name)) continue;
            const auto parts = slices(text_pointers.size(), p.workers);
            std::vector<std::optional<SentimentCollector>> results(parts.size());
            std::vector<std::string> errors(parts.size());
            on_workers(parts.size(), [&](std::size_t w) {
                try {
                    const auto [begin, end] = parts[w];
                    results[w] = stage.for_worker(w).score(std::span(text_pointers).subspan(begin, end - begin),
                                                           TermsKept::no);
                } catch (const std::exception &e) {
                    errors[w] = e.what();
                }
            });
            auto &scored = scored_by_instance[stage.name];
            scored.assign(incidents.size(), {});
            for (std::size_t w = 0; w < parts.size(); ++w) {
                const std::size_t offset = parts[w].first;
                if (!results[w]) {
                    for (std::size_t t = parts[w].first; t < parts[w].second; ++t)
                        report_failure(stage.name, *stage.descriptor, texts[t].incident, errors[w]);
                    continue;
                }
                for (const std::string &v : results[w]->violations)
                    p.log->warn("plugin instance '{}' ({}) broke the ABI: {}", stage.name, stage.descriptor->id, v);
                for (const ItemFailure &f : results[w]->failures)
                    if (f.status != SL_STATUS_NOT_SUPPORTED)
                        report_failure(stage.name, *stage.descriptor, texts[offset + f.index].incident, f.message);
                for (std::size_t k = 0; k < results[w]->scores.size(); ++k) {
                    const auto &score = results[w]->scores[k];
                    if (!score) continue;
                    const TextRef &t = texts[offset + k];
                    scored[t.incident].emplace_back(offset + k, commit.sentiments.size());
                    commit.sentiments.push_back({incidents[t.incident].id, t.id, stage.descriptor->id,
                                                 stage.descriptor->version, score->label, score->compound, score->positive,
                                                 score->neutral, score->negative, score->confidence, t.written_at});
                }
            }
        }

        enriching.reset();
        std::optional<TimeSpentIn> storing(stats.store_seconds);
        for (std::size_t r = 0; r < config_.pipeline.size(); ++r) {
            const config::PipelineRule &rule = config_.pipeline[r];
            if (!rule.write_back || rule.on == "schedule") continue;
            if (!rule.connector.empty() && rule.connector != connector.name()) continue;
            const NoteTemplate note_template(rule.write_back->text_template);
            // The rule's instances' findings, in the rule's order (the first to give a key wins).
            std::vector<const std::vector<std::size_t> *> sets_of_rule;
            std::vector<const ScoredTexts *> scores_of_rule;
            for (const std::string &name : rule.run) {
                if (auto it = found_by_instance.find(name); it != found_by_instance.end()) sets_of_rule.push_back(&it->second);
                if (auto it = scored_by_instance.find(name); it != scored_by_instance.end()) scores_of_rule.push_back(&it->second);
            }
            for (std::size_t i = 0; i < incidents.size(); ++i) {
                WriteBackNote note(note_template);
                for (const std::vector<std::size_t> *set_of_incident : sets_of_rule)
                    if ((*set_of_incident)[i] != no_set)
                        for (const store::AttributeValue &a : commit.attribute_sets[(*set_of_incident)[i]].attributes)
                            note.add_attribute(a.key, a.value);
                for (const ScoredTexts *scored : scores_of_rule)
                    for (const auto &[t, k] : (*scored)[i])
                        if (rule.on == "incident_changed" || rule.on == texts[t].event)
                            note.add_compound(commit.sentiments[k].compound);
                if (note.empty()) continue;   // nothing learned: nothing to write
                std::string body = note.text();
                if (already_holds(incidents[i], *rule.write_back, body)) continue;
                std::string key = write_back_key(connector.name(), incidents[i], r, *rule.write_back, body);
                commit.outbox.push_back({0, connector.name(), incidents[i].id, std::move(key), rule.write_back->as,
                                         rule.write_back->field, std::move(body), 0});
            }
        }

        for (std::size_t i = 0; i < incidents.size(); ++i)
            commit.incidents.push_back({connector.name(), incidents[i].id,
                                        page.canonical_json.size() == incidents.size()
                                            ? std::move(page.canonical_json[i])
                                            : incident_to_json(incidents[i]).dump()});
        // Durable first: results, outbox and watermark in one transaction...
        state_.commit_batch(commit);
        storing.reset();
        mark = page.next;
        stats.batches += 1;
        stats.incidents += incidents.size();
        for (const store::AttributeSet &set : commit.attribute_sets) stats.attributes += set.attributes.size();
        stats.sentiments += commit.sentiments.size();
        // ...then the writes; they leave the outbox with the next commit, or below.
        unacknowledged = send_outbox(connector, stats);
        progress.update(stats.incidents, std::max(expected, stats.incidents));
    }
    {
        TimeSpentIn storing(stats.store_seconds);
        state_.acknowledge(unacknowledged);
    }
    stats.stopped_early = options.stop && options.stop->load();
    progress.finish(stats.incidents);
    return stats;
}

} // namespace servicelens::host
