// What every vendor connector shares, so that none of them repeats it: the
// HTTP client built from the connector's config, failures turned into
// messages that say what happened and what to check, the keyset rule for
// "newer than the watermark", and the marker that makes a note write-back
// idempotent.
#pragma once

#include <servicelens/config/host_config.hpp>
#include <servicelens/host/write_back_note.hpp>
#include <servicelens/http/http_client.hpp>
#include <servicelens/store/state_store.hpp>

#include <nlohmann/json_fwd.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace servicelens::connectors {

// A pull or a call that failed in a way the next sync may not hit: the
// network, a 5xx after retries, 429 after retries, refused credentials.
class ConnectorError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A read the platform answered with 404: the record (or the API for it) is
// not there. Callers that can do without it catch this one alone.
class NotFoundError : public ConnectorError {
public:
    using ConnectorError::ConnectorError;
};

// The client options of a vendor connector's config entry: base URL, auth,
// timeout, rate limit, TLS. `api_token_user` turns an api_token auth's email
// into the basic-auth user name the vendor wants ("{email}/token" for
// Zendesk, "{email}" for Jira).
http::ClientOptions client_options(const config::ConnectorConfig &c, std::string_view api_token_user);
// The same, with the api_token user name the connector's kind wants.
http::ClientOptions client_options(const config::ConnectorConfig &c);

// Calls the platform and returns the parsed JSON body of a 2xx response.
// Any other outcome throws ConnectorError (NotFoundError for a 404 read), or, when `rejects_write` and the
// status says the write can never succeed — 400, 404, 410, 422 —
// host::WriteBackRejected) with a message naming the connector, what was
// being done, the status, the vendor's own error message and what to check.
class VendorApi {
public:
    // `vendor` is the display name ("ServiceNow"); `error_message` pulls the
    // human message out of the vendor's error body (empty when absent).
    VendorApi(std::string connector, std::string vendor, http::ClientOptions options,
              std::string (*error_message)(const nlohmann::json &body));

    nlohmann::json call(const http::Request &request, std::string_view what, bool rejects_write = false);
    // The raw response of a 2xx, for callers that read headers too.
    http::Response call_raw(const http::Request &request, std::string_view what, bool rejects_write = false);

    http::Client &client() noexcept { return *client_; }
    const std::string &connector() const noexcept { return connector_; }

    // The failure message for a response, as call() would throw it.
    std::string describe(const http::Response &response, std::string_view what) const;

private:
    std::string connector_, vendor_;
    std::unique_ptr<http::Client> client_;
    std::string (*error_message_)(const nlohmann::json &);
};

// The body parsed as JSON; ConnectorError naming the connector and the call
// with the first bytes of what came instead (a login page, a proxy's HTML).
nlohmann::json parse_json(std::string_view connector, std::string_view what, const http::Response &response);

// True when (updated_at, id) comes after the watermark in the connector's
// (updated_at, id) order, ids compared as numbers when both are numeric.
bool after_watermark(const store::Watermark &since, int64_t updated_at, std::string_view id);
int compare_ids(std::string_view a, std::string_view b);

// The note marker that makes a note write-back idempotent (write_back_note.hpp).
using host::has_marker;
using host::note_with_marker;

} // namespace servicelens::connectors
