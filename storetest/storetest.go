// Package storetest is the conformance suite every shopguard.Store implementation passes: the
// same tests run against a real SQLite file and a real PostgreSQL database.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to make a scratch schema

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/testenv"
)

// PostgresEnv names the variable holding the DSN of the PostgreSQL server tests may use.
const PostgresEnv = "SHOPGUARD_TEST_POSTGRES"

// PostgresDSN returns a DSN for a fresh, empty schema on the test server, dropped when the
// test ends. It skips the test, saying why, when PostgresEnv is not set.
func PostgresDSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		testenv.Missing(tb, "PostgreSQL tests skipped: set %s to a DSN (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them", PostgresEnv)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "sgtest_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("storetest: open %s: %v", PostgresEnv, err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatalf("storetest: create schema: %v", err)
	}
	tb.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("storetest: %s is not a URL: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Opener opens a fresh, empty, migrated store for one test; the test's cleanup closes it.
type Opener func(t *testing.T) shopguard.Store

// Run runs the whole conformance suite against stores made by open.
func Run(t *testing.T, open Opener) {
	t.Run("Users", func(t *testing.T) { testUsers(t, open(t)) })
	t.Run("APIKeys", func(t *testing.T) { testAPIKeys(t, open(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, open(t)) })
	t.Run("Cases", func(t *testing.T) { testCases(t, open(t)) })
	t.Run("Evidence", func(t *testing.T) { testEvidence(t, open(t)) })
	t.Run("EvidenceSharedWithReports", func(t *testing.T) { testEvidenceSharedWithReports(t, open(t)) })
	t.Run("ChannelStatus", func(t *testing.T) { testChannelStatus(t, open(t)) })
	t.Run("CaseReport", func(t *testing.T) { testCaseReport(t, open(t)) })
	t.Run("Reports", func(t *testing.T) { testReports(t, open(t)) })
	t.Run("Appeals", func(t *testing.T) { testAppeals(t, open(t)) })
	t.Run("Reputations", func(t *testing.T) { testReputations(t, open(t)) })
	t.Run("ReputationRows", func(t *testing.T) { testReputationRows(t, open(t)) })
	t.Run("Scoring", func(t *testing.T) { testScoring(t, open(t)) })
	t.Run("ScoreInputs", func(t *testing.T) { testScoreInputs(t, open(t)) })
	t.Run("ConcurrentWrites", func(t *testing.T) { testConcurrentWrites(t, open(t)) })
	t.Run("ReportFacts", func(t *testing.T) { testReportFacts(t, open(t)) })
	t.Run("Prices", func(t *testing.T) { testPrices(t, open(t)) })
	t.Run("Feeds", func(t *testing.T) { testFeeds(t, open(t)) })
	t.Run("Rates", func(t *testing.T) { testRates(t, open(t)) })
	t.Run("HostileText", func(t *testing.T) { testHostileText(t, open(t)) })
	t.Run("Ping", func(t *testing.T) {
		if err := open(t).Ping(context.Background()); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	})
}

// wantCode fails the test unless err carries the error code.
func wantCode(tb testing.TB, err error, code, what string) {
	tb.Helper()
	if got := shopguard.ErrorCode(err); got != code {
		tb.Fatalf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
}

// MustUser stores a user with the name and role and returns it.
func MustUser(tb testing.TB, s shopguard.UserStore, name string, role shopguard.Role) *shopguard.User {
	tb.Helper()
	u := &shopguard.User{Name: name, Role: role, PasswordHash: "hash-of-" + name}
	if err := s.CreateUser(context.Background(), u); err != nil {
		tb.Fatalf("CreateUser(%s): %v", name, err)
	}
	return u
}
