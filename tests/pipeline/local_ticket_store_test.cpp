#include <servicelens/host/local_ticket_store.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

using namespace servicelens::host;
namespace fs = std::filesystem;

namespace {

OwnedIncident incident(const std::string &id, sl_timestamp_t updated)
{
    OwnedIncident i;
    i.id = id;
    i.state = "new";
    i.opened_at = updated;
    i.updated_at = updated;
    return i;
}

} // namespace

TEST_CASE("paging by (updated_at, id) neither skips nor repeats incidents that share a time")
{
    const fs::path file = fs::temp_directory_path() / ("servicelens-local-test-" + std::to_string(::getpid()) + ".db");
    fs::remove(file);
    {
        LocalTicketStore store("desk", file);
        store.put({incident("c", 100), incident("a", 100), incident("b", 100), incident("d", 200), incident("e", 50)});
        std::vector<std::string> order;
        servicelens::store::Watermark mark;
        for (IncidentPage page = store.pull(mark, 2); !page.incidents.empty(); page = store.pull(mark, 2)) {
            for (const auto &i : page.incidents) order.push_back(i.id);
            mark = page.next;
        }
        CHECK(order == std::vector<std::string>{"e", "a", "b", "c", "d"});
        CHECK(store.remaining({100, "b"}) == 2u);
    }
    for (const char *suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}

TEST_CASE("a write-back sent twice with one key is stored once")
{
    const fs::path file = fs::temp_directory_path() / ("servicelens-local-wb-" + std::to_string(::getpid()) + ".db");
    fs::remove(file);
    {
        LocalTicketStore store("desk", file);
        const servicelens::store::OutboxEntry entry{1, "desk", "a", "desk:a:1:rule0", "work_note", "", "hello", 0};
        store.write_back(entry);
        store.write_back(entry);
        CHECK(store.written_back().size() == 1);
    }
    for (const char *suffix : {"", "-wal", "-shm"}) fs::remove(file.string() + suffix);
}
