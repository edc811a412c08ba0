// ServiceLens C++ plugin layer: everything a plugin author includes.
//
// Derive from one base per kind (ContextProvider, SentimentAnalyzer,
// ReportBuilder<State>), give the class a `static constexpr PluginInfo info`
// and a constructor taking `const CreateContext &`, then list the classes in
// SERVICELENS_PLUGINS(...). Throw servicelens::Error (or anything) to fail;
// the layer turns it into a status and the instance's last error.
// docs/plugin-author-guide.md walks through a complete plugin.
#pragma once

#include "context_provider.hpp"
#include "descriptor.hpp"
#include "error.hpp"
#include "export.hpp"
#include "host.hpp"
#include "incident.hpp"
#include "report_builder.hpp"
#include "sentiment_analyzer.hpp"
#include "strings.hpp"
#include "utf8.hpp"
