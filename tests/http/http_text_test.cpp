// The two pure functions of the HTTP client's header: parse_retry_after
// and loggable_url.
#include <servicelens/http/http_client.hpp>

#include <catch2/catch.hpp>
#include <date/date.h>

using namespace servicelens::http;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST_CASE("parse_retry_after: delay-seconds")
{
    const auto now = std::chrono::system_clock::now();
    CHECK(parse_retry_after("120", now) == milliseconds(120'000));
    CHECK(parse_retry_after(" 5\t", now) == milliseconds(5'000));
    CHECK(parse_retry_after("0", now) == milliseconds(0));
    // Absurdly long waits stay representable, and over any cap.
    const auto huge = parse_retry_after("99999999999999999999999", now);
    REQUIRE(huge.has_value());
    CHECK(*huge >= std::chrono::hours(24 * 365));
    CHECK(*huge < std::chrono::hours(24 * 366));
}

TEST_CASE("parse_retry_after: HTTP-dates in all three forms")
{
    using namespace date;
    const std::chrono::system_clock::time_point now = sys_days{2015_y / October / 21} + 7h + 26min + 30s;
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == milliseconds(90'000));
    CHECK(parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now) == milliseconds(90'000)); // RFC 850
    CHECK(parse_retry_after("Wed Oct 21 07:28:00 2015", now) == milliseconds(90'000));          // asctime
    CHECK(parse_retry_after("Sun Nov  6 08:49:37 1994", now) == milliseconds(0));               // past: no wait
    // Sub-second "now": the wait is rounded up to reach the date.
    CHECK(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now + 250ms) == milliseconds(89'750));
}

TEST_CASE("parse_retry_after: anything else is not a Retry-After")
{
    const auto now = std::chrono::system_clock::now();
    for (const char *value :
         {"", "  ", "soon", "-5", "1.5", "12s", "Wed, 21 Oct 2015 07:28:00", "Wed, 32 Oct 2015 07:28:00 GMT",
          "Thu, 21 Oct 2015 07:28:00 GMT" /* 21 Oct 2015 was a Wednesday */}) {
        INFO(value);
        CHECK_FALSE(parse_retry_after(value, now).has_value());
    }
}

TEST_CASE("loggable_url: user info and secret query values are masked")
{
    CHECK(loggable_url("https://integration:p4ss@acme.service-now.com/api?x=1") ==
          "https://***@acme.service-now.com/api?x=1");
    CHECK(loggable_url("https://h.example/x?api_key=K&limit=5&Token=T&client_secret=S&X-Amz-Signature=G&PASSWORD=P") ==
          "https://h.example/x?api_key=***&limit=5&Token=***&client_secret=***&X-Amz-Signature=***&PASSWORD=***");
    CHECK(loggable_url("/REST/2.0/tickets?access_token=abc#part") == "/REST/2.0/tickets?access_token=***#part");
    CHECK(loggable_url("https://h.example/x?api%5Fkey=K&flag") == "https://h.example/x?api%5Fkey=***&flag");
}

TEST_CASE("loggable_url: what is not secret stays as it is")
{
    for (const char *url : {"https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?start_time=0",
                            "https://h.example/users/ana@example.com/x?q=a%40b", "https://h.example:8443/", "/relative",
                            "", "not a url at all", "https://h.example/x#frag?token=in-fragment"}) {
        INFO(url);
        CHECK(loggable_url(url) == url);
    }
}

TEST_CASE("is_absolute_url: a scheme and '://' make a URL absolute")
{
    CHECK(is_absolute_url("https://acme.service-now.com/api"));
    CHECK(is_absolute_url("HTTP://h"));
    CHECK(is_absolute_url("svn+ssh://h/x"));
    CHECK_FALSE(is_absolute_url("/api/now/table/incident"));
    CHECK_FALSE(is_absolute_url("api/x?next=https://elsewhere"));
    CHECK_FALSE(is_absolute_url("://h"));
    CHECK_FALSE(is_absolute_url("1http://h"));
    CHECK_FALSE(is_absolute_url(""));
}
