// One libcurl easy handle: the connection it keeps alive from one transfer
// to the next, and the options of one transfer (one attempt; retries are
// the Client's business).
#pragma once

#include <servicelens/http/http_client.hpp>

#include <curl/curl.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace servicelens::http::detail {

// What one attempt sends. The views must outlive perform().
struct Transfer {
    std::string_view method;
    const std::string *url = nullptr;
    std::vector<std::string> header_lines; // "Name: value"
    std::string_view body;
    std::chrono::milliseconds connect_timeout{10'000};
    std::chrono::milliseconds timeout{30'000};
    bool verify_tls = true;
    std::string ca_bundle; // empty: the system's CAs
    std::string user_agent;
    const BasicAuth *basic = nullptr; // set: HTTP basic credentials
};

// What came back from one attempt.
struct Exchange {
    CURLcode code = CURLE_OK; // CURLE_OK: a response came
    std::string error;        // libcurl's reason when code is not CURLE_OK
    long status = 0;
    std::vector<Header> headers; // names lower-cased, in arrival order
    std::string body;
    std::string url; // the URL that answered
    std::chrono::milliseconds took{};
};

// Not thread-safe: the Client serialises its transfers.
class CurlEasy {
public:
    CurlEasy();
    ~CurlEasy();
    CurlEasy(const CurlEasy &) = delete;
    CurlEasy &operator=(const CurlEasy &) = delete;

    Exchange perform(const Transfer &transfer);

private:
    void configure(const Transfer &transfer, curl_slist *headers, std::string *body);
    void collect(Exchange &exchange);

    CURL *handle_ = nullptr;
    char error_[CURL_ERROR_SIZE] = {};
};

} // namespace servicelens::http::detail
