package eval

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/knowledge"
)

// LinkOptions says what EvalLinks measures.
type LinkOptions struct {
	// Data is the directory holding urls-dev.jsonl; "" skips the labelled links.
	Data string
	// DNSTwist turns on the look-alike measure; Dictionary and TLDs are dnstwist's word and
	// ending lists ("" for none).
	DNSTwist         bool
	Dictionary, TLDs string
	// Checked, when set, is called after each link is judged (for a progress bar).
	Checked func()
}

// LinkReport is the evaluation of the link check.
type LinkReport struct {
	Data  []Rate `json:"data,omitempty"`  // per source and label of urls-dev.jsonl
	Twist []Rate `json:"twist,omitempty"` // per brand group and dnstwist fuzzer
}

// DefaultDNSTwistDicts returns Debian's dnstwist dictionary and TLD list, when installed.
func DefaultDNSTwistDicts() (dictionary, tlds string) {
	dir := "/usr/share/dnstwist/dictionaries"
	if _, err := os.Stat(filepath.Join(dir, "english.dict")); err == nil {
		dictionary = filepath.Join(dir, "english.dict")
	}
	if _, err := os.Stat(filepath.Join(dir, "common_tlds.dict")); err == nil {
		tlds = filepath.Join(dir, "common_tlds.dict")
	}
	return dictionary, tlds
}

// EvalLinks measures a over the labelled links in opt.Data and over dnstwist's look-alikes of
// every brand's main domain in pack.
func EvalLinks(ctx context.Context, pack *knowledge.Pack, a *link.Analyzer, opt LinkOptions) (LinkReport, error) {
	var rep LinkReport
	check := a.AnalyzeURL
	if opt.Checked != nil {
		check = func(u string) (shopguard.Assessment, error) {
			defer opt.Checked()
			return a.AnalyzeURL(u)
		}
	}
	if opt.Data != "" {
		f, err := os.Open(filepath.Join(opt.Data, "urls-dev.jsonl"))
		if err != nil {
			return rep, fmt.Errorf("eval: links: %w", err)
		}
		cases, err := ReadURLCases(f)
		f.Close()
		if err != nil {
			return rep, err
		}
		rep.Data = EvalURLs(cases, check)
	}
	if opt.DNSTwist {
		official := map[string]bool{}
		for _, b := range pack.Brands {
			for _, d := range b.Domains {
				official[d] = true
			}
		}
		var mains []string
		for _, b := range pack.Brands {
			mains = append(mains, b.Domains[0])
		}
		perms, err := DNSTwist(ctx, mains, opt.Dictionary, opt.TLDs)
		if err != nil {
			return rep, err
		}
		var brands []BrandPermutations
		for i, b := range pack.Brands {
			name := strings.ReplaceAll(mains[i][:strings.IndexByte(mains[i], '.')], "-", "")
			brands = append(brands, BrandPermutations{Brand: b.ID, Short: len(name) < 5, Perms: perms[i]})
		}
		rep.Twist = EvalPermutations(brands, func(d string) bool { return official[d] }, check)
	}
	return rep, nil
}

// WriteMarkdown writes the report as Markdown tables with a few wrongly judged examples.
func (r LinkReport) WriteMarkdown(w io.Writer) {
	if len(r.Data) > 0 {
		fmt.Fprintln(w, "### Labelled links (urls-dev.jsonl)")
		fmt.Fprintln(w)
		WriteTable(w, "source", r.Data)
		fmt.Fprintln(w)
	}
	if len(r.Twist) > 0 {
		fmt.Fprintln(w, "### dnstwist look-alikes of the brands' main domains")
		fmt.Fprintln(w)
		WriteTable(w, "brand names", r.Twist)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "### Examples judged wrongly")
	fmt.Fprintln(w)
	for _, rs := range [][]Rate{r.Data, r.Twist} {
		for _, x := range rs {
			if len(x.Missed) > 0 {
				fmt.Fprintf(w, "- %s / %s: %s\n", x.Group, x.Label, strings.Join(x.Missed, " "))
			}
		}
	}
}
