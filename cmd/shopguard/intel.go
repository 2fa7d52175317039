package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/batch"
	"github.com/shopguard/shopguard/client"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/progress"
	"github.com/shopguard/shopguard/sqlstore"
)

// checkKinds are the identifiers "shopguard check KIND VALUE" looks up, by the name the
// command takes.
var checkKinds = []struct {
	name string
	kind shopguard.Kind
}{
	{"phone", shopguard.KindPhone}, {"qq", shopguard.KindQQ}, {"wechat", shopguard.KindWeChat},
	{"email", shopguard.KindEmail}, {"card", shopguard.KindBankAccount}, {"account", shopguard.KindBankAccount},
	{"alipay", shopguard.KindAlipay}, {"domain", shopguard.KindDomain}, {"shop", shopguard.KindShop},
}

// identVerdict is the answer of "check KIND": the identifier masked, its risk and what the
// reports say, and where the answer came from (database, snapshot or server).
type identVerdict struct {
	Kind      shopguard.Kind `json:"kind"`
	Display   string         `json:"display"`
	Risk      shopguard.Risk `json:"risk"`
	Score     int            `json:"score"`
	Reports   int            `json:"reports"`
	Reporters int            `json:"reporters,omitempty"`
	Confirmed bool           `json:"confirmed"`
	ScamTypes []string       `json:"scam_types"`
	LastSeen  *time.Time     `json:"last_seen,omitempty"`
	Source    string         `json:"source"`
	// Finding and Checked are as in shopguard.Indicator: "none" is unknown, not safe.
	Finding string   `json:"finding"`
	Checked []string `json:"checked"`
}

func fromIndicator(in shopguard.Indicator, source string) identVerdict {
	return identVerdict{Kind: in.Kind, Display: in.Display, Risk: in.Risk, Score: in.Score, Reports: in.Reports, Reporters: in.Reporters,
		Confirmed: in.Confirmed, ScamTypes: in.ScamTypes, LastSeen: in.LastSeen, Source: source, Finding: in.FindingOf(), Checked: []string{shopguard.CheckedCommunity}}
}

