#include <servicelens/host/report_renderer.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace servicelens::host {

namespace {

using nlohmann::json;

std::string cell_text(const json &cell)
{
    if (cell.is_string()) return cell.get<std::string>();
    if (cell.is_null()) return "";
    if (cell.is_number_float()) return fmt::format("{:.4g}", cell.get<double>());
    return cell.dump();
}

std::string csv_field(const std::string &text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
    std::string quoted = "\"";
    for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string html_escape(const std::string &text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

// "2026-05-01T00:00:00Z" -> "2026-05-01"; other times unchanged.
std::string period_text(const json &period, const char *key)
{
    std::string t = period.value(key, "");
    if (t.size() == 20 && t.compare(10, 10, "T00:00:00Z") == 0) t.resize(10);
    return t;
}

std::string metric_value(const json &m)
{
    return cell_text(m.value("value", json())) + (m.contains("unit") ? " " + m["unit"].get<std::string>() : "");
}

// A horizontal bar chart of a table's first numeric column against its first column.
std::string bar_chart(const json &table)
{
    const json &rows = table["rows"];
    std::size_t value_column = 0;
    for (std::size_t c = 1; c < table["columns"].size() && value_column == 0; ++c)
        if (!rows.empty() && rows[0].size() > c && rows[0][c].is_number()) value_column = c;
    if (value_column == 0 || rows.empty()) return {};
    double max = 0;
    for (const json &row : rows) max = std::max(max, row[value_column].is_number() ? row[value_column].get<double>() : 0.0);
    if (max <= 0) return {};
    const std::size_t shown = std::min<std::size_t>(rows.size(), 20);
    const int bar_height = 26, label_width = 110, width = 420;
    std::string svg = fmt::format(R"(<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" )"
                                  R"(preserveAspectRatio="xMinYMin meet">)",
                                  html_escape(table.value("label", table["id"].get<std::string>())), width,
                                  static_cast<int>(shown) * bar_height + 4);
    for (std::size_t i = 0; i < shown; ++i) {
        const double v = rows[i][value_column].is_number() ? rows[i][value_column].get<double>() : 0.0;
        const int y = static_cast<int>(i) * bar_height;
        const int w = static_cast<int>((width - label_width - 56) * v / max);
        svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" class="label">{}</text>)", label_width - 8,
                           y + 17, html_escape(cell_text(rows[i][0])));
        svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" rx="3" class="bar"/>)", label_width, y + 3,
                           std::max(w, 1), bar_height - 6);
        svg += fmt::format(R"(<text x="{}" y="{}" class="value">{}</text>)", label_width + w + 6, y + 17,
                           html_escape(cell_text(rows[i][value_column])));
    }
    return svg + "</svg>";
}

// A line chart of a time series.
std::string line_chart(const json &series)
{
    const json &points = series["points"];
    if (points.size() < 2) return {};
    double max = 0;
    for (const json &p : points) max = std::max(max, p["v"].is_number() ? p["v"].get<double>() : 0.0);
    double min = max;
    for (const json &p : points) min = std::min(min, p["v"].is_number() ? p["v"].get<double>() : max);
    if (max == min) max = min + 1;
    const int width = 640, height = 200, pad = 30;
    std::string path;
    for (std::size_t i = 0; i < points.size(); ++i) {
        const double v = points[i]["v"].is_number() ? points[i]["v"].get<double>() : min;
        const double x = pad + (width - 2 * pad) * static_cast<double>(i) / static_cast<double>(points.size() - 1);
        const double y = height - pad - (height - 2 * pad) * (v - min) / (max - min);
        path += fmt::format("{}{:.1f},{:.1f} ", i == 0 ? "M" : "L", x, y);
    }
    return fmt::format(R"(<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}">)"
                       R"(<line x1="{}" y1="{}" x2="{}" y2="{}" class="axis"/>)"
                       R"(<path d="{}" class="line"/>)"
                       R"(<text x="{}" y="{}" class="label">{}</text><text x="{}" y="{}" class="label">{}</text>)"
                       R"(<text x="{}" y="14" class="label">max {:.4g}</text></svg>)",
                       html_escape(series.value("label", series["id"].get<std::string>())), width, height, pad,
                       height - pad, width - pad, height - pad, path, pad, height - 8,
                       html_escape(points.front()["t"].get<std::string>().substr(0, 10)), width - pad - 70, height - 8,
                       html_escape(points.back()["t"].get<std::string>().substr(0, 10)), pad, max);
}

constexpr const char *style = R"css(
:root { --ink: #1d2733; --muted: #5b6775; --accent: #2f6fde; --line: #e3e8ef; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f8fb; }
main { max-width: 960px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; margin: 32px 0 12px; }
.period { color: var(--muted); margin: 0 0 24px; }
.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 12px; }
.metric { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
.metric .value { font-size: 1.6rem; font-weight: 650; } .metric .name { color: var(--muted); font-size: .9rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px; margin-top: 16px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.chart { width: 100%; max-width: 720px; height: auto; margin: 8px 0 12px; display: block; }
section h2 { margin-top: 0; } .bar { fill: var(--accent); } .line { fill: none; stroke: var(--accent); stroke-width: 2.5; }
.axis { stroke: var(--line); } .label, .value { font-size: 13px; fill: var(--muted); }
.notes li { margin: 6px 0; }
@media (max-width: 600px) { h1 { font-size: 1.4rem; } main { padding: 16px 10px; } }
)css";

} // namespace

