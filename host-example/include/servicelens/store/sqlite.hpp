// A thin RAII layer over SQLite's C API: a connection, prepared statements
// and transactions, with errors thrown as SqliteError naming the file and
// the statement. Nothing more: SQL stays visible at the call site.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace servicelens::store {

class SqliteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Database;

class Statement {
public:
    Statement(Database &db, std::string_view sql);
    ~Statement();
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    Statement(Statement &&other) noexcept;

    // Binds by 1-based position; returns *this for chaining.
    Statement &bind(int index, std::string_view text);
    // Binds text SQLite reads where it is, uncopied: it must stay alive and
    // unchanged until the statement is reset (run() resets it). For the
    // kilobytes of a batch's rows, which a copying bind would copy twice.
    Statement &bind_borrowed(int index, std::string_view text);
    Statement &bind(int index, int64_t value);
    Statement &bind(int index, double value);
    Statement &bind_null(int index);

    // Runs one step: true while a row is available.
    bool step();
    // Runs to completion (for statements that return no rows).
    void run();
    // Back to the start, bindings cleared, ready to be bound and run again.
    void reset();

    std::string text(int column) const;
    int64_t integer(int column) const;
    double real(int column) const;
    bool is_null(int column) const;

private:
    Database *db_;
    sqlite3_stmt *stmt_ = nullptr;
    std::string sql_;
};

class Database {
public:
    // Opens (creating when missing) the file in WAL mode with
    // synchronous=FULL: a committed transaction survives a crash or power loss.
    explicit Database(const std::filesystem::path &file);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    void execute(std::string_view sql);   // one or more statements, no rows
    Statement prepare(std::string_view sql) { return Statement(*this, sql); }
    int64_t last_insert_id() const;
    int changes() const;
    int64_t page_size();

    const std::filesystem::path &file() const noexcept { return file_; }
    sqlite3 *handle() const noexcept { return db_; }

    [[noreturn]] void fail(const std::string &what) const;

private:
    std::filesystem::path file_;
    sqlite3 *db_ = nullptr;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless commit() was called.
class Transaction {
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    Database &db_;
    bool done_ = false;
};

} // namespace servicelens::store
