package shopguard

import (
	"slices"

	"github.com/shopguard/shopguard/internal/jsonw"
)

// AppendJSON appends the span as JSON, as encoding/json writes it.
func (s Span) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"message":`...)
	dst = jsonw.Int(dst, s.Message)
	dst = append(dst, `,"start":`...)
	dst = jsonw.Int(dst, s.Start)
	dst = append(dst, `,"end":`...)
	dst = jsonw.Int(dst, s.End)
	return append(dst, '}')
}

// messageJSON keeps the JSON of the signals' explanations, most of them the same texts of
// the knowledge pack again and again.
var messageJSON jsonw.Memo

// AppendJSON appends the signal as JSON, as encoding/json writes it, without reflection.
func (s *Signal) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"code":`...)
	dst = jsonw.String(dst, s.Code)
	dst = append(dst, `,"weight":`...)
	dst = jsonw.Int(dst, s.Weight)
	if s.Span != nil {
		dst = append(dst, `,"span":`...)
		dst = s.Span.AppendJSON(dst)
	}
	if s.Field != "" {
		dst = append(dst, `,"field":`...)
		dst = jsonw.String(dst, s.Field)
	}
	if s.Source != "" {
		dst = append(dst, `,"source":`...)
		dst = jsonw.String(dst, s.Source)
	}
	if len(s.Args) > 0 {
		dst = append(dst, `,"args":{`...)
		var buf [8]string // a signal's few args: their keys sorted on the stack
		keys := buf[:0]
		for k := range s.Args {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = jsonw.String(dst, k)
			dst = append(dst, ':')
			dst = jsonw.String(dst, s.Args[k])
		}
		dst = append(dst, '}')
	}
	if s.Message != "" {
		dst = append(dst, `,"message":`...)
		dst = messageJSON.String(dst, s.Message)
	}
	return append(dst, '}')
}

// AppendSignals appends signals as a JSON array (null when nil), as encoding/json writes it.
func AppendSignals(dst []byte, signals []Signal) []byte {
	if signals == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i := range signals {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = signals[i].AppendJSON(dst)
	}
	return append(dst, ']')
}

// AppendJSONFields appends the assessment's members as encoding/json writes them, without
// the braces, so that a type that embeds an Assessment writes it in place.
func (a *Assessment) AppendJSONFields(dst []byte) []byte {
	dst = append(dst, `"risk":`...)
	dst = jsonw.String(dst, string(a.Risk))
	dst = append(dst, `,"score":`...)
	dst = jsonw.Int(dst, a.Score)
	dst = append(dst, `,"signals":`...)
	dst = AppendSignals(dst, a.Signals)
	dst = append(dst, `,"scam_types":`...)
	dst = jsonw.Strings(dst, a.ScamTypes)
	if len(a.Advice) > 0 {
		dst = append(dst, `,"advice":`...)
		dst = jsonw.Strings(dst, a.Advice)
	}
	dst = append(dst, `,"finding":`...)
	dst = jsonw.String(dst, a.Finding)
	if len(a.Checked) > 0 {
		dst = append(dst, `,"checked":`...)
		dst = jsonw.Strings(dst, a.Checked)
	}
	return dst
}

// AppendJSON appends the assessment as JSON, byte for byte as encoding/json writes it.
func (a *Assessment) AppendJSON(dst []byte) []byte {
	return append(a.AppendJSONFields(append(dst, '{')), '}')
}
