package text

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/lineartest"
	"github.com/shopguard/shopguard/knowledge"
)

var (
	defaultOnce sync.Once
	defaultDet  *Detector
	defaultPack *knowledge.Pack
	defaultErr  error
)

// mustDetector returns the detector of the embedded pack, built once.
func mustDetector(tb testing.TB) (*Detector, *knowledge.Pack) {
	tb.Helper()
	defaultOnce.Do(func() {
		defaultPack, defaultErr = knowledge.Default()
		if defaultErr == nil {
			defaultDet, defaultErr = New(defaultPack)
		}
	})
	if defaultErr != nil {
		tb.Fatalf("detector: %v", defaultErr)
	}
	return defaultDet, defaultPack
}

func exampleMessages(e knowledge.Example) []Message {
	if e.Text != "" {
		return []Message{{From: FromThem, Text: e.Text}}
	}
	var ms []Message
	for _, m := range e.Messages {
		ms = append(ms, Message{From: m.From, Text: m.Text})
	}
	return ms
}

// TestPlaybookExamples runs every playbook's own examples: positives must be flagged with
// the playbook's type, negatives must stay low.
func TestPlaybookExamples(t *testing.T) {
	d, p := mustDetector(t)
	for _, pb := range p.Playbooks {
		for i, e := range pb.Examples {
			r := d.Scan(exampleMessages(e))
			has := slices.Contains(r.Types, pb.ID)
			switch {
			case e.Scam && (r.Risk == shopguard.RiskLow || !has):
				t.Errorf("%s example %d: got %s %d %v, want medium or high with the type; cues %v", pb.ID, i, r.Risk, r.Score, r.Types, cueIDs(r))
			case !e.Scam && r.Risk != shopguard.RiskLow:
				t.Errorf("%s negative example %d: got %s %d %v; cues %v", pb.ID, i, r.Risk, r.Score, r.Types, cueIDs(r))
			}
		}
	}
}

func cueIDs(r Result) []string {
	var out []string
	for _, c := range r.Cues {
		out = append(out, c.ID+":"+c.Text)
	}
	return out
}

func readFixtures(t testing.TB, file string) []Input {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Input
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		in, err := ParseInput(sc.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		out = append(out, in)
	}
	return out
}

// TestLegitimateChatsStayLow checks the project's own legitimate shopping conversations:
// at most 2% may be flagged.
func TestLegitimateChatsStayLow(t *testing.T) {
	d, _ := mustDetector(t)
	ins := readFixtures(t, "testdata/legit-chats.jsonl")
	if len(ins) < 200 {
		t.Fatalf("only %d legitimate conversations, want at least 200", len(ins))
	}
	flagged := 0
	for _, in := range ins {
		if r := d.Scan(in.Conversation()); r.Risk != shopguard.RiskLow {
			flagged++
			t.Logf("%s flagged %s %d %v %v", in.ID, r.Risk, r.Score, r.Types, cueIDs(r))
		}
	}
	if float64(flagged) > 0.02*float64(len(ins)) {
		t.Errorf("%d of %d legitimate conversations flagged, more than 2%%", flagged, len(ins))
	}
}

