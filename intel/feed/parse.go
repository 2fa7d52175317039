// Package feed reads threat feeds (plain domain or URL lists, hosts files, CSV by column,
// PhishTank CSV and JSON, OpenPhish text), keeps them in an in-memory Set that answers the
// link check's domain lookups, and refreshes a feed from its URL periodically.
package feed

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
)

// The formats a feed can be read in.
const (
	FormatList          = "list"           // one domain or URL a line; # starts a comment
	FormatHosts         = "hosts"          // hosts file: "0.0.0.0 domain" lines
	FormatCSV           = "csv"            // CSV with a header; Options.Column names the column
	FormatPhishTankCSV  = "phishtank-csv"  // PhishTank's online-valid.csv
	FormatPhishTankJSON = "phishtank-json" // PhishTank's online-valid.json
	FormatOpenPhish     = "openphish"      // OpenPhish feed.txt: one URL a line
)

// Formats lists the formats, for help texts.
var Formats = []string{FormatList, FormatHosts, FormatCSV, FormatPhishTankCSV, FormatPhishTankJSON, FormatOpenPhish}

// Options says how to read a feed.
type Options struct {
	Format string
	// Column is the CSV column holding the domain or URL: a header name or a 1-based number.
	Column string
}

// Entry is one listed domain or URL.
type Entry struct {
	Value string // as listed
	Host  string // its host, ASCII lower case
	// Domain is true when the entry lists a whole domain, false for one URL on a host.
	Domain bool
}

// Stats counts what reading a feed found.
type Stats struct {
	Lines   int `json:"lines"`
	Entries int `json:"entries"`
	Skipped int `json:"skipped"` // lines that held no usable domain or URL
}

// maxEntryLen bounds one listed value.
const maxEntryLen = 4096

// Parse reads a feed. Lines without a usable domain or URL are counted as skipped; a feed
// whose structure is wrong (bad JSON, a CSV without the column) is an EINVALID error.
func Parse(r io.Reader, opt Options) ([]Entry, Stats, error) {
	switch opt.Format {
	case FormatList, FormatOpenPhish:
		return parseLines(r, func(line string) string { return line })
	case FormatHosts:
		return parseLines(r, hostsValue)
	case FormatCSV:
		if opt.Column == "" {
			return nil, Stats{}, shopguard.Invalid("column", "the csv format needs a column (a header name or a number)")
		}
		return parseCSV(r, opt.Column)
	case FormatPhishTankCSV:
		return parseCSV(r, "url")
	case FormatPhishTankJSON:
		return parseJSON(r)
	}
	return nil, Stats{}, shopguard.Invalid("format", "unknown feed format %q: want one of %s", opt.Format, strings.Join(Formats, ", "))
}

func parseLines(r io.Reader, value func(line string) string) ([]Entry, Stats, error) {
	var out []Entry
	var st Stats
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		st.Lines++
		if e, ok := entry(value(line)); ok {
			out = append(out, e)
		} else {
			st.Skipped++
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, st, shopguard.Invalid("feed", "line %d longer than 1 MiB", st.Lines+1)
		}
		return nil, st, fmt.Errorf("feed: read: %w", err)
	}
	st.Entries = len(out)
	return out, st, nil
}

// hostsValue returns the domain of a hosts file line ("0.0.0.0 evil.example # note").
func hostsValue(line string) string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	switch {
	case len(f) >= 2:
		switch f[1] {
		case "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback", "0.0.0.0":
			return ""
		}
		return f[1]
	case len(f) == 1:
		return f[0]
	}
	return ""
}

func parseCSV(r io.Reader, column string) ([]Entry, Stats, error) {
	var st Stats
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = true
	col := -1
	if n, err := strconv.Atoi(column); err == nil {
		if n < 1 {
			return nil, st, shopguard.Invalid("column", "column numbers start at 1, got %d", n)
		}
		col = n - 1
	} else {
		head, err := cr.Read()
		if err != nil {
			return nil, st, shopguard.Invalid("feed", "csv header: %v", err)
		}
		for i, h := range head {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), column) {
				col = i
			}
		}
		if col < 0 {
			return nil, st, shopguard.Invalid("column", "no column %q in the csv header %q", column, strings.Join(head, ","))
		}
	}
	var out []Entry
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				st.Lines++
				st.Skipped++
				continue
			}
			return nil, st, fmt.Errorf("feed: read csv: %w", err)
		}
		st.Lines++
		if col >= len(rec) {
			st.Skipped++
			continue
		}
		if e, ok := entry(rec[col]); ok {
			out = append(out, e)
		} else {
			st.Skipped++
		}
	}
	st.Entries = len(out)
	return out, st, nil
}

func parseJSON(r io.Reader) ([]Entry, Stats, error) {
	var st Stats
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		return nil, st, shopguard.Invalid("feed", "a PhishTank JSON feed is an array of objects")
	}
	var out []Entry
	for dec.More() {
		var item struct {
			URL string `json:"url"`
		}
		if err := dec.Decode(&item); err != nil {
			return nil, st, shopguard.Invalid("feed", "PhishTank JSON item %d: %v", st.Lines+1, err)
		}
		st.Lines++
		if e, ok := entry(item.URL); ok {
			out = append(out, e)
		} else {
			st.Skipped++
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, st, shopguard.Invalid("feed", "PhishTank JSON: %v", err)
	}
	st.Entries = len(out)
	return out, st, nil
}

// entry makes an Entry of a listed domain or URL, or false when it holds no usable host.
func entry(v string) (Entry, bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > maxEntryLen {
		return Entry{}, false
	}
	l, err := link.Parse(v)
	if err != nil || l.Host == "" {
		return Entry{}, false
	}
	path := strings.TrimLeft(l.Path, "/")
	return Entry{Value: v, Host: l.Host, Domain: path == "" && l.UserInfo == ""}, true
}
