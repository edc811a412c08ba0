#include "fake_rt_query.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace servicelens::fakes {

struct SqlQuery::Node {
    enum class Kind { condition, all, any } kind = Kind::condition;
    std::string field, op;
    int64_t low = 0, high = 0; // a date condition: [low, high) for "=", low otherwise
    std::string value;
    std::vector<Node> children;
};

namespace {

bool is_date_field(std::string_view f)
{
    for (const char *d : {"LastUpdated", "Created", "Resolved", "Due", "Started", "Told", "Starts"})
        if (f == d) return true;
    return false;
}

bool is_number_field(std::string_view f)
{
    return f == "id" || f == "ObjectId" || f == "Priority";
}

std::string lower(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

int64_t to_number(std::string_view s)
{
    try {
        return std::stoll(std::string(s));
    } catch (const std::exception &) {
        return 0;
    }
}

// RT's reading of a date literal: seconds since the epoch, and whether only
// the day was read.
struct DateLiteral {
    int64_t seconds = 0;
    bool day_only = false;
};

DateLiteral read_date(const std::string &text, std::chrono::minutes offset)
{
    using namespace std::chrono;
    date::local_seconds local{};
    DateLiteral out;
    std::istringstream full(text);
    full >> date::parse("%Y-%m-%d %H:%M:%S", local);
    if (full.fail() || full.peek() != EOF) {
        date::local_days day{};
        std::istringstream day_part(text.substr(0, 10)); // "2026-11-23T17:53:22Z": Time::ParseDate stops at the T
        day_part >> date::parse("%Y-%m-%d", day);
        if (day_part.fail()) return out; // RT logs "Couldn't parse date" and uses 0
        local = date::local_seconds(day);
        out.day_only = true;
    }
    out.seconds = (local.time_since_epoch() - offset).count();
    return out;
}

class Parser {
public:
    Parser(std::string_view text, std::chrono::minutes offset) : text_(text), offset_(offset) { tokenize(); }

    SqlQuery::Node parse()
    {
        SqlQuery::Node node = any();
        if (at_ < tokens_.size()) fail("an AND or OR");
        return node;
    }

private:
    std::string_view text_;
    std::chrono::minutes offset_;
    std::vector<std::string> tokens_;
    std::vector<bool> quoted_;
    std::size_t at_ = 0;

    [[noreturn]] void fail(const char *expected) const
    {
        throw std::invalid_argument(fmt::format("Wrong query, expecting {} in '{}' at /usr/share/request-tracker5/lib/"
                                                "RT/SQL.pm line 123.\n",
                                                expected, text_));
    }

    void push(std::string_view token, bool quoted)
    {
        tokens_.emplace_back(token);
        quoted_.push_back(quoted);
    }

    void tokenize()
    {
        std::size_t i = 0;
        while (i < text_.size()) {
            const char c = text_[i];
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i;
            } else if (c == '(' || c == ')') {
                push(text_.substr(i, 1), false);
                ++i;
            } else if (c == '\'' || c == '"') {
                const std::size_t end = text_.find(c, i + 1);
                if (end == std::string_view::npos) fail("a closing quote");
                push(text_.substr(i + 1, end - i - 1), true);
                i = end + 1;
            } else if (c == '<' || c == '>' || c == '!' || c == '=') {
                const std::size_t length = i + 1 < text_.size() && text_[i + 1] == '=' ? 2 : 1;
                push(text_.substr(i, length), false);
                i += length;
            } else {
                std::size_t end = i;
                while (end < text_.size() && !std::isspace(static_cast<unsigned char>(text_[end])) &&
                       std::string_view("()'\"<>!=").find(text_[end]) == std::string_view::npos)
                    ++end;
                push(text_.substr(i, end - i), false);
                i = end;
            }
        }
    }

    bool next_is(std::string_view word) const
    {
        return at_ < tokens_.size() && !quoted_[at_] && lower(tokens_[at_]) == lower(word);
    }

    SqlQuery::Node joined(SqlQuery::Node::Kind kind, std::string_view word, SqlQuery::Node (Parser::*part)())
    {
        SqlQuery::Node first = (this->*part)();
        if (!next_is(word)) return first;
        SqlQuery::Node node;
        node.kind = kind;
        node.children.push_back(std::move(first));
        while (next_is(word)) {
            ++at_;
            node.children.push_back((this->*part)());
        }
        return node;
    }

    SqlQuery::Node any() { return joined(SqlQuery::Node::Kind::any, "OR", &Parser::all); }
    SqlQuery::Node all() { return joined(SqlQuery::Node::Kind::all, "AND", &Parser::term); }

    SqlQuery::Node term()
    {
        if (next_is("(")) {
            ++at_;
            SqlQuery::Node inner = any();
            if (!next_is(")")) fail("a closing parenthesis");
            ++at_;
            return inner;
        }
        if (at_ + 3 > tokens_.size() || quoted_[at_]) fail("a field");
        SqlQuery::Node node;
        node.field = tokens_[at_++];
        node.op = lower(tokens_[at_++]);
        static const std::vector<std::string> ops = {"=", "!=", ">", ">=", "<", "<=", "like"};
        if (std::find(ops.begin(), ops.end(), node.op) == ops.end()) fail("an operator");
        if (!quoted_[at_] && (tokens_[at_] == "(" || tokens_[at_] == ")" || tokens_[at_] == "=")) fail("a VALUE");
        node.value = tokens_[at_++];
        if (is_date_field(node.field)) {
            const DateLiteral d = read_date(node.value, offset_);
            node.low = d.seconds;
            if (node.op == "=") { // RT: "=" on a date is the whole day, wherever the time was
                node.low = d.seconds - ((d.seconds + offset_.count() * 60) % 86400 + 86400) % 86400;
                node.high = node.low + 86400;
            }
        }
        return node;
    }
};

template <class T> bool compare(const T &a, std::string_view op, const T &b)
{
    if (op == "=") return a == b;
    if (op == "!=") return a != b;
    if (op == ">") return a > b;
    if (op == ">=") return a >= b;
    if (op == "<") return a < b;
    if (op == "<=") return a <= b;
    return false;
}

bool node_matches(const SqlQuery::Node &node, const SqlRecord &record)
{
    using Kind = SqlQuery::Node::Kind;
    if (node.kind == Kind::all)
        return std::all_of(node.children.begin(), node.children.end(),
                           [&](const auto &c) { return node_matches(c, record); });
    if (node.kind == Kind::any)
        return std::any_of(node.children.begin(), node.children.end(),
                           [&](const auto &c) { return node_matches(c, record); });
    const auto it = record.find(node.field);
    const std::string have = it == record.end() ? std::string() : it->second;
    if (is_date_field(node.field)) {
        const int64_t t = to_number(have);
        if (node.op == "=") return t >= node.low && t < node.high;
        return compare(t, node.op, node.low);
    }
    if (is_number_field(node.field)) return compare(to_number(have), node.op, to_number(node.value));
    if (node.op == "like") return lower(have).find(lower(node.value)) != std::string::npos;
    return compare(lower(have), node.op, lower(node.value));
}

} // namespace

SqlQuery::SqlQuery(std::string_view text, std::chrono::minutes offset)
    : root_(std::make_unique<Node>(Parser(text, offset).parse()))
{
}

SqlQuery::~SqlQuery() = default;
SqlQuery::SqlQuery(SqlQuery &&) noexcept = default;

bool SqlQuery::matches(const SqlRecord &record) const
{
    return node_matches(*root_, record);
}

} // namespace servicelens::fakes
