#include <servicelens/host/write_back_note.hpp>

#include <catch2/catch.hpp>

using servicelens::host::NoteTemplate;
using servicelens::host::WriteBackNote;

TEST_CASE("without a template the note lists every attribute, then the mean sentiment")
{
    const NoteTemplate none("");
    WriteBackNote note(none);
    CHECK(note.empty());
    note.add_attribute("caller.site", "Zurich");
    note.add_attribute("device.count", "2");
    note.add_compound(0.5);
    note.add_compound(-0.1);
    CHECK_FALSE(note.empty());
    CHECK(note.text() == "ServiceLens: caller.site=Zurich; device.count=2; sentiment=positive (+0.20, 2 texts)");
}

TEST_CASE("a sentiment alone still makes a note")
{
    const NoteTemplate none("");
    WriteBackNote note(none);
    note.add_compound(-0.6);
    CHECK(note.text() == "ServiceLens: sentiment=negative (-0.60, 1 text)");
}

TEST_CASE("a template fills each placeholder, repeated ones too, and says unknown where nothing was found")
{
    const NoteTemplate t("{{caller.site}} / {{ device.model }}: {{caller.site}}, {{sentiment.label}} {{sentiment.compound}}.");
    WriteBackNote note(t);
    note.add_attribute("caller.site", "Zurich");
    note.add_attribute("caller.site", "Basel");   // a later plugin of the rule does not overwrite
    note.add_attribute("caller.vip", "true");     // not in the template: not in the note
    CHECK(note.text() == "Zurich / unknown: Zurich, unknown unknown.");
    note.add_compound(-0.3);
    CHECK(note.text() == "Zurich / unknown: Zurich, negative -0.30.");
}

TEST_CASE("a template without placeholders is written as it is, once something was found")
{
    const NoteTemplate t("Enriched by ServiceLens.");
    WriteBackNote note(t);
    CHECK(note.empty());
    note.add_attribute("caller.site", "Zurich");
    CHECK(note.text() == "Enriched by ServiceLens.");
}