// openIntel opens the local database and loads its reputation index.
func openIntel(ctx context.Context, c Config) (*intel.Service, *sqlstore.DB, error) {
	store, err := openStore(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	s, err := startIntel(ctx, store, c)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return s, store, nil
}

// localReports opens the community's reports in the local database for a checker to ask,
// when there is one (--db, or a SQLite file in the data directory); else it returns nil and
// makes no database. The returned func closes the database.
func localReports(ctx context.Context, c Config) (*intel.Service, func(), error) {
	if c.DB == "" {
		if _, err := os.Stat(c.sqlitePath()); err != nil {
			return nil, func() {}, nil
		}
	}
	s, store, err := openIntel(ctx, c)
	if err != nil {
		return nil, func() {}, err
	}
	return s, func() { store.Close() }, nil
}

// checkReputations returns the community's reports a checker asks: those of the offline
// snapshot when one is named, else those of the local database (nil when there is none, see
// localReports). The returned func closes what was opened.
func checkReputations(ctx context.Context, c Config, snapshot string) (*intel.Service, func(), error) {
	if snapshot != "" {
		reps, err := readSnapshot(c, snapshot)
		return reps, func() {}, err
	}
	return localReports(ctx, c)
}

// publicReputations is what a check composing a verdict asks of reps: the public view, in
// which no unconfirmed report counts (intel.PublicView); nil when reps is.
func publicReputations(reps *intel.Service) shopguard.Reputations {
	if reps == nil {
		return nil
	}
	return intel.PublicView(reps)
}

func checkIdentifier(name string, kind shopguard.Kind) func(*Main, context.Context, []string) error {
	return func(m *Main, ctx context.Context, args []string) error {
		c, err := m.loadConfig()
		if err != nil {
			return err
		}
		var opts checkOptions
		var server, key, snapshot string
		fs := m.flags("check "+name, "VALUE", `Look `+name+` VALUE up in the community's reports: risk, reports, confirmed or not.
By default the local database answers; --snapshot FILE answers offline from a snapshot;
--server URL asks a server by private lookup (only 5 hex digits of a hash are sent).
With --jsonl, each input line is {"id":…,"value":"…"}.`)
		c.storeFlags(fs)
		fs.StringVar(&opts.lang, "lang", m.defaultLang(), "language"+langHelp)
		fs.BoolVar(&opts.asJSON, "json", false, "print the answer as JSON")
		fs.BoolVar(&opts.jsonl, "jsonl", false, "batch: one JSON object per line on stdin, one answer per line")
		opts.failOn.add(fs)
		fs.StringVar(&server, "server", "", "ask this shopguard server (https://…) by private lookup [SHOPGUARD_SERVER]")
		fs.StringVar(&key, "key", m.Getenv("SHOPGUARD_API_KEY"), "API key for --server [SHOPGUARD_API_KEY]")
		fs.StringVar(&snapshot, "snapshot", "", "answer offline from this snapshot file")
		if err := parse(fs, args); err != nil {
			return err
		}
		if server == "" {
			server = m.Getenv("SHOPGUARD_SERVER")
		}
		if _, err := m.newVerdicts(opts, nil); err != nil {
			return err
		}
		lookup, closeFn, err := m.identLookup(ctx, c, server, key, snapshot)
		if err != nil {
			return err
		}
		defer closeFn()
		fail := false
		check := func(value string) (identVerdict, error) {
			v, err := lookup(kind, value)
			fail = fail || err == nil && opts.failOn.trips(v.Risk)
			return v, err
		}
		if opts.jsonl {
			if fs.NArg() > 0 {
				return usagef("--jsonl reads values from standard input, not arguments")
			}
			_, err := batch.Run(m.Stdin, m.Stdout, func(line []byte) (any, error) {
				var in struct {
					Value string `json:"value"`
				}
				if err := json.Unmarshal(line, &in); err != nil {
					return nil, shopguard.Invalid("", "not a JSON object with a value: %v", err)
				}
				return check(in.Value)
			})
			return err // each line carries its own risk: --fail-on does not apply
		}
		if fs.NArg() != 1 {
			return usagef("check %s takes one VALUE", name)
		}
		v, err := check(fs.Arg(0))
		if err != nil {
			return err
		}
		if opts.asJSON {
			if err := writeJSON(m, v); err != nil {
				return err
			}
		} else {
			printIdent(m, v, opts.lang)
		}
		if fail {
			return errFound
		}
		return nil
	}
}

// identLookup returns the lookup the flags ask for: a server, a snapshot or the database.
func (m *Main) identLookup(ctx context.Context, c Config, server, key, snapshot string) (func(shopguard.Kind, string) (identVerdict, error), func(), error) {
	switch {
	case server != "" && snapshot != "":
		return nil, nil, usagef("give --server or --snapshot, not both")
	case server != "":
		if !strings.HasPrefix(server, "http://") && !strings.HasPrefix(server, "https://") {
			return nil, nil, usagef("--server %q: want an http:// or https:// URL", server)
		}
		cl := client.New(server, key)
		return func(kind shopguard.Kind, value string) (identVerdict, error) {
			r, err := cl.CheckIdentifier(ctx, kind, value)
			return identVerdict{Kind: r.Kind, Display: r.Display, Risk: r.Risk, Score: r.Score, Reports: r.Reports, Confirmed: r.Confirmed, ScamTypes: r.ScamTypes, Source: "server",
				Finding: r.Finding, Checked: []string{shopguard.CheckedCommunity}}, err
		}, func() {}, nil
	case snapshot != "":
		reps, err := readSnapshot(c, snapshot)
		if err != nil {
			return nil, nil, err
		}
		return func(kind shopguard.Kind, value string) (identVerdict, error) {
			in, err := reps.Lookup(kind, value)
			return fromIndicator(in, "snapshot"), err
		}, func() {}, nil
	}
	s, store, err := openIntel(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return func(kind shopguard.Kind, value string) (identVerdict, error) {
		in, err := s.Lookup(kind, value)
		return fromIndicator(in, "database"), err
	}, func() { store.Close() }, nil
}

// readSnapshot loads an offline snapshot (shopguard snapshot) into a reputation service
// that answers from it alone: the identifiers' reputations and the link check's community
// domains. A keyed snapshot is read with the configured snapshot key.
func readSnapshot(c Config, path string) (*intel.Service, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, usagef("--snapshot: %v", err)
	}
	defer f.Close()
	var key []byte
	if c.SnapshotKey != "" {
		key = []byte(c.SnapshotKey)
	}
	x, _, err := intel.ReadSnapshot(f, key)
	if err != nil {
		return nil, err
	}
	return &intel.Service{Index: x}, nil
}

// identRiskEN names the risk levels of an identifier for an English reader.
var identRiskEN = map[shopguard.Risk]string{shopguard.RiskLow: "low", shopguard.RiskMedium: "suspicious", shopguard.RiskHigh: "high"}

func printIdent(m *Main, v identVerdict, lang string) {
	zh := !strings.HasPrefix(lang, "en")
	risk := [2]string{riskZH[v.Risk], identRiskEN[v.Risk]}
	switch v.Finding {
	case shopguard.FindingNone:
		if zh {
			fmt.Fprintf(m.Stdout, "%s %s：没有发现（查过：社区举报）。没有举报不等于安全。\n", v.Kind, v.Display)
		} else {
			fmt.Fprintf(m.Stdout, "%s %s: no finding (checked: community reports). No reports does not mean safe.\n", v.Kind, v.Display)
		}
		return
	case shopguard.FindingUnderReview:
		if v.Reports == 0 { // a server shows no more of unconfirmed reports
			if zh {
				fmt.Fprintf(m.Stdout, "%s %s：有举报正在审核，尚未确认。\n", v.Kind, v.Display)
			} else {
				fmt.Fprintf(m.Stdout, "%s %s: reports under review, not confirmed yet.\n", v.Kind, v.Display)
			}
			return
		}
	}
	if zh {
		fmt.Fprintf(m.Stdout, "%s %s：风险%s（%d/100），%d 条举报", v.Kind, v.Display, risk[0], v.Score, v.Reports)
		if v.Confirmed {
			fmt.Fprint(m.Stdout, "，已经审核确认")
		}
	} else {
		plural := "s"
		if v.Reports == 1 {
			plural = ""
		}
		fmt.Fprintf(m.Stdout, "%s %s: risk %s (%d/100), %d report%s", v.Kind, v.Display, risk[1], v.Score, v.Reports, plural)
		if v.Confirmed {
			fmt.Fprint(m.Stdout, ", confirmed by a moderator")
		}
	}
	if len(v.ScamTypes) > 0 {
		fmt.Fprintf(m.Stdout, " [%s]", strings.Join(v.ScamTypes, ", "))
	}
	fmt.Fprintln(m.Stdout)
}

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// parseIdentifiers reads --id flags written kind:value.
func parseIdentifiers(ids listFlag) ([]shopguard.Identifier, error) {
	var out []shopguard.Identifier
	for _, s := range ids {
		kind, value, ok := strings.Cut(s, ":")
		if !ok {
			return nil, usagef("--id %q: write kind:value, such as phone:13812345678", s)
		}
		out = append(out, shopguard.Identifier{Kind: shopguard.Kind(kind), Value: value})
	}
	return out, nil
}

func (m *Main) reportScam(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("report", "", `Report a scam: what kind, the identifiers the scammer used, and what happened (--narrative,
or standard input). Example:
  shopguard report --type deposit_scam --id phone:"138 1234 5678" --platform xianyu \
    --amount 300.00 --currency CNY --date 2026-11-01 --evidence chat.png < story.txt`)
	c.storeFlags(fs)
	var ids, evidence listFlag
	var r shopguard.Report
	var server, key string
	var asJSON bool
	fs.StringVar(&r.ScamType, "type", "", "scam type, such as deposit_scam (see shopguard learn)")
	fs.Var(&ids, "id", "an identifier as kind:value (repeat): phone, qq, wechat, email, bank_account, alipay, domain, url, shop")
	fs.StringVar(&r.Platform, "platform", "", "where it happened: taobao, xianyu, jd, wechat, other…")
	fs.StringVar(&r.Amount, "amount", "", "money lost, such as 300.00")
	fs.StringVar(&r.Currency, "currency", "CNY", "currency of the amount")
	fs.StringVar(&r.OccurredOn, "date", "", "when it happened, YYYY-MM-DD")
	fs.StringVar(&r.Narrative, "narrative", "", "what happened (else read from standard input)")
	fs.Var(&evidence, "evidence", "an evidence file: image, PDF or text (repeat)")
	fs.StringVar(&server, "server", m.Getenv("SHOPGUARD_SERVER"), "file the report on this server instead of the local database [SHOPGUARD_SERVER]")
	fs.StringVar(&key, "key", m.Getenv("SHOPGUARD_API_KEY"), "API key for --server [SHOPGUARD_API_KEY]")
	fs.BoolVar(&asJSON, "json", false, "print the answer as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("report takes flags only, got %q", fs.Args())
	}
	if r.Amount == "" {
		r.Currency = ""
	}
	if r.Identifiers, err = parseIdentifiers(ids); err != nil {
		return err
	}
	if r.Narrative == "" {
		b, err := m.readInput(nil)
		if err != nil {
			return err
		}
		r.Narrative = strings.TrimSpace(string(b))
	}
	files := map[string][]byte{}
	for _, path := range evidence {
		data, err := os.ReadFile(path)
		if err != nil {
			return usagef("--evidence: %v", err)
		}
		files[path] = data
	}
	if server != "" {
		body := map[string]any{"scam_type": r.ScamType, "identifiers": r.Identifiers, "platform": r.Platform, "amount": r.Amount,
			"currency": r.Currency, "occurred_on": r.OccurredOn, "narrative": r.Narrative}
		var ev []map[string]string
		for path, data := range files {
			ev = append(ev, map[string]string{"name": filepath.Base(path), "content_base64": base64.StdEncoding.EncodeToString(data)})
		}
		if ev != nil {
			body["evidence"] = ev
		}
		id, err := client.New(server, key).Report(ctx, body)
		if err != nil {
			return err
		}
		return m.filed(id, shopguard.ReportPending, asJSON)
	}
	s, store, err := openIntel(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	var blobs shopguard.BlobStore
	if len(files) > 0 {
		if blobs, err = c.openBlobs(ctx); err != nil {
			return err
		}
	}
	for path, data := range files {
		e, err := intel.AttachEvidence(ctx, blobs, filepath.Base(path), data)
		if err != nil {
			return err
		}
		r.Evidence = append(r.Evidence, e)
	}
	if err := s.Submit(ctx, &r, intel.Reporter{}); err != nil {
		return err
	}
	return m.filed(r.ID, r.Status, asJSON)
}

func (m *Main) filed(id int64, status shopguard.ReportStatus, asJSON bool) error {
	if asJSON {
		return writeJSON(m, map[string]any{"id": id, "status": status})
	}
	fmt.Fprintf(m.Stdout, "report %d filed (%s): a moderator will review it\n", id, status)
	return nil
}

// writeOut writes data to the file named (through a temporary file, so that a reader never
// sees half of it), or to standard output for "" or "-".
func (m *Main) writeOut(path string, data []byte) error {
	if path == "" || path == "-" {
		_, err := m.Stdout.Write(data)
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (m *Main) export(ctx context.Context, args []string) error {
	var format, out string
	var cfg *Config
	return m.withStore(ctx, "export", "", "Export every indicator of the local database, raw identifiers included: handle the file as personal data.",
		args, func(c *Config, fs *flag.FlagSet) {
			cfg = c
			fs.StringVar(&format, "format", "json", "csv, json or stix (a STIX 2.1 bundle)")
			fs.StringVar(&out, "out", "", "write to this file instead of standard output")
		}, func(db *sqlstore.DB, rest []string) error {
			f, err := intel.ParseFormat(format)
			if err != nil {
				return err
			}
			s, err := m.readIndicators(ctx, db, *cfg, "export")
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			now := time.Now()
			if err := intel.Export(&buf, f, intel.Records(s.Index, now), now); err != nil {
				return err
			}
			return m.writeOut(out, buf.Bytes())
		})
}

// startIntel loads the reputation index of the database, from the server's index cache in
// the data directory when there is one (it only reads it).
func startIntel(ctx context.Context, db *sqlstore.DB, c Config) (*intel.Service, error) {
	return startIntelWith(ctx, db, c, nil)
}

// startIntelWith is startIntel calling loaded for every reputation read from the store.
func startIntelWith(ctx context.Context, db *sqlstore.DB, c Config, loaded func()) (*intel.Service, error) {
	secret, err := db.Secret(ctx, "sources")
	if err != nil {
		return nil, err
	}
	s := &intel.Service{Store: db, Index: intel.NewIndex(), Secret: secret, CachePath: c.indexCache(), Loaded: loaded}
	return s, s.Start(ctx)
}

// readIndicators starts the reputation index for a job that reads all of it (export,
// snapshot), with a progress bar on a terminal while it loads.
func (m *Main) readIndicators(ctx context.Context, db *sqlstore.DB, c Config, job string) (*intel.Service, error) {
	var loaded func()
	bar := progress.New(m.Stderr, job+": read indicators", 0, "indicators")
	if bar != nil {
		loaded = func() { bar.Add(1) }
	}
	s, err := startIntelWith(ctx, db, c, loaded)
	bar.Done()
	return s, err
}

// indexCache is where a node keeps its index cache.
func (c Config) indexCache() string { return filepath.Join(c.Data, "index.cache") }

// importChunk is how many indicators import stores at a time, between two steps of its
// progress bar.
const importChunk = 5000

func (m *Main) importIndicators(ctx context.Context, args []string) error {
	var format, source string
	var cfg *Config
	return m.withStore(ctx, "import", "FILE|-", "Import indicators from a feed. Bad records are listed and skipped; the command exits 1 when any was.",
		args, func(c *Config, fs *flag.FlagSet) {
			cfg = c
			fs.StringVar(&format, "format", "", "csv, json or stix")
			fs.StringVar(&source, "source", "", "name of the feed, kept with each indicator")
		}, func(db *sqlstore.DB, rest []string) error {
			f, err := intel.ParseFormat(format)
			if err != nil {
				return err
			}
			if source == "" {
				return usagef("--source: name the feed the indicators come from")
			}
			data, err := m.readInput(rest)
			if err != nil {
				return err
			}
			reps, errs, err := intel.Import(bytes.NewReader(data), f, source)
			total := len(reps)
			if err != nil {
				return err
			}
			s, err := startIntel(ctx, db, *cfg)
			if err != nil {
				return err
			}
			bar := progress.New(m.Stderr, "import", int64(len(reps)), "indicators")
			for len(reps) > 0 {
				n := min(len(reps), importChunk)
				if err := s.Import(ctx, reps[:n]); err != nil {
					return err
				}
				reps = reps[n:]
				bar.Add(int64(n))
			}
			bar.Done()
			for _, e := range errs {
				fmt.Fprintf(m.Stderr, "record %d: %s\n", e.Record, e.Error)
			}
			fmt.Fprintf(m.Stdout, "imported %d indicators from %s, skipped %d\n", total, source, len(errs))
			if len(errs) > 0 {
				return errFound
			}
			return nil
		})
}

func (m *Main) snapshot(ctx context.Context, args []string) error {
	var out string
	var keyed bool
	var cfg *Config
	return m.withStore(ctx, "snapshot", "", `Write an offline snapshot of the confirmed indicators: hashes and summaries, no identifiers.
A public snapshot (the default, also served at /api/v1/indicators/snapshot) leaves out phone
numbers, QQ numbers, bank accounts, Alipay accounts, shops and digit-made WeChat ids and
e-mail addresses: their hashes could be reversed by trying every number. With --keyed every
kind is written, hashed under SHOPGUARD_SNAPSHOT_KEY (or _FILE, at least 16 bytes): give it
and its key only to those you trust with bulk access.
Check against it with shopguard check KIND --snapshot FILE VALUE.`,
		args, func(c *Config, fs *flag.FlagSet) {
			cfg = c
			fs.StringVar(&out, "out", "", "the snapshot file to write")
			fs.BoolVar(&keyed, "keyed", false, "write every kind, hashed under SHOPGUARD_SNAPSHOT_KEY [SHOPGUARD_SNAPSHOT_KEY, SHOPGUARD_SNAPSHOT_KEY_FILE]")
		}, func(db *sqlstore.DB, rest []string) error {
			if out == "" {
				return usagef("--out: name the snapshot file")
			}
			var key []byte
			if keyed {
				if cfg.SnapshotKey == "" {
					return usagef("--keyed: set SHOPGUARD_SNAPSHOT_KEY or SHOPGUARD_SNAPSHOT_KEY_FILE to the key")
				}
				key = []byte(cfg.SnapshotKey)
			}
			s, err := m.readIndicators(ctx, db, *cfg, "snapshot")
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			info, err := intel.WriteSnapshot(&buf, s.Index, time.Now(), key)
			if err != nil {
				return err
			}
			if err := m.writeOut(out, buf.Bytes()); err != nil {
				return err
			}
			kind := "public"
			if info.Keyed {
				kind = "keyed"
			}
			fmt.Fprintf(m.Stdout, "wrote %d indicators to %s (%s)\n", info.Indicators, out, kind)
			return nil
		})
}
