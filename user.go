package shopguard

import (
	"context"
	"slices"
	"time"

	"github.com/shopguard/shopguard/internal/lazyre"
)

// Role is what an account may do. Operators are moderators and admins.
type Role string

// The roles, from least to most power.
const (
	RoleUser      Role = "user"
	RoleModerator Role = "moderator"
	RoleAdmin     Role = "admin"
)

// Roles lists every role, least power first.
var Roles = []Role{RoleUser, RoleModerator, RoleAdmin}

// AtLeast reports whether r has at least the power of other.
func (r Role) AtLeast(other Role) bool {
	return slices.Index(Roles, r) >= slices.Index(Roles, other) && slices.Contains(Roles, r)
}

// ParseRole returns the role named s, or an EINVALID error about field "role".
func ParseRole(s string) (Role, error) {
	if r := Role(s); slices.Contains(Roles, r) {
		return r, nil
	}
	return "", Invalid("role", "unknown role %q: want user, moderator or admin", s)
}

// User is an account. The password is kept only as a hash (see the auth package).
type User struct {
	ID           int64     `json:"id"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

var userNameRE = lazyre.New(`^[a-zA-Z0-9][a-zA-Z0-9._-]{1,39}$`)

// Validate checks a user's name and role.
func (u *User) Validate() error {
	if !userNameRE().MatchString(u.Name) {
		return Invalid("name", "a user name has 2 to 40 letters, digits, dots, dashes or underscores and starts with a letter or digit")
	}
	if _, err := ParseRole(string(u.Role)); err != nil {
		return err
	}
	if u.PasswordHash == "" {
		return Invalid("password", "a user needs a password")
	}
	return nil
}

// Scope limits what an API key may do, whatever its owner's role.
type Scope string

// The scopes an API key can carry.
const (
	ScopeCheck    Scope = "check"    // run checks (the default, also open to anonymous users)
	ScopeReport   Scope = "report"   // file community reports and cases
	ScopeModerate Scope = "moderate" // moderation queue, appeals, trends (needs a moderator)
	ScopeAdmin    Scope = "admin"    // accounts, keys, configuration (needs an admin)
	// ScopeKeys lists, makes and revokes its owner's API keys. A key carries it only when
	// made with it, so a key given to a checking script cannot revoke or mint keys.
	ScopeKeys Scope = "keys"
)

// Scopes lists every scope.
var Scopes = []Scope{ScopeCheck, ScopeReport, ScopeModerate, ScopeAdmin, ScopeKeys}

// ScopeRole is the least role an owner needs for a key to carry the scope.
func ScopeRole(s Scope) Role {
	switch s {
	case ScopeModerate:
		return RoleModerator
	case ScopeAdmin:
		return RoleAdmin
	}
	return RoleUser
}

// APIKey is a key an integrator sends as "Authorization: Bearer sg_…". Only a hash of its
// secret is stored; the secret is shown once, when the key is made.
type APIKey struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the public part of the key, to tell keys apart
	SecretHash []byte     `json:"-"`
	Scopes     []Scope    `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// Has reports whether the key carries scope s.
func (k *APIKey) Has(s Scope) bool { return slices.Contains(k.Scopes, s) }

// Session is a signed-in browser. Only a hash of its token is stored.
type Session struct {
	TokenHash []byte
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// UserStore keeps accounts, their API keys and sessions.
type UserStore interface {
	// CreateUser stores u and sets its ID and CreatedAt. ECONFLICT if the name is taken.
	CreateUser(ctx context.Context, u *User) error
	// UserByID returns a user. ENOTFOUND if there is none.
	UserByID(ctx context.Context, id int64) (*User, error)
	// UserByName returns a user. ENOTFOUND if there is none.
	UserByName(ctx context.Context, name string) (*User, error)
	// ListUsers returns every user, by id.
	ListUsers(ctx context.Context) ([]*User, error)
	// UpdateUser changes a user's role and password hash and ends every session of the user
	// in the same transaction, so that a browser signed in before the change signs in again.
	// ENOTFOUND if there is none.
	UpdateUser(ctx context.Context, u *User) error

	// CreateAPIKey stores k and sets its ID and CreatedAt. ECONFLICT if the prefix is taken.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// APIKeyByPrefix returns a key, revoked or not. ENOTFOUND if there is none.
	APIKeyByPrefix(ctx context.Context, prefix string) (*APIKey, error)
	// ListAPIKeys returns a user's keys, by id.
	ListAPIKeys(ctx context.Context, userID int64) ([]*APIKey, error)
	// RevokeAPIKey marks a key revoked at the given time. ENOTFOUND if there is none.
	RevokeAPIKey(ctx context.Context, id int64, at time.Time) error
	// TouchAPIKey records that a key was used at the given time.
	TouchAPIKey(ctx context.Context, id int64, at time.Time) error

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s *Session) error
	// SessionByTokenHash returns an unexpired session. ENOTFOUND if there is none.
	SessionByTokenHash(ctx context.Context, hash []byte, now time.Time) (*Session, error)
	// DeleteSession removes a session; removing one that does not exist is not an error.
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteExpiredSessions removes the sessions expired before now and returns how many.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}
