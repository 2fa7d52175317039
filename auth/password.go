// Package auth turns credentials into accounts: passwords hashed with argon2id, API keys and
// session tokens kept only as SHA-256 hashes of high-entropy secrets.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/crypto/argon2"

	"github.com/shopguard/shopguard"
)

// argon2id parameters (RFC 9106's second recommended option: 64 MiB, 3 passes).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

//go:embed common_passwords.txt
var commonList string

// common holds the lines of common_passwords.txt.
var common = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
}()

// CheckPasswordPolicy refuses a password shorter than MinPasswordLen characters, one on the
// list of common passwords (alone, or a common word with only digits and punctuation around
// it) and one made of a single repeated character. The EINVALID error names the field
// "password".
func CheckPasswordPolicy(password string) error {
	if len([]rune(password)) < MinPasswordLen {
		return shopguard.Invalid("password", "a password needs at least %d characters", MinPasswordLen)
	}
	low := strings.ToLower(password)
	core := strings.TrimFunc(low, func(r rune) bool {
		return unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r)
	})
	if common[low] || common[core] {
		return shopguard.Invalid("password", "this password is on the lists of common passwords attackers try first: choose another")
	}
	if first := string([]rune(low)[:1]); strings.Count(low, first)*len(first) == len(low) {
		return shopguard.Invalid("password", "a password of one repeated character is too easy to guess")
	}
	return nil
}

// HashPassword returns an encoded argon2id hash of password, in the PHC string format.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLen {
		return "", shopguard.Invalid("password", "a password needs at least %d characters", MinPasswordLen)
	}
	salt := make([]byte, saltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether password matches an encoded hash made by HashPassword (with
// whatever parameters it records).
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil || mem == 0 || mem > 1<<21 || t == 0 || t > 16 || threads == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
