#include "store/OutboxRepository.hpp"

namespace roomgate::store {

void OutboxRepository::append(std::span<const delivery::OutboxEntry> entries) {
  Transaction tx(db_);
  for (const auto& e : entries) {
    auto st = db_.prepare(
        "INSERT INTO outbox (verification_sid, to_address, channel, body, code, status, error, queued_at, "
        "sent_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, e.verificationSid).bind(2, e.to).bind(3, e.channel).bind(4, e.body).bind(5, e.code);
    st.bind(6, e.status).bind(7, e.error).bind(8, e.queuedAt);
    if (e.sentAt)
      st.bind(9, *e.sentAt);
    else
      st.bindNull(9);
    st.run();
  }
  tx.commit();
}

std::vector<delivery::OutboxEntry> OutboxRepository::list(const std::optional<std::string>& to, int limit) {
  constexpr std::string_view kSelect =
      "SELECT id, verification_sid, to_address, channel, body, code, status, error, queued_at, sent_at FROM "
      "outbox ";
  auto st = db_.prepare(std::string(kSelect) +
                        (to ? "WHERE to_address = ? ORDER BY id DESC LIMIT ?" : "ORDER BY id DESC LIMIT ?"));
  int i = 1;
  if (to) st.bind(i++, *to);
  st.bind(i, int64_t{limit});
  std::vector<delivery::OutboxEntry> out;
  while (st.step()) {
    delivery::OutboxEntry e;
    e.id = st.integer(0);
    e.verificationSid = st.text(1);
    e.to = st.text(2);
    e.channel = st.text(3);
    e.body = st.optText(4);
    e.code = st.optText(5);
    e.status = st.text(6);
    e.error = st.optText(7);
    e.queuedAt = st.integer(8);
    if (!st.isNull(9)) e.sentAt = st.integer(9);
    out.push_back(std::move(e));
  }
  return out;
}

std::size_t OutboxRepository::pruneBefore(int64_t before, int limit) {
  return db_.deleteBatch(
      "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox WHERE queued_at < ?1 ORDER BY id LIMIT ?2)",
      before, limit);
}

}  // namespace roomgate::store