// TestScamFixtures checks the project's own scam examples: each flagged, with its type.
func TestScamFixtures(t *testing.T) {
	d, _ := mustDetector(t)
	f, err := os.ReadFile("testdata/scam-chats.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(f)), "\n") {
		var row struct {
			Input
			Type string `json:"type"`
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		r := d.Scan(row.Conversation())
		if r.Risk == shopguard.RiskLow || !slices.Contains(r.Types, row.Type) {
			t.Errorf("%s: got %s %d %v, want %s flagged; cues %v", row.ID, r.Risk, r.Score, r.Types, row.Type, cueIDs(r))
		}
	}
}

func TestEvasionsAreCaught(t *testing.T) {
	d, _ := mustDetector(t)
	for _, tc := range []struct{ name, text, cue string }{
		{"separators", "请把 验-证-码 发给我", "asks_code"},
		{"full width", "ｓｈａｒｅ ｙｏｕｒ ｓｃｒｅｅｎ please", "screen_share"},
		{"traditional", "請提供驗證碼給我", "asks_code"},
		{"abbreviation", "加vx详聊", "off_platform_contact"},
		{"homophone", "加威信好友", "off_platform_contact"},
		{"zero width", "屏\u200b幕\u200b共\u200b享", "screen_share"},
		{"leet", "Y0u have w0n a prize", "prize_lure"},
		{"verbs in the base form", "sorry, your card have be block", "account_abnormal"},
		{"verbs in the base form", "you have be select to receive a reward", "prize_lure"},
	} {
		r := d.ScanText(tc.text)
		if !hasCue(r, tc.cue) {
			t.Errorf("%s: %q: cue %s not found; cues %v", tc.name, tc.text, tc.cue, cueIDs(r))
		}
	}
}

func TestCueOffsetsPointIntoTheOriginal(t *testing.T) {
	d, _ := mustDetector(t)
	text := "亲，请 把 驗 證 碼 发给我，谢谢"
	r := d.ScanText(text)
	var hit *CueHit
	for i := range r.Cues {
		if r.Cues[i].ID == "asks_code" && hit == nil {
			hit = &r.Cues[i]
		}
	}
	if hit == nil {
		t.Fatalf("no asks_code cue in %v", cueIDs(r))
	}
	runes := []rune(text)
	if got := string(runes[hit.Start:hit.End]); got != hit.Text || !strings.HasPrefix(got, "把") || !strings.HasSuffix(got, "碼") {
		t.Errorf("span [%d,%d) = %q, text %q", hit.Start, hit.End, got, hit.Text)
	}
}

func TestNegationAndSender(t *testing.T) {
	d, _ := mustDetector(t)
	warn := d.ScanText("本店客服不会要求您加微信、转账或提供验证码，请勿相信。")
	if warn.Risk != shopguard.RiskLow || slices.ContainsFunc(warn.Cues, func(c CueHit) bool { return c.ID == "asks_code" || c.ID == "personal_transfer" }) {
		t.Errorf("a warning was taken for a request: %s %v", warn.Risk, cueIDs(warn))
	}
	ask := d.ScanText("不要担心，把验证码发给我就行。")
	if !slices.ContainsFunc(ask.Cues, func(c CueHit) bool { return c.ID == "asks_code" }) {
		t.Errorf("a negation in another clause cancelled the request: %v", cueIDs(ask))
	}
	mine := d.Scan([]Message{{From: FromMe, Text: "可以把验证码发给你吗？要转账到你的个人账户吗？"}})
	if len(mine.Cues) != 0 {
		t.Errorf("the shopper's own words gave cues: %v", cueIDs(mine))
	}
}

func TestSentenceNegation(t *testing.T) {
	d, _ := mustDetector(t)
	requests := func(r Result) bool {
		return slices.ContainsFunc(r.Cues, func(c CueHit) bool { return c.ID == "asks_code" || c.ID == "personal_transfer" || c.ID == "asks_card" })
	}
	for _, tip := range []string{
		// A list runs past the few words a plain "never" reaches.
		"Your bank will never ask for your PIN, your full card number or a code we sent you, and never asks you to move money to a safe account.",
		"银行不会要求您提供密码、短信里的动态码或者把钱转到所谓的安全账户。",
		"平台不会通过短信链接让您重新认证或填写银行卡信息",
	} {
		if r := d.ScanText(tip); requests(r) || r.Risk != shopguard.RiskLow {
			t.Errorf("%q: %s %v", tip, r.Risk, cueIDs(r))
		}
	}
	for _, ask := range []string{
		// The sentence ends, and so does what the warning covers.
		"We never ask for your PIN. Now please read me the code we sent you.",
		"客服不会要求您付费，请提供收到的验证码。",
		"客服不会要求您付费,请提供收到的验证码。", // a Chinese comma typed narrow
	} {
		if r := d.ScanText(ask); !requests(r) {
			t.Errorf("%q: the request after the warning's sentence was cancelled: %v", ask, cueIDs(r))
		}
	}
}

func TestEnglishNegatorsLookAhead(t *testing.T) {
	d, _ := mustDetector(t)
	// "to avoid…" after a request says why to do it; it does not warn against it.
	r := d.ScanText("Your payment could not be processed. Update your billing information within 48 hours to avoid cancellation.")
	if !hasCue(r, "asks_card") {
		t.Errorf("the request before \"to avoid\" was cancelled: %v", cueIDs(r))
	}
	// A Chinese negator after the request still cancels it, and so does "is a scam".
	for _, warn := range []string{"验证码请勿告诉任何人。", "Anyone asking you for your card number is a scam."} {
		if r := d.ScanText(warn); slices.ContainsFunc(r.Cues, func(c CueHit) bool { return c.ID == "asks_code" || c.ID == "asks_card" }) {
			t.Errorf("%q: the warning was taken for a request: %v", warn, cueIDs(r))
		}
	}
}

func TestSumsOfSeveralDigits(t *testing.T) {
	d, _ := mustDetector(t)
	// "0元" is written for any sum that ends in 0: the digits before it are part of the sum.
	for _, s := range []string{"先交69800元", "入会费3980元", "转5元"} {
		if r := d.ScanText(s); !hasCue(r, "money_sum") {
			t.Errorf("%q: no money_sum in %v", s, cueIDs(r))
		}
	}
	// An English pattern still matches whole words only.
	if r := d.ScanText("we will revisit it next week"); hasCue(r, "click_link") {
		t.Errorf("a pattern matched inside a longer word: %v", cueIDs(r))
	}
}

func TestURLWithoutScheme(t *testing.T) {
	d, _ := mustDetector(t)
	r := d.ScanText("Your parcel is held. Update your address at http //parcel-hold.top/x today")
	if len(r.URLs) != 1 || r.URLs[0].URL != "parcel-hold.top/x" {
		t.Errorf("urls = %+v, want parcel-hold.top/x", r.URLs)
	}
}

func TestStageAndURLs(t *testing.T) {
	d, _ := mustDetector(t)
	r := d.Scan([]Message{
		{From: FromThem, Text: "您好，我是店铺客服，您的订单异常需要退款。"},
		{From: FromMe, Text: "好的"},
		{From: FromThem, Text: "请加我微信，再把验证码发给我，详情见 https://refund-help.top/a?b=1 。"},
	})
	if r.Stage != "request" {
		t.Errorf("stage = %q, want request", r.Stage)
	}
	if len(r.URLs) != 1 || r.URLs[0].URL != "https://refund-help.top/a?b=1" || r.URLs[0].Message != 2 {
		t.Errorf("urls = %+v", r.URLs)
	}
	if r.Risk != shopguard.RiskHigh || r.Types[0] != "fake_customer_service" {
		t.Errorf("got %s %v", r.Risk, r.Types)
	}
	for _, s := range r.Signals {
		if !strings.HasPrefix(s.Code, "text.") {
			t.Errorf("signal code %q", s.Code)
		}
	}
}

func TestRuleOrderAndWindow(t *testing.T) {
	h := func(cue, msg int32) hit { return hit{cue: cue, msg: msg} }
	hits := []hit{h(1, 0), h(2, 3), h(3, 4)}
	for _, tc := range []struct {
		r    rule
		want bool
	}{
		{rule{steps: [][]int32{{1}, {3}}}, true},
		{rule{steps: [][]int32{{3}, {1}}, ordered: true}, false},
		{rule{steps: [][]int32{{1}, {3}}, ordered: true}, true},
		{rule{steps: [][]int32{{1}, {3}}, within: 2}, false},
		{rule{steps: [][]int32{{2}, {3}}, within: 2}, true},
		{rule{steps: [][]int32{{4, 2}, {3}}, within: 2, ordered: true}, true},
		{rule{steps: [][]int32{{5}}}, false},
	} {
		if got := tc.r.fires(hits, 5, &scanState{base: make([]int32, 5)}); got != tc.want {
			t.Errorf("%+v: fires = %v, want %v", tc.r, got, tc.want)
		}
	}
}

// TestRuleNear checks rules whose steps must fall within a stretch of text, in any order and
// in order, across messages (each message starts where base says).
func TestRuleNear(t *testing.T) {
	h := func(cue, msg, ns int32) hit { return hit{cue: cue, msg: msg, ns: ns} }
	// cue 1 at 0, cue 2 at 500, cue 3 at 520, cue 1 again at 600, cue 4 at 1000 (message 1 starts at 900).
	hits := []hit{h(1, 0, 0), h(2, 0, 500), h(3, 0, 520), h(1, 0, 600), h(4, 1, 100)}
	st := &scanState{base: []int32{0, 900}}
	for _, tc := range []struct {
		r    rule
		want bool
	}{
		{rule{steps: [][]int32{{1}, {2}}, near: 100}, true},                 // 2 at 500, 1 at 600
		{rule{steps: [][]int32{{1}, {2}}, near: 99}, false},                 // 100 apart at best
		{rule{steps: [][]int32{{1}, {2}}, near: 100, ordered: true}, false}, // 1 before 2 only 500 apart
		{rule{steps: [][]int32{{1}, {2}}, near: 500, ordered: true}, true},
		{rule{steps: [][]int32{{2}, {1}}, near: 100, ordered: true}, true},
		{rule{steps: [][]int32{{2}, {3}, {4}}, near: 500}, true}, // 500 to 1000 across messages
		{rule{steps: [][]int32{{2}, {3}, {4}}, near: 499}, false},
		{rule{steps: [][]int32{{1}, {1}}, near: 10, ordered: true}, false}, // one hit serves one step
		{rule{steps: [][]int32{{1, 3}, {1}}, near: 80, ordered: true}, true},
	} {
		if got := tc.r.fires(hits, 2, st); got != tc.want {
			t.Errorf("%+v: fires = %v, want %v", tc.r, got, tc.want)
		}
	}
}

// automatonPatterns mix ASCII, two-, three- and four-byte characters, patterns that are
// suffixes of others, and characters that share their first bytes.
var automatonPatterns = []string{"he", "she", "his", "hers", "验证码", "码", "证", "3倍赔偿", "赔偿", "偿", "café", "é", "𠀋x", "中𠀋"}

// checkAutomaton compares what the automaton finds in text with a brute-force search.
func checkAutomaton(t *testing.T, a *automaton, text string, spare []match) []match {
	t.Helper()
	var found []match
	found, spare = a.scan([]byte(text), nil, spare)
	var got []string
	for i, m := range found {
		if i > 0 && m.end < found[i-1].end {
			t.Errorf("%q: match %d ends before the one before it", text, i)
		}
		got = append(got, automatonPatterns[m.pattern]+"@"+itoaTest(int(m.end)))
	}
	var want []string
	for end := 1; end <= len(text); end++ {
		for _, p := range automatonPatterns {
			if end >= len(p) && text[end-len(p):end] == p {
				want = append(want, p+"@"+itoaTest(end))
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%q: got %v, want %v", text, got, want)
	}
	return spare
}

func TestAutomatonFindsEveryOccurrence(t *testing.T) {
	a := newAutomaton(automatonPatterns)
	var spare []match
	for _, text := range []string{
		"ushers 验证码 his",
		"ushers 验证码 his, she said: hers is 码 and his hers 验证码", // long: read in two halves
		"hehehehehehehehehehehehehehehehehehehehehe",           // long, no byte resets: the halves overlap
		"3倍赔偿, café 𠀋x 中𠀋 ü 证码 and 偿 赔偿 in a text that is cut in two halves 验证码赔偿",
		"验证码验证码验证码验证码验证码验证码验证码验证码验证码验证码", // no byte resets, the second half starts at a character
	} {
		spare = checkAutomaton(t, a, text, spare)
	}
}

// FuzzAutomaton checks the automaton against a brute-force search on any valid UTF-8 text.
func FuzzAutomaton(f *testing.F) {
	for _, s := range []string{"ushers 验证码 his", "3倍赔偿 café", "中𠀋x", "ééé", "\xe8\xaf"} {
		f.Add(s)
	}
	a := newAutomaton(automatonPatterns)
	var spare []match
	f.Fuzz(func(t *testing.T, s string) {
		spare = checkAutomaton(t, a, strings.ToValidUTF8(s, "?"), spare)
	})
}

func itoaTest(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestParseInput(t *testing.T) {
	for _, tc := range []struct {
		in    string
		field string
	}{
		{`{"id":"a","text":"hi"}`, ""},
		{`{"messages":[{"from":"them","text":"x"},{"from":"me","text":"y","time":"10:00"}]}`, ""},
		{`{"id":"a"}`, "text"},
		{`{"text":"a","messages":[{"from":"me","text":"b"}]}`, "messages"},
		{`{"messages":[{"from":"bot","text":"x"}]}`, "messages[0].from"},
		{`[1,2]`, "input"},
		{`{"text":`, "input"},
	} {
		_, err := ParseInput([]byte(tc.in))
		if got := shopguard.ErrorField(err); got != tc.field || (tc.field != "" && shopguard.ErrorCode(err) != shopguard.EINVALID) {
			t.Errorf("%s: error %v (field %q), want field %q", tc.in, err, got, tc.field)
		}
	}
}

func checkNormalized(t *testing.T, s string) {
	var n normText
	normalize(s, &n)
	prev := int32(0)
	for i := range n.b {
		bi := n.origAt(i)
		if bi < prev || int(bi) >= len(s) {
			t.Fatalf("%q: byte %d maps to byte %d, after %d (%d bytes)", s, i, bi, prev, len(s))
		}
		if r, _ := utf8.DecodeRuneInString(s[bi:]); r != utf8.RuneError && !utf8.RuneStart(s[bi]) {
			t.Fatalf("%q: byte %d maps to byte %d, inside a rune", s, i, bi)
		}
		prev = bi
	}
	if !utf8.Valid(n.b) {
		t.Fatalf("%q: normalised form is not UTF-8: %q", s, n.b)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "验 证 码", "ＡＢＣ１２３", "Call 0906-123-456 now!", "請把驗證碼發給我。", "a\u200bb\u0301c", "\xff\xfe", "①②③ ㈱", "加vx，转帐", "验证\xe7\xa0", "\xe4\xb8中"} {
		f.Add(s)
	}
	d, _ := mustDetector(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkNormalized(t, s)
		var n normText
		if normalize(s, &n); n.invalid == utf8.ValidString(s) {
			t.Fatalf("%q: invalid %v", s, n.invalid)
		}
		if utf8.ValidString(s) && runeStarts(s) != utf8.RuneCountInString(s) {
			t.Fatalf("%q: %d rune starts, %d runes", s, runeStarts(s), utf8.RuneCountInString(s))
		}
		// work budget: the text scan allocates per cue and link found, not per byte
		lineartest.AllocBudget(t, len(s), 1, 64, func() { d.Scan([]Message{{From: FromThem, Text: s}}) })
		r := d.Scan([]Message{{From: FromThem, Text: s}})
		runes := utf8.RuneCountInString(s)
		for _, c := range r.Cues {
			if c.Start < 0 || c.Start >= c.End || c.End > runes || utf8.ValidString(s) && string([]rune(s)[c.Start:c.End]) != c.Text {
				t.Fatalf("%q: cue %s span [%d,%d) of %d runes, text %q", s, c.ID, c.Start, c.End, runes, c.Text)
			}
		}
		for _, u := range r.URLs {
			if u.Start < 0 || u.Start >= u.End || u.End > runes {
				t.Fatalf("%q: url span [%d,%d) of %d runes", s, u.Start, u.End, runes)
			}
		}
	})
}

func FuzzParseInput(f *testing.F) {
	for _, s := range []string{`{"id":"a","text":"hi"}`, `{"messages":[{"from":"them","text":"x"}]}`, `{"messages":[{"from":"x"}]}`, `{}`, `null`, `{"text":1}`} {
		f.Add([]byte(s))
	}
	d, _ := mustDetector(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := ParseInput(data)
		if err != nil {
			if shopguard.ErrorCode(err) == shopguard.EINTERNAL {
				t.Fatalf("internal error for outside input: %v", err)
			}
			return
		}
		msgs := in.Conversation()
		if len(msgs) == 0 {
			t.Fatal("valid input with no messages")
		}
		r := d.Scan(msgs)
		for _, c := range r.Cues {
			if c.Message < 0 || c.Message >= len(msgs) {
				t.Fatalf("cue in message %d of %d", c.Message, len(msgs))
			}
		}
	})
}

func TestHighlightCoversTheTextOnce(t *testing.T) {
	d, _ := mustDetector(t)
	msgs := []Message{
		{From: FromThem, Text: "您好，我是客服，您的订单异常，请把验证码发给我"},
		{From: FromMe, Text: "为什么？"},
	}
	r := d.Scan(msgs)
	segs := r.Highlight(msgs)
	for i, m := range msgs {
		var joined string
		for _, s := range segs[i] {
			joined += s.Text
		}
		if joined != m.Text {
			t.Errorf("message %d: segments join to %q, want %q", i, joined, m.Text)
		}
	}
	marked := false
	for _, s := range segs[0] {
		if slices.Contains(s.Cues, "asks_code") && strings.Contains(s.Text, "验证码") {
			marked = true
		}
	}
	if !marked {
		t.Errorf("the request for the code is not marked: %+v", segs[0])
	}
}

func TestClauseAnchors(t *testing.T) {
	d, _ := mustDetector(t)
	has := func(text string) bool {
		return slices.ContainsFunc(d.ScanText(text).Cues, func(c CueHit) bool { return c.ID == "claims_acquaintance" && c.Text == "哥" })
	}
	if !has("哥，是我，手机丢了") {
		t.Error("哥 said alone as a clause was not taken for a familiar address")
	}
	if has("帅哥，这款还有货吗") || has("大哥你好") {
		t.Error("哥 inside a longer word was taken for a familiar address")
	}
}

// TestButtons checks the button patterns ("^verify …"): a short clause that starts with the
// request, as a link's or a button's label left in an e-mail's text, asks the reader to click;
// the same verb in a longer sentence or inside a clause does not.
func TestButtons(t *testing.T) {
	d, _ := mustDetector(t)
	clicks := func(text string) bool {
		return slices.ContainsFunc(d.ScanText(text).Cues, func(c CueHit) bool { return c.ID == "click_link" })
	}
	for _, text := range []string{
		"Your wallet will be suspended.\nVerify wallet",
		"Some messages are waiting for you.\nRelease messages now\nThe mail team",
		"Sign in",
	} {
		if !clicks(text) {
			t.Errorf("%q: the button was not taken for a request to click", text)
		}
	}
	for _, text := range []string{
		"Verify that the router is plugged in, then restart it and wait a minute.",
		"Then we release the seats to the waiting list on Friday.",
		"Please remember to renew the library books at the desk on Friday morning.",
	} {
		if clicks(text) {
			t.Errorf("%q: a verb in a sentence was taken for a button", text)
		}
	}
}

// An operator's cues are outside input: a pack that loads either compiles into a detector
// that scans without panicking, or New says what is wrong.
func FuzzNewFromOperatorCues(f *testing.F) {
	f.Add([]byte("cues:\n  - id: my_cue\n    stage: request\n    weight: 10\n    zh-CN: [加微信, ^爸$]\n    en: [wire*]\n"))
	f.Add([]byte("cues:\n  - id: x\n    stage: hook\n    weight: 1\n    zh-CN: ['。']\n"))
	f.Add([]byte("cues:\n  - id: b\n    stage: request\n    weight: 3\n    en: [\"^verify …\", \"^ …\", \"^sign in …$\"]\n"))
	f.Add([]byte("cues:\n  - id: asks_code\n    stage: request\n    weight: 50\n    zh-CN: [码]\n    except: [密码]\n"))
	base, err := knowledge.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := knowledge.Load(base, fstest.MapFS{"cues.yaml": {Data: data}})
		if err != nil {
			return
		}
		d, err := New(p)
		if err != nil {
			return
		}
		d.Scan([]Message{{From: FromThem, Text: "您好，我是客服，请加微信，把验证码发给我 http://a.top 09061234567"}})
	})
}

