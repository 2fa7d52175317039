-- Imported threat feeds live in the database, so that every node loads the same ones and a
-- feed imported on any node reaches all of them within seconds: the entries (one domain or
-- URL a line, as the list format writes them), a version that grows with every save, and the
-- state of refreshing the feed from its URL (the last download's validators, and when a node
-- last claimed the refresh, so that one node fetches it at a time).
CREATE TABLE feeds (
  name          TEXT PRIMARY KEY,
  entries       TEXT NOT NULL DEFAULT '',
  entry_count   INTEGER NOT NULL DEFAULT 0,
  updated       BIGINT NOT NULL DEFAULT 0,
  version       BIGINT NOT NULL DEFAULT 0,
  etag          TEXT NOT NULL DEFAULT '',
  last_modified TEXT NOT NULL DEFAULT '',
  claimed       BIGINT NOT NULL DEFAULT 0
);
