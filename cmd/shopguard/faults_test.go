package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopguard/shopguard/internal/testenv"
	"github.com/shopguard/shopguard/sqlite"
	"github.com/shopguard/shopguard/storetest"
)

// faultClient sends the requests of the fault tests and tallies the answers: every one must
// be a success or a clean refusal, never a 500, and every 503 says when to try again.
type faultClient struct {
	t      *testing.T
	base   string
	client *http.Client
	a      *acked
	mu     sync.Mutex
	status map[int]int
}

func newFaultClient(t *testing.T, base string) *faultClient {
	return &faultClient{t: t, base: base, client: &http.Client{Timeout: 20 * time.Second},
		a: &acked{files: map[string][]string{}, keys: map[string]string{}}, status: map[int]int{}}
}

// do sends a request and returns the status and body; a 5xx other than a 503 with
// Retry-After fails the test.
func (f *faultClient) do(method, path, contentType string, body []byte, hdr ...string) (int, []byte) {
	req, _ := http.NewRequest(method, f.base+path, bytes.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.t.Errorf("%s %s: %v", method, path, err)
		return 0, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	f.mu.Lock()
	f.status[resp.StatusCode]++
	f.mu.Unlock()
	if resp.StatusCode >= 500 && (resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "") {
		f.t.Errorf("%s %s = %d (Retry-After %q): %s", method, path, resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	return resp.StatusCode, b
}

// report files a report, recording it when acknowledged.
func (f *faultClient) report(i int) int {
	body := fmt.Sprintf(`{"scam_type":"deposit_scam","identifiers":[{"kind":"phone","value":"1390%07d"}],"platform":"xianyu","amount":"300.00","currency":"CNY","occurred_on":"2026-11-01","narrative":"asked for a deposit, then blocked me"}`, i)
	st, b := f.do("POST", "/api/v1/reports", "application/json", []byte(body), "X-Forwarded-For", fmt.Sprintf("10.9.%d.%d", i/250%250, i%250))
	if st == http.StatusCreated {
		var rep struct{ ID int64 }
		json.Unmarshal(b, &rep)
		f.a.mu.Lock()
		f.a.reports = append(f.a.reports, rep.ID)
		f.a.mu.Unlock()
	}
	return st
}

// newCase opens a case and returns its id and key.
func (f *faultClient) newCase() (string, string) {
	st, b := f.do("POST", "/api/v1/cases", "application/json", []byte(`{"triage":{}}`))
	var c struct{ ID, Key string }
	json.Unmarshal(b, &c)
	if st != http.StatusCreated {
		f.t.Fatalf("open a case = %d %s", st, b)
	}
	return c.ID, c.Key
}

// upload adds a file of size bytes to the case, recording it when acknowledged.
func (f *faultClient) upload(id, key string, n, size int) int {
	file := bytes.Repeat([]byte(fmt.Sprintf("转账截图 receipt %d of case %s. ", n, id)), size/40+1)[:size]
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("file", "receipt.txt")
	fw.Write(file)
	mw.Close()
	st, _ := f.do("POST", "/api/v1/cases/"+id+"/evidence", mw.FormDataContentType(), b.Bytes(), "Authorization", "Bearer "+key)
	if st == http.StatusCreated {
		sum := sha256.Sum256(file)
		f.a.mu.Lock()
		f.a.files[id] = append(f.a.files[id], hex.EncodeToString(sum[:]))
		f.a.keys[id] = key
		f.a.mu.Unlock()
	}
	return st
}

// checkURL runs a link check, which needs neither the database nor the object store.
func (f *faultClient) checkURL() int {
	st, _ := f.do("POST", "/api/v1/check/url", "application/json", []byte(`{"url":"http://taobao-refund-kefu.top/login"}`))
	return st
}

// until retries fn until it answers want, for up to a minute, and fails the test otherwise.
func until(t *testing.T, what string, want int, fn func() int) {
	t.Helper()
	got := 0
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if got = fn(); got == want {
			return
		}
	}
	t.Fatalf("%s: still %d after a minute, want %d", what, got, want)
}

// load keeps writing reports and running checks from four clients until stop closes,
// tallying the answers, as the traffic a node meets during an outage.
func (f *faultClient) load(stop chan struct{}) *sync.WaitGroup {
	return storm(4, stop, func(w, i int) {
		if i%2 == 0 {
			f.report(100000*(w+1) + i)
		} else {
			f.checkURL()
		}
	})
}

// storm runs n clients, each calling send with its number and a count of its calls, until
// stop closes.
func storm(n int, stop chan struct{}, send func(client, i int)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for c := range n {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				send(c, i)
			}
		})
	}
	return &wg
}

