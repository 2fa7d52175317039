package casework

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// keyPrefix starts every case key and sharePrefix every share token, so that either is
// recognisable in a pasted text and one is never taken for the other.
const (
	keyPrefix   = "sgc_"
	sharePrefix = "sgs_"
)

// NewCase returns a new case in lang with the triage answers, owned by ownerID (0 for nobody:
// then only the key opens it), and its key. The key is returned once and kept only as a hash.
func NewCase(ownerID int64, lang shopguard.Lang, t shopguard.Triage, now time.Time) (*shopguard.Case, string, error) {
	var id [10]byte
	rand.Read(id[:])
	key := newToken(keyPrefix)
	c := &shopguard.Case{
		ID:        strings.ToLower(base32.StdEncoding.EncodeToString(id[:])),
		OwnerID:   ownerID,
		KeyHash:   HashKey(key),
		Lang:      lang,
		Triage:    t,
		CreatedAt: now.UTC().Truncate(time.Second),
		UpdatedAt: now.UTC().Truncate(time.Second),
	}
	if err := c.Validate(now); err != nil {
		return nil, "", err
	}
	return c, key, nil
}

// newToken returns prefix and 256 random bits.
func newToken(prefix string) string {
	var secret [32]byte
	rand.Read(secret[:])
	return prefix + base64.RawURLEncoding.EncodeToString(secret[:])
}

// NewShareToken returns a read-only share token for a case and the hash to store.
func NewShareToken() (token string, hash []byte) {
	token = newToken(sharePrefix)
	return token, HashKey(token)
}

// ShareOpens reports, in constant time, whether token is c's current share token.
func ShareOpens(c *shopguard.Case, token string) bool {
	if !strings.HasPrefix(token, sharePrefix) || len(c.ShareHash) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(HashKey(token), c.ShareHash) == 1
}

// HashKey returns the hash under which a case key or share token is kept. Both are 256 random
// bits, so a plain SHA-256 is enough: nothing is gained by a slow hash.
func HashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// KeyOpens reports, in constant time, whether key is c's case key.
func KeyOpens(c *shopguard.Case, key string) bool {
	if !strings.HasPrefix(key, keyPrefix) || len(c.KeyHash) == 0 {
		return false
	}
	return subtle.ConstantTimeCompare(HashKey(key), c.KeyHash) == 1
}