func TestParseTranscript(t *testing.T) {
	got := ParseTranscript("客服小美：亲，您的订单异常\n需要退款\n我：怎么退？\nme: ok\n客服小美：加我微信")
	want := []Message{
		{From: FromThem, Text: "亲，您的订单异常\n需要退款"},
		{From: FromMe, Text: "怎么退？"},
		{From: FromMe, Text: "ok"},
		{From: FromThem, Text: "加我微信"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	one := "注意：请于今日前完成验证 http://a.top"
	if got := ParseTranscript(one); len(got) != 1 || got[0].From != FromThem || got[0].Text != one {
		t.Errorf("a message without the shopper's lines: %+v", got)
	}
}

func FuzzParseTranscript(f *testing.F) {
	for _, s := range []string{"我：好\n客服：加微信", "a:b\nc", "：\n:", "http://x.top: y\n我:z", "\xff：\n我：\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// work budget: a message per line at most, and a line takes 2 bytes ("a\n")
		lineartest.AllocBudget(t, len(s), 1, 16, func() { ParseTranscript(s) })
		msgs := ParseTranscript(s)
		if len(msgs) == 0 {
			t.Fatal("no messages")
		}
		for _, m := range msgs {
			if m.From != FromMe && m.From != FromThem {
				t.Fatalf("sender %q", m.From)
			}
			if !strings.Contains(s, strings.TrimSpace(m.Text)) {
				t.Fatalf("message %q is not part of the text", m.Text)
			}
		}
	})
}

func TestConcurrentScansAgree(t *testing.T) {
	d, _ := mustDetector(t)
	ins := readFixtures(t, "testdata/scam-chats.jsonl")
	want := make([]Result, len(ins))
	for i, in := range ins {
		want[i] = d.Scan(in.Conversation())
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, in := range ins {
				if got := d.Scan(in.Conversation()); got.Score != want[i].Score || len(got.Cues) != len(want[i].Cues) {
					t.Errorf("%s: concurrent scan gave %d with %d cues, alone %d with %d", in.ID, got.Score, len(got.Cues), want[i].Score, len(want[i].Cues))
				}
			}
		}()
	}
	wg.Wait()
}

