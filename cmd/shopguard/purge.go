package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/sqlstore"
)

// purge does once what serve does every hour (intel.Service.Tidy), with the same retention
// and blob store.
func (m *Main) purge(ctx context.Context, args []string) error {
	var cfg *Config
	help := fmt.Sprintf(`Delete now what serve deletes every hour: community reports older than --report-retention-days
(none when it is 0), changes older than %d days, and evidence files that no case or report uses
and that were put more than %d minutes ago. Prints how many of each it deleted.`,
		intel.ChangeRetention/(24*time.Hour), int(blob.DefaultGrace/time.Minute))
	return m.withStore(ctx, "purge", "", help, args, func(c *Config, fs *flag.FlagSet) {
		cfg = c
		c.retentionFlag(fs)
	}, func(db *sqlstore.DB, rest []string) error {
		if len(rest) > 0 {
			return usagef("purge takes no arguments, got %q", rest)
		}
		s, err := startIntel(ctx, db, *cfg)
		if err != nil {
			return err
		}
		s.Limits.Retention = cfg.retention()
		if s.Blobs, err = cfg.openBlobs(ctx); err != nil {
			return err
		}
		t, err := s.Tidy(ctx)
		fmt.Fprintf(m.Stdout, "purged %d reports, %d changes, %d unused files\n", t.Reports, t.Changes, t.Files)
		return err
	})
}
