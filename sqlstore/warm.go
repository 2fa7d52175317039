package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/shopguard/shopguard"
)

// Warm readies n of the write pool's connections for the writes before a node serves: it
// holds n connections at once, so that the pool opens them, and on each runs a report's write
// (CreateReport's statements, scored as ScoreWith says) in a transaction it rolls back. A
// fresh connection is cold: on PostgreSQL, each statement is parsed, planned and cached on its
// first use on that connection, and the server process behind it reads the tables' catalog
// entries as it first touches them. Done under load, that costs a write's first runs on each
// connection milliseconds more while it holds its identifiers' locks, the writes behind them
// queue, the pool opens more cold connections, and a fresh node's writes stalled for seconds
// (docs/scaling.md, "cold start"). n is at most the pool's limit. Nothing stays written: the report and its changes are rolled
// back (on PostgreSQL the sequences keep the numbers taken, gaps no reader relies on).
func (db *DB) Warm(ctx context.Context, n int) error {
	if most := db.Write.Stats().MaxOpenConnections; most > 0 {
		n = min(n, most) // SQLite's one: waiting for a second would never end
	}
	conns := make([]*sql.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := db.Write.Conn(ctx)
		if err != nil {
			return fmt.Errorf("%s: warm: connect: %w", db.Dialect.Name, err)
		}
		conns = append(conns, c)
	}
	errs := make([]error, len(conns))
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.warmConn(ctx, c)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// warmReport is the report a warm-up writes and rolls back; its identifier is made up.
var warmReport = shopguard.Report{
	ScamType:    "fake_shop",
	Identifiers: []shopguard.Identifier{{Kind: shopguard.KindPhone, Value: "+10000000000"}},
	Narrative:   "warm-up",
}

// warmConn runs a report's write on c and rolls it back.
func (db *DB) warmConn(ctx context.Context, c *sql.Conn) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: warm: begin: %w", db.Dialect.Name, err)
	}
	defer tx.Rollback()
	r := warmReport
	r.Identifiers = append([]shopguard.Identifier(nil), warmReport.Identifiers...)
	if err := db.writeReport(ctx, tx, "warm", &r, "[]", now(), nil); err != nil {
		return fmt.Errorf("%s: warm: %w", db.Dialect.Name, err)
	}
	return nil
}
