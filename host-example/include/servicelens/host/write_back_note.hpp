// What a pipeline rule writes back for one incident. With the rule's
// template, the template with {{key}} filled from what the rule's plugins
// found ("unknown" where nothing was); without one, "ServiceLens: " and
// every attribute as key=value, then the mean sentiment of the texts.
#pragma once

#include <servicelens/config/host_config.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace servicelens::host {

// A note written back ends with a marker carrying its idempotency key, so a
// connector can see, after a crash or a timed-out write, that the note is
// already there and not write it again; and the engine can tell ServiceLens's
// own notes from what callers wrote. The one place the marker is spelt.
std::string note_with_marker(std::string_view body, std::string_view idempotency_key);
bool has_marker(std::string_view text, std::string_view idempotency_key);
bool is_own_note(std::string_view text);

// The template, split once per sync: a sync composes a note per incident.
class NoteTemplate {
public:
    explicit NoteTemplate(const std::string &text_template);

    bool empty() const noexcept { return literals_.empty(); }
    // The index of `key` among the keys the template names, or -1.
    int key_index(std::string_view key) const noexcept;
    std::size_t key_count() const noexcept { return keys_.size(); }
    // The template with each placeholder replaced by values[its key index].
    std::string fill(const std::vector<std::string> &values) const;

private:
    std::vector<std::string> keys_;          // each once
    std::vector<std::string> literals_;      // the text around placeholders: one more than slots_
    std::vector<std::size_t> slots_;         // per placeholder, its key index
};

class WriteBackNote {
public:
    explicit WriteBackNote(const NoteTemplate &note_template);

    void add_attribute(std::string_view key, std::string_view value);
    void add_compound(double compound);
    // Nothing found: nothing to write.
    bool empty() const noexcept { return !found_anything_; }
    std::string text() const;

private:
    const NoteTemplate &template_;
    std::vector<std::string> values_;   // per template key
    std::vector<bool> known_;
    std::string listing_;               // key=value; ... without one
    double compound_sum_ = 0;
    int compound_count_ = 0;
    bool found_anything_ = false;
};

} // namespace servicelens::host