// With PostgreSQL away (every connection cut, none accepted: what a node sees while the
// database restarts), a node under load answers writes with 503 and Retry-After, keeps
// answering checks from memory, says it is not ready, and comes back by itself once the
// database does; every report it acknowledged is kept.
func TestDatabaseAwayAnswers503AndComesBack(t *testing.T) {
	bin := buildBinary(t)
	dsn := storetest.PostgresDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewProxy(t, u.Host)
	u.Host = proxy.Addr
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_DB": u.String(),
		"SHOPGUARD_TRUSTED_PROXIES": "127.0.0.1/32", "SHOPGUARD_RATE_ANON": "0"}
	var stderr testenv.Buffer
	_, base := startBinary(t, bin, env, &stderr)
	f := newFaultClient(t, base)
	if st := f.report(1); st != http.StatusCreated {
		t.Fatalf("a report before the outage = %d", st)
	}
	stop := make(chan struct{})
	wg := f.load(stop)
	time.Sleep(300 * time.Millisecond)

	proxy.Cut()
	for i := range 5 {
		if st := f.report(10 + i); st != http.StatusServiceUnavailable {
			t.Errorf("a report while the database is away = %d, want 503", st)
		}
	}
	if st := f.checkURL(); st != http.StatusOK {
		t.Errorf("a link check while the database is away = %d, want 200", st)
	}
	if st, _ := f.do("GET", "/readyz", "", nil); st != http.StatusServiceUnavailable {
		t.Errorf("readiness while the database is away = %d, want 503", st)
	}

	proxy.Restore(t)
	until(t, "a report once the database is back", http.StatusCreated, func() int { return f.report(20) })
	time.Sleep(300 * time.Millisecond)
	close(stop)
	wg.Wait()
	if f.status[http.StatusServiceUnavailable] == 0 || f.status[http.StatusCreated] < 2 {
		t.Fatalf("answers %v: the outage was not met or the node did not come back", f.status)
	}
	t.Logf("answers by status: %v", f.status)
	if t.Failed() {
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(l, "internal error") {
				t.Log(l)
			}
		}
	}
	env["SHOPGUARD_DB"] = dsn
	checkAcked(t, env, f.a)
	testenv.NoPersonalData(t, stderr.String(), "asked for a deposit")
}

// With the object store away, uploads fail cleanly (503 with Retry-After, the case as it
// was), checks and reports keep working, and uploads work again once it is back, without a
// restart.
func TestObjectStoreAwayFailsUploadsCleanly(t *testing.T) {
	bin := buildBinary(t)
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_TRUSTED_PROXIES": "127.0.0.1/32", "SHOPGUARD_RATE_ANON": "0"}
	s3Env(t, env)
	ep, err := url.Parse(env["SHOPGUARD_S3_ENDPOINT"])
	if err != nil {
		t.Fatal(err)
	}
	proxy := testenv.NewProxy(t, ep.Host)
	direct := env["SHOPGUARD_S3_ENDPOINT"]
	env["SHOPGUARD_S3_ENDPOINT"] = ep.Scheme + "://" + proxy.Addr
	var stderr testenv.Buffer
	_, base := startBinary(t, bin, env, &stderr)
	f := newFaultClient(t, base)
	id, key := f.newCase()
	if st := f.upload(id, key, 1, 2000); st != http.StatusCreated {
		t.Fatalf("an upload before the outage = %d", st)
	}

	proxy.Cut()
	for n := range 3 {
		if st := f.upload(id, key, 10+n, 2000); st != http.StatusServiceUnavailable {
			t.Errorf("an upload while the object store is away = %d, want 503", st)
		}
	}
	if st, b := f.do("GET", "/api/v1/cases/"+id, "", nil, "Authorization", "Bearer "+key); st != 200 || strings.Count(string(b), `"sha256"`) != 1 {
		t.Errorf("the case while the object store is away = %d, want it with its one file: %s", st, b)
	}
	if st, _ := f.do("GET", "/api/v1/cases/"+id+"/evidence/1", "", nil, "Authorization", "Bearer "+key); st != http.StatusServiceUnavailable {
		t.Errorf("reading a file while the object store is away = %d, want 503", st)
	}
	if st := f.checkURL(); st != http.StatusOK {
		t.Errorf("a link check while the object store is away = %d", st)
	}
	if st := f.report(1); st != http.StatusCreated {
		t.Errorf("a report without files while the object store is away = %d", st)
	}

	proxy.Restore(t)
	until(t, "an upload once the object store is back", http.StatusCreated, func() int { return f.upload(id, key, 2, 2000) })
	env["SHOPGUARD_S3_ENDPOINT"] = direct
	checkAcked(t, env, f.a)
}

// SmallFSEnv names a directory on a small file system of its own (a few MiB, such as a
// tmpfs) that the full-disk test may fill; .ci/run mounts one.
const SmallFSEnv = "SHOPGUARD_TEST_SMALLFS"

