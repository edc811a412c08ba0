#include <servicelens/host/report_renderer.hpp>

#include <catch2/catch.hpp>

using namespace servicelens::host;
using Catch::Matchers::Contains;

namespace {

const nlohmann::json document = nlohmann::json::parse(R"({
    "title": "Desk <value>",
    "period": {"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"},
    "metrics": [{"id": "volume.total", "label": "Incidents opened", "value": 42, "unit": "incidents"}],
    "tables": [{"id": "volume.by_priority", "columns": ["priority", "incidents"], "rows": [["P1, urgent", 2], ["P3", 40]]}],
    "series": [{"id": "volume.daily", "points": [{"t": "2026-05-01T00:00:00Z", "v": 3}, {"t": "2026-05-02T00:00:00Z", "v": 5}]}],
    "notes": ["Volume rose after CHG0003101."]
})");

} // namespace

TEST_CASE("markdown has the metrics, tables and notes")
{
    const std::string md = render_markdown(document);
    CHECK_THAT(md, Contains("| Incidents opened | 42 incidents |"));
    CHECK_THAT(md, Contains("| P3 | 40 |"));
    CHECK_THAT(md, Contains("- Volume rose after CHG0003101."));
}

TEST_CASE("csv quotes what needs quoting, one file per table")
{
    const auto files = render_csv(document);
    REQUIRE(files.count("volume.by_priority.csv") == 1);
    CHECK(files.at("volume.by_priority.csv") == "priority,incidents\n\"P1, urgent\",2\nP3,40\n");
    CHECK_THAT(files.at("metrics.csv"), Contains("volume.total,Incidents opened,42,incidents"));
}

TEST_CASE("html is self-contained, escaped, and charts every table and series")
{
    const std::string html = render_html(document);
    CHECK_THAT(html, Contains("<meta name=\"viewport\""));
    CHECK_THAT(html, Contains("Desk &lt;value&gt;"));
    CHECK_THAT(html, !Contains("<value>"));
    CHECK_THAT(html, !Contains("http://") && !Contains("https://") && !Contains("<script"));
    CHECK_THAT(html, Contains("<svg class=\"chart\"") && Contains("<rect") && Contains("<path d=\"M"));
}
