// Package eval measures the detectors on labelled data: recall on scams, false positives on
// legitimate cases, per source and per kind, so that every figure in docs/evaluation.md can
// be reproduced with one command.
package eval

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"github.com/shopguard/shopguard"
)

// URLCase is one labelled link: label "ok" for a legitimate one, anything else ("scam",
// "phish") for a bad one.
type URLCase struct {
	ID     string `json:"id"`
	URL    string `json:"url"`
	Label  string `json:"label"`
	Target string `json:"target"`
	Source string `json:"source"`
}

// ReadURLCases reads URL cases, one JSON object per line. It names the line of any that is
// not a case.
func ReadURLCases(r io.Reader) ([]URLCase, error) {
	var out []URLCase
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var c URLCase
		if err := json.Unmarshal(line, &c); err != nil {
			return nil, fmt.Errorf("eval: line %d: %w", n, err)
		}
		if c.URL == "" || c.Label == "" {
			return nil, fmt.Errorf("eval: line %d: a case needs a url and a label", n)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("eval: read cases: %w", err)
	}
	return out, nil
}

// Check judges one link.
type Check func(url string) (shopguard.Assessment, error)

// Rate counts how many cases of a group were flagged (risk medium or high).
type Rate struct {
	Group   string   `json:"group"`
	Label   string   `json:"label"`
	Cases   int      `json:"cases"`
	Flagged int      `json:"flagged"`
	Errors  int      `json:"errors"`
	Missed  []string `json:"examples,omitempty"` // a few links judged wrongly
}

// Percent returns the flagged share in percent.
func (r Rate) Percent() float64 {
	if r.Cases == 0 {
		return 0
	}
	return 100 * float64(r.Flagged) / float64(r.Cases)
}

// Positive reports whether the label is of bad cases (where flagged is recall, not false
// positives).
func (r Rate) Positive() bool { return r.Label != "ok" }

const maxExamples = 8

// add counts one judged case: wrong ones (a bad case not flagged, a good case flagged) are
// kept as examples.
func (r *Rate) add(url string, a shopguard.Assessment, err error) {
	r.Cases++
	if err != nil {
		r.Errors++
		return
	}
	flagged := a.Risk != shopguard.RiskLow
	if flagged {
		r.Flagged++
	}
	if flagged != r.Positive() && len(r.Missed) < maxExamples {
		r.Missed = append(r.Missed, url)
	}
}

// EvalURLs judges every case and returns the rates per source and label, in order of
// source then label.
func EvalURLs(cases []URLCase, check Check) []Rate {
	at := map[[2]string]*Rate{}
	for _, c := range cases {
		k := [2]string{c.Source, c.Label}
		r := at[k]
		if r == nil {
			r = &Rate{Group: c.Source, Label: c.Label}
			at[k] = r
		}
		a, err := check(c.URL)
		r.add(c.URL, a, err)
	}
	return sorted(at)
}

func sorted(at map[[2]string]*Rate) []Rate {
	out := make([]Rate, 0, len(at))
	for _, r := range at {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Group != out[j].Group {
			return out[i].Group < out[j].Group
		}
		return out[i].Label < out[j].Label
	})
	return out
}

// Permutation is one look-alike of a brand's domain made by dnstwist.
type Permutation struct {
	Fuzzer string `json:"fuzzer"`
	Domain string `json:"domain"`
}

// dnstwistScript makes dnstwist's permutations of each domain given as an argument, without
// the DNS look-ups its json format would do, and prints them as one JSON array per domain.
const dnstwistScript = `
import contextlib, io, json, sys
import dnstwist
dictionary, tld = sys.argv[1], sys.argv[2]
for domain in sys.argv[3:]:
    kw = {"domain": domain, "format": "list"}
    if dictionary: kw["dictionary"] = dictionary
    if tld: kw["tld"] = tld
    with contextlib.redirect_stdout(io.StringIO()):
        perms = dnstwist.run(**kw)
    print(json.dumps([{"fuzzer": p["fuzzer"], "domain": p["domain"]} for p in perms]))
`

// DNSTwist makes dnstwist's permutations of each domain (with the dictionary and TLD files
// when given), with their fuzzer kinds, leaving out the originals. It runs the installed
// dnstwist (Debian package dnstwist) as a library, offline.
func DNSTwist(ctx context.Context, domains []string, dictionary, tlds string) ([][]Permutation, error) {
	bin, err := exec.LookPath("dnstwist")
	if err != nil {
		return nil, fmt.Errorf("eval: dnstwist is not installed (apt-get install dnstwist): %w", err)
	}
	python := "python3"
	if head, err := os.ReadFile(bin); err == nil && bytes.HasPrefix(head, []byte("#!")) {
		line, _, _ := bytes.Cut(head[2:], []byte("\n"))
		if f := strings.Fields(string(line)); len(f) > 0 {
			python = f[0]
		}
	}
	cmd := exec.CommandContext(ctx, python, append([]string{"-c", dnstwistScript, dictionary, tlds}, domains...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("eval: dnstwist: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	if len(lines) != len(domains) {
		return nil, fmt.Errorf("eval: dnstwist gave %d results for %d domains", len(lines), len(domains))
	}
	res := make([][]Permutation, len(domains))
	for i, l := range lines {
		if res[i], err = ParseDNSTwist(l); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// ParseDNSTwist reads a JSON array of permutations (as dnstwist --format json writes),
// leaving out the original domain.
func ParseDNSTwist(data []byte) ([]Permutation, error) {
	var all []Permutation
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, fmt.Errorf("eval: dnstwist output: %w", err)
	}
	out := all[:0]
	for _, p := range all {
		if p.Domain == "" || p.Fuzzer == "" {
			return nil, fmt.Errorf("eval: dnstwist output: an entry without domain or fuzzer")
		}
		if !strings.HasPrefix(p.Fuzzer, "*") {
			out = append(out, p)
		}
	}
	return out, nil
}

// BrandPermutations are the look-alikes of one brand's main domain.
type BrandPermutations struct {
	Brand string
	Short bool // the brand's name has fewer than five letters
	Perms []Permutation
}

// EvalPermutations judges every permutation and returns the rates per fuzzer kind, for
// brands with long names (group "long") and short names (group "short"), and the total of
// each group (label "all"). Permutations that are official domains themselves (official is
// true for them) are left out: they are not look-alikes.
func EvalPermutations(brands []BrandPermutations, official func(domain string) bool, check Check) []Rate {
	at := map[[2]string]*Rate{}
	count := func(group, label, domain string, a shopguard.Assessment, err error) {
		k := [2]string{group, label}
		r := at[k]
		if r == nil {
			r = &Rate{Group: group, Label: label}
			at[k] = r
		}
		r.add(domain, a, err)
	}
	for _, b := range brands {
		group := "long"
		if b.Short {
			group = "short"
		}
		for _, p := range b.Perms {
			if official(p.Domain) {
				continue
			}
			a, err := check(p.Domain)
			count(group, p.Fuzzer, p.Domain, a, err)
			count(group, "all", p.Domain, a, err)
		}
	}
	return sorted(at)
}

// WriteTable writes rates as a Markdown table.
func WriteTable(w io.Writer, title string, rates []Rate) {
	fmt.Fprintf(w, "| %s | label | cases | flagged (medium or high) | %% | errors |\n|---|---|---:|---:|---:|---:|\n", title)
	for _, r := range rates {
		fmt.Fprintf(w, "| %s | %s | %d | %d | %.2f%% | %d |\n", r.Group, r.Label, r.Cases, r.Flagged, r.Percent(), r.Errors)
	}
}
