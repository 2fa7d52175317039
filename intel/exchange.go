package intel

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/internal/lazyre"
)

// Record is one indicator as it is exchanged with other systems.
type Record struct {
	Kind      shopguard.Kind `json:"kind"`
	Value     string         `json:"value"`
	Risk      shopguard.Risk `json:"risk"`
	Score     int            `json:"score"`
	Reports   int            `json:"reports"`
	Reporters int            `json:"reporters"`
	Confirmed bool           `json:"confirmed"`
	ScamTypes []string       `json:"scam_types"`
	FirstSeen string         `json:"first_seen,omitempty"` // a date, YYYY-MM-DD
	LastSeen  string         `json:"last_seen,omitempty"`
}

// Format is an exchange format.
type Format string

// The exchange formats.
const (
	FormatCSV  Format = "csv"
	FormatJSON Format = "json"
	FormatSTIX Format = "stix" // a STIX 2.1 bundle of indicators
)

// ParseFormat returns the format named s, or an EINVALID error about field "format".
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case FormatCSV, FormatJSON, FormatSTIX:
		return f, nil
	}
	return "", shopguard.Invalid("format", "unknown format %q: want csv, json or stix", s)
}

// Records returns every indicator of x whose identifier it knows, as records at time now.
func Records(x *Index, now time.Time) []Record {
	var out []Record
	x.Each(now, func(id shopguard.Identifier, in shopguard.Indicator) bool {
		r := Record{Kind: id.Kind, Value: id.Value, Risk: in.Risk, Score: in.Score, Reports: in.Reports,
			Reporters: in.Reporters, Confirmed: in.Confirmed, ScamTypes: in.ScamTypes}
		if in.FirstSeen != nil {
			r.FirstSeen, r.LastSeen = in.FirstSeen.Format(time.DateOnly), in.LastSeen.Format(time.DateOnly)
		}
		out = append(out, r)
		return true
	})
	return out
}

var csvHeader = []string{"kind", "value", "risk", "score", "reports", "reporters", "confirmed", "scam_types", "first_seen", "last_seen"}

// Export writes records in a format.
func Export(w io.Writer, f Format, recs []Record, now time.Time) error {
	var err error
	switch f {
	case FormatCSV:
		cw := csv.NewWriter(w)
		cw.Write(csvHeader)
		for _, r := range recs {
			cw.Write([]string{string(r.Kind), r.Value, string(r.Risk), strconv.Itoa(r.Score), strconv.Itoa(r.Reports),
				strconv.Itoa(r.Reporters), strconv.FormatBool(r.Confirmed), strings.Join(r.ScamTypes, ";"), r.FirstSeen, r.LastSeen})
		}
		cw.Flush()
		err = cw.Error()
	case FormatJSON:
		if recs == nil {
			recs = []Record{}
		}
		err = json.NewEncoder(w).Encode(struct {
			Generated  time.Time `json:"generated"`
			Indicators []Record  `json:"indicators"`
		}{now.UTC(), recs})
	case FormatSTIX:
		err = json.NewEncoder(w).Encode(stixBundle(recs, now))
	default:
		_, err = ParseFormat(string(f))
	}
	if err != nil {
		return fmt.Errorf("intel: export %s: %w", f, err)
	}
	return nil
}

// STIX 2.1: each indicator is an Indicator SDO whose pattern compares the value of a cyber
// observable: domain-name, url and email-addr are standard; the other kinds have no standard
// object and use custom ones named x-shopguard-<kind>.
type stixObject struct {
	Type           string   `json:"type"`
	SpecVersion    string   `json:"spec_version"`
	ID             string   `json:"id"`
	Created        string   `json:"created"`
	Modified       string   `json:"modified"`
	Name           string   `json:"name,omitempty"`
	IndicatorTypes []string `json:"indicator_types,omitempty"`
	Pattern        string   `json:"pattern,omitempty"`
	PatternType    string   `json:"pattern_type,omitempty"`
	ValidFrom      string   `json:"valid_from,omitempty"`
	Confidence     *int     `json:"confidence,omitempty"`
	Labels         []string `json:"labels,omitempty"`
	XReports       int      `json:"x_shopguard_reports,omitempty"`
	XReporters     int      `json:"x_shopguard_reporters,omitempty"`
	XConfirmed     bool     `json:"x_shopguard_confirmed,omitempty"`
	XLastSeen      string   `json:"x_shopguard_last_seen,omitempty"`
}

