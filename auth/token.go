package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/shopguard/shopguard"
)

var b64 = base64.RawURLEncoding

// NewToken returns a random 256-bit token, URL-safe.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return b64.EncodeToString(b)
}

// HashToken returns the SHA-256 of a token: what the database keeps of a session token, an
// API key's secret or a case key. The tokens carry 256 random bits, so a fast hash is enough.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// KeyPrefix starts every API key, so that leaked keys are easy to find in code and logs.
const KeyPrefix = "sg_"

// NewAPIKey returns a new API key as given to its owner ("sg_<public id>_<secret>"), its
// public prefix ("sg_<public id>") and the hash of its secret.
func NewAPIKey() (key, prefix string, secretHash []byte) {
	id := make([]byte, 6)
	rand.Read(id)
	prefix = KeyPrefix + hex.EncodeToString(id) // hex: no "_" inside the public part
	secret := NewToken()
	return prefix + "_" + secret, prefix, HashToken(secret)
}

// SplitAPIKey splits a key given by a client into its prefix and secret. EUNAUTHORIZED when it
// is not shaped like a key.
func SplitAPIKey(key string) (prefix, secret string, err error) {
	rest, ok := strings.CutPrefix(key, KeyPrefix)
	id, secret, ok2 := strings.Cut(rest, "_")
	if !ok || !ok2 || len(id) != 12 || len(secret) != 43 {
		return "", "", shopguard.Errorf(shopguard.EUNAUTHORIZED, "malformed API key")
	}
	return KeyPrefix + id, secret, nil
}

// SecretMatches reports, in constant time, whether secret hashes to hash.
func SecretMatches(secret string, hash []byte) bool {
	return subtle.ConstantTimeCompare(HashToken(secret), hash) == 1
}
