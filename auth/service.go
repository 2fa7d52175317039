package auth

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/budget"
)

// SessionTTL is how long a browser stays signed in.
const SessionTTL = 7 * 24 * time.Hour

// Principal is who is asking: a user (nil for anonymous) and, when they came with an API key,
// that key.
type Principal struct {
	User *shopguard.User
	Key  *shopguard.APIKey
}

// Can reports whether the principal may act with scope s: the user's role must allow it and,
// with a key, the key must carry it. Anonymous principals may only check.
func (p Principal) Can(s shopguard.Scope) bool {
	if p.User == nil {
		return s == shopguard.ScopeCheck
	}
	if !p.User.Role.AtLeast(shopguard.ScopeRole(s)) {
		return false
	}
	return p.Key == nil || p.Key.Has(s)
}

// Service signs users in and checks their credentials against a UserStore.
type Service struct {
	Users shopguard.UserStore
	Now   func() time.Time
	// Hashing bounds the password hashes computed at once: each takes 64 MiB, so the gate is
	// what keeps a flood of sign-ins from exhausting memory.
	Hashing *budget.Gate
	// Throttle slows down repeated failed sign-ins.
	Throttle *Throttle
}

// HashMemory is the memory NewService lets password hashing use at once: two hashes.
const HashMemory = 2 * argonMemory * 1024

// HashWait is how long a sign-in waits for a hashing slot before it is turned away (503 with
// Retry-After).
const HashWait = 3 * time.Second

// NewService returns a Service on users with the real clock, hashing within HashMemory.
func NewService(users shopguard.UserStore) *Service {
	return &Service{Users: users, Now: func() time.Time { return time.Now().UTC() },
		Hashing: budget.NewGate("checking passwords", HashMemory/(argonMemory*1024), HashWait), Throttle: NewThrottle()}
}

// hashing runs f (a password hash) within the Hashing gate.
func (s *Service) hashing(ctx context.Context, f func()) error {
	release, err := s.Hashing.Enter(ctx)
	if err != nil {
		return err
	}
	defer release()
	f()
	return nil
}

// CreateUser makes an account. EINVALID for a bad name, role or password; ECONFLICT if the
// name is taken.
func (s *Service) CreateUser(ctx context.Context, name string, role shopguard.Role, password string) (*shopguard.User, error) {
	if _, err := shopguard.ParseRole(string(role)); err != nil {
		return nil, err
	}
	if err := CheckPasswordPolicy(password); err != nil {
		return nil, err
	}
	var hash string
	var err error
	if herr := s.hashing(ctx, func() { hash, err = HashPassword(password) }); herr != nil {
		return nil, herr
	}
	if err != nil {
		return nil, err
	}
	u := &shopguard.User{Name: name, Role: role, PasswordHash: hash}
	if err := s.Users.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("auth: create user: %w", err)
	}
	return u, nil
}

// errBadLogin is the one answer to every failed sign-in, so that it does not tell which names
// exist.
var errBadLogin = shopguard.Errorf(shopguard.EUNAUTHORIZED, "wrong user name or password")

// Login checks a name and password sent from addr (the client's address) and opens a
// session. It returns the session token for the cookie. Repeated failures are throttled
// (ERATELIMIT with RetryAfter, before any hashing); when every hashing slot stays busy it is
// EUNAVAILABLE with RetryAfter.
func (s *Service) Login(ctx context.Context, name, password, addr string) (string, *shopguard.User, error) {
	if err := shopguard.CheckTexts("name", name, "password", password); err != nil {
		return "", nil, err
	}
	if wait := s.Throttle.Wait(name, addr, s.Now()); wait > 0 {
		e := shopguard.Errorf(shopguard.ERATELIMIT, "too many failed sign-ins: try again in %d s", int(wait.Seconds())+1)
		e.RetryAfter = wait
		return "", nil, e
	}
	u, err := s.Users.UserByName(ctx, name)
	if err != nil && shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
		return "", nil, fmt.Errorf("auth: login: %w", err)
	}
	hash := dummyHash() // spend the same time for an unknown name as for a real user
	if u != nil {
		hash = u.PasswordHash
	}
	ok := false
	if err := s.hashing(ctx, func() { ok = CheckPassword(hash, password) }); err != nil {
		return "", nil, err
	}
	if !ok || u == nil {
		s.Throttle.Fail(name, addr, s.Now())
		return "", nil, errBadLogin
	}
	s.Throttle.Succeed(name, addr, s.Now())
	token := NewToken()
	now := s.Now()
	if err := s.Users.CreateSession(ctx, &shopguard.Session{TokenHash: HashToken(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}); err != nil {
		return "", nil, fmt.Errorf("auth: login: %w", err)
	}
	return token, u, nil
}

// dummyHash is checked against when a name is unknown; made on first use, not at start-up.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("not a real password, only spends time")
	return h
})

