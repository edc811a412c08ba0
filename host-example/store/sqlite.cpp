#include <servicelens/store/sqlite.hpp>

#include <sqlite3.h>

#include <fmt/format.h>

#include <utility>

namespace servicelens::store {

Database::Database(const std::filesystem::path &file) : file_(file)
{
    if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        nullptr) != SQLITE_OK) {
        const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw SqliteError(fmt::format("{}: cannot open the database: {}", file.string(), message));
    }
    // Another process (a second sync, a report) may hold the lock briefly.
    sqlite3_busy_timeout(db_, 10000);
    // 16 KiB pages for a new file (an existing one keeps its own): a sync
    // appends a few KiB per incident, and with SQLite's default of 4 KiB the
    // B-trees split, and the WAL and its checkpoints handle, four times as
    // many pages; a sync's state-store time fell by a fifth (bench/RESULTS.md).
    // Larger pages measured no better within the noise, and would write more
    // for each row a later sync updates. 32 MiB of page cache: the stores are
    // read and written in batches that would otherwise go back to the kernel
    // for every page. Checkpoints every 64 MiB of WAL (4,096 pages) rather
    // than 4: a page that many batches touch (an index's inner pages) is
    // copied into the database once, not once per 4 MiB.
    execute("PRAGMA page_size=16384; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-32768;");
    constexpr int64_t checkpoint_bytes = 64 << 20;
    execute(fmt::format("PRAGMA wal_autocheckpoint={};", checkpoint_bytes / page_size()));
}

Database::~Database() { sqlite3_close(db_); }

int64_t Database::page_size()
{
    Statement q = prepare("PRAGMA page_size");
    q.step();
    return q.integer(0);
}

void Database::fail(const std::string &what) const
{
    throw SqliteError(fmt::format("{}: {}: {}", file_.string(), what, sqlite3_errmsg(db_)));
}

void Database::execute(std::string_view sql)
{
    char *error = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw SqliteError(fmt::format("{}: {}: {}", file_.string(), message, sql.substr(0, 80)));
    }
}

int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

Statement::Statement(Database &db, std::string_view sql) : db_(&db), sql_(sql)
{
    if (sqlite3_prepare_v2(db.handle(), sql_.data(), static_cast<int>(sql_.size()), &stmt_, nullptr) != SQLITE_OK)
        db.fail("cannot prepare `" + sql_ + "`");
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement &&other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)), sql_(std::move(other.sql_))
{
}

Statement &Statement::bind(int index, std::string_view text)
{
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
        db_->fail("cannot bind parameter " + std::to_string(index) + " of `" + sql_ + "`");
    return *this;
}

Statement &Statement::bind_borrowed(int index, std::string_view text)
{
    if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC) != SQLITE_OK)
        db_->fail("cannot bind parameter " + std::to_string(index) + " of `" + sql_ + "`");
    return *this;
}

Statement &Statement::bind(int index, int64_t value)
{
    if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) db_->fail("cannot bind `" + sql_ + "`");
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    if (sqlite3_bind_double(stmt_, index, value) != SQLITE_OK) db_->fail("cannot bind `" + sql_ + "`");
    return *this;
}

Statement &Statement::bind_null(int index)
{
    if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_->fail("cannot bind `" + sql_ + "`");
    return *this;
}

bool Statement::step()
{
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    db_->fail("`" + sql_ + "` failed");
}

void Statement::run()
{
    while (step()) {
    }
    reset();
}

void Statement::reset()
{
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(stmt_, column));
    return data ? std::string(data, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column))) : std::string();
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

bool Statement::is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

Transaction::Transaction(Database &db) : db_(db) { db_.execute("BEGIN IMMEDIATE"); }

Transaction::~Transaction()
{
    if (!done_) {
        try {
            db_.execute("ROLLBACK");
        } catch (...) {
        }
    }
}

void Transaction::commit()
{
    db_.execute("COMMIT");
    done_ = true;
}

} // namespace servicelens::store
