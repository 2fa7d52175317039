package batch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// echo returns the "x" field doubled, or an EINVALID error when it is negative.
func echo(line []byte) (any, error) {
	var in struct {
		X int `json:"x"`
	}
	if err := json.Unmarshal(line, &in); err != nil {
		return nil, shopguard.Invalid("x", "x must be a number")
	}
	if in.X < 0 {
		return nil, shopguard.Invalid("x", "x must not be negative")
	}
	return map[string]int{"double": 2 * in.X}, nil
}

func TestRunKeepsOrderIDsAndGoesOnAfterBadLines(t *testing.T) {
	in := `{"id":"a","x":1}
not json
{"id":7,"x":-1}

{"x":3}
{"id":"s","x":"oops"}
{"id":["nested"],"x":2}
`
	for _, run := range []func(io.Reader, io.Writer, Func) (Stats, error){Run, RunParallel, runAppending} {
		checkRun(t, run, in)
	}
}

// runAppending runs fn through RunParallelAppend: each result appended by the AppendFunc.
func runAppending(r io.Reader, w io.Writer, fn Func) (Stats, error) {
	return RunParallelAppend(r, w, func(dst, line []byte) ([]byte, error) {
		res, err := fn(line)
		if err != nil {
			return append(dst, "partial output, dropped"...), err
		}
		b, err := json.Marshal(res)
		return append(dst, b...), err
	})
}

