package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard/detect/link"
)

func TestCheckURLCommand(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	code, out, _ := run(t, env, "", "check", "url", "--lang", "en", "taobao.com", "https://item.jd.com/1.html")
	if code != 0 || !strings.Contains(out, "taobao.com  LOW") || !strings.Contains(out, "link.official_domain") {
		t.Errorf("official links: exit %d\n%s", code, out)
	}
	if code, out, _ := run(t, env, "", "check", "url", "--lang", "zh-CN", "taobao.com"); code != 0 || !strings.Contains(out, "taobao.com  低 ") {
		t.Errorf("official link in Chinese: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, env, "", "check", "url", "--json", "--lang", "en", "taobao.com.refund-center.xyz")
	var res []link.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != 1 || len(res) != 1 || res[0].Risk != "high" || res[0].Site != "refund-center.xyz" {
		t.Errorf("look-alike: exit %d, %v, %+v, want exit 1 and high risk", code, err, res)
	}
	// A site the checks know nothing about is not known, in the reader's language, never "LOW".
	code, out, _ = run(t, env, "", "check", "url", "--lang", "en", "qwzx-lamps.example.net/item/1")
	if code != 0 || strings.Contains(out, "LOW") || !strings.Contains(out, "no finding (checked: link.address") {
		t.Errorf("unknown site: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, env, "", "check", "url", "qwzx-lamps.example.net/item/1")
	if code != 0 || strings.Contains(out, "LOW") || !strings.Contains(out, "未知不等于安全") {
		t.Errorf("unknown site in Chinese: exit %d\n%s", code, out)
	}
	code, _, errOut := run(t, env, "", "check", "url", "not a link")
	if code != 2 || !strings.Contains(errOut, "url:") {
		t.Errorf("bad link: exit %d %q, want 2 and a message naming the url", code, errOut)
	}
	code, _, _ = run(t, env, "", "check", "url")
	if code != 2 {
		t.Errorf("no links: exit %d, want 2", code)
	}
	code, out, _ = run(t, env, "【淘宝】您的订单异常，点击 taobao-tuikuan.top/k 申请退款，或登录 taobao.com 查询。", "check", "url", "--text", "--lang", "en")
	if code != 1 || !strings.Contains(out, "taobao-tuikuan.top/k  ") || !strings.Contains(out, "taobao.com  LOW") {
		t.Errorf("--text: exit %d, want 1 with both links judged\n%s", code, out)
	}
}

func TestCheckURLBatch(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	in := `{"id":"a","url":"paypa1.com"}` + "\n" + `{"id":"b","url":"bad link"}` + "\n" + `{"id":"c","url":"https://www.amazon.co.uk/"}` + "\n" + `not json` + "\n"
	code, out, errOut := run(t, env, in, "check", "url", "--jsonl", "--lang", "en")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 4 {
		t.Fatalf("exit %d, %d lines (%s)\n%s", code, len(lines), errOut, out)
	}
	type line struct {
		ID      any    `json:"id"`
		Risk    string `json:"risk"`
		Signals []struct {
			Code string `json:"code"`
		} `json:"signals"`
		Error *struct {
			Field string `json:"field"`
		} `json:"error"`
	}
	var got []line
	for _, l := range lines {
		var one line
		if err := json.Unmarshal([]byte(l), &one); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		got = append(got, one)
	}
	if got[0].ID != "a" || got[0].Risk != "high" || len(got[0].Signals) == 0 || got[0].Signals[0].Code != "link.brand_homoglyph" {
		t.Errorf("line a: %+v", got[0])
	}
	if got[1].ID != "b" || got[1].Error == nil || got[1].Error.Field != "url" {
		t.Errorf("line b: %+v, want an error on url", got[1])
	}
	if got[2].ID != "c" || got[2].Risk != "low" {
		t.Errorf("line c: %+v", got[2])
	}
	if got[3].Error == nil {
		t.Errorf("line 4 (not JSON): %+v, want an error", got[3])
	}
}

func TestImportFeedThenCheck(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"SHOPGUARD_DATA": data}
	file := filepath.Join(t.TempDir(), "hosts.txt")
	os.WriteFile(file, []byte("0.0.0.0 parcel-fee.example.net\n127.0.0.1 localhost\n"), 0o644)
	code, out, errOut := run(t, env, "", "import", "feed", "--name", "my-hosts", "--format", "hosts", file)
	if code != 0 || !strings.Contains(out, "1 entries") {
		t.Fatalf("import: exit %d %s %s", code, out, errOut)
	}
	code, out, _ = run(t, env, "", "check", "url", "--lang", "en", "https://parcel-fee.example.net/pay")
	if code != 1 || !strings.Contains(out, "link.feed_listed") || !strings.Contains(out, `"my-hosts"`) {
		t.Errorf("check after import: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"import", "feed", "--name", "x", "--format", "xml", file},
		{"import", "feed", "--name", "Bad Name", file},
		{"import", "feed", "--name", "x", "--format", "csv", file},
		{"import", "feed", "--name", "x", filepath.Join(t.TempDir(), "missing.txt")},
	} {
		if code, _, errOut := run(t, env, "", args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d %q, want 2 with a message", args, code, errOut)
		}
	}
}

// serve fetches a configured feed URL (a server on loopback) and the API answers with it.
func TestServeFollowsFeedURL(t *testing.T) {
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("https://refund-desk.example.org/claim\n"))
	}))
	defer feedSrv.Close()
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_FEED_URLS": "local-feed,openphish," + feedSrv.URL + ",1m"}
	srv := startServer(t, env)
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Post(srv.http.URL()+"/api/v1/check/url", "application/json", strings.NewReader(`{"url":"refund-desk.example.org"}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), `"feed":"local-feed"`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the feed was not fetched within 5s: %s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, bad := range []string{"only-two,list", "x,list,ftp://host/feed", "x,xml,https://host/feed", "x,list,https://host/feed,5s"} {
		if _, err := (Config{FeedURLs: bad}).feedSources(); err == nil {
			t.Errorf("feed URL setting %q was accepted", bad)
		}
	}
}
