package text

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/shopguard/shopguard"
)

// TestAppendJSONIsMarshal: AppendJSON writes what encoding/json writes, for every fixture's
// result, explained and not; and it knows every field (a new field must be added to it).
func TestAppendJSONIsMarshal(t *testing.T) {
	for typ, fields := range map[reflect.Type]int{reflect.TypeFor[Result](): 13, reflect.TypeFor[CueHit](): 4,
		reflect.TypeFor[URL](): 7, reflect.TypeFor[shopguard.Signal](): 7, reflect.TypeFor[shopguard.Span](): 3} {
		if typ.NumField() != fields {
			t.Errorf("%s has %d fields, AppendJSON writes %d: add the new ones to it", typ, typ.NumField(), fields)
		}
	}
	d, pack := mustDetector(t)
	var results []Result
	for _, file := range []string{"testdata/legit-chats.jsonl", "testdata/scam-chats.jsonl"} {
		for _, in := range readFixtures(t, file) {
			r := d.Scan(in.Conversation())
			results = append(results, r)
			r.Explain(pack, shopguard.LangEN)
			results = append(results, r)
		}
	}
	many := d.ScanText(strings.Repeat("a.co 客服 ", 300))
	many.Summarize()
	many.LinksUnchecked = 2
	results = append(results, many, Result{}, Result{Signals: []shopguard.Signal{{Code: "x", Args: map[string]string{"b": "<2>", "a": "1"}, Field: "f", Source: "s"}}})
	for _, r := range results {
		want, err := json.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON:\n%s\nwant\n%s", got, want)
		}
	}
}
