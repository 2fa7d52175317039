package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScanCommand(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	code, out, errOut := run(t, env, "您好，我是平台客服，您的订单异常需要退款，请把收到的验证码发给我。", "scan", "--lang", "en")
	if code != 1 || !strings.Contains(out, "Risk: high") || !strings.Contains(out, "[[") || !strings.Contains(out, "fake_customer_service") {
		t.Errorf("scan scam: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, env, "您的包裹已放入快递柜，取件码 3321。", "scan")
	if code != 0 || !strings.Contains(out, "风险: 低（") || strings.Contains(out, "low") { // in the reader's language
		t.Errorf("scan calm: exit %d\n%s", code, out)
	}
	file := filepath.Join(t.TempDir(), "chat.json")
	os.WriteFile(file, []byte(`{"messages":[{"from":"them","text":"Part-time job: like and follow tasks, commission per task. Pay a deposit first on Telegram."}]}`), 0o600)
	code, out, _ = run(t, env, "", "scan", "--json", file)
	var res struct {
		Risk  string   `json:"risk"`
		Types []string `json:"types"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &res) != nil || res.Risk == "low" || len(res.Types) == 0 || res.Types[0] != "order_brushing" {
		t.Errorf("scan --json file: exit %d %s", code, out)
	}
	in := `{"id":"a","text":"hello"}` + "\n" + `{"id":"b","messages":[{"from":"bot","text":"x"}]}` + "\n\n" + `{"id":"c","text":"Your account has been suspended, verify your details at http://x.top"}` + "\n"
	code, out, _ = run(t, env, in, "scan", "--jsonl")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 3 || !strings.HasPrefix(lines[0], `{"id":"a","risk":"low"`) || !strings.Contains(lines[1], `"field":"messages[0].from"`) || !strings.Contains(lines[2], `"phishing"`) {
		t.Errorf("scan --jsonl: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, env, "", "scan", "a", "b"); code != 2 || !strings.Contains(errOut, "at most one FILE") {
		t.Errorf("two files: %d %s", code, errOut)
	}
	// A message with nothing in it that the checks know is not known, never "low".
	if code, out, _ := run(t, env, "明天下午三点在公司门口见，记得带伞。", "scan", "--lang", "en"); code != 0 || strings.Contains(out, "Risk: low") || !strings.Contains(out, "Risk: no finding (checked: ") {
		t.Errorf("calm message: exit %d\n%s", code, out)
	}
	if code, _, errOut := run(t, env, "   ", "scan"); code != 2 || !strings.Contains(errOut, "give a text") {
		t.Errorf("empty input: %d %s", code, errOut)
	}
}

func TestScanJudgesLinks(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	calm := "客服：您好，退款进度可以在这里查看 taobao-tuikuan.com 有问题再联系\n我：好的"
	code, out, errOut := run(t, env, calm, "scan", "--lang", "en")
	if code != 1 || strings.Contains(out, "Risk: low") || !strings.Contains(out, "taobao-tuikuan.com") || !strings.Contains(out, "Taobao") {
		t.Fatalf("chat with a look-alike link: exit %d\n%s%s", code, out, errOut)
	}
	official := "客服：您好，退款进度可以在这里查看 https://www.taobao.com/refund 有问题再联系\n我：好的"
	if code, out, _ := run(t, env, official, "scan", "--lang", "en"); code != 0 || !strings.Contains(out, "Risk: low") {
		t.Fatalf("chat with an official link: exit %d\n%s", code, out)
	}
	// A feed imported into the data directory reaches the links of a chat.
	list := filepath.Join(t.TempDir(), "list.txt")
	os.WriteFile(list, []byte("sunny-gadgets.com\n"), 0o600)
	if code, _, errOut := run(t, env, "", "import", "feed", "--name", "blocklist", list); code != 0 {
		t.Fatalf("import feed: %d %s", code, errOut)
	}
	code, out, _ = run(t, env, `{"text":"店铺网址 sunny-gadgets.com 欢迎光临"}`, "scan", "--json")
	var res struct {
		Risk    string `json:"risk"`
		Signals []struct {
			Code string            `json:"code"`
			Args map[string]string `json:"args"`
			Span *struct{ Start, End int }
		} `json:"signals"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &res) != nil || res.Risk != "high" || len(res.Signals) == 0 ||
		res.Signals[0].Code != "link.feed_listed" || res.Signals[0].Args["feed"] != "blocklist" || res.Signals[0].Span == nil || res.Signals[0].Span.Start != 5 {
		t.Fatalf("chat with a listed link: exit %d %s", code, out)
	}
}

func TestEvalTextCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "rows.jsonl")
	rows := `{"id":"1","text":"您好，我是平台客服，您的订单异常需要退款，请把收到的验证码发给我。","label":"scam","type":"fake_customer_service","source":"t"}
{"id":"2","text":"您的包裹已放入快递柜。","label":"ok","type":"","source":"t"}
{"id":"3","text":"See you at six!","label":"ok","type":"","source":"t"}
`
	os.WriteFile(file, []byte(rows), 0o600)
	code, out, errOut := run(t, map[string]string{"SHOPGUARD_DATA": dir}, "", "eval", "text", file)
	if code != 0 || !strings.Contains(out, "| t | ok | — | 2 | 0.0% (0) | — |") || !strings.Contains(out, "| t | scam | fake_customer_service | 1 | 100.0% (1) | 100.0% |") {
		t.Errorf("eval text: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, map[string]string{"SHOPGUARD_DATA": dir}, "", "eval", "text", "--by-source", file)
	if code != 0 || !strings.Contains(out, "| t | — | no (unseen) | ok | — | 2 | 0.0% (0) | — |") {
		t.Errorf("eval text --by-source: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := run(t, nil, "", "eval", "text"); code != 2 {
		t.Errorf("eval text without files: exit %d", code)
	}
}

func TestScanReadsAPastedChat(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	chat := "客服：您好，您的订单异常，需要退款。\n我：好的，怎么弄？\n客服：请把收到的验证码发给我。\n"
	code, out, errOut := run(t, env, chat, "scan", "--json")
	var res struct {
		Risk string `json:"risk"`
		Cues []struct {
			ID      string `json:"id"`
			Message int    `json:"message"`
		} `json:"cues"`
	}
	if code != 1 || json.Unmarshal([]byte(out), &res) != nil || res.Risk == "low" {
		t.Fatalf("scan of a pasted chat: exit %d %s %s", code, out, errOut)
	}
	for _, c := range res.Cues {
		if c.ID == "asks_code" && c.Message != 2 {
			t.Errorf("the code request is placed in message %d, want 2", c.Message)
		}
	}
	// For a person, the stage reached is said in words, not as its code.
	_, out, _ = run(t, env, chat, "scan")
	if !strings.Contains(out, "套路进行到: 索要钱款、验证码或信息") || strings.Contains(out, ": request") {
		t.Errorf("the stage is not in words:\n%s", out)
	}
	_, out, _ = run(t, env, chat, "scan", "--lang", "en")
	if !strings.Contains(out, "Stage reached: asking for money, codes or data") {
		t.Errorf("the stage is not in words in English:\n%s", out)
	}
}

func TestChecksAskASnapshot(t *testing.T) {
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir()}
	csv := filepath.Join(t.TempDir(), "reports.csv")
	os.WriteFile(csv, []byte("kind,value,score,confirmed\nphone,+8613812345678,80,true\ndomain,sunny-gadgets.com,80,true\n"), 0o600)
	if code, _, errOut := run(t, env, "", "import", "--format", "csv", "--source", "partner", csv); code != 0 {
		t.Fatalf("import: %d %s", code, errOut)
	}
	// The public snapshot holds the domain, not the phone number, whose hash anyone could find
	// by hashing every number; the keyed one holds both, under the operator's key.
	public, snap := filepath.Join(t.TempDir(), "public.snapshot"), filepath.Join(t.TempDir(), "keyed.snapshot")
	if code, out, errOut := run(t, env, "", "snapshot", "--out", public); code != 0 || !strings.Contains(out, "wrote 1 indicators") {
		t.Fatalf("snapshot: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := run(t, env, "", "snapshot", "--keyed", "--out", snap); code != 2 || !strings.Contains(errOut, "SHOPGUARD_SNAPSHOT_KEY") {
		t.Fatalf("snapshot --keyed without a key: %d %s", code, errOut)
	}
	env["SHOPGUARD_SNAPSHOT_KEY"] = "the operator's snapshot key"
	if code, out, errOut := run(t, env, "", "snapshot", "--keyed", "--out", snap); code != 0 || !strings.Contains(out, "wrote 2 indicators") || !strings.Contains(out, "(keyed)") {
		t.Fatalf("snapshot --keyed: %d %s %s", code, out, errOut)
	}
	offline := map[string]string{"SHOPGUARD_DATA": filepath.Join(t.TempDir(), "never-made")}
	chat := "您好，台灯已经发货，有问题打我电话 138-1234-5678，店铺 sunny-gadgets.com"
	if code, out, _ := run(t, offline, chat, "scan", "--lang", "en"); code != 0 || !strings.Contains(out, "Risk: low") {
		t.Fatalf("scan without a snapshot: exit %d\n%s", code, out)
	}
	code, out, errOut := run(t, offline, chat, "scan", "--lang", "en", "--json", "--snapshot", public)
	if code != 1 || strings.Contains(out, `"intel.confirmed_identifier"`) || !strings.Contains(out, `"link.reported"`) {
		t.Fatalf("scan --snapshot public: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, offline, chat, "scan", "--snapshot", snap); code != 2 || !strings.Contains(errOut, "keyed") {
		t.Fatalf("scan --snapshot keyed without the key: exit %d %s", code, errOut)
	}
	offline["SHOPGUARD_SNAPSHOT_KEY"] = env["SHOPGUARD_SNAPSHOT_KEY"]
	code, out, errOut = run(t, offline, chat, "scan", "--lang", "en", "--json", "--snapshot", snap)
	if code != 1 || !strings.Contains(out, `"intel.confirmed_identifier"`) || !strings.Contains(out, `"link.reported"`) || strings.Contains(out, "13812345678") {
		t.Fatalf("scan --snapshot: exit %d\n%s%s", code, out, errOut)
	}
	seller := `{"price":"199","on_platform":true,"payment":"escrow","contacts":[{"kind":"mobile","value":"138 1234 5678"}]}`
	if code, out, _ := run(t, offline, seller, "check", "listing", "--lang", "en", "--fail-on", "high"); code != 0 || !strings.Contains(out, "listing: low") {
		t.Fatalf("check listing without a snapshot: exit %d\n%s", code, out)
	}
	code, out, errOut = run(t, offline, seller, "check", "listing", "--lang", "en", "--fail-on", "high", "--snapshot", snap)
	if code != 1 || !strings.Contains(out, "listing: high") || !strings.Contains(out, "[intel.confirmed_identifier]") {
		t.Fatalf("check listing --snapshot: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(offline["SHOPGUARD_DATA"]); err == nil {
		t.Fatal("an offline check made a data directory")
	}
}

// TestLanguageFollowsTheLocale: without --lang, explanations are in the language of
// SHOPGUARD_LANG or of the locale (LC_ALL before LC_MESSAGES before LANG), Chinese when
// neither names English; --lang still wins, and a wrong SHOPGUARD_LANG is refused.
func TestLanguageFollowsTheLocale(t *testing.T) {
	msg := "Your parcel is on hold: pay the customs fee at http://parcel-fee.top within 12 hours."
	for _, c := range []struct {
		env  map[string]string
		args []string
		want string
	}{
		{map[string]string{}, nil, "风险"},
		{map[string]string{"LANG": "C.UTF-8"}, nil, "风险"},
		{map[string]string{"LANG": "en_GB.UTF-8"}, nil, "Risk: "},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, nil, "风险"},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_AU.UTF-8"}, nil, "Risk: "},
		{map[string]string{"LANG": "zh_CN.UTF-8", "SHOPGUARD_LANG": "en"}, nil, "Risk: "},
		{map[string]string{"LANG": "en_US.UTF-8"}, []string{"--lang", "zh-CN"}, "风险"},
	} {
		c.env["SHOPGUARD_DATA"] = t.TempDir()
		_, out, errOut := run(t, c.env, msg, append([]string{"scan"}, c.args...)...)
		if !strings.Contains(out, c.want) {
			t.Errorf("%v %v: want %q in\n%s%s", c.env, c.args, c.want, out, errOut)
		}
	}
	env := map[string]string{"SHOPGUARD_DATA": t.TempDir(), "SHOPGUARD_LANG": "fr"}
	if code, _, errOut := run(t, env, msg, "scan"); code != 2 || !strings.Contains(errOut, `--lang "fr"`) {
		t.Errorf("SHOPGUARD_LANG=fr: exit %d %s", code, errOut)
	}
}
