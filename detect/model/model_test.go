package model

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/shopguard/shopguard/detect/text"
)

// fixture returns a small labelled set written for these tests: scams that ask for a code
// or a fee in Chinese and English, legitimate delivery and shopping messages.
func fixture() []Example {
	scam := []string{
		"您的包裹异常，请点击链接缴纳清关费用，否则退回",
		"我是客服，订单异常需要退款，请把验证码发给我",
		"Your parcel is on hold, pay the customs fee at the link today",
		"Your account is locked, verify your password at the link now",
	}
	ok := []string{
		"您的包裹已到驿站，请凭取件码领取",
		"亲，今天下午发货，明天就到",
		"Your order has shipped and arrives tomorrow",
		"Thanks for your order, see you next time",
	}
	var ex []Example
	for i := range 40 {
		for j, s := range scam {
			ex = append(ex, Example{ID: fmt.Sprint("s", i, j), Source: "fixture", Doc: doc(s, "cue:link"), Scam: true})
		}
		for j, s := range ok {
			ex = append(ex, Example{ID: fmt.Sprint("o", i, j), Source: "fixture", Doc: doc(s)})
		}
	}
	return ex
}

// doc returns a one-message document from the other side with these facts.
func doc(s string, facts ...string) Doc {
	return Doc{Msgs: []text.Message{{From: text.FromThem, Text: s}}, Facts: facts}
}