func checkRun(t *testing.T, run func(io.Reader, io.Writer, Func) (Stats, error), in string) {
	var out bytes.Buffer
	st, err := run(strings.NewReader(in), &out, echo)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"id":"a","double":2}`,
		`{"id":null,"line":2,"error":{"code":"invalid","message":"line 2 is not a JSON object: invalid character 'o' in literal null (expecting 'u')"}}`,
		`{"id":7,"error":{"code":"invalid","message":"x must not be negative","field":"x"}}`,
		`{"id":null,"line":5,"double":6}`,
		`{"id":"s","error":{"code":"invalid","message":"x must be a number","field":"x"}}`,
		`{"id":["nested"],"double":4}`,
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), out.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
	}
	if st.Lines != 6 || st.Errors != 3 {
		t.Errorf("stats = %+v, want 6 lines, 3 errors", st)
	}
}

func TestRunTooLongLine(t *testing.T) {
	in := `{"id":1,"x":1}` + "\n" + `{"id":2,"pad":"` + strings.Repeat("a", MaxLine) + `"}` + "\n" + `{"id":3,"x":3}`
	var out bytes.Buffer
	if _, err := Run(strings.NewReader(in), &out, echo); err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != 3 || !strings.Contains(got[1], `"too_large"`) || got[2] != `{"id":3,"double":6}` {
		t.Fatalf("got:\n%s", out.String())
	}
}

func FuzzRun(f *testing.F) {
	f.Add([]byte("{\"id\":1,\"x\":2}\n{\"id\":\"b\"}\nnope\n"))
	f.Add([]byte("\r\n\n{}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		st, err := Run(bytes.NewReader(in), &out, echo)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
		if out.Len() == 0 {
			lines = nil
		}
		if len(lines) != st.Lines {
			t.Fatalf("%d output lines for %d input lines", len(lines), st.Lines)
		}
		for _, l := range lines {
			if !json.Valid([]byte(l)) {
				t.Fatalf("output line is not JSON: %q", l)
			}
		}
	})
}

// TestRunParallelKeepsOrder: many chunks on several workers come out in input order, with
// ids in any case and repeated, as encoding/json reads them.
func TestRunParallelKeepsOrder(t *testing.T) {
	var in, want strings.Builder
	for i := range 5000 {
		switch i % 3 {
		case 0:
			fmt.Fprintf(&in, "{\"ID\":%d,\"x\":%d}\n", i, i)
		case 1:
			fmt.Fprintf(&in, "{\"id\":\"old\",\"pad\":{\"id\":[1,\"}\"]},\"Id\" : %d ,\"x\":%d}\n", i, i)
		default:
			fmt.Fprintf(&in, "{\"x\":%d, \"id\": \"s\\\"%d\"}\n", i, i)
		}
		line := strings.TrimSpace(strings.Split(in.String(), "\n")[i])
		var head struct {
			ID json.RawMessage `json:"id"`
		}
		json.Unmarshal([]byte(line), &head)
		fmt.Fprintf(&want, "{\"id\":%s,\"double\":%d}\n", head.ID, 2*i)
	}
	var out bytes.Buffer
	st, err := RunParallel(strings.NewReader(in.String()), &out, echo)
	if err != nil || st.Lines != 5000 || st.Errors != 0 {
		t.Fatalf("stats %+v, %v", st, err)
	}
	if out.String() != want.String() {
		t.Errorf("output differs from the input order or ids:\n%.500s\nwant\n%.500s", out.String(), want.String())
	}
}

// appended is a result that writes itself.
type appended string

func (a appended) AppendJSON(dst []byte) []byte { return append(dst, a...) }

func TestAppender(t *testing.T) {
	for _, c := range []struct{ res, want string }{
		{`{"a":1}`, `{"id":1,"a":1}`},
		{`{}`, `{"id":1}`},
		{`[1]`, `{"id":1,"error":{"code":"internal","message":"batch: result of line 1 is not a JSON object"}}`},
	} {
		var out bytes.Buffer
		Run(strings.NewReader(`{"id":1}`), &out, func([]byte) (any, error) { return appended(c.res), nil })
		if got := strings.TrimSpace(out.String()); got != c.want {
			t.Errorf("%s: got %s, want %s", c.res, got, c.want)
		}
	}
}

// TestAppendFunc: an AppendFunc's object follows the id, an empty one adds nothing, anything
// else is an error for its line, and so is an error, whatever the func appended before it.
func TestAppendFunc(t *testing.T) {
	for _, c := range []struct {
		res  string
		err  error
		want string
	}{
		{`{"a":1}`, nil, `{"id":1,"a":1}`},
		{`{}`, nil, `{"id":1}`},
		{`[1]`, nil, `{"id":1,"error":{"code":"internal","message":"batch: result of line 1 is not a JSON object"}}`},
		{`{"half":`, shopguard.Invalid("x", "no"), `{"id":1,"error":{"code":"invalid","message":"no","field":"x"}}`},
	} {
		var out bytes.Buffer
		in := strings.Repeat("{\"id\":1}\n", 300) // more than a chunk, so that output buffers are reused
		st, err := RunParallelAppend(strings.NewReader(in), &out, func(dst, _ []byte) ([]byte, error) { return append(dst, c.res...), c.err })
		if err != nil || st.Lines != 300 {
			t.Fatalf("%s: %+v, %v", c.res, st, err)
		}
		for i, got := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			if want := strings.ReplaceAll(c.want, "line 1 ", fmt.Sprintf("line %d ", i+1)); got != want {
				t.Fatalf("%s, line %d: got %s, want %s", c.res, i+1, got, want)
			}
		}
	}
}

// stringFieldLines are lines StringField reads itself and lines it leaves to encoding/json.
var stringFieldLines = []string{
	`{"id":1,"url":"paypa1.com"}`, `{"URL":"a.com","id":2}`, `{"url":"a.com","Url":"b.com"}`, `{"id":3}`,
	`{"url":"淘宝.com"}`, `{"url":"a\"b"}`, `{"url":12}`, `{"url":null}`, `{"url":["x"]}`, `{ "pad" : {"url":"no"} , "url" : "yes" }`,
	`{"ſurl":"x"}`, `{"url":"\u00e9"}`, `[1]`, `"url"`, `null`, `{}`,
}

// TestStringField: what StringField reads is what encoding/json decodes into a string field.
func TestStringField(t *testing.T) {
	fast := 0
	for _, l := range stringFieldLines {
		if checkStringField(t, []byte(l)) {
			fast++
		}
	}
	if fast < 7 {
		t.Fatalf("StringField read only %d lines itself", fast)
	}
}

// checkStringField fails when StringField reads line otherwise than encoding/json, and says
// whether it read it itself.
func checkStringField(t *testing.T, line []byte) bool {
	t.Helper()
	s, ok := StringField(line, "url")
	if !ok {
		return false
	}
	var in struct {
		URL string `json:"url"`
	}
	if err := json.Unmarshal(line, &in); err != nil || in.URL != s {
		t.Fatalf("StringField(%s) = %q; encoding/json: %q, %v", line, s, in.URL, err)
	}
	return true
}

// FuzzStringField: StringField never panics, and on valid JSON reads what encoding/json reads.
func FuzzStringField(f *testing.F) {
	for _, l := range stringFieldLines {
		f.Add([]byte(l))
	}
	f.Add([]byte(`{"url":"a`))
	f.Fuzz(func(t *testing.T, line []byte) {
		if !json.Valid(line) {
			StringField(line, "url")
			return
		}
		checkStringField(t, line)
	})
}

// TestRunParallelLinesIntact: lines of every length (blank, CRLF, longer than the reader's
// buffer, too long) over many chunks, whose buffers are filled again once written, reach fn
// whole and in order.
func TestRunParallelLinesIntact(t *testing.T) {
	var in, want strings.Builder
	for i := range 3000 {
		switch {
		case i%997 == 5:
			in.WriteString(`{"id":` + fmt.Sprint(i) + `,"pad":"` + strings.Repeat("y", MaxLine) + "\"}\n")
			fmt.Fprintf(&want, `{"id":null,"line":%d,"error":{"code":"too_large","message":"line longer than %d bytes"}}`+"\n", i+1, MaxLine)
		case i%7 == 3:
			in.WriteString("  \r\n")
		default:
			pad := strings.Repeat(string(rune('a'+i%26)), (i*i*31)%300)
			if i%401 == 9 {
				pad = strings.Repeat("z", 100<<10+i) // several pieces of the reader's buffer
			}
			line := `{"id":` + fmt.Sprint(i) + `,"pad":"` + pad + `"}`
			in.WriteString(line)
			if i%2 == 0 {
				in.WriteString("\r")
			}
			in.WriteString("\n")
			fmt.Fprintf(&want, `{"id":%d,"n":%d,"sum":%d}`+"\n", i, len(line), crc32.ChecksumIEEE([]byte(line)))
		}
	}
	var out bytes.Buffer
	_, err := RunParallel(strings.NewReader(in.String()), &out, func(l []byte) (any, error) {
		return appended(fmt.Sprintf(`{"n":%d,"sum":%d}`, len(l), crc32.ChecksumIEEE(l))), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != want.String() {
		got, w := strings.Split(out.String(), "\n"), strings.Split(want.String(), "\n")
		for i := range min(len(got), len(w)) {
			if got[i] != w[i] {
				t.Fatalf("output line %d:\n got %.200s\nwant %.200s", i+1, got[i], w[i])
			}
		}
		t.Fatalf("%d output lines, want %d", len(got), len(w))
	}
}

// TestClosingQuote: the string's end is the first quote after an even run of backslashes,
// as a reader of every byte finds it.
func TestClosingQuote(t *testing.T) {
	naive := func(b []byte, i int) int {
		for i++; i < len(b) && b[i] != '"'; i++ {
			if b[i] == '\\' {
				i++
			}
		}
		return min(i, len(b))
	}
	for _, s := range []string{`""`, `"a"`, `"\""`, `"\\"`, `"\\\""x"`, `"\\\\"`, `"a\\\\\"b\"c"d`, `"no end`, `"\`, `"ab\\`, `"中\"文"`, `x"\\\\\\""`} {
		for open := range len(s) {
			if s[open] != '"' {
				continue
			}
			if got, want := closingQuote([]byte(s), open), naive([]byte(s), open); got != want {
				t.Errorf("closingQuote(%s, %d) = %d, want %d", s, open, got, want)
			}
		}
	}
}
