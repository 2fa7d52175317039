package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/blob"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/knowledge"
	"github.com/shopguard/shopguard/sqlstore"
)

// caseEnv is what a case command works with: the configuration, the store, the knowledge
// pack, the vault and the case it opened.
type caseEnv struct {
	cfg     Config
	db      *sqlstore.DB
	pack    *knowledge.Pack
	vault   *casework.Vault
	planner *casework.Planner
	c       *shopguard.Case
}

// blobDir is where evidence files live: --blobs, or blobs/ in the data directory.
func (c Config) blobDir() string {
	if c.Blobs != "" {
		return c.Blobs
	}
	return filepath.Join(c.Data, "blobs")
}

// openBlobs opens the store of evidence files: the S3-compatible bucket of --blobs
// s3://BUCKET/PREFIX, or else the directory blobDir, with the grace period every node and
// command keeps (blob.DefaultGrace). An object store that cannot be reached comes back with
// an EUNAVAILABLE error, which serve only warns of.
func (c Config) openBlobs(ctx context.Context) (shopguard.BlobStore, error) {
	if !strings.HasPrefix(c.Blobs, "s3:") {
		d, err := blob.NewDir(c.blobDir())
		if err != nil {
			return nil, err
		}
		return d, nil
	}
	bucket, prefix, err := blob.ParseS3URL(c.Blobs)
	if err != nil {
		return nil, usagef("--blobs %q: %s", c.Blobs, shopguard.ErrorMessage(err))
	}
	s, err := blob.NewS3(blob.S3Config{Endpoint: c.S3.Endpoint, Region: c.S3.Region,
		AccessKey: c.S3.AccessKey, SecretKey: c.S3.SecretKey, Bucket: bucket, Prefix: prefix})
	if err != nil {
		return nil, usagef("SHOPGUARD_S3_ENDPOINT: %s", shopguard.ErrorMessage(err))
	}
	return s, s.Check(ctx)
}

// withCase parses the flags of a case command, opens the store and the case named by --case
// (which --key, or SHOPGUARD_CASE_KEY, must open) and runs fn. With needCase false there is
// no case to open (case new).
func (m *Main) withCase(ctx context.Context, name, argsUsage, help string, args []string, needCase bool, extra func(*flag.FlagSet), fn func(*caseEnv, []string) error) error {
	var id, key string
	var cfg *Config
	return m.withStore(ctx, name, argsUsage, help, args, func(c *Config, fs *flag.FlagSet) {
		cfg = c
		if needCase {
			fs.StringVar(&id, "case", "", "the case id")
			fs.StringVar(&key, "key", m.Getenv("SHOPGUARD_CASE_KEY"), "the case key [SHOPGUARD_CASE_KEY]")
		}
		if extra != nil {
			extra(fs)
		}
	}, func(db *sqlstore.DB, rest []string) error {
		pack, err := loadKnowledge(*cfg)
		if err != nil {
			return err
		}
		planner, err := casework.NewPlanner(pack)
		if err != nil {
			return err
		}
		blobs, err := cfg.openBlobs(ctx)
		if err != nil {
			return err
		}
		env := &caseEnv{cfg: *cfg, db: db, pack: pack, planner: planner, vault: &casework.Vault{Cases: db, Blobs: blobs, Limits: casework.DefaultLimits}}
		if needCase {
			if id == "" || key == "" {
				return usagef("%s needs --case ID and --key KEY (or SHOPGUARD_CASE_KEY)", name)
			}
			c, err := db.CaseByID(ctx, id)
			if err != nil || !casework.KeyOpens(c, key) {
				if err != nil && shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
					return err
				}
				return usagef("no case %s that this key opens", id)
			}
			env.c = c
		}
		return fn(env, rest)
	})
}

// triageFlags are the questionnaire's answers as flags, shared by case new and case update.
type triageFlags struct {
	t                                  shopguard.Triage
	amount, evidence, culprit, payment string
}

