// Report documents (schemas/report.schema.json) rendered for people: JSON,
// CSV (one file per table), Markdown, and one self-contained HTML file with
// inline SVG charts that reads well on a laptop and a phone and loads
// nothing from the network.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace servicelens::host {

std::string render_markdown(const nlohmann::json &report);

// File name ("metrics.csv", "<table id>.csv") -> content. RFC 4180 quoting.
std::map<std::string, std::string> render_csv(const nlohmann::json &report);

std::string render_html(const nlohmann::json &report);

} // namespace servicelens::host