type stixDoc struct {
	Type    string       `json:"type"`
	ID      string       `json:"id"`
	Objects []stixObject `json:"objects"`
}

const stixTime = "2006-01-02T15:04:05.000Z"

func stixBundle(recs []Record, now time.Time) stixDoc {
	ts := now.UTC().Format(stixTime)
	doc := stixDoc{Type: "bundle", ID: "bundle--" + uuidFrom("bundle:"+ts), Objects: []stixObject{}}
	for _, r := range recs {
		conf := r.Score
		valid := ts
		if d, err := time.Parse(time.DateOnly, r.FirstSeen); err == nil {
			valid = d.Format(stixTime)
		}
		doc.Objects = append(doc.Objects, stixObject{
			Type: "indicator", SpecVersion: "2.1", ID: "indicator--" + uuidFrom(string(r.Kind)+":"+r.Value),
			Created: valid, Modified: ts, Name: string(r.Kind) + " used in scams",
			IndicatorTypes: []string{"malicious-activity"}, Pattern: stixPattern(r.Kind, r.Value), PatternType: "stix",
			ValidFrom: valid, Confidence: &conf, Labels: r.ScamTypes, XReports: r.Reports, XReporters: r.Reporters,
			XConfirmed: r.Confirmed, XLastSeen: r.LastSeen,
		})
	}
	return doc
}

func stixObjectType(k shopguard.Kind) string {
	switch k {
	case shopguard.KindDomain:
		return "domain-name"
	case shopguard.KindURL:
		return "url"
	case shopguard.KindEmail:
		return "email-addr"
	}
	return "x-shopguard-" + strings.ReplaceAll(string(k), "_", "-")
}

func stixPattern(k shopguard.Kind, v string) string {
	v = strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), `'`, `\'`)
	return "[" + stixObjectType(k) + ":value = '" + v + "']"
}

var stixPatternRE = lazyre.New(`^\[([a-z0-9-]+):value\s*=\s*'((?:[^'\\]|\\.)*)'\]$`)

