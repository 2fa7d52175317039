// Package testenv decides whether tests that need an outside program (PostgreSQL, Chromium)
// run: they skip with a message saying how to enable them, unless SHOPGUARD_TEST_STRICT is set
// (as .ci/run does), where a missing program fails the test instead of hiding it. It also holds
// what several packages' tests share (Buffer, AgeBlobs, BlobFiles).
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// StrictEnv names the variable that turns skips for missing programs into failures.
const StrictEnv = "SHOPGUARD_TEST_STRICT"

// Missing skips the test, or fails it in strict mode, saying what is missing and how to
// provide it.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv(StrictEnv) != "" {
		tb.Fatalf("required by %s: "+format, append([]any{StrictEnv}, args...)...)
	}
	tb.Skipf(format, args...)
}

// Chromium returns the path of Debian's Chromium (or one on PATH), or skips the test.
func Chromium(tb testing.TB) string {
	tb.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	Missing(tb, "browser test skipped: /usr/bin/chromium not found (apt-get install chromium)")
	return ""
}
