#include "store/SqliteVerificationStore.hpp"

#include "common/Encoding.hpp"

namespace roomgate::store {
namespace {
constexpr std::string_view kColumns =
    "sid, destination, channel, nonce, code_hash, digits, status, checks, created_at, expires_at";

verify::VerificationRecord readRecord(const Statement& st) {
  verify::VerificationRecord r;
  r.sid = st.text(0);
  r.destination = st.text(1);
  r.channel = st.text(2);
  r.nonce = st.blob(3);
  r.codeHash = st.blob(4);
  r.digits = static_cast<int>(st.integer(5));
  r.status = verify::parseVerificationStatus(st.text(6)).value_or(verify::VerificationStatus::kCanceled);
  r.checks = static_cast<int>(st.integer(7));
  r.createdAt = st.integer(8);
  r.expiresAt = st.integer(9);
  return r;
}
}  // namespace

void SqliteVerificationStore::atomically(const std::function<void()>& fn) {
  Transaction tx(db_);
  fn();
  tx.commit();
}

std::optional<verify::VerificationRecord> SqliteVerificationStore::findPending(std::string_view destination) {
  auto st = db_.prepare(std::string("SELECT ") + std::string(kColumns) +
                        " FROM verifications WHERE destination = ? AND status = 'pending'"
                        " ORDER BY created_at DESC LIMIT 1");
  st.bind(1, destination);
  if (!st.step()) return std::nullopt;
  return readRecord(st);
}

std::optional<verify::VerificationRecord> SqliteVerificationStore::find(std::string_view sid) {
  auto st = db_.prepare(std::string("SELECT ") + std::string(kColumns) + " FROM verifications WHERE sid = ?");
  st.bind(1, sid);
  if (!st.step()) return std::nullopt;
  return readRecord(st);
}

void SqliteVerificationStore::insert(const verify::VerificationRecord& r) {
  auto st = db_.prepare(std::string("INSERT INTO verifications (") + std::string(kColumns) +
                        ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, r.sid).bind(2, r.destination).bind(3, r.channel);
  st.bindBlob(4, asBytes(r.nonce)).bindBlob(5, asBytes(r.codeHash));
  st.bind(6, int64_t{r.digits}).bind(7, verify::toString(r.status)).bind(8, int64_t{r.checks});
  st.bind(9, r.createdAt).bind(10, r.expiresAt);
  st.run();
}

void SqliteVerificationStore::update(std::string_view sid, verify::VerificationStatus status, int checks) {
  auto st = db_.prepare("UPDATE verifications SET status = ?, checks = ? WHERE sid = ?");
  st.bind(1, verify::toString(status)).bind(2, int64_t{checks}).bind(3, sid);
  st.run();
}

std::vector<int64_t> SqliteVerificationStore::sendTimes(std::string_view destination, int64_t since) {
  auto st = db_.prepare("SELECT sent_at FROM sends WHERE destination = ? AND sent_at > ?");
  st.bind(1, destination).bind(2, since);
  std::vector<int64_t> out;
  while (st.step()) out.push_back(st.integer(0));
  return out;
}

void SqliteVerificationStore::recordSend(std::string_view destination, int64_t at) {
  // seq only tells apart two sends to one destination in the same second.
  auto st = db_.prepare(
      "INSERT INTO sends (destination, sent_at, seq) VALUES (?1, ?2, "
      "(SELECT COUNT(*) FROM sends WHERE destination = ?1 AND sent_at = ?2))");
  st.bind(1, destination).bind(2, at);
  st.run();
}

void SqliteVerificationStore::forgetSend(std::string_view destination, int64_t at) {
  auto st = db_.prepare(
      "DELETE FROM sends WHERE destination = ?1 AND sent_at = ?2 AND seq = "
      "(SELECT MAX(seq) FROM sends WHERE destination = ?1 AND sent_at = ?2)");
  st.bind(1, destination).bind(2, at);
  st.run();
}

std::optional<std::pair<std::string, std::string>> SqliteVerificationStore::lastApproved(
    const std::vector<std::string>& destinations) {
  std::optional<std::pair<std::string, std::string>> best;
  int64_t bestAt = -1;
  for (const auto& d : destinations) {
    auto st = db_.prepare(
        "SELECT channel, destination, created_at FROM verifications WHERE destination = ? AND status = "
        "'approved' "
        "ORDER BY created_at DESC LIMIT 1");
    st.bind(1, d);
    if (st.step() && st.integer(2) > bestAt) {
      bestAt = st.integer(2);
      best = std::make_pair(st.text(0), st.text(1));
    }
  }
  return best;
}

std::size_t SqliteVerificationStore::prune(int64_t before) {
  std::size_t removed = 0;
  Transaction tx(db_);
  {
    // Approved ones are kept a day longer: they say how a guest in a call proved who they are.
    auto st = db_.prepare(
        "DELETE FROM verifications WHERE expires_at < ? AND (status != 'approved' OR expires_at < ?)");
    st.bind(1, before).bind(2, before - 86400).run();
    removed += static_cast<std::size_t>(db_.changes());
  }
  {
    auto st = db_.prepare("DELETE FROM sends WHERE sent_at < ?");
    st.bind(1, before).run();
    removed += static_cast<std::size_t>(db_.changes());
  }
  tx.commit();
  return removed;
}

}  // namespace roomgate::store
