package text

import (
	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/internal/jsonw"
)

// packJSON keeps the JSON of the strings a result takes from the knowledge pack and the
// checks, the same again and again: the advice, the scam types, what was checked.
var packJSON jsonw.Memo

// AppendJSON appends the result as JSON, byte for byte as encoding/json writes it, without
// reflection: batch runs write one per line.
func (r *Result) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"risk":`...)
	dst = jsonw.String(dst, string(r.Risk))
	dst = append(dst, `,"score":`...)
	dst = jsonw.Int(dst, r.Score)
	dst = append(dst, `,"types":`...)
	dst = packJSON.Strings(dst, r.Types)
	if r.Stage != "" {
		dst = append(dst, `,"stage":`...)
		dst = jsonw.String(dst, r.Stage)
	}
	dst = append(dst, `,"cues":`...)
	if r.Cues == nil {
		dst = append(dst, "null"...)
	} else {
		dst = append(dst, '[')
		for i := range r.Cues {
			if i > 0 {
				dst = append(dst, ',')
			}
			c := &r.Cues[i]
			dst = append(dst, `{"id":`...)
			dst = jsonw.String(dst, c.ID)
			dst = append(dst, `,"stage":`...)
			dst = jsonw.String(dst, c.Stage)
			dst = append(dst, `,"message":`...)
			dst = jsonw.Int(dst, c.Message)
			dst = append(dst, `,"start":`...)
			dst = jsonw.Int(dst, c.Start)
			dst = append(dst, `,"end":`...)
			dst = jsonw.Int(dst, c.End)
			dst = append(dst, `,"text":`...)
			dst = jsonw.String(dst, c.Text)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if r.CuesOmitted != 0 {
		dst = append(dst, `,"cues_omitted":`...)
		dst = jsonw.Int(dst, r.CuesOmitted)
	}
	dst = append(dst, `,"signals":`...)
	dst = shopguard.AppendSignals(dst, r.Signals)
	if len(r.URLs) > 0 {
		dst = append(dst, `,"urls":[`...)
		for i, u := range r.URLs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"url":`...)
			dst = jsonw.String(dst, u.URL)
			dst = append(dst, `,"message":`...)
			dst = jsonw.Int(dst, u.Message)
			dst = append(dst, `,"start":`...)
			dst = jsonw.Int(dst, u.Start)
			dst = append(dst, `,"end":`...)
			dst = jsonw.Int(dst, u.End)
			dst = append(dst, '}')
		}
		dst = append(dst, ']')
	}
	if r.URLsOmitted != 0 {
		dst = append(dst, `,"urls_omitted":`...)
		dst = jsonw.Int(dst, r.URLsOmitted)
	}
	if r.LinksUnchecked != 0 {
		dst = append(dst, `,"links_unchecked":`...)
		dst = jsonw.Int(dst, r.LinksUnchecked)
	}
	if len(r.Advice) > 0 {
		dst = append(dst, `,"advice":`...)
		dst = packJSON.Strings(dst, r.Advice)
	}
	dst = append(dst, `,"finding":`...)
	dst = jsonw.String(dst, r.Finding)
	if len(r.Checked) > 0 {
		dst = append(dst, `,"checked":`...)
		dst = packJSON.Strings(dst, r.Checked)
	}
	return append(dst, '}')
}
