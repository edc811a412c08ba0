#include "curl_easy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>

namespace servicelens::http::detail {

namespace {

// curl_global_init is not thread-safe before libcurl 7.84 and must run
// before the first handle: once per process, whoever gets here first.
// Never cleaned up: a static destructor elsewhere may still hold a client,
// and the process's end frees everything anyway.
void initialise_libcurl_once()
{
    static std::once_flag once;
    std::call_once(once, [] {
        if (const CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK)
            throw std::runtime_error(fmt::format("libcurl could not be initialised: {}", curl_easy_strerror(code)));
    });
}

std::size_t append_to_string(char *data, std::size_t size, std::size_t count, void *into)
{
    static_cast<std::string *>(into)->append(data, size * count);
    return size * count;
}

struct HeaderListDeleter {
    void operator()(curl_slist *list) const noexcept { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

HeaderList header_list(const std::vector<std::string> &lines)
{
    HeaderList list;
    for (const std::string &line : lines) {
        curl_slist *longer = curl_slist_append(list.get(), line.c_str());
        if (!longer) throw std::bad_alloc();
        static_cast<void>(list.release());
        list.reset(longer);
    }
    return list;
}

template <typename Value> void set(CURL *handle, CURLoption option, Value value)
{
    if (const CURLcode code = curl_easy_setopt(handle, option, value); code != CURLE_OK)
        throw std::runtime_error(
            fmt::format("libcurl refused option {}: {}", static_cast<int>(option), curl_easy_strerror(code)));
}

bool sends_body(std::string_view method, std::string_view body)
{
    // POST, PUT and PATCH carry a body even when it is empty (Content-Length: 0),
    // which some servers insist on; other methods only when given one.
    return !body.empty() || method == "POST" || method == "PUT" || method == "PATCH";
}

} // namespace

CurlEasy::CurlEasy()
{
    initialise_libcurl_once();
    handle_ = curl_easy_init();
    if (!handle_) throw std::runtime_error("libcurl could not create a handle (curl_easy_init)");
}

CurlEasy::~CurlEasy()
{
    curl_easy_cleanup(handle_);
}

void CurlEasy::configure(const Transfer &t, curl_slist *headers, std::string *body)
{
    // A reset keeps the live connections, the DNS and TLS session caches (so
    // keep-alive survives) but forgets the previous transfer's method and body.
    curl_easy_reset(handle_);
    error_[0] = '\0';
    set(handle_, CURLOPT_ERRORBUFFER, error_);
    set(handle_, CURLOPT_URL, t.url->c_str());
    set(handle_, CURLOPT_PROTOCOLS_STR, "http,https");
    // Signals would break a multi-threaded host; timeouts then rely on the
    // threaded resolver, which Debian's libcurl uses.
    set(handle_, CURLOPT_NOSIGNAL, 1L);
    set(handle_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min(t.connect_timeout, t.timeout).count()));
    set(handle_, CURLOPT_TIMEOUT_MS, static_cast<long>(t.timeout.count()));
    set(handle_, CURLOPT_TCP_KEEPALIVE, 1L);
    set(handle_, CURLOPT_SSL_VERIFYPEER, t.verify_tls ? 1L : 0L);
    set(handle_, CURLOPT_SSL_VERIFYHOST, t.verify_tls ? 2L : 0L);
    if (!t.ca_bundle.empty()) set(handle_, CURLOPT_CAINFO, t.ca_bundle.c_str());
    // Proxies: CURLOPT_PROXY stays unset so libcurl reads http_proxy,
    // https_proxy and no_proxy from the environment, as the admin expects.
    // Redirects are not followed: credentials and an Authorization header
    // must not travel to whatever host a Location names, and a vendor API
    // that redirects is misconfigured (http to https, a login page), which
    // the caller reports better than a silent hop would.
    set(handle_, CURLOPT_FOLLOWLOCATION, 0L);
    if (!t.user_agent.empty()) set(handle_, CURLOPT_USERAGENT, t.user_agent.c_str());

    if (t.method == "HEAD") {
        set(handle_, CURLOPT_NOBODY, 1L);
    } else if (sends_body(t.method, t.body)) {
        set(handle_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t.body.size()));
        set(handle_, CURLOPT_POSTFIELDS, t.body.data());
    } else if (t.method == "GET") {
        set(handle_, CURLOPT_HTTPGET, 1L);
    }
    // PUT, PATCH, DELETE, ...: the body options above with another verb.
    if (t.method != "GET" && t.method != "HEAD" && t.method != "POST")
        set(handle_, CURLOPT_CUSTOMREQUEST, std::string(t.method).c_str()); // libcurl copies it
    set(handle_, CURLOPT_HTTPHEADER, headers);
    if (t.basic) {
        set(handle_, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        set(handle_, CURLOPT_USERNAME, t.basic->username.c_str());
        set(handle_, CURLOPT_PASSWORD, t.basic->password.c_str());
    }
    set(handle_, CURLOPT_WRITEFUNCTION, &append_to_string);
    set(handle_, CURLOPT_WRITEDATA, body);
}

void CurlEasy::collect(Exchange &x)
{
    curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &x.status);
    if (char *url = nullptr; curl_easy_getinfo(handle_, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url) x.url = url;
    // libcurl's header API: the final response's headers (not a proxy's
    // CONNECT answer, not a 100 Continue), in arrival order.
    for (curl_header *h = nullptr; (h = curl_easy_nextheader(handle_, CURLH_HEADER, -1, h)) != nullptr;) {
        std::string name = h->name;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        x.headers.emplace_back(std::move(name), h->value);
    }
}

Exchange CurlEasy::perform(const Transfer &transfer)
{
    Exchange x;
    std::vector<std::string> lines = transfer.header_lines;
    // libcurl would send "Expect: 100-continue" before larger bodies and wait
    // for an answer some servers never give; an empty header turns it off.
    lines.emplace_back("Expect:");
    const HeaderList headers = header_list(lines);
    configure(transfer, headers.get(), &x.body);

    const auto start = std::chrono::steady_clock::now();
    x.code = curl_easy_perform(handle_);
    x.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (x.code == CURLE_OK)
        collect(x);
    else
        x.error = error_[0] != '\0' ? std::string(error_) : std::string(curl_easy_strerror(x.code));
    // The handle keeps pointers to this call's header list and error buffer:
    // drop them before the list is freed.
    curl_easy_setopt(handle_, CURLOPT_HTTPHEADER, static_cast<curl_slist *>(nullptr));
    return x;
}

} // namespace servicelens::http::detail