// Logout ends the session with the token.
func (s *Service) Logout(ctx context.Context, token string) error {
	return s.Users.DeleteSession(ctx, HashToken(token))
}

// SessionUser returns the user signed in with a session token. EUNAUTHORIZED when the session
// is unknown or expired.
func (s *Service) SessionUser(ctx context.Context, token string) (*shopguard.User, error) {
	sess, err := s.Users.SessionByTokenHash(ctx, HashToken(token), s.Now())
	if shopguard.ErrorCode(err) == shopguard.ENOTFOUND {
		return nil, shopguard.Errorf(shopguard.EUNAUTHORIZED, "session expired: sign in again")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	return s.Users.UserByID(ctx, sess.UserID)
}

// KeyPrincipal returns the owner and key of an API key. EUNAUTHORIZED when the key is
// malformed, unknown or revoked.
func (s *Service) KeyPrincipal(ctx context.Context, key string) (Principal, error) {
	prefix, secret, err := SplitAPIKey(key)
	if err != nil {
		return Principal{}, err
	}
	k, err := s.Users.APIKeyByPrefix(ctx, prefix)
	if shopguard.ErrorCode(err) == shopguard.ENOTFOUND || (err == nil && !SecretMatches(secret, k.SecretHash)) {
		return Principal{}, shopguard.Errorf(shopguard.EUNAUTHORIZED, "unknown API key")
	}
	if err != nil {
		return Principal{}, fmt.Errorf("auth: api key: %w", err)
	}
	if k.RevokedAt != nil {
		return Principal{}, shopguard.Errorf(shopguard.EUNAUTHORIZED, "API key revoked")
	}
	u, err := s.Users.UserByID(ctx, k.UserID)
	if err != nil {
		return Principal{}, fmt.Errorf("auth: api key owner: %w", err)
	}
	if now := s.Now(); k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= KeyUseGrain {
		if err := s.Users.TouchAPIKey(ctx, k.ID, now); err != nil {
			return Principal{}, fmt.Errorf("auth: api key: %w", err)
		}
	}
	return Principal{User: u, Key: k}, nil
}

// KeyUseGrain is how precisely a key's last use is kept: KeyPrincipal writes the time only
// when the stored one is at least this old, so that a busy key costs one write a minute, not
// one a request.
const KeyUseGrain = time.Minute

// SetRole gives the user with id the role and ends the user's sessions, so that no browser
// keeps acting on a grant made before the change. EINVALID for an unknown role; ENOTFOUND for
// an unknown user.
func (s *Service) SetRole(ctx context.Context, id int64, role shopguard.Role) (*shopguard.User, error) {
	if _, err := shopguard.ParseRole(string(role)); err != nil {
		return nil, err
	}
	u, err := s.Users.UserByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("auth: set role: %w", err)
	}
	u.Role = role
	if err := s.Users.UpdateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("auth: set role: %w", err)
	}
	return u, nil
}

// MaxKeys is how many unrevoked API keys one account may hold.
const MaxKeys = 20

// CreateAPIKey makes a key for user with the scopes, which the user's role must allow. It
// returns the key to show once, and the stored record. ECONFLICT when the user already holds
// MaxKeys keys.
func (s *Service) CreateAPIKey(ctx context.Context, u *shopguard.User, name string, scopes []shopguard.Scope) (string, *shopguard.APIKey, error) {
	if name == "" || len(name) > 100 {
		return "", nil, shopguard.Invalid("name", "a key needs a name of 1 to 100 bytes")
	}
	if len(scopes) == 0 {
		scopes = []shopguard.Scope{shopguard.ScopeCheck}
	}
	for _, sc := range scopes {
		if !slices.Contains(shopguard.Scopes, sc) {
			return "", nil, shopguard.Invalid("scopes", "unknown scope %q: want check, report, moderate, admin or keys", sc)
		}
		if !u.Role.AtLeast(shopguard.ScopeRole(sc)) {
			return "", nil, &shopguard.Error{Code: shopguard.EFORBIDDEN, Field: "scopes", Message: fmt.Sprintf("a %s cannot hold a key with scope %s", u.Role, sc)}
		}
	}
	keys, err := s.Users.ListAPIKeys(ctx, u.ID)
	if err != nil {
		return "", nil, fmt.Errorf("auth: create api key: %w", err)
	}
	active := 0
	for _, k := range keys {
		if k.RevokedAt == nil {
			active++
		}
	}
	if active >= MaxKeys {
		return "", nil, shopguard.Errorf(shopguard.ECONFLICT, "an account holds at most %d keys: revoke one first", MaxKeys)
	}
	key, prefix, hash := NewAPIKey()
	k := &shopguard.APIKey{UserID: u.ID, Name: name, Prefix: prefix, SecretHash: hash, Scopes: slices.Compact(slices.Sorted(slices.Values(scopes)))}
	if err := s.Users.CreateAPIKey(ctx, k); err != nil {
		return "", nil, fmt.Errorf("auth: create api key: %w", err)
	}
	return key, k, nil
}