func TestBitSet(t *testing.T) {
	s, u := newBitSet(130), newBitSet(130)
	for _, c := range []int32{0, 63, 64, 129} {
		s.add(c)
	}
	for c := int32(0); c < 130; c++ {
		if want := c == 0 || c == 63 || c == 64 || c == 129; s.has(c) != want {
			t.Errorf("set %b: has(%d) = %v", s, c, !want)
		}
	}
	u.add(65)
	if s.meets(u) {
		t.Errorf("%b meets %b", s, u)
	}
	u.add(129)
	if !s.meets(u) {
		t.Errorf("%b does not meet %b", s, u)
	}
	s.union(u)
	if !s.has(65) || !s.has(0) || s.has(66) {
		t.Errorf("union: %b", s)
	}
}

// hasCue reports whether r found cue id.
func hasCue(r Result, id string) bool {
	return slices.ContainsFunc(r.Cues, func(c CueHit) bool { return c.ID == id })
}

// TestPremiumNumber checks that a premium-rate number is found as a whole number, not in
// any run of digits that begins like one (a time-zone offset in a quoted e-mail header).
func TestPremiumNumber(t *testing.T) {
	d, _ := mustDetector(t)
	has := func(r Result) bool { return hasCue(r, "premium_number") }
	for _, s := range []string{"To claim your prize ring 09061 234 567 before midnight.", "Txt back or phone 07011223344 for your chat line."} {
		if r := d.ScanText(s); !has(r) {
			t.Errorf("%q: no premium_number in %v", s, cueIDs(r))
		}
	}
	for _, s := range []string{"On Tue, 08 Oct 2002 23:15:07 -0700, Ben wrote:\n> the build is fixed", "Meet at 0700 tomorrow, platform 09."} {
		if r := d.ScanText(s); has(r) {
			t.Errorf("%q: premium_number found in %v", s, cueIDs(r))
		}
	}
}