func (f *triageFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&f.t.What, "what", "", "what happened")
	fs.StringVar(&f.culprit, "culprit", "", "who cheated: seller, buyer, platform or impostor")
	fs.StringVar(&f.payment, "payment", "", "how the money went: escrow, transfer, card, cod or none")
	fs.StringVar(&f.amount, "amount", "", "how much, in yuan (3299.00)")
	fs.StringVar(&f.t.PaidOn, "paid-on", "", "when the money went (YYYY-MM-DD)")
	fs.StringVar(&f.t.NoticedOn, "noticed-on", "", "when you found out (YYYY-MM-DD)")
	fs.StringVar(&f.t.Platform, "platform", "", "the platform, site or app")
	fs.StringVar(&f.t.SiteURL, "site-url", "", "address of a fake site or app")
	fs.StringVar(&f.t.Counterparty, "counterparty", "", "name or account of the other side")
	fs.StringVar(&f.t.SellerLocation, "seller-location", "", "where the seller operates or is registered (licence details on the shop page, or the business on the invoice)")
	fs.StringVar(&f.t.OrderRef, "order-ref", "", "order or transaction number")
	fs.StringVar(&f.evidence, "evidence", "", "kinds of evidence you have, comma-separated: chat, payment, order, invoice, listing, photo, delivery")
	fs.BoolVar(&f.t.Arbitration, "arbitration", false, "you and the seller agreed to arbitration")
}

// apply sets on t the answers whose flags were given (an empty value clears an answer) and
// reports how many there were.
func (f *triageFlags) apply(fs *flag.FlagSet, t *shopguard.Triage) (int, error) {
	text := map[string][2]*string{"what": {&t.What, &f.t.What}, "paid-on": {&t.PaidOn, &f.t.PaidOn},
		"noticed-on": {&t.NoticedOn, &f.t.NoticedOn}, "platform": {&t.Platform, &f.t.Platform},
		"site-url": {&t.SiteURL, &f.t.SiteURL}, "counterparty": {&t.Counterparty, &f.t.Counterparty},
		"seller-location": {&t.SellerLocation, &f.t.SellerLocation}, "order-ref": {&t.OrderRef, &f.t.OrderRef}}
	var err error
	n := 0
	fs.Visit(func(fl *flag.Flag) {
		n++
		if p, ok := text[fl.Name]; ok {
			*p[0] = *p[1]
			return
		}
		switch fl.Name {
		case "culprit":
			t.Culprit = shopguard.Culprit(f.culprit)
		case "payment":
			t.Payment = shopguard.Payment(f.payment)
		case "amount":
			var fen int64
			if fen, err = shopguard.ParseYuan(f.amount); err == nil {
				t.AmountFen = fen
			}
		case "evidence":
			t.Evidence = nil
			for _, k := range strings.Split(f.evidence, ",") {
				if k = strings.TrimSpace(k); k != "" {
					t.Evidence = append(t.Evidence, shopguard.EvidenceKind(k))
				}
			}
		case "arbitration":
			t.Arbitration = f.t.Arbitration
		default:
			n--
		}
	})
	return n, err
}

func (m *Main) caseNew(ctx context.Context, args []string) error {
	var tf triageFlags
	var langName string
	var fs *flag.FlagSet
	return m.withCase(ctx, "case new", "",
		"Start a case from triage answers (all optional) and print its id and key. The key is shown once:\nkeep it, every other case command needs it. Change the answers later with case update.",
		args, false, func(f *flag.FlagSet) {
			fs = f
			fs.StringVar(&langName, "lang", m.defaultLang(), "language of the case"+langHelp)
			tf.add(fs)
		}, func(env *caseEnv, rest []string) error {
			if len(rest) > 0 {
				return usagef("case new takes no arguments, got %q", rest)
			}
			lang, err := langFlag(langName)
			if err != nil {
				return err
			}
			var t shopguard.Triage
			if _, err := tf.apply(fs, &t); err != nil {
				return err
			}
			c, key, err := casework.NewCase(0, lang, t, time.Now())
			if err != nil {
				return err
			}
			if err := env.db.CreateCase(ctx, c); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "id %s\nkey %s\n", c.ID, key)
			fmt.Fprintln(m.Stderr, "shopguard: keep the key now: it is shown only once and cannot be recovered")
			return nil
		})
}

