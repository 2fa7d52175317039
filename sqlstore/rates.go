package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/shopguard/shopguard"
)

// ShareRates implements shopguard.RateStore. The clients are written in one order on every
// node, so that two nodes sharing at once never wait on each other's rows in a cycle.
func (db *DB) ShareRates(ctx context.Context, node string, used map[string]int64, since, expired time.Time) ([]shopguard.RateUsage, error) {
	if len(used) > 0 || !expired.IsZero() {
		if err := db.writeRates(ctx, node, used, expired); err != nil {
			return nil, err
		}
	}
	rows, err := db.Read.QueryContext(ctx, `SELECT node, client, used FROM rate_usage WHERE node <> $1 AND updated >= $2`, node, toDB(since))
	if err != nil {
		return nil, fmt.Errorf("%s: read shared rate limits: %w", db.Dialect.Name, err)
	}
	defer rows.Close()
	var out []shopguard.RateUsage
	for rows.Next() {
		var u shopguard.RateUsage
		if err := rows.Scan(&u.Node, &u.Client, &u.Used); err != nil {
			return nil, fmt.Errorf("%s: read shared rate limits: %w", db.Dialect.Name, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: read shared rate limits: %w", db.Dialect.Name, err)
	}
	return out, nil
}

// writeRates adds used to the node's running totals and, unless expired is zero, forgets the
// totals no node has touched since expired, in one transaction.
func (db *DB) writeRates(ctx context.Context, node string, used map[string]int64, expired time.Time) error {
	clients := make([]string, 0, len(used))
	for c := range used {
		clients = append(clients, c)
	}
	slices.Sort(clients)
	at := toDB(now())
	return db.inTx(ctx, "share rate limits", func(tx *sql.Tx) error {
		for _, c := range clients {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO rate_usage (node, client, used, updated) VALUES ($1, $2, $3, $4)
				ON CONFLICT (node, client) DO UPDATE SET used = rate_usage.used + excluded.used, updated = excluded.updated`,
				node, c, used[c], at); err != nil {
				return fmt.Errorf("%s: share rate limits: %w", db.Dialect.Name, err)
			}
		}
		if expired.IsZero() {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM rate_usage WHERE updated < $1`, toDB(expired)); err != nil {
			return fmt.Errorf("%s: forget old rate limits: %w", db.Dialect.Name, err)
		}
		return nil
	})
}