// TestShortCode checks that a short code is five or six digits after "to", and that a price
// or an index written with a point or a comma is none.
func TestShortCode(t *testing.T) {
	d, _ := mustDetector(t)
	has := func(r Result) bool { return hasCue(r, "short_code") }
	for _, s := range []string{"Text WIN to 80086 now.", "Reply STOP to 123456."} {
		if r := d.ScanText(s); !has(r) {
			t.Errorf("%q: no short_code in %v", s, cueIDs(r))
		}
	}
	for _, s := range []string{"The index rose to 965.29 at the close.", "Earn up to 12,500 a year with the new savings plan."} {
		if r := d.ScanText(s); has(r) {
			t.Errorf("%q: short_code found in %v", s, cueIDs(r))
		}
	}
}

func TestBaseForms(t *testing.T) {
	for _, tc := range []struct {
		phrase string
		want   []string // spellings that must be among the base forms
		none   bool     // the phrase has no other spelling
	}{
		{phrase: "account has been locked", want: []string{"account have be lock", "account has been lock", "account have been locked"}},
		{phrase: "you have won", want: []string{"you have win"}},
		{phrase: "payment received", want: []string{"payment receive"}},
		{phrase: "account verified", want: []string{"account verify"}},
		{phrase: "delivery stopped", want: []string{"delivery stop"}},
		{phrase: "locked", none: true}, // a lone word stays as written
		{phrase: "buy gift cards", want: []string{"buy gift card"}},
		{phrase: "pending deliveries", want: []string{"pending delivery"}},
		{phrase: "we are holding your parcel", want: []string{"we be hold your parcel"}},
		{phrase: "stopping payment", want: []string{"stop payment"}},
		{phrase: "mailing address", none: true}, // a noun in -ing is no verb
		{phrase: "your bonus", none: true},      // not a plural
		{phrase: "your address", none: true},    // nor this
		{phrase: "扣 扣", none: true},
	} {
		got := baseForms(tc.phrase)
		if tc.none && len(got) != 0 {
			t.Errorf("baseForms(%q) = %q, want none", tc.phrase, got)
		}
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("baseForms(%q) = %q, want %q among them", tc.phrase, got, w)
			}
		}
		if slices.Contains(got, tc.phrase) || len(got) > maxBaseForms {
			t.Errorf("baseForms(%q) = %q: holds the phrase itself or too many", tc.phrase, got)
		}
	}
}

