package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/knowledge"
)

// defaultLang is the --lang of a command run without one: SHOPGUARD_LANG, else the locale's
// language (the first of LC_ALL, LC_MESSAGES and LANG that is set decides, as in POSIX) when it
// is English or Chinese, else zh-CN. A shopper whose terminal speaks English reads English.
func (m *Main) defaultLang() string {
	if v := m.Getenv("SHOPGUARD_LANG"); v != "" {
		return v
	}
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := m.Getenv(k)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "en") {
			return string(shopguard.LangEN)
		}
		break
	}
	return string(shopguard.LangZH)
}

// langHelp is the help of a --lang flag whose default comes from defaultLang.
const langHelp = ": zh-CN or en (default from SHOPGUARD_LANG or the locale, else zh-CN) [SHOPGUARD_LANG]"

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
	fs := m.flags("learn", "[TYPE]", "Without TYPE, list the scam types; with one, show how it works, its warning signs,\nwhat to do and who to turn to. With --sources, list the legal sources the guide and the\ncase plans rest on: each law or rule, its articles, version, date in force, where to read it\nand when it was last checked.")
	fs.StringVar(&c.Knowledge, "knowledge", c.Knowledge, "directory of an extra knowledge pack [SHOPGUARD_KNOWLEDGE]")
	langName := fs.String("lang", m.defaultLang(), "language"+langHelp)
	asJSON := fs.Bool("json", false, "print JSON")
	sources := fs.Bool("sources", false, "list the legal sources instead of the scam types")
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
	switch {
	case *sources && fs.NArg() > 0:
		return usagef("learn --sources takes no scam type")
	case *sources && *asJSON:
		return writeJSON(m, pack.Laws)
	case *sources:
		printSources(m, pack, lang)
		return nil
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

// printSources lists the pack's legal sources, each with what a reader needs to find and
// check it.
func printSources(m *Main, pack *knowledge.Pack, lang shopguard.Lang) {
	h := map[shopguard.Lang][6]string{
		shopguard.LangZH: {"条文", "版本", "施行日期", "出处", "最近核对", "请核实"},
		shopguard.LangEN: {"Articles", "Version", "In force", "Read it at", "Last checked", "Confirm"},
	}[lang]
	for _, l := range pack.Laws {
		fmt.Fprintf(m.Stdout, "%s (%s)\n", l.Title.Get(lang), l.ID)
		for i, v := range []string{l.Article, l.Version.Get(lang), string(l.InForce), string(l.Ref), string(l.Checked)} {
			if v != "" {
				fmt.Fprintf(m.Stdout, "  %s: %s\n", h[i], v)
			}
		}
		fmt.Fprintf(m.Stdout, "  %s\n", l.Summary.Get(lang))
		if l.Confirm != nil {
			fmt.Fprintf(m.Stdout, "  %s: %s\n", h[5], l.Confirm.Get(lang))
		}
		fmt.Fprintln(m.Stdout)
	}
}

// writeJSON prints v as indented JSON.
func writeJSON(m *Main, v any) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