// With the data disk full, writes fail with a clear 503 and nothing stored is damaged: once
// space is freed the node takes writes again, every acknowledged report and file is there,
// and the database passes SQLite's integrity check.
func TestFullDiskCorruptsNothing(t *testing.T) {
	root := os.Getenv(SmallFSEnv)
	if root == "" {
		testenv.Missing(t, "full-disk test skipped: set %s to a directory on a small file system of its own (e.g. mount -t tmpfs -o size=16m tmpfs DIR)", SmallFSEnv)
	}
	bin := buildBinary(t)
	data, err := os.MkdirTemp(root, "full-disk-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(data) })
	env := map[string]string{"SHOPGUARD_DATA": data, "SHOPGUARD_TRUSTED_PROXIES": "127.0.0.1/32", "SHOPGUARD_RATE_ANON": "0"}
	var stderr testenv.Buffer
	cmd, base := startBinary(t, bin, env, &stderr)
	f := newFaultClient(t, base)
	id, key := f.newCase()
	if st := f.upload(id, key, 1, 4000); st != http.StatusCreated {
		t.Fatalf("an upload before the disk fills = %d", st)
	}
	if st := f.report(1); st != http.StatusCreated {
		t.Fatalf("a report before the disk fills = %d", st)
	}

	// Fill the disk but for a few KiB.
	filler := filepath.Join(root, "filler-"+filepath.Base(data))
	fill, err := os.Create(filler)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := fill.Write(chunk); err != nil {
			break
		}
	}
	fill.Close()
	t.Cleanup(func() { os.Remove(filler) })

	full := 0
	for n := range 10 {
		if st := f.upload(id, key, 10+n, 256<<10); st == http.StatusServiceUnavailable {
			full++
		}
		f.report(10 + n)
	}
	if full == 0 {
		t.Fatalf("no upload was refused with the disk full: %v", f.status)
	}
	if st := f.checkURL(); st != http.StatusOK {
		t.Errorf("a link check with the disk full = %d", st)
	}

	os.Remove(filler)
	until(t, "an upload once there is room", http.StatusCreated, func() int { return f.upload(id, key, 2, 4000) })
	until(t, "a report once there is room", http.StatusCreated, func() int { return f.report(2) })
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	checkAcked(t, env, f.a)
	db, err := sqlite.Open(context.Background(), filepath.Join(data, "shopguard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.Read.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity check after the disk was full: %q, %v", ok, err)
	}
	t.Logf("answers by status: %v", f.status)
}

// Overloaded with large chat scans from 160 clients at once, a node sheds what it cannot
// take with 503 or 429 and Retry-After, never a 500 or a dropped connection; its memory stays
// bounded (Config.BodyMemory: without it the peak was 642 MiB); cheap requests keep
// answering meanwhile, and it serves normally once the storm ends.
func TestOverloadShedsAndRecovers(t *testing.T) {
	bin := buildBinary(t)
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_TRUSTED_PROXIES": "127.0.0.1/32"}
	var stderr testenv.Buffer
	cmd, base := startBinary(t, bin, env, &stderr)
	f := newFaultClient(t, base)
	f.client.Timeout = time.Minute
	// About 900 KB of chat (the body stays under the 1 MiB limit), scams and ordinary talk in turn, each message with a link and a number.
	var chat strings.Builder
	for i := 0; chat.Len() < 900<<10; i++ {
		if i%2 == 0 {
			fmt.Fprintf(&chat, "客服：您的订单异常，请点击 http://taobao-refund-%d.top/pay 填写银行卡号和验证码办理退款，或加QQ %d。\n", i, 100000+i)
		} else {
			fmt.Fprintf(&chat, "Seller: your parcel %d left today, track it on the order page; call 400-800-%04d with questions.\n", i, i%10000)
		}
	}
	body, _ := json.Marshal(map[string]string{"text": chat.String()})

	stop := make(chan struct{})
	wg := storm(160, stop, func(c, i int) {
		f.do("POST", "/api/v1/scan", "application/json", body, "X-Forwarded-For", fmt.Sprintf("10.7.%d.%d", c, i%250))
	})
	// Cheap requests during the storm: a link check from a client of its own.
	time.Sleep(2 * time.Second)
	cheap := 0
	for i := range 10 {
		if st, _ := f.do("POST", "/api/v1/check/url", "application/json", []byte(`{"url":"https://www.jd.com/"}`), "X-Forwarded-For", fmt.Sprintf("10.8.0.%d", i)); st == http.StatusOK {
			cheap++
		}
	}
	time.Sleep(3 * time.Second)
	close(stop)
	wg.Wait()
	if cheap < 8 {
		t.Errorf("cheap requests during the storm: %d of 10 answered 200", cheap)
	}
	shed := f.status[http.StatusServiceUnavailable] + f.status[http.StatusTooManyRequests]
	if shed == 0 || f.status[http.StatusOK] == 0 {
		t.Errorf("answers %v: want some scans served and some shed", f.status)
	}
	peak := peakRSS(t, cmd.Process.Pid)
	t.Logf("answers by status: %v; peak RSS %d MiB", f.status, peak>>20)
	if peak > 512<<20 {
		t.Errorf("peak RSS %d MiB: memory is not bounded under overload", peak>>20)
	}
	// After the storm: served normally.
	until(t, "a scan after the storm", http.StatusOK, func() int {
		st, _ := f.do("POST", "/api/v1/scan", "application/json", []byte(`{"text":"您好，包裹已发出"}`), "X-Forwarded-For", "10.9.9.9")
		return st
	})
}

// peakRSS returns the most memory the process has held (VmHWM).
func peakRSS(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("cannot read the process's memory: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb << 10
		}
	}
	t.Skip("no VmHWM in /proc: cannot measure memory")
	return 0
}
