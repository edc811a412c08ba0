// The OAuth 2.0 client credentials grant (RFC 6749 4.4) as ServiceNow
// offers it: one access token shared by every request of a client, fetched
// when missing, again shortly before it expires, and again when the API
// refuses it.
#pragma once

#include <servicelens/http/http_client.hpp>

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

namespace servicelens::http::detail {

class OAuth2TokenSource {
public:
    // Sends a request without credentials (the client's retries apply).
    using Send = std::function<Response(const Request &)>;

    OAuth2TokenSource(std::string client_name, OAuth2ClientCredentials credentials);

    // A token that is not about to expire, fetched through `send` within
    // `deadline` when needed. Throws OAuth2Error when the endpoint refuses
    // or answers something else than a token, or what `send` throws.
    // [thread-safe]: one fetch at a time; the others wait for its token.
    std::string token(const Send &send, std::chrono::milliseconds deadline);

    // The API answered 401 to `token`: the next token() fetches a new one,
    // unless another thread has already replaced it.
    void refused(const std::string &token);

private:
    Request token_request(std::chrono::milliseconds deadline) const;
    void take(const Response &response, std::chrono::steady_clock::time_point asked_at);
    [[noreturn]] void fail(const Response &response) const;

    std::string client_name_;
    OAuth2ClientCredentials credentials_;
    std::mutex mutex_;
    std::string token_;
    std::chrono::steady_clock::time_point refresh_at_{};
};

} // namespace servicelens::http::detail
