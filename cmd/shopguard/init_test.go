package main

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// TestInitialisersStaySmall: every command runs the initialisers of every package linked
// into the binary, so the project's own packages make their regular expressions and tables
// at first use (internal/lazyre), not when the program starts. It runs this test binary
// again with GODEBUG=inittrace=1 and holds each of the project's packages to 100 allocations
// at its start (compiling one expression with character classes makes a hundred or more).
func TestInitialisersStaySmall(t *testing.T) {
	if os.Getenv("SHOPGUARD_INITTRACE_CHILD") != "" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestInitialisersStaySmall$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "SHOPGUARD_INITTRACE_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	seen := 0
	for _, line := range strings.Split(string(out), "\n") {
		// init PKG @T ms, C ms clock, B bytes, A allocs
		f := strings.Fields(line)
		if len(f) != 11 || f[0] != "init" || !strings.HasPrefix(f[1], "github.com/shopguard/shopguard") || f[10] != "allocs" {
			continue
		}
		seen++
		if n, err := strconv.Atoi(f[9]); err != nil || n > 100 {
			t.Errorf("%s makes %s allocations when the program starts, want at most 100", f[1], f[9])
		}
	}
	if seen < 10 {
		t.Fatalf("found the start of %d of the project's packages in the trace:\n%s", seen, out)
	}
}