func (m *Main) caseUpdate(ctx context.Context, args []string) error {
	var tf triageFlags
	var fs *flag.FlagSet
	return m.withCase(ctx, "case update", "",
		"Change the case's answers: each flag given replaces that answer (an empty value clears it); the\nothers stay. Prints the answers as they now are. Example:\n  shopguard case update --case ID --key sgc_… --amount 3299 --what '付款后卖家拉黑了我'",
		args, true, func(f *flag.FlagSet) {
			fs = f
			tf.add(fs)
		}, func(env *caseEnv, rest []string) error {
			if len(rest) > 0 {
				return usagef("case update takes flags only, got %q", rest)
			}
			t := env.c.Triage
			n, err := tf.apply(fs, &t)
			if err != nil {
				return err
			}
			if n == 0 {
				return usagef("case update: give at least one answer to change, such as --amount 3299 (see --help)")
			}
			if err := env.db.UpdateTriage(ctx, env.c.ID, t, time.Now()); err != nil {
				return err
			}
			return writeJSON(m, t)
		})
}

func (m *Main) caseEvidenceAdd(ctx context.Context, args []string) error {
	var note string
	return m.withCase(ctx, "case evidence add", "FILE...",
		"Add files to the case's evidence log, each kept under its SHA-256; print each entry.",
		args, true, func(fs *flag.FlagSet) {
			fs.StringVar(&note, "note", "", "a note kept with every file of this call")
		}, func(env *caseEnv, files []string) error {
			if len(files) == 0 {
				return usagef("name at least one file")
			}
			return m.eachFile(files, func(path string) error {
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				defer f.Close()
				e, err := env.vault.Add(ctx, env.c.ID, filepath.Base(path), note, f)
				if err != nil {
					return err
				}
				fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%s\n", e.Seq, e.SHA256, e.Type, e.Name)
				return nil
			})
		})
}

func (m *Main) casePlan(ctx context.Context, args []string) error {
	var langName string
	var asJSON bool
	return m.withCase(ctx, "case plan", "", "Print the case's action plan, urgent steps first.",
		args, true, func(fs *flag.FlagSet) {
			fs.StringVar(&langName, "lang", "", "language: zh-CN or en (default: the case's)")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		}, func(env *caseEnv, rest []string) error {
			lang := env.c.Lang
			if langName != "" {
				l, err := langFlag(langName)
				if err != nil {
					return err
				}
				lang = l
			}
			plan := env.planner.Plan(env.c.Triage, lang, time.Now())
			if asJSON {
				return writeJSON(m, plan)
			}
			for i, s := range plan.Steps {
				urgent := ""
				if s.Urgent {
					urgent = " [!]"
				}
				fmt.Fprintf(m.Stdout, "%d. %s%s\n", i+1, s.Title(), urgent)
				for _, w := range s.Why {
					fmt.Fprintf(m.Stdout, "   - %s\n", w)
				}
				for _, r := range s.Rules {
					fmt.Fprintf(m.Stdout, "   § %s [%s]\n", r.Text, sourceTitles(r.Sources))
				}
				for _, l := range s.Limits {
					fmt.Fprintf(m.Stdout, "   ⏱ %s [%s]\n", l.Text, sourceTitles(l.Sources))
				}
			}
			for _, q := range plan.Questions {
				fmt.Fprintf(m.Stdout, "? %s\n", q)
			}
			return nil
		})
}

