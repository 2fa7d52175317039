package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/shopguard/shopguard"
)

// AddPrices stores prices in one transaction.
func (db *DB) AddPrices(ctx context.Context, ps []shopguard.PriceObservation) error {
	return db.inTx(ctx, "add prices", func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `INSERT INTO prices (item, category, amount, currency, source, imported, seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`)
		if err != nil {
			return fmt.Errorf("%s: add prices: %w", db.Dialect.Name, err)
		}
		defer st.Close()
		for _, p := range ps {
			if _, err := st.ExecContext(ctx, p.Item, p.Category, p.Amount, p.Currency, p.Source, p.Imported, toDB(p.SeenAt)); err != nil {
				return db.wrap("add prices", "price", err)
			}
		}
		return nil
	})
}

// EachPrice calls fn for every price stored, oldest first.
func (db *DB) EachPrice(ctx context.Context, fn func(shopguard.PriceObservation) error) error {
	rows, err := db.Read.QueryContext(ctx, `SELECT item, category, amount, currency, source, imported, seen_at FROM prices ORDER BY id`)
	if err != nil {
		return db.wrap("read prices", "prices", err)
	}
	defer rows.Close()
	for rows.Next() {
		var p shopguard.PriceObservation
		var at int64
		if err := rows.Scan(&p.Item, &p.Category, &p.Amount, &p.Currency, &p.Source, &p.Imported, &at); err != nil {
			return db.wrap("read prices", "prices", err)
		}
		p.SeenAt = fromDB(at)
		if err := fn(p); err != nil {
			return err
		}
	}
	return db.wrap("read prices", "prices", rows.Err())
}
