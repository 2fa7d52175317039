package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeCommands returns the shopguard command lines of the README's indented example
// block that holds a line starting with first, as words (single quotes group words; a
// trailing # comment is dropped), with any VAR=value words before ./shopguard.
func readmeCommands(t *testing.T, first string) [][]string {
	t.Helper()
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var block []string
	for _, b := range strings.Split(string(data), "\n\n") {
		if strings.Contains(b, first) {
			block = strings.Split(b, "\n")
			break
		}
	}
	if block == nil {
		t.Fatalf("README has no example with %q", first)
	}
	word := regexp.MustCompile(`'[^']*'|[^\s']+(?:'[^']*')?`)
	var cmds [][]string
	for _, l := range block {
		l = strings.TrimSpace(l)
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		if !strings.Contains(l, "./shopguard ") {
			continue
		}
		var words []string
		for _, w := range word.FindAllString(l, -1) {
			words = append(words, strings.ReplaceAll(w, "'", ""))
		}
		cmds = append(cmds, words)
	}
	return cmds
}

// The README's CLI case example runs as written, with ID, sgc_… and SHA256 standing for what
// the earlier commands printed.
func TestREADMECaseExample(t *testing.T) {
	cmds := readmeCommands(t, "./shopguard case new")
	dir := t.TempDir()
	t.Chdir(dir)
	env := map[string]string{"SHOPGUARD_DATA": filepath.Join(dir, "data")}
	os.WriteFile("chat.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), 0o644)
	os.WriteFile("receipt.pdf", []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"), 0o644)
	if len(cmds) < 5 {
		t.Fatalf("the README's case example has %d commands", len(cmds))
	}
	var id, key, sha string
	for _, words := range cmds {
		args := words[1:]
		for i, a := range args {
			switch {
			case a == "ID":
				args[i] = id
			case a == "sgc_…":
				args[i] = key
			case a == "SHA256":
				args[i] = sha
			}
		}
		code, out, errOut := run(t, env, "", args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", strings.Join(words, " "), code, out, errOut)
		}
		for _, l := range strings.Split(out, "\n") {
			f := strings.Fields(l)
			switch {
			case len(f) == 2 && f[0] == "id":
				id = f[1]
			case len(f) == 2 && f[0] == "key":
				key = f[1]
			case len(f) == 4 && sha == "" && len(f[1]) == 64:
				sha = f[1]
			}
		}
	}
	if id == "" || key == "" || sha == "" {
		t.Errorf("the example printed no id, key or file hash: %q %q %q", id, key, sha)
	}
}

// The README's first steps make a key that can do what an admin does: moderate and see the
// trends as well as manage accounts.
func TestREADMEFirstStepsAdminKey(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	cmds := readmeCommands(t, "./shopguard key create")
	var key string
	for _, words := range cmds {
		for len(words) > 0 && strings.Contains(words[0], "=") {
			k, v, _ := strings.Cut(words[0], "=")
			env[k] = v
			words = words[1:]
		}
		if words[1] == "serve" {
			break
		}
		code, out, errOut := run(t, env, "", words[1:]...)
		if code != 0 {
			t.Fatalf("%s: exit %d %s", strings.Join(words, " "), code, errOut)
		}
		if k := strings.TrimSpace(out); strings.HasPrefix(k, "sg_") {
			key = k
		}
	}
	if key == "" {
		t.Fatal("the first steps printed no key")
	}
	srv := startServer(t, env).http.URL()
	for _, p := range []string{"/api/v1/admin/users", "/api/v1/admin/trends", "/api/v1/reports", "/api/v1/audit", "/api/v1/appeals"} {
		if st, body := get(t, srv+p, "Authorization", "Bearer "+key); st != 200 {
			t.Errorf("%s with the first steps' admin key = %d %.200s", p, st, body)
		}
	}
}
