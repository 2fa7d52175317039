package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/batch"
	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/model"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/eval"
	"github.com/shopguard/shopguard/internal/progress"
	"github.com/shopguard/shopguard/knowledge"
)

// scanOutput is the result of scan --json: the verdict, explained (--jsonl writes the same
// members with text.Result.AppendJSON).
type scanOutput struct {
	text.Result
}

func (m *Main) scan(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("scan", "[FILE|-]", `Check a message or a conversation for scam scripts. FILE (or standard input) holds
the text (a pasted chat whose lines start "我：" or "me:" for the shopper and "name：" for
the other side is read as a conversation), or a JSON object {"text": …} or {"messages":
[{"from": "me"|"them"|"platform", "text": …}, …]}. Every link in it is judged by the link
check too (with the feeds imported into the data directory), and every number, account
and domain in it is looked up in the community's reports: those of the local database (as
check does; none when the data directory has no database yet) or, with --snapshot, those of
an offline snapshot. The learned layer may lift a calm verdict to medium when the text already
asks for something (a link, a payment, a contact). With --jsonl, every input line is such an
object with an "id", and every
output line is {"id","risk","score","types","stage","cues","signals","urls","advice"}.
Exits 1 when a single input is medium or high risk (see --fail-on).`)
	c.storeFlags(fs)
	langName := fs.String("lang", m.defaultLang(), "language of the explanations"+langHelp)
	asJSON := fs.Bool("json", false, "print the result as JSON")
	jsonl := fs.Bool("jsonl", false, "read JSON lines, write one result per line")
	var fail failOn
	fail.add(fs)
	snapshot := fs.String("snapshot", "", "look the numbers, accounts and domains in the text up in this offline snapshot of the community's reports (shopguard snapshot)")
	if err := parse(fs, args); err != nil {
		return err
	}
	lang, err := langFlag(*langName)
	if err != nil {
		return err
	}
	if err := fail.check(); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		return usagef("scan takes at most one FILE")
	}
	setupDone := collectLessDuringSetup()
	defer setupDone()
	go model.Default() // decode the learned layer's weights meanwhile (Default keeps them)
	pack, err := loadKnowledge(c)
	if err != nil {
		return err
	}
	// The text detector is built while the reports are opened and the link check built.
	type built struct {
		det *text.Detector
		err error
	}
	detector := make(chan built, 1)
	go func() {
		det, err := text.New(pack)
		detector <- built{det, err}
	}()
	var checks combine.Checks
	reps, closeReps, err := checkReputations(ctx, c, *snapshot)
	if err != nil {
		return err
	}
	defer closeReps()
	checks.Reputations = publicReputations(reps)
	if checks.Links, err = linkAnalyzer(ctx, c, pack, reps); err != nil {
		return err
	}
	b := <-detector
	if b.err != nil {
		return b.err
	}
	checks.Text = b.det
	if checks.Model, err = model.Default(); err != nil {
		return err
	}
	// A batch keeps the setup target to its end: put back here, it started a cycle at once
	// over the detectors just built, whose mark held the first line 5-11 ms; a batch's
	// garbage dies with its line, and its heap stays within five times what is live.
	if !*jsonl {
		setupDone()
	}
	in, closeIn, err := m.openInput(fs.Arg(0))
	if err != nil {
		return err
	}
	defer closeIn()
	if *jsonl {
		_, err := batch.RunParallelAppend(in, m.Stdout, func(dst, line []byte) ([]byte, error) {
			input, err := text.ParseValidInput(line) // batch hands valid JSON
			if err != nil {
				return dst, err
			}
			res := checks.Scan(input.Conversation())
			res.Explain(pack, lang)
			return res.AppendJSON(dst), nil // as scanOutput writes itself, without a value per line
		})
		return err
	}
	data, err := io.ReadAll(io.LimitReader(in, text.MaxBytes+1))
	if err != nil {
		return fmt.Errorf("scan: read input: %w", err)
	}
	input, err := scanInput(data)
	if err != nil {
		return err
	}
	res := checks.Scan(input.Conversation())
	res.Explain(pack, lang)
	if *asJSON {
		err = writeJSON(m, scanOutput{res})
	} else {
		printScan(m, pack, input.Conversation(), res, lang)
	}
	if err == nil && fail.trips(res.Risk) {
		return errFound
	}
	return err
}

// openInput opens FILE, or standard input for "" and "-".
func (m *Main) openInput(name string) (io.Reader, func(), error) {
	if name == "" || name == "-" {
		return m.Stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, usagef("open %s: %v", name, err)
	}
	return f, func() { f.Close() }, nil
}

// scanInput reads one input: a JSON object with text or messages, or else plain text (a
// pasted chat whose lines name the speaker, "我：…", becomes a conversation).
func scanInput(data []byte) (text.Input, error) {
	if len(data) > text.MaxBytes {
		return text.Input{}, shopguard.Invalid("input", "more than %d bytes", text.MaxBytes)
	}
	trimmed := strings.TrimSpace(string(data))
	if strings.HasPrefix(trimmed, "{") && json.Valid([]byte(trimmed)) {
		return text.ParseInput([]byte(trimmed))
	}
	in := text.Input{Messages: text.ParseTranscript(string(data))}
	if len(in.Messages) == 1 {
		in = text.Input{Text: in.Messages[0].Text}
	}
	return in, in.Validate()
}

