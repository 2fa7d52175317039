-- Prices of items: reference prices an operator imported and prices seen in checks. The
-- server keeps robust statistics of them in memory (prices package); item is the normalised
-- name ("" for a category's reference), source says where the price came from.
CREATE TABLE prices (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	item TEXT NOT NULL,
	category TEXT NOT NULL DEFAULT '',
	amount BIGINT NOT NULL CHECK (amount > 0),
	currency TEXT NOT NULL,
	source TEXT NOT NULL,
	imported BOOLEAN NOT NULL,
	seen_at BIGINT NOT NULL
);
CREATE INDEX prices_item ON prices(item, currency);
