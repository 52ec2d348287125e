#pragma once
// Database: one SQLite connection (RAII), prepared statements, transactions and schema migrations.
// Thread: a Database is used by one thread at a time; each thread that needs the file opens its own
// connection (WAL lets readers and one writer work side by side, busy_timeout waits out the writer lock).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

struct sqlite3;
struct sqlite3_stmt;

namespace roomgate::store {

// How long a connection waits for another connection's write lock before failing.
inline constexpr int kBusyTimeoutMs = 5000;

// Thrown only for failures of the storage itself (disk full, corrupt file, lock timeout); callers on the
// control path turn it into a 500/503 or a CLI message. Bad user input never reaches SQL as an error.
class DatabaseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();  // resets (the compiled statement is owned by the Database's cache)

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, int64_t value);
  Statement& bindBlob(int index, std::span<const std::byte> blob);
  Statement& bindNull(int index);
  Statement& bind(int index, const std::optional<std::string>& text);

  // Advances to the next row; false when done. Throws DatabaseError on failure (e.g. constraint).
  bool step();
  // Runs a statement that returns no rows.
  void run();

  [[nodiscard]] std::string text(int col) const;
  [[nodiscard]] std::optional<std::string> optText(int col) const;
  [[nodiscard]] int64_t integer(int col) const;
  [[nodiscard]] std::string blob(int col) const;
  [[nodiscard]] bool isNull(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

struct DatabaseOptions {
  // Let commits run WAL checkpoints (SQLite's default). The server turns it off on its request-path
  // connection and checkpoints from a Checkpointer thread instead, so no request waits on an fsync.
  bool autoCheckpoint = true;
};

class Database {
 public:
  // Opens (creating if needed) the file at `path`, enables WAL and foreign keys, and migrates the schema
  // to the newest version. Throws DatabaseError with a readable message if the file cannot be used.
  explicit Database(const std::string& path, DatabaseOptions options = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A cached prepared statement for `sql`; valid until the returned Statement is destroyed.
  [[nodiscard]] Statement prepare(std::string_view sql);
  void exec(std::string_view sql);
  [[nodiscard]] int64_t lastInsertRowId() const;
  [[nodiscard]] int changes() const;
  // Runs `deleteSql`, a DELETE taking ?1 = a unix time and ?2 = the most rows to delete; returns how many
  // it deleted (the retention pruning's bounded batches).
  std::size_t deleteBatch(std::string_view deleteSql, int64_t before, int limit);
  // True inside a Transaction or an open group on this connection.
  [[nodiscard]] bool inTransaction() const { return transactionDepth_ > 0; }
  [[nodiscard]] int schemaVersion();
  [[nodiscard]] const std::string& path() const { return path_; }

  // Group commit: opens one write transaction that the Transactions of many requests nest in (as
  // savepoints) until commitGroup(), so their page writes and locks are paid once. False if the commit
  // failed (then everything since openGroup() is rolled back). Thread: this connection's.
  void openGroup();
  [[nodiscard]] bool commitGroup();
  [[nodiscard]] bool groupOpen() const { return group_.has_value(); }

 private:
  friend class Transaction;
  void migrate();
  sqlite3* db_ = nullptr;
  std::string path_;
  // Shared by every connection of this process to the same file: write transactions queue here instead
  // of sleeping in SQLite's busy handler (which backs off by milliseconds).
  std::shared_ptr<std::mutex> writeLock_;
  int transactionDepth_ = 0;
  std::optional<std::unique_lock<std::mutex>> group_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed without commit() (an exception, an early return),
// so a multi-row change is applied whole or not at all. Inside another Transaction or an open group on
// the same connection it is a SAVEPOINT: its rollback undoes only its own changes.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  std::unique_lock<std::mutex> lock_;  // held by the outermost only
  bool nested_ = false;
  bool done_ = false;
};

}  // namespace roomgate::store
