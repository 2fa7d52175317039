package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/link"
	"github.com/shopguard/shopguard/detect/model"
	"github.com/shopguard/shopguard/eval"
)

// trainText trains the learned layer of the chat check from the shippable rows of labelled
// files and writes it where the build embeds it (or to -o).
func (m *Main) trainText(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("train text", "FILE...", `Train the learned layer of the chat check (detect/model) on labelled JSON lines
({"id","text"|"messages","label","source","use"}). Only rows whose licence lets a model ship
are read: "use":"train", and the UCI SMS Spam Collection; every other row is skipped. Scam and
spam rows teach scams, ok rows legitimate messages. The same files give the same model, bit
for bit. To ship a new model, write it to detect/model/data/text.bin and rebuild.`)
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	out := fs.String("o", "detect/model/data/text.bin", "file to write the model to")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("train text needs at least one FILE")
	}
	checks, err := detectorsOnly(c)
	if err != nil {
		return err
	}
	rows, err := readRowFiles(fs.Args())
	if err != nil {
		return err
	}
	mod, err := model.Train(eval.Examples(checks, rows, eval.Shippable), model.DefaultOptions)
	if err != nil {
		return err
	}
	data, err := mod.MarshalBinary()
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return fmt.Errorf("train text: write model: %w", err)
	}
	var sources []string
	for s := range mod.Sources {
		sources = append(sources, s)
	}
	sort.Strings(sources)
	for _, s := range sources {
		fmt.Fprintf(m.Stdout, "%s: %d rows\n", s, mod.Sources[s])
	}
	fmt.Fprintf(m.Stdout, "held out for calibration: %d rows; threshold %.2f; wrote %s (%d bytes)\n", mod.HeldOut, mod.Threshold, *out, len(data))
	return nil
}

// detectorsOnly returns the chat check as eval and training run it without a learned
// layer: the text detector and the pack's link check, no feeds, no reports.
func detectorsOnly(c Config) (combine.Checks, error) {
	pack, det, err := loadTextDetector(c)
	if err != nil {
		return combine.Checks{}, err
	}
	return combine.Checks{Text: det, Links: link.New(pack, nil)}, nil
}

// readRowFiles reads the labelled rows of every file, in order.
func readRowFiles(names []string) ([]eval.TextRow, error) {
	var all []eval.TextRow
	for _, name := range names {
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("open %s: %v", name, err)
		}
		rows, _, err := eval.ReadRows(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, rows...)
	}
	return all, nil
}
