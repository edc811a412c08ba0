// The TicketSQL and TransactionSQL the RT fake understands, read the way RT
// 5.0 reads them: conditions `Field OP value` (OP one of = != > >= < <=
// LIKE) joined by AND and OR, with parentheses; values quoted or bare
// numbers. Date fields compare as times, with RT's own reading of date
// literals: in the user's time zone, "YYYY-MM-DD HH:MM:SS" to the second,
// "YYYY-MM-DDTHH:MM:SSZ" as that day at midnight (Time::ParseDate stops at
// the T), and "=" as the whole day. Ids compare as numbers, the rest as
// text without regard to case.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace servicelens::fakes {

// A record's fields as the query sees them; dates as seconds since the
// epoch (UTC), as text.
using SqlRecord = std::map<std::string, std::string, std::less<>>;

class SqlQuery {
public:
    // Throws std::invalid_argument with RT's "Wrong query, ..." message.
    SqlQuery(std::string_view text, std::chrono::minutes user_utc_offset);
    ~SqlQuery();
    SqlQuery(SqlQuery &&) noexcept;

    bool matches(const SqlRecord &record) const;

    struct Node;

private:
    std::unique_ptr<Node> root_;
};

} // namespace servicelens::fakes