std::string render_markdown(const json &r)
{
    std::string md = "# " + r.value("title", std::string("Report")) + "\n\n";
    if (r.contains("period"))
        md += fmt::format("Period: {} to {}\n\n", period_text(r["period"], "from"), period_text(r["period"], "to"));
    // The sentences first: a reader who stops after them has the story.
    if (r.contains("notes") && !r["notes"].empty()) {
        md += "## In short\n\n";
        for (const json &note : r["notes"]) md += "- " + note.get<std::string>() + "\n";
        md += "\n";
    }
    if (r.contains("metrics") && !r["metrics"].empty()) {
        md += "| Metric | Value |\n|---|---:|\n";
        for (const json &m : r["metrics"])
            md += fmt::format("| {} | {} |\n", m.value("label", m["id"].get<std::string>()), metric_value(m));
        md += "\n";
    }
    for (const json &t : r.value("tables", json::array())) {
        md += "## " + t.value("label", t["id"].get<std::string>()) + "\n\n|";
        for (const json &c : t["columns"]) md += " " + c.get<std::string>() + " |";
        md += "\n|";
        for (std::size_t i = 0; i < t["columns"].size(); ++i) md += "---|";
        md += "\n";
        for (const json &row : t["rows"]) {
            md += "|";
            for (const json &cell : row) md += " " + cell_text(cell) + " |";
            md += "\n";
        }
        md += "\n";
    }
    return md;
}

std::map<std::string, std::string> render_csv(const json &r)
{
    std::map<std::string, std::string> files;
    std::string metrics = "id,label,value,unit\n";
    for (const json &m : r.value("metrics", json::array()))
        metrics += fmt::format("{},{},{},{}\n", csv_field(m["id"]), csv_field(m.value("label", "")),
                               cell_text(m.value("value", json())), csv_field(m.value("unit", "")));
    files["metrics.csv"] = metrics;
    for (const json &t : r.value("tables", json::array())) {
        std::string csv;
        for (std::size_t i = 0; i < t["columns"].size(); ++i) csv += (i ? "," : "") + csv_field(t["columns"][i]);
        csv += "\n";
        for (const json &row : t["rows"]) {
            for (std::size_t i = 0; i < row.size(); ++i) csv += (i ? "," : "") + csv_field(cell_text(row[i]));
            csv += "\n";
        }
        files[t["id"].get<std::string>() + ".csv"] = csv;
    }
    return files;
}

std::string render_html(const json &r)
{
    const std::string title = html_escape(r.value("title", std::string("Report")));
    std::string html = fmt::format("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                                   "<title>{}</title><style>{}</style></head><body><main>\n<h1>{}</h1>\n",
                                   title, style, title);
    if (r.contains("period"))
        html += fmt::format("<p class=\"period\">{} to {}</p>\n", html_escape(period_text(r["period"], "from")),
                            html_escape(period_text(r["period"], "to")));
    // The sentences first: a reader who stops after them has the story.
    if (r.contains("notes") && !r["notes"].empty()) {
        html += "<section class=\"notes\"><h2>In short</h2><ul>";
        for (const json &note : r["notes"]) html += "<li>" + html_escape(note.get<std::string>()) + "</li>";
        html += "</ul></section>\n";
    }
    if (r.contains("metrics") && !r["metrics"].empty()) {
        html += "<div class=\"metrics\">\n";
        for (const json &m : r["metrics"])
            html += fmt::format("<div class=\"metric\"><div class=\"value\">{}</div><div class=\"name\">{}</div></div>\n",
                                html_escape(metric_value(m)), html_escape(m.value("label", m["id"].get<std::string>())));
        html += "</div>\n";
    }
    for (const json &s : r.value("series", json::array()))
        html += fmt::format("<section><h2>{}</h2>{}</section>\n", html_escape(s.value("label", s["id"].get<std::string>())),
                            line_chart(s));
    for (const json &t : r.value("tables", json::array())) {
        html += fmt::format("<section><h2>{}</h2>{}<table><thead><tr>", html_escape(t.value("label", t["id"].get<std::string>())),
                            bar_chart(t));
        for (const json &c : t["columns"]) html += "<th>" + html_escape(c.get<std::string>()) + "</th>";
        html += "</tr></thead><tbody>\n";
        for (const json &row : t["rows"]) {
            html += "<tr>";
            for (const json &cell : row)
                html += fmt::format("<td{}>{}</td>", cell.is_number() ? " class=\"n\"" : "", html_escape(cell_text(cell)));
            html += "</tr>\n";
        }
        html += "</tbody></table></section>\n";
    }
    return html + "</main></body></html>\n";
}

} // namespace servicelens::host
