#include "store/AuditRepository.hpp"

#include <algorithm>

namespace roomgate::store {

void AuditRepository::append(const AuditRecord& r) {
  auto st = db_.prepare(
      "INSERT INTO audit (at, event, identity, room, client, known, outcome, detail)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, r.at).bind(2, r.event).bind(3, r.identity).bind(4, r.room).bind(5, r.client);
  if (r.known)
    st.bind(6, int64_t{*r.known ? 1 : 0});
  else
    st.bindNull(6);
  st.bind(7, r.outcome).bind(8, r.detail);
  st.run();
}

std::vector<AuditRecord> AuditRepository::list(const AuditQuery& query) {
  // NULL parameters match everything, so one statement serves every combination of filters.
  auto st = db_.prepare(
      "SELECT id, at, event, identity, room, client, known, outcome, detail FROM audit"
      " WHERE (?1 IS NULL OR identity = ?1 COLLATE NOCASE) AND (?2 IS NULL OR room = ?2 COLLATE NOCASE)"
      " AND (?3 IS NULL OR at >= ?3) ORDER BY id DESC LIMIT ?4");
  st.bind(1, query.identity).bind(2, query.room);
  if (query.since)
    st.bind(3, *query.since);
  else
    st.bindNull(3);
  st.bind(4, int64_t{query.limit});
  std::vector<AuditRecord> out;
  while (st.step()) {
    AuditRecord r;
    r.id = st.integer(0);
    r.at = st.integer(1);
    r.event = st.text(2);
    r.identity = st.text(3);
    r.room = st.text(4);
    r.client = st.text(5);
    if (!st.isNull(6)) r.known = st.integer(6) != 0;
    r.outcome = st.text(7);
    r.detail = st.text(8);
    out.push_back(std::move(r));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::size_t AuditRepository::pruneBefore(int64_t before, int limit) {
  return db_.deleteBatch(
      "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ?1 ORDER BY id LIMIT ?2)", before,
      limit);
}

}  // namespace roomgate::store