// TestMoneyAfterCurrencySign: a number right after a currency sign (maybe one space apart) is
// a sum in any language; a bare number, or one glued to a word, is not.
func TestMoneyAfterCurrencySign(t *testing.T) {
	checkSums(t, map[string]string{
		"please send $500 today":      "500",
		"a fee of £ 1.45 is due":      "1.45",
		"only ¥300 for the lamp":      "300",
		"转我￥300就行":                    "300",
		"see page 500 of the manual":  "",
		"order A500 shipped":          "",
		"call 0800 542 0826 for help": "",
	})
}

// TestLiangIsTwo: 两 (and the traditional 兩) is the numeral 2 before a unit, so "两万" is as much
// a sum as "二万" or "2万".
func TestLiangIsTwo(t *testing.T) {
	checkSums(t, map[string]string{
		"首批进货两万，保证回本": "两万",
		"先付兩千塊訂金":     "兩千 千塊",
		"我买了两本书":      "",
	})
}

// checkSums checks the sums (money_sum's hits, joined by spaces) the detector finds in each text.
func checkSums(t *testing.T, cases map[string]string) {
	t.Helper()
	d, _ := mustDetector(t)
	for text, want := range cases {
		var got []string
		for _, c := range d.ScanText(text).Cues {
			if c.ID == "money_sum" {
				got = append(got, c.Text)
			}
		}
		if strings.Join(got, " ") != want {
			t.Errorf("sums in %q = %q, want %q", text, got, want)
		}
	}
}

