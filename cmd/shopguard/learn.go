package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// langFlag reads a --lang value.
func langFlag(s string) (shopguard.Lang, error) {
	l, ok := shopguard.ParseLang(s)
	if !ok {
		return "", usagef("--lang %q: want zh-CN or en", s)
	}
	return l, nil
}

func (m *Main) learn(ctx context.Context, args []string) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags("learn", "[TYPE]", "Without TYPE, list the scam types; with one, show how it works, its warning signs,\nwhat to do and who to turn to.")
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	langName := fs.String("lang", "zh-CN", "language: zh-CN or en")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	lang, err := langFlag(*langName)
	if err != nil {
		return err
	}
	pack, err := loadKnowledge(c)
	if err != nil {
		return err
	}
	switch fs.NArg() {
	case 0:
		if *asJSON {
			return writeJSON(m, pack.ScamTypes)
		}
		for _, st := range pack.ScamTypes {
			fmt.Fprintf(m.Stdout, "%-28s %s\n", st.ID, st.Name.Get(lang))
		}
		return nil
	case 1:
		st, ok := pack.ScamType(fs.Arg(0))
		if !ok {
			return usagef("no scam type %q (run shopguard learn for the list)", fs.Arg(0))
		}
		if *asJSON {
			return writeJSON(m, st)
		}
		printScamType(m, pack, st, lang)
		return nil
	}
	return usagef("learn takes at most one scam type")
}

func printScamType(m *Main, pack *knowledge.Pack, st *knowledge.ScamType, lang shopguard.Lang) {
	h := map[shopguard.Lang][4]string{
		shopguard.LangZH: {"骗局怎么运作", "危险信号", "该怎么做", "向谁求助（按顺序）"},
		shopguard.LangEN: {"How it works", "Warning signs", "What to do", "Who to turn to, in order"},
	}[lang]
	w := m.Stdout
	fmt.Fprintf(w, "%s (%s)\n%s\n\n%s\n\n## %s\n%s\n\n## %s\n", st.Name.Get(lang), st.ID, strings.Repeat("=", 40), st.Summary.Get(lang), h[0], st.HowItWorks.Get(lang), h[1])
	for _, s := range st.WarningSigns {
		fmt.Fprintf(w, "- %s\n", s.Get(lang))
	}
	fmt.Fprintf(w, "\n## %s\n", h[2])
	for i, s := range st.WhatToDo {
		fmt.Fprintf(w, "%d. %s\n", i+1, s.Get(lang))
	}
	fmt.Fprintf(w, "\n## %s\n", h[3])
	for i, id := range st.Channels {
		if ch, ok := pack.Channel(id); ok {
			contact := ""
			if ch.Contact != "" {
				contact = " — " + ch.Contact
			}
			fmt.Fprintf(w, "%d. %s%s: %s\n", i+1, ch.Name.Get(lang), contact, ch.When.Get(lang))
		}
	}
}

// writeJSON prints v as indented JSON.
func writeJSON(m *Main, v any) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
