#include "store/Database.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <map>

#include "common/Check.hpp"
#include "store/Schema.hpp"

namespace roomgate::store {
namespace {
[[noreturn]] void fail(sqlite3* db, std::string_view what) {
  throw DatabaseError(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}
// One write lock per database file, shared by the connections of this process.
std::shared_ptr<std::mutex> writeLockFor(const std::string& path) {
  static std::mutex registryMutex;
  static std::map<std::string, std::weak_ptr<std::mutex>> registry;
  std::error_code ec;
  auto key = std::filesystem::weakly_canonical(path, ec).string();
  if (ec) key = path;
  std::lock_guard guard(registryMutex);
  auto& weak = registry[key];
  auto lock = weak.lock();
  if (!lock) weak = lock = std::make_shared<std::mutex>();
  return lock;
}
}  // namespace

Statement::~Statement() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int index, int64_t value) {
  if (sqlite3_bind_int64(stmt_, index, value) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bindBlob(int index, std::span<const std::byte> blob) {
  if (sqlite3_bind_blob(stmt_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    fail(db_, "bind");
  return *this;
}
Statement& Statement::bindNull(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) fail(db_, "bind");
  return *this;
}
Statement& Statement::bind(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bindNull(index);
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(db_, "query");
}
void Statement::run() {
  while (step()) {
  }
}

std::string Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}
std::optional<std::string> Statement::optText(int col) const {
  if (isNull(col)) return std::nullopt;
  return text(col);
}
int64_t Statement::integer(int col) const {
  return sqlite3_column_int64(stmt_, col);
}
std::string Statement::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
}
bool Statement::isNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

Database::Database(const std::string& path, DatabaseOptions options)
    : path_(path), writeLock_(writeLockFor(path)) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    std::string msg = "cannot open database " + path + ": " + (db_ ? sqlite3_errmsg(db_) : "out of memory");
    sqlite3_close(db_);
    throw DatabaseError(msg);
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  try {
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");  // durable across process crashes; WAL keeps the file consistent
    exec("PRAGMA foreign_keys=ON");
    if (!options.autoCheckpoint) exec("PRAGMA wal_autocheckpoint=0");
    migrate();
  } catch (...) {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
    throw;
  }
}

Database::~Database() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

Statement Database::prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
      fail(db_, "prepare");
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw DatabaseError(msg);
  }
}

int64_t Database::lastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_);
}
int Database::changes() const {
  return sqlite3_changes(db_);
}

std::size_t Database::deleteBatch(std::string_view deleteSql, int64_t before, int limit) {
  prepare(deleteSql).bind(1, before).bind(2, int64_t{limit}).run();
  return static_cast<std::size_t>(changes());
}

int Database::schemaVersion() {
  auto st = prepare("PRAGMA user_version");
  st.step();
  return static_cast<int>(st.integer(0));
}

void Database::migrate() {
  const auto& migrations = schemaMigrations();
  const int current = schemaVersion();
  if (current > static_cast<int>(migrations.size()))
    throw DatabaseError("database " + path_ + " has schema version " + std::to_string(current) +
                        ", newer than this roomgate understands (" + std::to_string(migrations.size()) +
                        "); upgrade roomgate");
  for (int v = current; v < static_cast<int>(migrations.size()); ++v) {
    Transaction tx(*this);
    exec(migrations[static_cast<std::size_t>(v)]);
    exec("PRAGMA user_version=" + std::to_string(v + 1));
    tx.commit();
  }
}

void Database::openGroup() {
  CHECK(!group_ && transactionDepth_ == 0);
  group_.emplace(*writeLock_);
  prepare("BEGIN IMMEDIATE").run();
  ++transactionDepth_;
}

bool Database::commitGroup() {
  CHECK(group_ && transactionDepth_ == 1);
  bool ok = true;
  try {
    prepare("COMMIT").run();
  } catch (const DatabaseError&) {
    ok = false;
    try {
      prepare("ROLLBACK").run();
    } catch (const DatabaseError&) {  // nothing more to undo
    }
  }
  --transactionDepth_;
  group_.reset();
  return ok;
}

Transaction::Transaction(Database& db) : db_(db), nested_(db.transactionDepth_ > 0) {
  if (nested_) {
    db_.prepare("SAVEPOINT nested").run();
  } else {
    lock_ = std::unique_lock(*db.writeLock_);
    db_.prepare("BEGIN IMMEDIATE").run();
  }
  ++db_.transactionDepth_;
}
Transaction::~Transaction() {
  --db_.transactionDepth_;
  if (done_) return;
  try {
    if (nested_) {
      db_.prepare("ROLLBACK TO nested").run();
      db_.prepare("RELEASE nested").run();
    } else {
      db_.prepare("ROLLBACK").run();
    }
  } catch (...) {  // a failed rollback leaves SQLite to roll back when the connection closes
  }
}
void Transaction::commit() {
  db_.prepare(nested_ ? "RELEASE nested" : "COMMIT").run();
  done_ = true;
}

}  // namespace roomgate::store
