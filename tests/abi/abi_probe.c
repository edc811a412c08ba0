/* A library whose exported functions mention every public type of the ABI,
 * so that abidw/abidiff see the whole ABI in its debug information. It is
 * what tests/abi/baseline/servicelens-abi.xml was made from; abidiff
 * compares a fresh build of it against that baseline. */
#include <servicelens/servicelens.h>

#define SL_PROBE(name, type) \
    __attribute__((visibility("default"))) size_t sl_abi_probe_##name(const type *value) { return sizeof *value; }

SL_PROBE(version, sl_version_t)
SL_PROBE(str, sl_str_t)
SL_PROBE(key_value, sl_key_value_t)
SL_PROBE(byte_sink, sl_byte_sink_t)
SL_PROBE(entry, sl_plugin_entry_t)
SL_PROBE(factory, sl_plugin_factory_t)
SL_PROBE(descriptor, sl_plugin_descriptor_t)
SL_PROBE(create_args, sl_create_args_t)
SL_PROBE(host, sl_host_t)
SL_PROBE(host_log, sl_host_log_t)
SL_PROBE(host_clock, sl_host_clock_t)
SL_PROBE(host_cache, sl_host_cache_t)
SL_PROBE(host_progress, sl_host_progress_t)
SL_PROBE(host_metrics, sl_host_metrics_t)
SL_PROBE(host_http, sl_host_http_t)
SL_PROBE(host_history, sl_host_history_t)
SL_PROBE(past_incident, sl_past_incident_t)
SL_PROBE(http_request, sl_http_request_t)
SL_PROBE(http_response, sl_http_response_t)
SL_PROBE(caller, sl_caller_t)
SL_PROBE(comment, sl_comment_t)
SL_PROBE(survey_response, sl_survey_response_t)
SL_PROBE(incident, sl_incident_t)
SL_PROBE(context_attribute, sl_context_attribute_t)
SL_PROBE(attribute_sink, sl_attribute_sink_t)
SL_PROBE(context_provider, sl_context_provider_t)
SL_PROBE(context_provider_api, sl_context_provider_api_t)
SL_PROBE(text, sl_text_t)
SL_PROBE(term_weight, sl_term_weight_t)
SL_PROBE(sentiment_result, sl_sentiment_result_t)
SL_PROBE(sentiment_sink, sl_sentiment_sink_t)
SL_PROBE(sentiment_analyzer, sl_sentiment_analyzer_t)
SL_PROBE(sentiment_analyzer_api, sl_sentiment_analyzer_api_t)
SL_PROBE(report_params, sl_report_params_t)
SL_PROBE(scored_text, sl_scored_text_t)
SL_PROBE(report_record, sl_report_record_t)
SL_PROBE(report_builder, sl_report_builder_t)
SL_PROBE(report_builder_api, sl_report_builder_api_t)
