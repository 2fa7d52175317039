package link

import "github.com/shopguard/shopguard/internal/jsonw"

// AppendJSON appends the result as JSON, byte for byte as encoding/json writes it, without
// reflection: `check url --jsonl` writes one per line and the HTTP API one per answer.
func (r *Result) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"url":`...)
	dst = jsonw.String(dst, r.URL)
	dst = append(dst, `,"host":`...)
	dst = jsonw.String(dst, r.Host)
	dst = append(dst, `,"unicode":`...)
	dst = jsonw.String(dst, r.Unicode)
	dst = append(dst, `,"site":`...)
	dst = jsonw.String(dst, r.Site)
	dst = append(dst, ',')
	dst = r.Assessment.AppendJSONFields(dst)
	return append(dst, '}')
}
