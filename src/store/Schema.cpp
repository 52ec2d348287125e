#include "store/Schema.hpp"

namespace roomgate::store {

const std::vector<std::string>& schemaMigrations() {
  static const std::vector<std::string> migrations = {
      // 1: guest list, verifications, delivery outbox, settings.
      R"sql(
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE participants (
  id         INTEGER PRIMARY KEY,
  identity   TEXT NOT NULL UNIQUE COLLATE NOCASE,
  phone      TEXT,
  email      TEXT,
  created_at INTEGER NOT NULL,
  CHECK (phone IS NOT NULL OR email IS NOT NULL)
);
CREATE TABLE rooms (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  created_at INTEGER NOT NULL
);
CREATE TABLE participant_rooms (
  participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
  room_id        INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
  position       INTEGER NOT NULL,
  PRIMARY KEY (participant_id, room_id)
);
CREATE TABLE verifications (
  sid         TEXT PRIMARY KEY,
  destination TEXT NOT NULL,
  channel     TEXT NOT NULL,
  nonce       BLOB NOT NULL,
  code_hash   BLOB NOT NULL,
  digits      INTEGER NOT NULL,
  status      TEXT NOT NULL,
  checks      INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX verifications_by_destination ON verifications(destination, status, expires_at);
CREATE TABLE sends (
  destination TEXT NOT NULL,
  sent_at     INTEGER NOT NULL
);
CREATE INDEX sends_by_destination ON sends(destination, sent_at);
CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  verification_sid TEXT,
  to_address       TEXT NOT NULL,
  channel          TEXT NOT NULL,
  body             TEXT,
  code             TEXT,
  status           TEXT NOT NULL,
  error            TEXT,
  queued_at        INTEGER NOT NULL,
  sent_at          INTEGER
);
CREATE INDEX outbox_by_address ON outbox(to_address, id);
)sql",
      // 2: live rooms: each room's type and capacity; per-identity revocation watermarks.
      R"sql(
ALTER TABLE rooms ADD COLUMN type TEXT NOT NULL DEFAULT 'peer-to-peer';
ALTER TABLE rooms ADD COLUMN max_participants INTEGER NOT NULL DEFAULT 4;
CREATE TABLE revocations (
  identity       TEXT NOT NULL COLLATE NOCASE,
  room           TEXT NOT NULL DEFAULT '' COLLATE NOCASE,  -- '' = every room
  revoked_before INTEGER NOT NULL,                          -- tokens issued at or before are refused
  seq            INTEGER NOT NULL,                          -- grows with every change, for watchers
  PRIMARY KEY (identity, room)
);
)sql",
      // 3: fewer B-trees written per login and check: verifications and sends keyed by what they are
      // looked up by (WITHOUT ROWID), and no status in the destination index (a check then updates
      // only the row).
      R"sql(
CREATE TABLE verifications_v3 (
  sid         TEXT PRIMARY KEY,
  destination TEXT NOT NULL,
  channel     TEXT NOT NULL,
  nonce       BLOB NOT NULL,
  code_hash   BLOB NOT NULL,
  digits      INTEGER NOT NULL,
  status      TEXT NOT NULL,
  checks      INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO verifications_v3 SELECT sid, destination, channel, nonce, code_hash, digits, status, checks, created_at, expires_at FROM verifications;
DROP TABLE verifications;
ALTER TABLE verifications_v3 RENAME TO verifications;
CREATE INDEX verifications_by_destination ON verifications(destination, created_at);
CREATE TABLE sends_v3 (
  destination TEXT NOT NULL,
  sent_at     INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  PRIMARY KEY (destination, sent_at, seq)
) WITHOUT ROWID;
INSERT INTO sends_v3 SELECT destination, sent_at, rowid FROM sends;
DROP TABLE sends;
ALTER TABLE sends_v3 RENAME TO sends;
)sql",
      // 4: the token-signing secret is derived from SECRET_KEY and no longer kept in the file (before,
      // a copy of the file could mint tokens). Tokens signed with the stored one stop being accepted.
      R"sql(
DELETE FROM settings WHERE key = 'token_api_key_secret';
)sql",
      // 5: the audit log: one row per login, send, check, token, join, leave, kick and revocation,
      // appended on the I/O thread, pruned after ROOMGATE_AUDIT_RETENTION_DAYS (oldest ids first, so
      // pruning needs no index on `at`). Never a code, token or secret; destinations masked.
      // IF NOT EXISTS: a file whose user_version was set back (an older copy restored over a newer one)
      // migrates again without failing here.
      R"sql(
CREATE TABLE IF NOT EXISTS audit (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,  -- unix seconds
  event    TEXT NOT NULL,
  identity TEXT NOT NULL DEFAULT '',
  room     TEXT NOT NULL DEFAULT '',
  client   TEXT NOT NULL DEFAULT '',
  known    INTEGER,           -- logins: 1 if the name is on the guest list, else 0; NULL for other events
  outcome  TEXT NOT NULL DEFAULT '',
  detail   TEXT NOT NULL DEFAULT ''
);
)sql",
  };
  return migrations;
}

}  // namespace roomgate::store