func (m *Main) caseDocs(ctx context.Context, args []string) error {
	var langName, format, out string
	return m.withCase(ctx, "case docs", "[NAME...]",
		"Write the case's draft documents (all of them, or the NAMEs: "+strings.Join(casework.Documents, ", ")+")\ninto a directory as NAME.LANG.md or NAME.LANG.pdf.",
		args, true, func(fs *flag.FlagSet) {
			fs.StringVar(&langName, "lang", "", "language: zh-CN or en (default: the case's)")
			fs.StringVar(&format, "format", "pdf", "md or pdf")
			fs.StringVar(&out, "out", ".", "directory to write to")
		}, func(env *caseEnv, names []string) error {
			lang := env.c.Lang
			if langName != "" {
				l, err := langFlag(langName)
				if err != nil {
					return err
				}
				lang = l
			}
			if format != "md" && format != "pdf" {
				return usagef("--format %q: want md or pdf", format)
			}
			if len(names) == 0 {
				names = casework.Documents
			}
			ev, err := env.db.ListEvidence(ctx, env.c.ID)
			if err != nil {
				return err
			}
			for _, name := range names {
				md, err := casework.Markdown(name, lang, casework.DocInput{Case: env.c, Evidence: ev, Now: time.Now()})
				if err != nil {
					return err
				}
				path := filepath.Join(out, fmt.Sprintf("%s.%s.%s", name, lang, format))
				f, err := os.Create(path)
				if err != nil {
					return err
				}
				if format == "md" {
					_, err = f.Write(md)
				} else {
					err = casework.PDF(f, md, casework.DocumentTitle(name, lang), casework.Footer(lang))
				}
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					os.Remove(path)
					return fmt.Errorf("write %s: %w", path, err)
				}
				fmt.Fprintln(m.Stdout, path)
			}
			return nil
		})
}

func (m *Main) casePackage(ctx context.Context, args []string) error {
	var out string
	return m.withCase(ctx, "case package", "",
		"Write the case's evidence package: a ZIP with the evidence files, the documents in both languages,\nmanifest.json and an index.html that opens offline.",
		args, true, func(fs *flag.FlagSet) {
			fs.StringVar(&out, "o", "", "the ZIP file to write (default shopguard-case-ID.zip)")
		}, func(env *caseEnv, rest []string) error {
			if out == "" {
				out = fmt.Sprintf("shopguard-case-%s.zip", env.c.ID)
			}
			ev, err := env.db.ListEvidence(ctx, env.c.ID)
			if err != nil {
				return err
			}
			now := time.Now()
			tmp := out + ".part"
			f, err := os.Create(tmp)
			if err != nil {
				return err
			}
			err = casework.WritePackage(ctx, f, casework.PackageInput{Case: env.c, Evidence: ev,
				Plan: env.planner.Plan(env.c.Triage, env.c.Lang, now), Blobs: env.vault.Blobs, Now: now})
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(tmp, out)
			}
			if err != nil {
				os.Remove(tmp)
				return err
			}
			fmt.Fprintln(m.Stdout, out)
			return nil
		})
}

