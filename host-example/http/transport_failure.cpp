#include "transport_failure.hpp"

namespace servicelens::http::detail {

namespace {

bool is_tls(CURLcode code)
{
    switch (code) {
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED:
        return true;
    default:
        return false;
    }
}

} // namespace

Failure failure_of(CURLcode code)
{
    switch (code) {
    case CURLE_OK:
        return Failure::none;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
        return Failure::never_connected;
    case CURLE_OPERATION_TIMEDOUT:
        return Failure::timed_out;
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return Failure::connection_broke;
    default:
        return Failure::permanent;
    }
}

TransportError::Kind kind_of(CURLcode code)
{
    if (is_tls(code)) return TransportError::Kind::tls;
    switch (failure_of(code)) {
    case Failure::never_connected:
        return TransportError::Kind::connect;
    case Failure::timed_out:
        return TransportError::Kind::timeout;
    default:
        return TransportError::Kind::other;
    }
}

std::string_view hint_for(TransportError::Kind kind)
{
    switch (kind) {
    case TransportError::Kind::connect:
        return "check base_url and that the host is reachable from here (proxy settings: http_proxy/https_proxy/"
               "no_proxy)";
    case TransportError::Kind::timeout:
        return "the host did not answer in time: check its health, or raise the connector's timeout";
    case TransportError::Kind::tls:
        return "check the CA bundle or verify_tls";
    case TransportError::Kind::other:
        break;
    }
    return "the exchange broke off: check the network path to the host (proxy, firewall, load balancer)";
}

} // namespace servicelens::http::detail
