package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/storetest"
)

// run runs the program in process with the environment and stdin, returning the exit code
// and what it printed.
func run(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return env[k] }}
	code := m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

func get(t *testing.T, url string, hdr ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// checkFreshServer runs the checks a fresh install must pass against a running server.
func checkFreshServer(t *testing.T, base, adminKey string) {
	if st, body := get(t, base+"/healthz"); st != 200 {
		t.Fatalf("/healthz = %d %s", st, body)
	}
	if st, body := get(t, base+"/learn", "Accept-Language", "zh-CN"); st != 200 || !strings.Contains(body, `lang="zh-CN"`) {
		t.Errorf("/learn in Chinese = %d", st)
	}
	if st, body := get(t, base+"/learn", "Accept-Language", "en"); st != 200 || !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Deposit") {
		t.Errorf("/learn in English = %d", st)
	}
	st, body := get(t, base+"/api/v1/knowledge/scam-types")
	var resp struct {
		ScamTypes []struct {
			ID   string            `json:"id"`
			Name map[string]string `json:"name"`
		} `json:"scam_types"`
	}
	if st != 200 || json.Unmarshal([]byte(body), &resp) != nil || len(resp.ScamTypes) < 13 {
		t.Fatalf("scam types = %d %.200s", st, body)
	}
	if st, _ := get(t, base+"/api/v1/admin/users"); st != 401 {
		t.Errorf("operator endpoint without credentials = %d, want 401", st)
	}
	if st, body := get(t, base+"/api/v1/admin/users", "Authorization", "Bearer "+adminKey); st != 200 || !strings.Contains(body, `"role":"admin"`) {
		t.Errorf("operator endpoint with an admin key = %d %s", st, body)
	}
	// the write pool's waits for a free connection are measured
	if st, body := get(t, base+"/metrics"); st != 200 || !strings.Contains(body, `go_sql_wait_duration_seconds_total{db_name="write"}`) {
		t.Errorf("/metrics = %d without the write pool's waits", st)
	}
}