// TestServiceAnswer checks that a conversation opened by a service answering the shopper
// ("欢迎致电…请问有什么可以帮您", "thank you for calling…how can I help") does not count who the
// other side says it is or the problem it names: the shopper chose whom to call. The same
// words said unasked, or after the shopper answered a call ("喂？", "Hello?"), still count, and
// a hotline that asks for the screen, a code or a transfer is still flagged.
func TestServiceAnswer(t *testing.T) {
	d, _ := mustDetector(t)
	conv := func(texts ...string) []Message {
		var ms []Message
		for _, s := range texts {
			from := FromThem
			if rest, ok := strings.CutPrefix(s, "me:"); ok {
				from, s = FromMe, rest
			}
			ms = append(ms, Message{From: from, Text: s})
		}
		return ms
	}
	for _, c := range []struct {
		name string
		msgs []Message
		low  bool
	}{
		{"zh answered", conv("欢迎致电安康养老服务中心，我是您的专属顾问小周，请问有什么可以帮您？", "me:我爸上个月住院了，想问问医药费怎么报销。",
			"好的，住院的医药费可以报销一部分，您准备好发票和出院小结，到社保中心窗口办理就可以。"), true},
		{"zh unasked", conv("我是您的专属顾问小周，您爸上个月住院了，医药费可以报销一部分。", "me:是吗？怎么办理？",
			"您准备好发票和出院小结，到社保中心窗口办理就可以。"), false},
		{"zh after the shopper answered", conv("me:喂？", "您好，请问有什么可以帮您？我是您的专属顾问小周，您爸上个月住院了，医药费可以报销一部分。",
			"me:怎么办理？", "您准备好发票和出院小结，到社保中心窗口办理就可以。"), false},
		{"zh answered alone, no shopper", conv("欢迎致电安康养老服务中心，请问有什么可以帮您？我是您的专属顾问小周，您爸上个月住院了，医药费可以报销一部分。"), false},
		{"zh hotline that asks for the screen", conv("欢迎致电快购平台客服，请问有什么可以帮您？", "me:我想退一个订单。",
			"好的，退款需要您下载一个会议软件，打开屏幕共享，再把余额转到我们的安全账户。"), false},
		{"en answered", conv("Thank you for calling Riverside Energy customer service, how can I help you today?", "me:My bill this month is twice what it normally is.",
			"Let me check. Our records show the meter reading was entered by mistake, so you were charged twice. I'll correct it and the difference comes off your next bill."), true},
		{"en unasked", conv("Hello, this is Riverside Energy customer service. Our records show the meter reading was entered by mistake, so you were charged twice.",
			"me:Oh, what now?", "I'll correct it and the difference comes off your next bill."), false},
		{"en after the shopper answered", conv("me:Hello?", "Hello, how can I help you? This is Riverside Energy customer service. Our records show the meter reading was entered by mistake, so you were charged twice.",
			"me:Oh, what now?", "I'll correct it and the difference comes off your next bill."), false},
		{"en hotline that asks for the screen", conv("Thank you for calling QuickBuy support, how can I help you?", "me:I want a refund for my order.",
			"Sure. Install the remote support app so I can access your device, then move your balance to the safe account I give you."), false},
	} {
		r := d.Scan(c.msgs)
		if got := r.Risk == shopguard.RiskLow; got != c.low {
			t.Errorf("%s: got %s %d %v; cues %v", c.name, r.Risk, r.Score, r.Types, cueIDs(r))
		}
	}
}
