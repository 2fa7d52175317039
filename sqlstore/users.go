package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// CreateUser stores u and sets its ID and CreatedAt.
func (db *DB) CreateUser(ctx context.Context, u *shopguard.User) error {
	if err := shopguard.CheckAllText(u); err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	u.CreatedAt = now()
	err := db.Write.QueryRowContext(ctx,
		`INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		u.Name, string(u.Role), u.PasswordHash, toDB(u.CreatedAt)).Scan(&u.ID)
	return db.wrap("create user", "user "+u.Name, err)
}

const userColumns = `id, name, role, password_hash, created_at`

func scanUser(row interface{ Scan(...any) error }) (*shopguard.User, error) {
	var u shopguard.User
	var created int64
	if err := row.Scan(&u.ID, &u.Name, &u.Role, &u.PasswordHash, &created); err != nil {
		return nil, err
	}
	u.CreatedAt = fromDB(created)
	return &u, nil
}

// UserByID returns a user.
func (db *DB) UserByID(ctx context.Context, id int64) (*shopguard.User, error) {
	u, err := scanUser(db.Read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, db.wrap("find user", "user", err)
}

// UserByName returns a user.
func (db *DB) UserByName(ctx context.Context, name string) (*shopguard.User, error) {
	if shopguard.CheckText("name", name) != nil {
		return nil, shopguard.Errorf(shopguard.ENOTFOUND, "user not found") // no such name can be stored
	}
	u, err := scanUser(db.Read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = $1`, name))
	return u, db.wrap("find user", "user", err)
}

// ListUsers returns every user, by id.
func (db *DB) ListUsers(ctx context.Context) ([]*shopguard.User, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY id`)
	if err != nil {
		return nil, db.wrap("list users", "users", err)
	}
	defer rows.Close()
	var out []*shopguard.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, db.wrap("list users", "users", err)
		}
		out = append(out, u)
	}
	return out, db.wrap("list users", "users", rows.Err())
}

// UpdateUser changes a user's role and password hash and, in the same transaction, ends the
// user's sessions.
func (db *DB) UpdateUser(ctx context.Context, u *shopguard.User) error {
	if err := shopguard.CheckAllText(u); err != nil {
		return err
	}
	if err := u.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, "update user", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET role = $1, password_hash = $2 WHERE id = $3`,
			string(u.Role), u.PasswordHash, u.ID)
		if err := affectedOne(res, err); err != nil {
			return db.wrap("update user", "user", err)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID)
		return db.wrap("update user: end sessions", "sessions", err)
	})
}

// affectedOne turns "no row changed" into sql.ErrNoRows.
func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return sql.ErrNoRows
	}
	return nil
}

// CreateAPIKey stores k and sets its ID and CreatedAt.
func (db *DB) CreateAPIKey(ctx context.Context, k *shopguard.APIKey) error {
	if err := shopguard.CheckAllText(k); err != nil {
		return err
	}
	k.CreatedAt = now()
	err := db.Write.QueryRowContext(ctx,
		`INSERT INTO api_keys (user_id, name, prefix, secret_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		k.UserID, k.Name, k.Prefix, k.SecretHash, joinScopes(k.Scopes), toDB(k.CreatedAt)).Scan(&k.ID)
	return db.wrap("create api key", "api key", err)
}

func joinScopes(s []shopguard.Scope) string {
	parts := make([]string, len(s))
	for i, x := range s {
		parts[i] = string(x)
	}
	return strings.Join(parts, ",")
}

func splitScopes(s string) []shopguard.Scope {
	var out []shopguard.Scope
	for _, p := range strings.Split(s, ",") {
		if p != "" {
			out = append(out, shopguard.Scope(p))
		}
	}
	return out
}

const keyColumns = `id, user_id, name, prefix, secret_hash, scopes, created_at, last_used_at, revoked_at`

func scanKey(row interface{ Scan(...any) error }) (*shopguard.APIKey, error) {
	var k shopguard.APIKey
	var scopes string
	var created int64
	var used, revoked sql.NullInt64
	if err := row.Scan(&k.ID, &k.UserID, &k.Name, &k.Prefix, &k.SecretHash, &scopes, &created, &used, &revoked); err != nil {
		return nil, err
	}
	k.Scopes = splitScopes(scopes)
	k.CreatedAt = fromDB(created)
	k.LastUsedAt = fromDBNull(used)
	k.RevokedAt = fromDBNull(revoked)
	return &k, nil
}

// APIKeyByPrefix returns a key, revoked or not.
func (db *DB) APIKeyByPrefix(ctx context.Context, prefix string) (*shopguard.APIKey, error) {
	k, err := scanKey(db.Read.QueryRowContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE prefix = $1`, prefix))
	return k, db.wrap("find api key", "api key", err)
}

// ListAPIKeys returns a user's keys, by id.
func (db *DB) ListAPIKeys(ctx context.Context, userID int64) ([]*shopguard.APIKey, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, db.wrap("list api keys", "api keys", err)
	}
	defer rows.Close()
	var out []*shopguard.APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, db.wrap("list api keys", "api keys", err)
		}
		out = append(out, k)
	}
	return out, db.wrap("list api keys", "api keys", rows.Err())
}

// RevokeAPIKey marks a key revoked; revoking it again keeps the first time.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	res, err := db.Write.ExecContext(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2`, toDB(at), id)
	return db.wrap("revoke api key", "api key", affectedOne(res, err))
}

// TouchAPIKey records that a key was used.
func (db *DB) TouchAPIKey(ctx context.Context, id int64, at time.Time) error {
	_, err := db.Write.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2`, toDB(at), id)
	return db.wrap("touch api key", "api key", err)
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s *shopguard.Session) error {
	_, err := db.Write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		s.TokenHash, s.UserID, toDB(s.CreatedAt), toDB(s.ExpiresAt))
	return db.wrap("create session", "session", err)
}

// SessionByTokenHash returns an unexpired session.
func (db *DB) SessionByTokenHash(ctx context.Context, hash []byte, at time.Time) (*shopguard.Session, error) {
	var s shopguard.Session
	var created, expires int64
	err := db.Read.QueryRowContext(ctx, `SELECT token_hash, user_id, created_at, expires_at FROM sessions WHERE token_hash = $1 AND expires_at > $2`,
		hash, toDB(at)).Scan(&s.TokenHash, &s.UserID, &created, &expires)
	if err != nil {
		return nil, db.wrap("find session", "session", err)
	}
	s.CreatedAt, s.ExpiresAt = fromDB(created), fromDB(expires)
	return &s, nil
}

// DeleteSession removes a session.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	_, err := db.Write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return db.wrap("delete session", "session", err)
}

// DeleteExpiredSessions removes the sessions expired before at.
func (db *DB) DeleteExpiredSessions(ctx context.Context, at time.Time) (int64, error) {
	res, err := db.Write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, toDB(at))
	if err != nil {
		return 0, db.wrap("delete expired sessions", "sessions", err)
	}
	return res.RowsAffected()
}
