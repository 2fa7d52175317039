package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/batch"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/listing"
	"github.com/shopguard/shopguard/knowledge"
)

// checkOptions are the flags every checker shares.
type checkOptions struct {
	lang   string
	asJSON bool
	jsonl  bool
	failOn failOn
}

func (o *checkOptions) add(fs *flag.FlagSet, lang string) {
	fs.StringVar(&o.lang, "lang", lang, "language of the explanations"+langHelp)
	fs.BoolVar(&o.asJSON, "json", false, "print the verdict as JSON")
	fs.BoolVar(&o.jsonl, "jsonl", false, "batch: read one JSON object per line on stdin (each with an id), write one result per line")
	o.failOn.add(fs)
}

// failOn is the --fail-on flag every checker takes: the risk at which a check of arguments or
// of one input exits 1 (after printing its answer). A batch (--jsonl) always exits 0: each
// result line carries its own risk.
type failOn string

func (f *failOn) add(fs *flag.FlagSet) {
	fs.StringVar((*string)(f), "fail-on", "medium", "exit 1 when a risk is at least this level: medium, high, or never")
}

// check refuses a value other than medium, high or never.
func (f failOn) check() error {
	switch f {
	case "medium", "high", "never":
		return nil
	}
	return usagef("--fail-on %q: want medium, high or never", string(f))
}

// trips reports whether risk r reaches the level.
func (f failOn) trips(r shopguard.Risk) bool {
	return f == "medium" && r != shopguard.RiskLow || f == "high" && r == shopguard.RiskHigh
}

// verdicts runs a checker's output through the options: it explains the assessment, prints it
// as text or JSON, and says whether the exit code should report it.
type verdicts struct {
	m    *Main
	opts checkOptions
	lang shopguard.Lang
	pack *knowledge.Pack
	fail bool
}

func (m *Main) newVerdicts(opts checkOptions, pack *knowledge.Pack) (*verdicts, error) {
	lang, err := langFlag(opts.lang)
	if err != nil {
		return nil, err
	}
	if err := opts.failOn.check(); err != nil {
		return nil, err
	}
	return &verdicts{m: m, opts: opts, lang: lang, pack: pack}, nil
}

// explain fills the texts of an assessment and records whether it trips --fail-on.
func (v *verdicts) explain(a shopguard.Assessment) shopguard.Assessment {
	a.Explain(v.pack, v.lang)
	v.fail = v.fail || v.opts.failOn.trips(a.Risk)
	return a
}

// print writes one verdict, titled by what was checked.
func (v *verdicts) print(subject string, a shopguard.Assessment) error {
	if v.opts.asJSON {
		return writeJSON(v.m, a)
	}
	w := v.m.Stdout
	fmt.Fprintf(w, "%s: %s\n", subject, headline(a.Risk, a.Score, a.Finding, a.Checked, v.lang))
	for _, s := range a.Signals {
		mark := "!"
		if s.Weight < 0 {
			mark = "+"
		}
		fmt.Fprintf(w, "  %s %s [%s]\n", mark, s.Message, s.Code)
	}
	for _, t := range a.ScamTypes {
		if st, ok := v.pack.ScamType(t); ok {
			fmt.Fprintf(w, "  ~ %s (%s)\n", st.Name.Get(v.lang), t)
		}
	}
	for _, adv := range a.Advice {
		fmt.Fprintf(w, "  > %s\n", adv)
	}
	return nil
}

// done ends a checker: errFound when --fail-on tripped.
func (v *verdicts) done() error {
	if v.fail {
		return errFound
	}
	return nil
}

// readInput reads the whole of FILE, or stdin for "-" or no argument.
func (m *Main) readInput(args []string) ([]byte, error) {
	switch {
	case len(args) > 1:
		return nil, usagef("give one FILE, or - for standard input")
	case len(args) == 0 || args[0] == "-":
		return io.ReadAll(m.Stdin)
	}
	b, err := os.ReadFile(args[0])
	if err != nil {
		return nil, usagef("%v", err)
	}
	return b, nil
}

func (m *Main) checkListing(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	var opts checkOptions
	fs := m.flags("check listing", "[FILE|-]", `Judge an offer before paying. FILE (or stdin) holds one JSON object such as
  {"price":"1200","reference_price":"8999","payment":"bank_transfer","contacts":[{"kind":"qq","value":"12345678"}]}
With --jsonl, each input line is such an object with an "id".`)
	opts.add(fs, m.defaultLang())
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	snapshot := fs.String("snapshot", "", "look the contacts' values up in this offline snapshot of the community's reports (shopguard snapshot)")
	if err := parse(fs, args); err != nil {
		return err
	}
	pack, err := loadKnowledge(c)
	if err != nil {
		return err
	}
	v, err := m.newVerdicts(opts, pack)
	if err != nil {
		return err
	}
	var checks combine.Checks
	if *snapshot != "" {
		if checks.Reputations, err = readSnapshot(c, *snapshot); err != nil {
			return err
		}
	}
	check := func(line []byte) (any, error) {
		var l listing.Listing
		if err := json.Unmarshal(line, &l); err != nil {
			return nil, shopguard.Invalid("", "not a listing: %v", err)
		}
		if err := l.Validate(); err != nil {
			return nil, err
		}
		return v.explain(checks.Listing(l)), nil
	}
	if opts.jsonl {
		_, err := batch.Run(m.Stdin, m.Stdout, check)
		return err
	}
	in, err := m.readInput(fs.Args())
	if err != nil {
		return err
	}
	a, err := check(in)
	if err != nil {
		return err
	}
	if err := v.print("listing", a.(shopguard.Assessment)); err != nil {
		return err
	}
	return v.done()
}

// riskZH names the risk levels for a Chinese reader, as the identifier lookup prints them.
var riskZH = map[shopguard.Risk]string{shopguard.RiskLow: "低", shopguard.RiskMedium: "可疑", shopguard.RiskHigh: "高危"}

// headline is a verdict in a few words for a person: its risk and score, or, when nothing
// was found, that it is not known (with what was checked): unknown never reads as low risk.
func headline(risk shopguard.Risk, score int, finding string, checked []string, lang shopguard.Lang) string {
	if finding != shopguard.FindingNone {
		if lang == shopguard.LangZH {
			return fmt.Sprintf("%s（%d/100）", riskZH[risk], score)
		}
		return fmt.Sprintf("%s (%d/100)", risk, score)
	}
	if lang == shopguard.LangZH {
		return fmt.Sprintf("未发现问题，结果未知（已检查：%s）；未知不等于安全", strings.Join(checked, ", "))
	}
	return fmt.Sprintf("no finding (checked: %s); unknown is not the same as safe", strings.Join(checked, ", "))
}