// The whole program on a fresh data directory: make an admin and a key with the CLI, serve on
// a loopback port, answer the checks, and stop cleanly.
func testServe(t *testing.T, env map[string]string) {
	env["SHOPGUARD_PASSWORD"] = "admin password 1"
	if code, _, errOut := run(t, env, "", "user", "add", "--role", "admin", "root"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	code, out, errOut := run(t, env, "", "key", "create", "--user", "root", "--scopes", "admin", "ops")
	if code != 0 || !strings.HasPrefix(out, "sg_") {
		t.Fatalf("key create: %d %q %s", code, out, errOut)
	}
	key := strings.TrimSpace(out)
	srv := startServer(t, env)
	checkFreshServer(t, srv.http.URL(), key)
	if err := srv.close(); err != nil {
		t.Fatalf("close: %v", err)
	}
}

// startServer runs the whole program's server in process on a loopback port, with the
// environment env; the test's cleanup stops it (stopping it twice is harmless).
func startServer(t *testing.T, env map[string]string) *server {
	t.Helper()
	logs := &testenv.Buffer{}
	t.Cleanup(func() { testenv.NoPersonalData(t, logs.String()) })
	m := &Main{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: logs, Getenv: func(k string) string { return env[k] }}
	c, err := m.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	c.Addr = "127.0.0.1:0"
	srv, err := m.openServer(context.Background(), c)
	if err != nil {
		t.Fatalf("openServer: %v", err)
	}
	t.Cleanup(func() { srv.close() })
	return srv
}

func TestServeSQLite(t *testing.T) {
	data := filepath.Join(t.TempDir(), "fresh", "data")
	testServe(t, map[string]string{"SHOPGUARD_DATA": data})
	if _, err := os.Stat(filepath.Join(data, "shopguard.db")); err != nil {
		t.Fatalf("no database in the data directory: %v", err)
	}
}

func TestServePostgres(t *testing.T) {
	testServe(t, map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_DB": storetest.PostgresDSN(t)})
}

// The real binary stops on SIGTERM, exits 0 and leaves a database that opens again.
func TestBinaryStopsGracefully(t *testing.T) {
	bin := buildBinary(t)
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	var stderr testenv.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(stderr.String(), "listening on") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "shopguard stopped") {
		t.Fatalf("no clean stop in the log:\n%s", stderr.String())
	}
	code, out, errOut := run(t, map[string]string{"SHOPGUARD_DATA": data}, "", "migrate")
	if code != 0 || !strings.Contains(out, "0001_accounts.sql") {
		t.Fatalf("reopen after stop: %d %q %s", code, out, errOut)
	}
}

func TestCLIConventions(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	cases := []struct {
		args     []string
		code     int
		out, err string
	}{
		{[]string{"learn"}, 0, "fake_customer_service", ""},
		{[]string{"learn", "--lang", "en", "cod_switch"}, 0, "Who to turn to", ""},
		{[]string{"learn", "no_such_type"}, 2, "", "no scam type"},
		{[]string{"learn", "--sources", "--lang", "en"}, 0, "Arbitration Law, Article 27", ""},
		{[]string{"learn", "--sources"}, 0, "总局令第121号", ""},
		{[]string{"learn", "--sources", "phishing"}, 2, "", "takes no scam type"},
		{[]string{"learn", "--lang", "fr"}, 2, "", "want zh-CN or en"},
		{[]string{"learn", "--help"}, 0, "", "Usage: shopguard learn"},
		{[]string{"serve", "--help"}, 0, "", "-addr string"},
		{[]string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{[]string{"user"}, 2, "", "user needs one of: add, list, role"},
		{[]string{"user", "role", "x"}, 2, "", "takes a user name and a role"},
		{[]string{"user", "add", "x"}, 2, "", "no password"},
		{[]string{"user", "add", "--role", "king", "x"}, 2, "", "unknown role"},
		{[]string{"key", "revoke", "abc"}, 2, "", "not a number"},
		{[]string{"serve", "--db", "mysql://x"}, 2, "", "want empty"},
		{[]string{"version"}, 0, "shopguard", ""},
		{[]string{"help"}, 0, "Exit codes", ""},
	}
	for _, c := range cases {
		code, out, errOut := run(t, env, "", c.args...)
		if code != c.code || !strings.Contains(out, c.out) || !strings.Contains(errOut, c.err) {
			t.Errorf("%v: exit %d, out %.80q, err %.200q; want exit %d, out ~%q, err ~%q", c.args, code, out, errOut, c.code, c.out, c.err)
		}
	}
	code, out, _ := run(t, env, "", "learn", "--json", "phishing")
	var st struct {
		ID   string            `json:"id"`
		Name map[string]string `json:"name"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil || st.ID != "phishing" || st.Name["en"] == "" {
		t.Errorf("learn --json phishing: %d %s", code, out)
	}
}

func TestUserRole(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_PASSWORD": "a long password 1"}
	if code, _, errOut := run(t, env, "", "user", "add", "ana"); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut)
	}
	if code, out, errOut := run(t, env, "", "user", "role", "ana", "moderator"); code != 0 || !strings.Contains(out, "ana is now moderator") {
		t.Fatalf("user role: %d %q %s", code, out, errOut)
	}
	if code, out, _ := run(t, env, "", "user", "list"); code != 0 || !strings.Contains(out, "\tana\tmoderator\t") {
		t.Errorf("user list after the change: %d %q", code, out)
	}
	if code, _, errOut := run(t, env, "", "user", "role", "ana", "king"); code != 2 || !strings.Contains(errOut, "unknown role") {
		t.Errorf("an unknown role: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, env, "", "user", "role", "nobody", "admin"); code == 0 || errOut == "" {
		t.Errorf("an unknown user: %d %s", code, errOut)
	}
}

func TestConfigRedactsSecrets(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DB": "postgres://app:s3cret@db.internal/shopguard", "SHOPGUARD_RATE_ANON": "5"}
	code, out, errOut := run(t, env, "", "config", "--addr", "0.0.0.0:9000")
	if code != 0 || strings.Contains(out, "s3cret") || !strings.Contains(out, "REDACTED") || !strings.Contains(out, `"addr": "0.0.0.0:9000"`) || !strings.Contains(out, `"rate_anon": 5`) {
		t.Fatalf("config: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, map[string]string{"SHOPGUARD_METRICS_KEY": "metrics-secret-0123456789"}, "", "config", "--metrics-addr", "127.0.0.1:9090")
	if code != 0 || strings.Contains(out, "metrics-secret") || !strings.Contains(out, `"metrics_key": "REDACTED"`) || !strings.Contains(out, `"metrics_addr": "127.0.0.1:9090"`) {
		t.Fatalf("config with a metrics key: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, map[string]string{"SHOPGUARD_SNAPSHOT_KEY": "snapshot-secret-0123456789"}, "", "config")
	if code != 0 || strings.Contains(out, "snapshot-secret") || !strings.Contains(out, `"snapshot_key": "REDACTED"`) {
		t.Fatalf("config with a snapshot key: %d %s %s", code, out, errOut)
	}
	code, _, errOut = run(t, nil, "", "config", "--metrics-key", "short")
	if code != 2 || !strings.Contains(errOut, "metrics key") {
		t.Fatalf("short metrics key: %d %s", code, errOut)
	}
	code, _, errOut = run(t, map[string]string{"SHOPGUARD_RATE_ANON": "fast"}, "", "config")
	if code != 2 || !strings.Contains(errOut, "SHOPGUARD_RATE_ANON") {
		t.Fatalf("bad env: %d %s", code, errOut)
	}
}

// The budgets for expensive work are set by environment or flag and reach the server.
func TestBudgetSettings(t *testing.T) {
	code, out, errOut := run(t, map[string]string{"SHOPGUARD_SCAN_SLOTS": "3"}, "", "config", "--build-slots", "1", "--body-memory-mb", "64")
	if code != 0 || !strings.Contains(out, `"scan_slots": 3`) || !strings.Contains(out, `"build_slots": 1`) || !strings.Contains(out, `"body_memory_mb": 64`) {
		t.Fatalf("config: %d %s %s", code, out, errOut)
	}
	env := map[string]string{"SHOPGUARD_BODY_MEMORY_MB": "32", "SHOPGUARD_SCAN_SLOTS": "5"}
	m := &Main{Getenv: func(k string) string { return env[k] }}
	c, err := m.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.httpConfig()
	if err != nil || h.ScanSlots != 5 || h.BodyMemory != 32<<20 || h.BuildSlots < 1 {
		t.Fatalf("server budgets: %d scan slots, %d build slots, %d bytes of bodies, %v", h.ScanSlots, h.BuildSlots, h.BodyMemory, err)
	}
	code, _, errOut = run(t, map[string]string{"SHOPGUARD_BUILD_SLOTS": "none"}, "", "config")
	if code != 2 || !strings.Contains(errOut, "SHOPGUARD_BUILD_SLOTS") {
		t.Fatalf("bad build slots: %d %s", code, errOut)
	}
	if code, _, errOut = run(t, nil, "", "serve", "--scan-slots", "0"); code != 2 || !strings.Contains(errOut, "--scan-slots") {
		t.Fatalf("no scan slots: %d %s", code, errOut)
	}
}

// An operator's pack given with --knowledge adds and overrides entries; a broken one is
// refused with its file and line.
func TestKnowledgeOverlay(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) {
		if err := os.WriteFile(filepath.Join(dir, "scam_types.yaml"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(`scam_types:
  - id: fake_concert_tickets
    name: {zh-CN: 假演唱会门票, en: Fake concert tickets}
    summary: {zh-CN: 低价转让门票后失联。, en: Cheap resold tickets that never arrive.}
    how_it_works: {zh-CN: 先收钱再拉黑。, en: They take the money and block you.}
    warning_signs: [{zh-CN: 只收转账, en: Bank transfer only}, {zh-CN: 催你快付, en: Pressure to pay now}]
    what_to_do: [{zh-CN: 走官方票务平台, en: Buy on the official ticketing platform}, {zh-CN: 保留记录并报警, en: Keep records and call the police}]
    channels: [police]
`)
	env := map[string]string{"SHOPGUARD_KNOWLEDGE": dir}
	code, out, errOut := run(t, env, "", "learn", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Fake concert tickets") || !strings.Contains(out, "fake_customer_service") {
		t.Fatalf("learn with an extra pack: %d %s %s", code, out, errOut)
	}
	write("scam_types:\n  - id: broken\n    nmae: {zh-CN: x, en: y}\n")
	code, _, errOut = run(t, env, "", "learn")
	if code != 2 || !strings.Contains(errOut, "scam_types.yaml:3") {
		t.Fatalf("broken pack: %d %s", code, errOut)
	}
}

func TestCheckListingCLI(t *testing.T) {
	env := map[string]string{}
	code, out, errOut := run(t, env, `{"price":"300","payment":"personal_qr","deposit":true}`, "check", "listing", "--lang", "en", "--fail-on", "high")
	if code != 1 || !strings.Contains(out, "listing: high") || !strings.Contains(out, "[listing.deposit_first]") || !strings.Contains(out, "Deposit") {
		t.Fatalf("check listing: %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = run(t, env, `{"price":"99","on_platform":true,"payment":"escrow"}`, "check", "listing", "--json", "--fail-on", "medium")
	if code != 0 || !strings.Contains(out, `"risk": "low"`) {
		t.Fatalf("benign listing: %d %s", code, out)
	}
	in := `{"id":"a","price":"300","deposit":true,"on_platform":true}
{"id":"b","price":"x"}
{"id":"c","price":"10","on_platform":true}
`
	code, out, errOut = run(t, env, in, "check", "listing", "--jsonl")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], `{"id":"a","risk":"medium"`) || !strings.Contains(lines[1], `"field":"price"`) || !strings.HasPrefix(lines[2], `{"id":"c","risk":"low"`) {
		t.Fatalf("jsonl: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, `{"price":"300","deposit":true,"on_platform":true}`, "check", "listing", "--fail-on", "never"); code != 0 {
		t.Fatalf("--fail-on never: exit %d %s", code, errOut)
	}
	if code, _, errOut := run(t, env, `{"price":"1"}`, "check", "listing", "--fail-on", "low"); code != 2 || !strings.Contains(errOut, "--fail-on") {
		t.Fatalf("bad --fail-on: %d %s", code, errOut)
	}
}