// uuidFrom makes a name-based UUID (version 5 layout, SHA-256 based) so that the same
// identifier always gets the same STIX id.
func uuidFrom(name string) string {
	h := sha256.Sum256([]byte("shopguard:" + name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// ImportError is one record that could not be imported, and why.
type ImportError struct {
	Record int    `json:"record"` // 1-based
	Error  string `json:"error"`
}

// Import reads records in a format, checks every identifier and returns them as reputations
// from the named source. Bad records are listed in errs and skipped; a file that cannot be
// read at all is an error.
func Import(r io.Reader, f Format, source string) (reps []*shopguard.Reputation, errs []ImportError, err error) {
	var recs []numbered
	switch f {
	case FormatCSV:
		recs, errs, err = readCSV(r)
	case FormatJSON:
		var doc struct {
			Indicators []Record `json:"indicators"`
		}
		err = json.NewDecoder(r).Decode(&doc)
		for i, rec := range doc.Indicators {
			recs = append(recs, numbered{i + 1, rec})
		}
	case FormatSTIX:
		recs, errs, err = readSTIX(r)
	default:
		_, err = ParseFormat(string(f))
		return nil, nil, err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, nil, err // the reader stopped: the caller left, the file is not at fault
	}
	if err != nil {
		return nil, nil, shopguard.Invalid("file", "cannot read the %s file: %v", f, err)
	}
	for _, rec := range recs {
		rep, err := rec.reputation(source)
		if err != nil {
			errs = append(errs, ImportError{Record: rec.n, Error: shopguard.ErrorField(err) + ": " + shopguard.ErrorMessage(err)})
			continue
		}
		reps = append(reps, rep)
	}
	slices.SortFunc(errs, func(a, b ImportError) int { return a.Record - b.Record })
	return reps, errs, nil
}

// numbered is a record with its place in the file, for error messages.
type numbered struct {
	n int
	Record
}

func (rec Record) reputation(source string) (*shopguard.Reputation, error) {
	id, err := ident.Parse(rec.Kind, rec.Value)
	if err != nil {
		if _, kerr := shopguard.ParseKind(string(rec.Kind)); kerr != nil {
			return nil, kerr
		}
		return nil, err
	}
	if rec.Score < 0 || rec.Score > 100 {
		return nil, shopguard.Invalid("score", "a score is 0 to 100, got %d", rec.Score)
	}
	rep := &shopguard.Reputation{Identifier: id, Score: rec.Score, Reports: max(rec.Reports, 0), Reporters: max(rec.Reporters, 0),
		Confirmed: rec.Confirmed, ScamTypes: rec.ScamTypes, Source: source}
	if rep.ScamTypes == nil {
		rep.ScamTypes = []string{}
	}
	if rep.FirstSeen, err = parseDate("first_seen", rec.FirstSeen); err != nil {
		return nil, err
	}
	if rep.LastSeen, err = parseDate("last_seen", rec.LastSeen); err != nil {
		return nil, err
	}
	if rep.LastSeen.IsZero() {
		rep.LastSeen = rep.FirstSeen
	}
	return rep, nil
}

func parseDate(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return t, shopguard.Invalid(field, "a date is written YYYY-MM-DD, got %q", v)
	}
	return t, nil
}

func readCSV(r io.Reader) ([]numbered, []ImportError, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	if _, ok := col["kind"]; !ok {
		return nil, nil, fmt.Errorf("the header has no kind column")
	}
	if _, ok := col["value"]; !ok {
		return nil, nil, fmt.Errorf("the header has no value column")
	}
	get := func(row []string, name string) string {
		if i, ok := col[name]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
		return ""
	}
	var recs []numbered
	var errs []ImportError
	for n := 1; ; n++ {
		row, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		rec := Record{Kind: shopguard.Kind(get(row, "kind")), Value: get(row, "value"), FirstSeen: get(row, "first_seen"), LastSeen: get(row, "last_seen")}
		var bad error
		atoi := func(name string) int {
			s := get(row, name)
			if s == "" {
				return 0
			}
			v, err := strconv.Atoi(s)
			if err != nil && bad == nil {
				bad = fmt.Errorf("%s: not a number: %q", name, s)
			}
			return v
		}
		rec.Score, rec.Reports, rec.Reporters = atoi("score"), atoi("reports"), atoi("reporters")
		rec.Confirmed = get(row, "confirmed") == "true"
		if t := get(row, "scam_types"); t != "" {
			rec.ScamTypes = strings.Split(t, ";")
		}
		if bad != nil {
			errs = append(errs, ImportError{Record: n, Error: bad.Error()})
			continue
		}
		recs = append(recs, numbered{n, rec})
	}
	return recs, errs, nil
}

var stixEscapeRE = lazyre.New(`\\(.)`)

func readSTIX(r io.Reader) ([]numbered, []ImportError, error) {
	var doc stixDoc
	if err := json.NewDecoder(r).Decode(&doc); err != nil {
		return nil, nil, err
	}
	if doc.Type != "bundle" {
		return nil, nil, fmt.Errorf("a STIX file is a bundle, got type %q", doc.Type)
	}
	var recs []numbered
	var errs []ImportError
	for i, o := range doc.Objects {
		if o.Type != "indicator" {
			continue
		}
		m := stixPatternRE().FindStringSubmatch(o.Pattern)
		kind := shopguard.Kind("")
		if m != nil {
			for _, k := range shopguard.Kinds {
				if stixObjectType(k) == m[1] {
					kind = k
				}
			}
		}
		if kind == "" {
			errs = append(errs, ImportError{Record: i + 1, Error: fmt.Sprintf("pattern %q is not a single value comparison of a known object", o.Pattern)})
			continue
		}
		v := stixEscapeRE().ReplaceAllString(m[2], "$1")
		rec := Record{Kind: kind, Value: v, Reports: o.XReports, Reporters: o.XReporters, Confirmed: o.XConfirmed, ScamTypes: o.Labels, LastSeen: o.XLastSeen}
		if o.Confidence != nil {
			rec.Score = *o.Confidence
		}
		if t, err := time.Parse(time.RFC3339, o.ValidFrom); err == nil {
			rec.FirstSeen = t.Format(time.DateOnly)
		}
		recs = append(recs, numbered{i + 1, rec})
	}
	return recs, errs, nil
}
