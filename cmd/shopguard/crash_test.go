package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/storetest"
)

// buildBinary builds the shopguard binary once per test.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "shopguard")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

// startBinary runs `shopguard serve` as a child process with env added to the test's and
// returns it with its base URL once it listens.
func startBinary(t *testing.T, bin string, env map[string]string, stderr *testenv.Buffer) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := listeningRE.FindStringSubmatch(stderr.String()); m != nil {
			return cmd, m[1]
		}
	}
	t.Fatalf("the server did not start:\n%s", stderr.String())
	return nil, ""
}

// acked is what the server acknowledged before it was killed: reports by id, and per case
// the SHA-256 of each uploaded file.
type acked struct {
	mu      sync.Mutex
	reports []int64
	files   map[string][]string // case id → files
	keys    map[string]string   // case id → key
}

// write keeps writing reports, cases and evidence to base until it stops answering,
// recording what it acknowledged. n numbers the writer.
func (a *acked) write(base string, n int) {
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; ; i++ {
		// a report, from a network of its own (the server believes X-Forwarded-For from loopback)
		body := fmt.Sprintf(`{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"1380%03d%04d"}],"platform":"xianyu","amount":"300.00","currency":"CNY","occurred_on":"2026-11-01","narrative":"asked for a deposit, then blocked me"}`, n, i%10000)
		req, _ := http.NewRequest("POST", base+"/api/v1/reports", bytes.NewBufferString(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.1", n, i%250))
		var rep struct{ ID int64 }
		if !call(client, req, http.StatusCreated, &rep) {
			return
		}
		a.mu.Lock()
		a.reports = append(a.reports, rep.ID)
		a.mu.Unlock()

		// a case and a file in it
		req, _ = http.NewRequest("POST", base+"/api/v1/cases", bytes.NewBufferString(`{"triage":{}}`))
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.2", n, i%250))
		var c struct{ ID, Key string }
		if !call(client, req, http.StatusCreated, &c) {
			return
		}
		file := []byte(fmt.Sprintf("聊天记录 writer %d, case %d: %x\n", n, i, rand.Uint64()))
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "chat.txt")
		fw.Write(file)
		mw.Close()
		req, _ = http.NewRequest("POST", base+"/api/v1/cases/"+c.ID+"/evidence", &b)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+c.Key)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.3", n, i%250))
		if !call(client, req, http.StatusCreated, nil) {
			return
		}
		sum := sha256.Sum256(file)
		a.mu.Lock()
		a.files[c.ID] = append(a.files[c.ID], hex.EncodeToString(sum[:]))
		a.keys[c.ID] = c.Key
		a.mu.Unlock()
	}
}

// call sends req and decodes the answer into out, reporting whether the server answered with
// want; any other answer ends the writer (the server is going or gone).
func call(client *http.Client, req *http.Request, want int, out any) bool {
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		return false
	}
	return out == nil || json.Unmarshal(b, out) == nil
}

// crashRuns is how many kill -9 runs TestKillNineLosesNoAcknowledgedWrite makes per engine:
// SHOPGUARD_CRASH_RUNS, else 2 (scripts/faults runs 20).
func crashRuns(t *testing.T) int {
	if v := os.Getenv("SHOPGUARD_CRASH_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("SHOPGUARD_CRASH_RUNS=%q: want a number of runs", v)
		}
		return n
	}
	return 2
}

// Every report, case and evidence file the server acknowledged is there after a kill -9 in
// the middle of writing, on SQLite and on PostgreSQL with S3: the server answers only once a
// write is durable.
func TestKillNineLosesNoAcknowledgedWrite(t *testing.T) {
	bin := buildBinary(t)
	engines := map[string]func(t *testing.T) map[string]string{
		"sqlite": func(t *testing.T) map[string]string { return map[string]string{"SHOPGUARD_DATA": t.TempDir()} },
		"postgres+s3": func(t *testing.T) map[string]string {
			env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_DB": storetest.PostgresDSN(t)}
			s3Env(t, env)
			return env
		},
	}
	for name, setup := range engines {
		t.Run(name, func(t *testing.T) {
			env := setup(t)
			env["SHOPGUARD_TRUSTED_PROXIES"] = "127.0.0.1/32"
			env["SHOPGUARD_RATE_ANON"] = "0"
			a := &acked{files: map[string][]string{}, keys: map[string]string{}}
			for run := range crashRuns(t) {
				var stderr testenv.Buffer
				cmd, base := startBinary(t, bin, env, &stderr)
				var wg sync.WaitGroup
				for n := range 4 {
					wg.Go(func() { a.write(base, n) })
				}
				// Kill once this run acknowledged a file (a loaded machine may take seconds to
				// answer at first), at a random moment after.
				a.mu.Lock()
				before := len(a.files)
				a.mu.Unlock()
				for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
					a.mu.Lock()
					n := len(a.files)
					a.mu.Unlock()
					if n > before {
						break
					}
				}
				time.Sleep(rand.N(700 * time.Millisecond))
				cmd.Process.Kill() // SIGKILL: no shutdown, no flush
				cmd.Wait()
				wg.Wait()
				testenv.NoPersonalData(t, stderr.String(), "asked for a deposit", "聊天记录")
				t.Logf("run %d: %d reports and %d cases acknowledged so far", run, len(a.reports), len(a.files))
			}
			if len(a.reports) == 0 || len(a.files) == 0 {
				t.Fatal("nothing was acknowledged: the runs measured nothing")
			}
			checkAcked(t, env, a)
		})
	}
}

// checkAcked opens the store and the evidence store the server used and finds every
// acknowledged write there.
func checkAcked(t *testing.T, env map[string]string, a *acked) {
	ctx := context.Background()
	m := &Main{Getenv: func(k string) string { return env[k] }}
	c, err := m.loadConfig()
	if err != nil {
		t.Fatal(err)
	}
	db, err := openStore(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	blobs, err := c.openBlobs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range a.reports {
		if _, err := db.ReportByID(ctx, id); err != nil {
			t.Errorf("acknowledged report %d: %v", id, err)
		}
	}
	for id, sums := range a.files {
		entries, err := db.ListEvidence(ctx, id)
		if err != nil || len(entries) != len(sums) {
			t.Errorf("acknowledged case %s: %d evidence entries, %v; want %d", id, len(entries), err, len(sums))
			continue
		}
		for i, e := range entries {
			if e.SHA256 != sums[i] {
				t.Errorf("case %s evidence %d: %s, want %s", id, i+1, e.SHA256, sums[i])
			}
			rc, err := blobs.Open(ctx, e.SHA256)
			if err == nil {
				_, err = io.Copy(io.Discard, rc)
				rc.Close()
			}
			if err != nil {
				t.Errorf("case %s evidence file %s: %v", id, e.SHA256, shopguard.ErrorMessage(err))
			}
		}
	}
}
