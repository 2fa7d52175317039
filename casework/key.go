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

// keyPrefix starts every case key, so that a key is recognisable in a pasted text.
const keyPrefix = "sgc_"

// NewCase returns a new case in lang with the triage answers, owned by ownerID (0 for nobody:
// then only the key opens it), and its key. The key is returned once and kept only as a hash.
func NewCase(ownerID int64, lang shopguard.Lang, t shopguard.Triage, now time.Time) (*shopguard.Case, string, error) {
	var id [10]byte
	var secret [32]byte
	rand.Read(id[:])
	rand.Read(secret[:])
	key := keyPrefix + base64.RawURLEncoding.EncodeToString(secret[:])
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

// HashKey returns the hash under which a case key is kept. Keys are 256 random bits, so a
// plain SHA-256 is enough: nothing is gained by a slow hash.
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