// printScan writes the verdict for a person: risk, types, stage, each message with the cues
// marked [[like this]], why each cue matters, the links and the advice.
func printScan(m *Main, pack *knowledge.Pack, msgs []text.Message, res text.Result, lang shopguard.Lang) {
	h := map[shopguard.Lang][7]string{
		shopguard.LangZH: {"风险", "疑似", "套路进行到", "露馅的字句", "为什么可疑", "文中的链接（已逐个检查）", "该怎么做"},
		shopguard.LangEN: {"Risk", "Looks like", "Stage reached", "The words that gave it away", "Why they matter", "Links in the text (each checked)", "What to do"},
	}[lang]
	w := m.Stdout
	fmt.Fprintf(w, "%s: %s\n", h[0], headline(res.Risk, res.Score, res.Finding, res.Checked, lang))
	if len(res.Types) > 0 {
		var names []string
		for _, id := range res.Types {
			if st, ok := pack.ScamType(id); ok {
				names = append(names, st.Name.Get(lang)+" ("+id+")")
			}
		}
		fmt.Fprintf(w, "%s: %s\n", h[1], strings.Join(names, ", "))
	}
	if res.Stage != "" {
		fmt.Fprintf(w, "%s: %s\n", h[2], knowledge.Stage(res.Stage).Name(lang))
	}
	if len(res.Cues) > 0 {
		fmt.Fprintf(w, "\n## %s\n", h[3])
		for i, segs := range res.Highlight(msgs) {
			var b strings.Builder
			for _, s := range text.Marked(segs) {
				if len(s.Cues) > 0 {
					b.WriteString("[[" + s.Text + "]]")
				} else {
					b.WriteString(s.Text)
				}
			}
			if len(msgs) > 1 {
				fmt.Fprintf(w, "%d %s: %s\n", i, msgs[i].From, b.String())
			} else {
				fmt.Fprintln(w, b.String())
			}
		}
	}
	if len(res.Signals) > 0 {
		fmt.Fprintf(w, "\n## %s\n", h[4])
		for _, s := range res.Signals {
			fmt.Fprintf(w, "- %s\n", s.Message)
		}
	}
	if len(res.URLs) > 0 {
		fmt.Fprintf(w, "\n## %s\n", h[5])
		for _, u := range res.URLs {
			fmt.Fprintf(w, "- %s\n", u.URL)
		}
	}
	if len(res.Advice) > 0 {
		fmt.Fprintf(w, "\n## %s\n", h[6])
		for _, a := range res.Advice {
			fmt.Fprintf(w, "- %s\n", a)
		}
	}
}

func (m *Main) evalText(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("eval text", "FILE...", `Measure the chat and message check on labelled JSON lines ({"id","text"|"messages",
"label","type","source"}): per source, label and type, the share flagged medium or high
and, for scam rows, the share whose type was named. Prints a Markdown table. With
--by-source, the table goes source by source (all types of a source and label, then each
type), with what each source's licence allows ("use") and whether the learned layer was
trained on it. With --leave-out, for each source of scam or spam rows that a model may learn
from, the learned layer is trained on the other shippable rows of FILE... and the source is
scored as unseen.`)
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	bySource := fs.Bool("by-source", false, "report source by source, with each source's use and whether the learned layer saw it")
	leaveOut := fs.Bool("leave-out", false, "score each trainable scam source with a learned layer trained without it")
	learned := fs.Bool("model", true, "run the learned layer embedded in the binary")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("eval text needs at least one FILE")
	}
	pack, err := loadKnowledge(c)
	if err != nil {
		return err
	}
	// The links in the rows are judged too, as the scan door does, without any threat feed
	// so that the figures depend on the knowledge pack alone.
	checks, err := detectorsOnly(c)
	if err != nil {
		return err
	}
	known := func(t string) bool { _, ok := pack.ScamType(t); return ok }
	var all eval.TextReport
	var seen func(string) bool
	var ferr error
	switch {
	case *leaveOut:
		rows, err := readRowFiles(fs.Args())
		if err != nil {
			return err
		}
		if all, err = eval.LeaveOneOut(checks, eval.Examples(checks, rows, eval.Shippable), rows, known, model.DefaultOptions); err != nil {
			return err
		}
		seen = func(string) bool { return false }
	default:
		if *learned {
			if checks.Model, err = model.Default(); err != nil {
				return err
			}
			seen = checks.Model.Learned
		}
		bar := progress.New(m.Stderr, "eval text", filesSize(fs.Args()), "B")
		ferr = m.eachFile(fs.Args(), func(name string) error {
			f, err := os.Open(name)
			if err != nil {
				return err
			}
			defer f.Close()
			rep, err := eval.EvalText(checks, bar.Reader(f), known)
			if err != nil {
				return err
			}
			all.Merge(rep)
			return nil
		})
		bar.Done()
	}
	if *asJSON {
		err = writeJSON(m, all)
	} else {
		out := all.Markdown(known)
		if *bySource || *leaveOut {
			out = all.BySource(known, seen)
		}
		_, err = io.WriteString(m.Stdout, out)
	}
	if err != nil {
		return err
	}
	return ferr
}

// filesSize is the size of the files together, for a progress bar (0 when one is unreadable:
// the bar then shows no total).
func filesSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return 0
		}
		n += st.Size()
	}
	return n
}

// loadTextDetector loads the knowledge pack and builds the chat detector from it.
func loadTextDetector(c Config) (*knowledge.Pack, *text.Detector, error) {
	pack, err := loadKnowledge(c)
	if err != nil {
		return nil, nil, err
	}
	det, err := text.New(pack)
	return pack, det, err
}
