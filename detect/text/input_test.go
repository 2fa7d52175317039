package text

import (
	"encoding/json"
	"reflect"
	"testing"
)

// sameAsParseInput checks that ParseValidInput answers as ParseInput on valid JSON.
func sameAsParseInput(t *testing.T, data string) {
	t.Helper()
	if !json.Valid([]byte(data)) {
		return
	}
	want, wantErr := ParseInput([]byte(data))
	got, err := ParseValidInput([]byte(data))
	if !reflect.DeepEqual(got, want) || (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Errorf("%s:\n got %#v, %v\nwant %#v, %v", data, got, err, want, wantErr)
	}
}

var inputSeeds = []string{
	`{"id": "uci-0", "text": "Go until jurong point", "label": "ok", "type": "", "source": "UCI"}`,
	`{"id":"a","messages":[{"from":"them","text":"x","time":"10:00"},{"from":"me","text":"y"}],"n":[1,{"a":[2,"]"]},true,null,-1.5e3]}`,
	` {"text":"esc \"q\" \u00e9 \ud83d\ude00 \/ \n"} `,
	`{"text":"bad utf8 ` + "\xff" + `"}`,
	`{"Text":"case folds"}`, `{"TEXT":"x","text":"y"}`, `{"text":"a","text":"b"}`,
	`{"messages":[{"from":"me","text":"a","time":"x"}],"messages":[{"from":"them","text":"b"}]}`,
	`{"id":7,"text":"number id"}`, `{"text":null}`, `{"messages":null,"text":"t"}`, `{"messages":[]}`,
	`{"messages":[null]}`, `{"messages":[{"from":"bot","text":"x"}]}`, `{"text":"a","messages":[{"from":"me","text":"b"}]}`,
	`{"messages":[{"From":"me","text":"b"}]}`, `{"messages":[{"from":"me","text":"b","x":{"y":[]},"z":1}]}`,
	`{}`, `[1,2]`, `"text"`, `{"id":"a"}`, `{"\u0074ext":"escaped key"}`, `{"tеxt":"cyrillic e"}`, `{"":1,"text":"k"}`,
	`{"x":123,"text":"after a number"}`, `{"x": false ,"text":"after false"}`, `{"text":"   "}`,
	`{"ID":"upper","text":"x"}`, `{"tExT":"mixed"}`, `{"texts":"longer","text":"t"}`, `{"tex":"shorter","text":"t"}`,
	`{"messages":[{"FROM":"me","Time":"1","text":"x"}]}`,
	`{"id":"e\"1","text":"line\nnext \"q\" tab\t \\ \/ \b\f\r 中文\n"}`, `{"text":"\n"}`, `{"text":"a\\"}`,
	`{"text":"\n\u00e9"}`, `{"text":"\t` + "\xff" + `"}`, `{"messages":[{"from":"them","text":"\"quoted\"\n"}]}`,
}

// TestUnescape holds unescape to encoding/json on the escapes it decodes, and checks that
// it leaves the others to encoding/json.
func TestUnescape(t *testing.T) {
	for _, lit := range []string{`"\""`, `"a\\b\/c\bd\fe\nf\rg\th"`, `"\n"`, `"中文\n\"引号\""`, `"end\\"`} {
		var want string
		if err := json.Unmarshal([]byte(lit), &want); err != nil {
			t.Fatal(err)
		}
		if got, ok := unescape([]byte(lit)); !ok || got != want {
			t.Errorf("unescape(%s) = %q, %v, want %q", lit, got, ok, want)
		}
	}
	for _, lit := range []string{`"\u00e9"`, `"\n` + "\xff" + `"`} {
		if got, ok := unescape([]byte(lit)); ok {
			t.Errorf("unescape(%q) = %q, want it left to encoding/json", lit, got)
		}
	}
}

// TestParseValidInputAllocations holds a batch line of the usual shape to no allocation: the
// keys are matched without making strings of them, and the id and the text are read in place.
func TestParseValidInputAllocations(t *testing.T) {
	line := []byte(`{"id": "r-1", "text": "Your parcel is held, pay the fee at https://example.test", "label": "scam", "type": "parcel", "source": "the project's words"}`)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := ParseValidInput(line); err != nil {
			t.Fatal(err)
		}
	}); n > 0 {
		t.Errorf("ParseValidInput made %v allocations, want none", n)
	}
}

func TestParseValidInput(t *testing.T) {
	for _, s := range inputSeeds {
		sameAsParseInput(t, s)
	}
}

// FuzzParseValidInput checks ParseValidInput against ParseInput on any valid JSON.
func FuzzParseValidInput(f *testing.F) {
	for _, s := range inputSeeds {
		f.Add(s)
	}
	f.Fuzz(sameAsParseInput)
}
