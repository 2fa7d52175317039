package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/batch"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/eval"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/intel/feed"
	"github.com/shopguard/shopguard/internal/progress"
	"github.com/shopguard/shopguard/knowledge"
)

// feedDir is where versions before feeds moved into the database kept the imported threat
// feeds; the feeds found there move into the database (feed.ImportDir).
func (c Config) feedDir() string { return filepath.Join(c.Data, "feeds") }

// linkAnalyzer loads the imported feeds and builds the link check over the pack, asking the
// community's reports first when reps is not nil.
func linkAnalyzer(ctx context.Context, c Config, pack *knowledge.Pack, reps *intel.Service) (*link.Analyzer, error) {
	feeds, err := loadFeeds(ctx, c)
	if err != nil {
		return nil, err
	}
	if reps != nil {
		return link.New(pack, link.Lookups{reps, feeds}), nil
	}
	return link.New(pack, feeds), nil
}

// loadFeeds returns the imported feeds, which the database keeps. Without a database (no
// --db, no SQLite file and no old feed directory in the data directory) there are none, and
// nothing is created.
func loadFeeds(ctx context.Context, c Config) (*feed.Set, error) {
	set := feed.NewSet()
	if c.DB == "" && !exists(c.sqlitePath()) && !exists(c.feedDir()) {
		return set, nil
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return nil, err
	}
	defer store.Close()
	if _, err := feed.ImportDir(ctx, store, c.feedDir()); err != nil {
		return nil, err
	}
	return set, feed.Load(ctx, set, store)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// feedSources reads the --feed-urls setting: space-separated NAME,FORMAT,URL[,EVERY].
func (c Config) feedSources() ([]feed.Source, error) {
	var out []feed.Source
	for _, item := range strings.Fields(c.FeedURLs) {
		f := strings.Split(item, ",")
		if len(f) < 3 || len(f) > 4 {
			return nil, usagef("feed URLs: %q: want NAME,FORMAT,URL[,EVERY]", item)
		}
		if err := feed.CheckName(f[0]); err != nil {
			return nil, usagef("feed URLs: %v", cliMessage(err))
		}
		u, err := url.Parse(f[2])
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, usagef("feed URLs: %q is not an http(s) URL", f[2])
		}
		src := feed.Source{Name: f[0], URL: f[2], Options: feed.Options{Format: f[1]}, Every: time.Hour}
		if len(f) == 4 {
			d, err := time.ParseDuration(f[3])
			if err != nil || d < time.Minute {
				return nil, usagef("feed URLs: every %q: want a duration of a minute or more, such as 6h", f[3])
			}
			src.Every = d
		}
		if _, _, err := feed.Parse(strings.NewReader(""), src.Options); shopguard.ErrorCode(err) == shopguard.EINVALID {
			return nil, usagef("feed URLs: %s: %v", f[0], cliMessage(err))
		}
		out = append(out, src)
	}
	return out, nil
}

// feedWatch is how often a node looks for feeds imported or refreshed on another node.
const feedWatch = 2 * time.Second

// followFeeds loads the imported feeds from the store into set and, until ctx ends, follows
// the store (a feed imported or refreshed on any node is picked up within feedWatch) and
// keeps each configured feed URL fresh, one node fetching it at a time. Failures are logged;
// a feed that fails keeps its last entries.
func followFeeds(ctx context.Context, c Config, store shopguard.FeedStore, set *feed.Set, logger *slog.Logger) error {
	moved, err := feed.ImportDir(ctx, store, c.feedDir())
	if err != nil {
		return err
	}
	if len(moved) > 0 {
		logger.Info("feeds moved from the feed directory into the database", "feeds", moved, "dir", c.feedDir())
	}
	err = feed.Watch(ctx, set, store, feedWatch, func(err error) {
		logger.Warn("feeds", "err", err)
	})
	if err != nil {
		return err
	}
	srcs, err := c.feedSources()
	if err != nil {
		return err
	}
	r := &feed.Refresher{Set: set, Store: store}
	for _, src := range srcs {
		go r.Follow(ctx, src, func(st feed.Stats, changed bool, err error) {
			switch {
			case err != nil:
				logger.Warn("feed refresh failed", "feed", src.Name, "err", err)
			case changed:
				logger.Info("feed refreshed", "feed", src.Name, "entries", st.Entries, "skipped", st.Skipped)
			}
		})
	}
	return nil
}