func TestTrainIsDeterministicAndLearns(t *testing.T) {
	a, err := Train(fixture(), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Train(fixture(), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	ab, _ := a.MarshalBinary()
	bb, _ := b.MarshalBinary()
	if !bytes.Equal(ab, bb) {
		t.Fatal("two trainings on the same examples differ")
	}
	other := DefaultOptions
	other.Seed++
	c, _ := Train(fixture(), other)
	if cb, _ := c.MarshalBinary(); bytes.Equal(ab, cb) {
		t.Error("another seed gave the same model: the seed is not used")
	}
	scam := doc("请把验证码发给我，缴纳清关费用", "cue:link")
	calm := doc("明天就到，请凭取件码领取")
	if ps, pc := a.Prob(scam), a.Prob(calm); ps <= pc || ps < 0.5 || pc > 0.5 {
		t.Errorf("probabilities: scam %.3f, calm %.3f", ps, pc)
	}
	v := a.Judge(scam)
	if len(v.Words) == 0 || slices.ContainsFunc(v.Words, func(w string) bool { return strings.Contains(w, ":") }) {
		t.Errorf("words that weighed most: %q (facts must not be named)", v.Words)
	}
	// The shopper's own messages are not read.
	if p := a.Prob(Doc{Msgs: []text.Message{{From: text.FromMe, Text: "请把验证码发给我，缴纳清关费用"}}}); p != a.Prob(Doc{}) {
		t.Errorf("a message from the shopper moved the probability to %.3f", p)
	}
	if a.Sources["fixture"] != len(fixture()) || a.HeldOut == 0 || a.Threshold < 0.5 {
		t.Errorf("meta: %+v", a.Meta)
	}
}

func TestTrainRefusesOneClass(t *testing.T) {
	var ex []Example
	for _, e := range fixture() {
		if e.Scam {
			ex = append(ex, e)
		}
	}
	if _, err := Train(ex, DefaultOptions); err == nil {
		t.Error("trained on scams alone")
	}
}

// trainAndReload trains a model on ex and returns it with its copy written and loaded back.
func trainAndReload(t *testing.T, ex []Example) (*Model, *Model) {
	t.Helper()
	m, err := Train(ex, DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	return m, back
}

func TestLoadRoundTripAndRefusals(t *testing.T) {
	m, back := trainAndReload(t, fixture())
	data, _ := m.MarshalBinary()
	d := doc("pay the customs fee at the link")
	if back.Prob(d) != m.Prob(d) {
		t.Error("a loaded model scores differently")
	}
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"magic":     append([]byte("XXXX"), data[4:]...),
		"truncated": data[:len(data)-1],
		"meta size": append(append([]byte("SGTM"), 0xff, 0xff, 0xff, 0x7f), data[8:]...),
	} {
		if _, err := Load(bad); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}

func TestShapeOf(t *testing.T) {
	them := func(s string) text.Message { return text.Message{From: text.FromThem, Text: s} }
	for _, c := range []struct {
		msgs []text.Message
		want string
	}{
		{[]text.Message{them("您的包裹已到驿站")}, "zh/one/5"},                                                    // 24 bytes
		{[]text.Message{them("您的包裹 https://example.com/track/abc")}, "latin/one/6"},                       // the link's letters outnumber the Han bytes
		{[]text.Message{them("Your order has shipped")}, "latin/one/5"},                                   // 22 bytes
		{[]text.Message{them(strings.Repeat("a", 3000))}, "latin/one/12"},                                 // an e-mail
		{[]text.Message{them(strings.Repeat("a", 1<<20))}, fmt.Sprint("latin/one/", sizeClasses-1)},       // no larger than what is read
		{[]text.Message{{From: text.FromMe, Text: strings.Repeat("请", 100)}, them("好的，您好")}, "zh/conv/4"}, // the shopper's words do not count
	} {
		if got := ShapeOf(Doc{Msgs: c.msgs}).String(); got != c.want {
			t.Errorf("ShapeOf(%.30q…) = %s, want %s", c.msgs[len(c.msgs)-1].Text, got, c.want)
		}
	}
}

func TestModelKnowsTheShapesOfItsExamples(t *testing.T) {
	m, err := Train(fixture(), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	short, long := doc("Your order has shipped and arrives tomorrow"), doc(strings.Repeat("Your order has shipped. ", 100))
	if !m.Knows(short) || m.Knows(long) {
		t.Errorf("knows a short message %v (want true), an e-mail-sized one %v (want false); shapes %v", m.Knows(short), m.Knows(long), m.Shapes)
	}
	// A shape is known when the model learned both legitimate and scam examples of it: either
	// alone leaves it unknown.
	legit := func(i int) Example {
		return Example{ID: fmt.Sprint("long ok", i), Source: "fixture", Doc: doc(strings.Repeat("your order has shipped. ", 100))}
	}
	scam := func(i int) Example {
		return Example{ID: fmt.Sprint("long scam", i), Source: "fixture", Doc: doc(strings.Repeat("pay the customs fee at the link. ", 100)), Scam: true}
	}
	for name, c := range map[string]struct {
		add  []func(int) Example
		want bool
	}{
		"legitimate alone": {[]func(int) Example{legit}, false},
		"scams alone":      {[]func(int) Example{scam}, false},
		"both":             {[]func(int) Example{legit, scam}, true},
	} {
		ex := fixture()
		for i := range MinShapeRows {
			for _, f := range c.add {
				ex = append(ex, f(i))
			}
		}
		m, back := trainAndReload(t, ex)
		for _, m := range []*Model{m, back} {
			if !m.Knows(short) || m.Knows(long) != c.want {
				t.Errorf("%s: knows the short shape %v, the long one %v (want %v)", name, m.Knows(short), m.Knows(long), c.want)
			}
		}
	}
}

func TestEmbeddedModelLoads(t *testing.T) {
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if m.Threshold < 0.5 || m.Threshold >= 1 || m.HeldOut == 0 || len(m.Sources) == 0 {
		t.Errorf("embedded model's meta: %+v", m.Meta)
	}
	if !m.Knows(doc("Your parcel is held, pay the fee at the link")) || !m.Knows(doc(strings.Repeat("Dear list, the release is out. ", 40))) {
		t.Errorf("the embedded model does not know SMS or e-mail: shapes %v", m.Shapes)
	}
	for s := range m.Sources {
		if s == "" {
			t.Error("the embedded model learned from a row without a source")
		}
	}
}

func TestWithoutLinks(t *testing.T) {
	urls := []text.URL{{Message: 0, Start: 3, End: 9}, {Message: 1, Start: 3, End: 9}, {Message: 1, Start: 10, End: 14}, {Message: 2, Start: 0, End: 3}}
	for _, c := range []struct {
		s    string
		msg  int
		want string
	}{
		{"点击 x.cn/a 领取", 0, "点击   领取"},
		{"点击 x.cn/a y.cn", 1, "点击    "},
		{"abc def", 2, "  def"},
		{"no links", 3, "no links"},
	} {
		if got := withoutLinks(c.s, c.msg, urls); got != c.want {
			t.Errorf("withoutLinks(%q, %d) = %q, want %q", c.s, c.msg, got, c.want)
		}
	}
}

func TestGrams(t *testing.T) {
	var got []string
	n := text.AppendNormalized(nil, "Pay your 100 now 5G。验证码")
	grams(n, func(h uint32, s, e int) { got = append(got, string(n[s:e])) })
	want := []string{"pay", "pay your", "now", "5g", "now 5g", "验证", "证码", "验证码"}
	if !slices.Equal(got, want) {
		t.Errorf("grams: %q, want %q", got, want)
	}
}

func FuzzLoad(f *testing.F) {
	m, _ := Train(fixture(), DefaultOptions)
	data, _ := m.MarshalBinary()
	f.Add(data[:64])
	f.Add([]byte("SGTM\x02\x00\x00\x00{}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := Load(b); err == nil && len(m.w) != dim {
			t.Fatalf("loaded a model of %d weights", len(m.w))
		}
	})
}

func FuzzExtract(f *testing.F) {
	f.Add("您的包裹异常 pay 100 now http://x.cn")
	f.Add("\xff\xfe 验证码。。 a1b2")
	f.Fuzz(func(t *testing.T, s string) {
		fs, _ := extract(doc(s, "link"), nil)
		if len(fs) > maxFeatures+1 {
			t.Fatalf("%d features", len(fs))
		}
		for _, x := range fs {
			if x.idx >= dim {
				t.Fatalf("index %d out of range", x.idx)
			}
		}
	})
}

// TestDefaultInPlace holds the embedded model's weights at a multiple of 4 bytes in the file
// (MarshalBinary pads the meta), so that Default reads them in place, and the weights read in
// place to those Load copies.
func TestDefaultInPlace(t *testing.T) {
	n := binary.LittleEndian.Uint32(embedded[4:8])
	if (8+n)%4 != 0 {
		t.Fatalf("the weights start at byte %d of data/text.bin, not at a multiple of 4: write the model again (shopguard train text, or Load and MarshalBinary)", 8+n)
	}
	m, err := Train(fixture(), DefaultOptions)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	if n := binary.LittleEndian.Uint32(data[4:8]); (8+n)%4 != 0 {
		t.Errorf("MarshalBinary starts the weights at byte %d", 8+n)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	copied, err := Load(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(def.w, copied.w) || def.Meta.Bias != copied.Meta.Bias {
		t.Error("the weights read in place differ from those copied")
	}
	if littleEndian && uintptr(unsafe.Pointer(unsafe.SliceData(embedded)))%4 == 0 &&
		unsafe.SliceData(def.w) != (*float32)(unsafe.Pointer(&embedded[8+n])) {
		t.Error("Default copied the weights it could read in place")
	}
}
