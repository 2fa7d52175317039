package auth_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
	"github.com/shopguard/shopguard/sqlite"
)

func newService(t *testing.T) *auth.Service {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return auth.NewService(db)
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, "correct") {
		t.Fatalf("hash %q is not an argon2id PHC string", h)
	}
	if !auth.CheckPassword(h, "correct horse battery") || auth.CheckPassword(h, "correct horse batterz") {
		t.Fatal("CheckPassword accepts the wrong password or refuses the right one")
	}
	h2, _ := auth.HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: no salt")
	}
	if _, err := auth.HashPassword("short"); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Fatalf("short password: got %v, want EINVALID", err)
	}
	for _, bad := range []string{"", "$argon2id$", "$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "$bcrypt$x$y$z$w"} {
		if auth.CheckPassword(bad, "x") {
			t.Errorf("CheckPassword(%q) = true", bad)
		}
	}
}

func TestLoginAndSessions(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	if _, err := s.CreateUser(ctx, "mod", shopguard.RoleModerator, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.Login(ctx, "mod", "wrong password!", "192.0.2.1")
	_, _, err2 := s.Login(ctx, "nobody", "wrong password!", "192.0.2.1")
	if shopguard.ErrorCode(err) != shopguard.EUNAUTHORIZED || err.Error() != err2.Error() {
		t.Fatalf("bad logins: %v / %v; want the same EUNAUTHORIZED for both", err, err2)
	}
	token, u, err := s.Login(ctx, "mod", "a long enough password", "192.0.2.1")
	if err != nil || u.Name != "mod" {
		t.Fatalf("Login: %v", err)
	}
	got, err := s.SessionUser(ctx, token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("SessionUser: %v %v", got, err)
	}
	if err := s.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionUser(ctx, token); shopguard.ErrorCode(err) != shopguard.EUNAUTHORIZED {
		t.Fatalf("after logout: %v, want EUNAUTHORIZED", err)
	}
}

func TestAPIKeys(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	user, _ := s.CreateUser(ctx, "plain", shopguard.RoleUser, "a long enough password")
	admin, _ := s.CreateUser(ctx, "root", shopguard.RoleAdmin, "a long enough password")

	if _, _, err := s.CreateAPIKey(ctx, user, "bot", []shopguard.Scope{shopguard.ScopeModerate}); shopguard.ErrorCode(err) != shopguard.EFORBIDDEN {
		t.Fatalf("user asking for moderate scope: %v, want EFORBIDDEN", err)
	}
	key, rec, err := s.CreateAPIKey(ctx, admin, "ops", []shopguard.Scope{shopguard.ScopeAdmin, shopguard.ScopeCheck})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.KeyPrincipal(ctx, key)
	if err != nil || p.User.ID != admin.ID || !p.Can(shopguard.ScopeAdmin) || p.Can(shopguard.ScopeModerate) {
		t.Fatalf("KeyPrincipal = %+v, %v; want admin with admin scope but not moderate", p, err)
	}
	last := "A"
	if strings.HasSuffix(key, "A") {
		last = "B"
	}
	tampered := key[:len(key)-1] + last
	if _, err := s.KeyPrincipal(ctx, tampered); shopguard.ErrorCode(err) != shopguard.EUNAUTHORIZED {
		t.Fatalf("tampered key: %v, want EUNAUTHORIZED", err)
	}
	if err := s.Users.RevokeAPIKey(ctx, rec.ID, s.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.KeyPrincipal(ctx, key); shopguard.ErrorCode(err) != shopguard.EUNAUTHORIZED {
		t.Fatalf("revoked key: %v, want EUNAUTHORIZED", err)
	}
	for _, bad := range []string{"", "sg_", "Bearer x", "sg_abc_def"} {
		if _, err := s.KeyPrincipal(ctx, bad); shopguard.ErrorCode(err) != shopguard.EUNAUTHORIZED {
			t.Errorf("KeyPrincipal(%q) = %v", bad, err)
		}
	}
}

func TestAnonymousMayOnlyCheck(t *testing.T) {
	var p auth.Principal
	if !p.Can(shopguard.ScopeCheck) || p.Can(shopguard.ScopeReport) || p.Can(shopguard.ScopeModerate) {
		t.Fatal("anonymous scopes wrong")
	}
}

func FuzzSplitAPIKey(f *testing.F) {
	key, _, _ := auth.NewAPIKey()
	f.Add(key)
	f.Add("sg__")
	f.Fuzz(func(t *testing.T, s string) {
		prefix, secret, err := auth.SplitAPIKey(s)
		if err == nil && prefix+"_"+secret != s {
			t.Fatalf("SplitAPIKey(%q) = %q, %q: does not rebuild the key", s, prefix, secret)
		}
	})
}

// touchCounter counts the writes of a key's last use.
type touchCounter struct {
	shopguard.UserStore
	touches int
}

func (c *touchCounter) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	c.touches++
	return c.UserStore.TouchAPIKey(ctx, id, at)
}

// TestKeyUseWritesOncePerGrain holds a busy key to one write of its last use per
// KeyUseGrain, not one per request, while the time kept stays within the grain.
func TestKeyUseWritesOncePerGrain(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	counter := &touchCounter{UserStore: s.Users}
	s.Users = counter
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	u, _ := s.CreateUser(ctx, "integrator", shopguard.RoleUser, "a long enough password")
	key, rec, err := s.CreateAPIKey(ctx, u, "bot", nil)
	if err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if _, err := s.KeyPrincipal(ctx, key); err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Second / 10)
	}
	if counter.touches != 1 {
		t.Fatalf("100 requests in 10 s wrote the key's last use %d times, want 1", counter.touches)
	}
	now = now.Add(auth.KeyUseGrain)
	if _, err := s.KeyPrincipal(ctx, key); err != nil {
		t.Fatal(err)
	}
	keys, _ := s.Users.ListAPIKeys(ctx, u.ID)
	if counter.touches != 2 || len(keys) != 1 || keys[0].ID != rec.ID || keys[0].LastUsedAt == nil || !keys[0].LastUsedAt.Equal(now) {
		t.Fatalf("a use a grain later: %d writes, keys %+v; want 2 writes and last use %v", counter.touches, keys, now)
	}
}

// TestSetRoleEndsSessions holds a role change to ending the user's sessions.
func TestSetRoleEndsSessions(t *testing.T) {
	ctx := context.Background()
	s := newService(t)
	u, _ := s.CreateUser(ctx, "helper", shopguard.RoleUser, "a long enough password")
	token, _, err := s.Login(ctx, "helper", "a long enough password", "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetRole(ctx, u.ID, "king"); shopguard.ErrorCode(err) != shopguard.EINVALID {
		t.Fatalf("SetRole(king) = %v, want EINVALID", err)
	}
	if _, err := s.SessionUser(ctx, token); err != nil {
		t.Fatalf("a refused role change ended the session: %v", err)
	}
	got, err := s.SetRole(ctx, u.ID, shopguard.RoleModerator)
	if err != nil || got.Role != shopguard.RoleModerator {
		t.Fatalf("SetRole = %+v, %v", got, err)
	}
	if _, err := s.SessionUser(ctx, token); shopguard.ErrorCode(err) != shopguard.EUNAUTHORIZED {
		t.Fatalf("the session from before the role change: %v, want EUNAUTHORIZED", err)
	}
	if _, err := s.SetRole(ctx, 424242, shopguard.RoleUser); shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		t.Fatalf("SetRole(unknown user) = %v, want ENOTFOUND", err)
	}
}