func (m *Main) caseReport(ctx context.Context, args []string) error {
	var req casework.ReportRequest
	var ids, evidence listFlag
	var asJSON bool
	return m.withCase(ctx, "case report", "",
		`Turn the case into a community report, with your consent: what happened, the platform, the amount
and the date come from the case; you confirm the scam type and give the scammer's identifiers, and
may attach files of the case (images, PDF, text) by their SHA-256 (see case evidence add). A case is
reported once; the report is anonymous and waits for a moderator. Example:
  shopguard case report --case ID --key sgc_… --consent --type cod_switch --id phone:13812345678 --evidence SHA256`,
		args, true, func(fs *flag.FlagSet) {
			fs.BoolVar(&req.Consent, "consent", false, "you agree to send the case's story, the identifiers and the files to the moderators")
			fs.StringVar(&req.ScamType, "type", "", "scam type (the error without it names the one proposed from the case; see shopguard learn)")
			fs.Var(&ids, "id", "an identifier as kind:value (repeat): phone, qq, wechat, email, bank_account, alipay, domain, url, shop")
			fs.Var(&evidence, "evidence", "SHA-256 of a file of the case to attach (repeat)")
			fs.BoolVar(&asJSON, "json", false, "print the answer as JSON")
		}, func(env *caseEnv, rest []string) error {
			if len(rest) > 0 {
				return usagef("case report takes flags only, got %q", rest)
			}
			if !req.Consent {
				return usagef("--consent: a case becomes a community report only when you agree to it")
			}
			if req.ScamType == "" {
				proposed := casework.ProposeScamType(env.c.Triage)
				if proposed == "" {
					return usagef("--type: name the scam type (see shopguard learn)")
				}
				return usagef("--type: name the scam type; from the case's answers it looks like %s (see shopguard learn %s)", proposed, proposed)
			}
			var err error
			if req.Identifiers, err = parseIdentifiers(ids); err != nil {
				return err
			}
			req.Evidence = evidence
			s, err := startIntel(ctx, env.db, env.cfg)
			if err != nil {
				return err
			}
			s.KnownScamType = func(id string) bool { _, ok := env.pack.ScamType(id); return ok }
			x := &casework.Reporting{Cases: env.db, Blobs: env.vault.Blobs, Intel: s, Pack: env.pack}
			r, err := x.Report(ctx, env.c, req, intel.Reporter{})
			if err != nil {
				return err
			}
			return m.filed(r.ID, r.Status, asJSON)
		})
}

// caseVerify checks a package file, or with --case a stored case. It exits 1, naming every
// problem, when anything was altered.
func (m *Main) caseVerify(ctx context.Context, args []string) error {
	for _, a := range args {
		if a == "--case" || strings.HasPrefix(a, "--case=") || a == "-case" || strings.HasPrefix(a, "-case=") {
			return m.withCase(ctx, "case verify", "", "Check a stored case: its evidence log chain and every file's hash.", args, true, nil,
				func(env *caseEnv, rest []string) error {
					r, err := env.vault.Verify(ctx, env.c.ID)
					if err != nil {
						return err
					}
					return m.report(r, "case "+env.c.ID)
				})
		}
	}
	fs := m.flags("case verify", "PACKAGE.zip | --case ID --key KEY",
		"Check an evidence package (every file against manifest.json, and the evidence log's hash chain) or,\nwith --case, a stored case. Exit 0 when intact, 1 when anything was altered (each problem named).")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("case verify takes one package file (or --case ID --key KEY)")
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return usagef("%v", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	r, err := casework.VerifyPackage(f, st.Size(), casework.DefaultVerifyLimits)
	if err != nil {
		fmt.Fprintf(m.Stdout, "ALTERED %s: %s\n", fs.Arg(0), shopguard.ErrorMessage(err))
		return errFound
	}
	return m.report(r, fs.Arg(0))
}

// report prints a verification report and returns errFound when it found a problem.
func (m *Main) report(r *casework.Report, what string) error {
	if r.OK() {
		fmt.Fprintf(m.Stdout, "OK %s: %d files, %d evidence entries, chain head %s\n", what, r.Files, r.Entries, r.Head)
		return nil
	}
	fmt.Fprintf(m.Stdout, "ALTERED %s: %d problems\n", what, len(r.Problems))
	for _, p := range r.Problems {
		fmt.Fprintf(m.Stdout, "  %s\n", p)
	}
	return errFound
}

// sourceTitles joins the titles of a statement's sources, for a line of the plan.
func sourceTitles(bs []casework.Basis) string {
	titles := make([]string, len(bs))
	for i, b := range bs {
		titles[i] = b.Title
	}
	return strings.Join(titles, "; ")
}
