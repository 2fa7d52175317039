package storetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
)

func testUsers(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	a := MustUser(t, s, "alice", shopguard.RoleAdmin)
	if a.ID == 0 || a.CreatedAt.IsZero() {
		t.Fatalf("CreateUser did not set ID/CreatedAt: %+v", a)
	}
	wantCode(t, s.CreateUser(ctx, &shopguard.User{Name: "alice", Role: shopguard.RoleUser, PasswordHash: "x"}), shopguard.ECONFLICT, "duplicate name")
	wantCode(t, s.CreateUser(ctx, &shopguard.User{Name: "a b", Role: shopguard.RoleUser, PasswordHash: "x"}), shopguard.EINVALID, "bad name")
	b := MustUser(t, s, "bob", shopguard.RoleUser)

	got, err := s.UserByName(ctx, "alice")
	if err != nil || got.ID != a.ID || got.Role != shopguard.RoleAdmin || got.PasswordHash != a.PasswordHash || !got.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("UserByName(alice) = %+v, %v; want %+v", got, err, a)
	}
	got, err = s.UserByID(ctx, b.ID)
	if err != nil || got.Name != "bob" {
		t.Fatalf("UserByID(bob) = %+v, %v", got, err)
	}
	_, err = s.UserByName(ctx, "carol")
	wantCode(t, err, shopguard.ENOTFOUND, "UserByName(carol)")

	now := time.Now().UTC()
	for _, x := range []*shopguard.Session{
		{TokenHash: []byte("bob before"), UserID: b.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		{TokenHash: []byte("alice"), UserID: a.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
	} {
		if err := s.CreateSession(ctx, x); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	b.Role, b.PasswordHash = shopguard.RoleModerator, "new-hash"
	if err := s.UpdateUser(ctx, b); err != nil {
		t.Fatalf("UpdateUser: %v", err)
	}
	got, _ = s.UserByID(ctx, b.ID)
	if got.Role != shopguard.RoleModerator || got.PasswordHash != "new-hash" {
		t.Fatalf("after UpdateUser: %+v", got)
	}
	// The change ends the user's sessions, and only theirs.
	_, err = s.SessionByTokenHash(ctx, []byte("bob before"), now)
	wantCode(t, err, shopguard.ENOTFOUND, "session of the user after UpdateUser")
	if _, err := s.SessionByTokenHash(ctx, []byte("alice"), now); err != nil {
		t.Fatalf("another user's session after UpdateUser: %v", err)
	}
	wantCode(t, s.UpdateUser(ctx, &shopguard.User{ID: 9999, Name: "ghost", Role: shopguard.RoleUser, PasswordHash: "x"}), shopguard.ENOTFOUND, "UpdateUser(missing)")

	all, err := s.ListUsers(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "alice" || all[1].Name != "bob" {
		t.Fatalf("ListUsers = %v, %v", all, err)
	}
}

func testAPIKeys(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "integrator", shopguard.RoleModerator)
	k := &shopguard.APIKey{UserID: u.ID, Name: "chat bot", Prefix: "sg_abc123", SecretHash: []byte{1, 2, 3},
		Scopes: []shopguard.Scope{shopguard.ScopeCheck, shopguard.ScopeModerate}}
	if err := s.CreateAPIKey(ctx, k); err != nil {
		t.Fatalf("CreateAPIKey: %v", err)
	}
	dup := *k
	wantCode(t, s.CreateAPIKey(ctx, &dup), shopguard.ECONFLICT, "duplicate prefix")

	got, err := s.APIKeyByPrefix(ctx, "sg_abc123")
	if err != nil || got.ID != k.ID || !bytes.Equal(got.SecretHash, k.SecretHash) || !got.Has(shopguard.ScopeModerate) || got.Has(shopguard.ScopeAdmin) || got.RevokedAt != nil {
		t.Fatalf("APIKeyByPrefix = %+v, %v", got, err)
	}
	at := time.Date(2026, 11, 27, 10, 0, 0, 123000, time.UTC)
	if err := s.TouchAPIKey(ctx, k.ID, at); err != nil {
		t.Fatalf("TouchAPIKey: %v", err)
	}
	if err := s.RevokeAPIKey(ctx, k.ID, at); err != nil {
		t.Fatalf("RevokeAPIKey: %v", err)
	}
	if err := s.RevokeAPIKey(ctx, k.ID, at.Add(time.Hour)); err != nil {
		t.Fatalf("RevokeAPIKey again: %v", err)
	}
	got, _ = s.APIKeyByPrefix(ctx, "sg_abc123")
	if got.RevokedAt == nil || !got.RevokedAt.Equal(at) || got.LastUsedAt == nil || !got.LastUsedAt.Equal(at) {
		t.Fatalf("after revoke: revoked %v used %v, want both %v", got.RevokedAt, got.LastUsedAt, at)
	}
	wantCode(t, s.RevokeAPIKey(ctx, 9999, at), shopguard.ENOTFOUND, "RevokeAPIKey(missing)")
	keys, err := s.ListAPIKeys(ctx, u.ID)
	if err != nil || len(keys) != 1 {
		t.Fatalf("ListAPIKeys = %v, %v", keys, err)
	}
}

func testSessions(t *testing.T, s shopguard.Store) {
	ctx := context.Background()
	u := MustUser(t, s, "shopper", shopguard.RoleUser)
	now := time.Now().UTC().Truncate(time.Microsecond)
	live := &shopguard.Session{TokenHash: []byte("live"), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
	old := &shopguard.Session{TokenHash: []byte("old"), UserID: u.ID, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
	for _, x := range []*shopguard.Session{live, old} {
		if err := s.CreateSession(ctx, x); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}
	got, err := s.SessionByTokenHash(ctx, []byte("live"), now)
	if err != nil || got.UserID != u.ID || !got.ExpiresAt.Equal(live.ExpiresAt) {
		t.Fatalf("SessionByTokenHash(live) = %+v, %v", got, err)
	}
	_, err = s.SessionByTokenHash(ctx, []byte("old"), now)
	wantCode(t, err, shopguard.ENOTFOUND, "expired session")
	n, err := s.DeleteExpiredSessions(ctx, now)
	if err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v; want 1", n, err)
	}
	if err := s.DeleteSession(ctx, []byte("live")); err != nil {
		t.Fatalf("DeleteSession: %v", err)
	}
	_, err = s.SessionByTokenHash(ctx, []byte("live"), now)
	wantCode(t, err, shopguard.ENOTFOUND, "deleted session")
}