func (m *Main) checkURL(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("check url", "URL…", "Check links or domains for brand look-alikes, hiding tricks and listed threats.\n"+
		"With --text, check every link found in the arguments taken as a text (or standard input).\n"+
		"With --jsonl, read {\"id\",\"url\"} lines from standard input and write one result per line.\n"+
		"Exits 1 when a link given as an argument or found in the text is medium or high risk (see --fail-on).")
	fs.StringVar(&c.Data, "data", c.Data, "data directory holding imported feeds [SHOPGUARD_DATA]")
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	langName := fs.String("lang", m.defaultLang(), "language of the explanations"+langHelp)
	asJSON := fs.Bool("json", false, "print JSON")
	jsonl := fs.Bool("jsonl", false, "batch mode: JSON lines on standard input and output")
	text := fs.Bool("text", false, "check every link found in a text: the arguments, or standard input without any")
	var fail failOn
	fail.add(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := fail.check(); err != nil {
		return err
	}
	args = fs.Args()
	if *text {
		if *jsonl {
			return usagef("check url: --text and --jsonl do not go together")
		}
		t := strings.Join(args, " ")
		if len(args) == 0 {
			b, err := io.ReadAll(io.LimitReader(m.Stdin, 1<<20))
			if err != nil {
				return fmt.Errorf("check url: read text: %w", err)
			}
			t = string(b)
		}
		args = nil
		for _, c := range link.FindURLs(t) {
			args = append(args, c.URL)
		}
		if len(args) == 0 {
			fmt.Fprintln(m.Stderr, "shopguard: no link in the text")
			return nil
		}
	}
	lang, err := langFlag(*langName)
	if err != nil {
		return err
	}
	if *jsonl != (len(args) == 0) {
		return usagef("check url: give links as arguments, or --jsonl and lines on standard input")
	}
	pack, err := loadKnowledge(c)
	if err != nil {
		return err
	}
	a, err := linkAnalyzer(ctx, c, pack, nil)
	if err != nil {
		return err
	}
	check := func(raw string) (link.Result, error) { return a.Check(raw, pack, lang) }
	if *jsonl {
		_, err := batch.RunParallel(m.Stdin, m.Stdout, func(line []byte) (any, error) {
			url, ok := batch.StringField(line, "url")
			if !ok {
				var in struct {
					URL string `json:"url"`
				}
				if err := json.Unmarshal(line, &in); err != nil {
					return nil, shopguard.Invalid("url", "url must be a string")
				}
				url = in.URL
			}
			res, err := check(url)
			if err != nil {
				return nil, err
			}
			return &res, nil // a batch.Appender: written without reflection
		})
		return err
	}
	var results []link.Result
	found := false
	for _, raw := range args {
		res, err := check(raw)
		if err != nil {
			return err
		}
		found = found || fail.trips(res.Risk)
		results = append(results, res)
	}
	if *asJSON {
		if err := writeJSON(m, results); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			printLinkResult(m.Stdout, r, lang)
		}
	}
	if found {
		return errFound
	}
	return nil
}

func printLinkResult(w io.Writer, r link.Result, lang shopguard.Lang) {
	host := r.Unicode
	if r.Unicode != r.Host {
		host += " (" + r.Host + ")"
	}
	if r.Finding == shopguard.FindingNone {
		fmt.Fprintf(w, "%s  %s  → %s\n", r.URL, headline(r.Risk, r.Score, r.Finding, r.Checked, lang), host)
	} else {
		level := strings.ToUpper(string(r.Risk))
		if lang == shopguard.LangZH {
			level = riskZH[r.Risk]
		}
		fmt.Fprintf(w, "%s  %s %d  → %s\n", r.URL, level, r.Score, host)
	}
	for _, s := range r.Signals {
		fmt.Fprintf(w, "  %+4d %-26s %s\n", s.Weight, s.Code, s.Message)
	}
	for _, a := range r.Advice {
		fmt.Fprintf(w, "  » %s\n", a)
	}
}

func (m *Main) importFeed(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("import feed", "FILE", "Import a threat feed (FILE, or - for standard input) into the database, replacing\n"+
		"the feed of the same name; running servers pick it up within seconds. Formats: "+strings.Join(feed.Formats, ", ")+".")
	c.storeFlags(fs)
	name := fs.String("name", "", "name of the feed, shown with every hit (required)")
	format := fs.String("format", feed.FormatList, "format of the file")
	column := fs.String("column", "", "for csv: the column with the domain or URL (a header name or a number from 1)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("import feed: give one FILE (or - for standard input)")
	}
	if err := feed.CheckName(*name); err != nil {
		return err
	}
	in, size := m.Stdin, int64(0)
	if path := fs.Arg(0); path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return usagef("import feed: %v", err)
		}
		defer f.Close()
		in, size = f, filesSize([]string{path})
	}
	bar := progress.New(m.Stderr, "import feed "+*name, size, "B")
	entries, st, err := feed.Parse(bar.Reader(in), feed.Options{Format: *format, Column: *column})
	bar.Done()
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return shopguard.Invalid("feed", "no domain or URL found in %d lines: is --format right?", st.Lines)
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := feed.Save(ctx, store, *name, entries); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "feed %s: %d entries imported from %d lines (%d skipped)\n", *name, st.Entries, st.Lines, st.Skipped)
	return nil
}

func (m *Main) evalLinks(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("eval links", "", "Measure the link check: recall and false positives per source of DATA/urls-dev.jsonl,\n"+
		"and recall per dnstwist fuzzer kind over look-alikes of every brand's main domain\n"+
		"(needs Debian's dnstwist). Prints Markdown tables.")
	data := fs.String("data", "", "directory holding urls-dev.jsonl; empty to skip")
	twist := fs.Bool("dnstwist", true, "measure dnstwist look-alikes")
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *data == "" && !*twist {
		return usagef("eval links: nothing to measure: give --data or keep --dnstwist")
	}
	pack, err := loadKnowledge(c)
	if err != nil {
		return err
	}
	dict, tlds := eval.DefaultDNSTwistDicts()
	bar := progress.New(m.Stderr, "eval links", 0, "links")
	rep, err := eval.EvalLinks(ctx, pack, link.New(pack, nil), eval.LinkOptions{Data: *data, DNSTwist: *twist, Dictionary: dict, TLDs: tlds,
		Checked: func() { bar.Add(1) }})
	bar.Done()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(m, rep)
	}
	rep.WriteMarkdown(m.Stdout)
	return nil
}
