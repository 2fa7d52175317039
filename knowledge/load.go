package knowledge

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard/internal/lazyre"
	"gopkg.in/yaml.v3"
)

// An entry is one item of a knowledge list: it has a stable id and checks itself.
type entry interface {
	key() string
	check(errs *fieldErrors)
}

// fieldErrors collects what is wrong with one entry, by dotted path within it.
type fieldErrors []fieldError

type fieldError struct{ path, msg string }

func (e *fieldErrors) add(path, format string, args ...any) {
	*e = append(*e, fieldError{path, fmt.Sprintf(format, args...)})
}

func itoa(i int) string { return strconv.Itoa(i) }

var idRE = lazyre.New(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)

func checkID(id string, errs *fieldErrors) {
	if !idRE().MatchString(id) {
		errs.add("id", "an id is lower-case letters, digits and underscores (dots between parts), got %q", id)
	}
}

// LoadError says which file, line and field of a knowledge pack is wrong.
type LoadError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *LoadError) Error() string {
	loc := e.File
	if e.Line > 0 {
		loc += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		return fmt.Sprintf("knowledge: %s: %s: %s", loc, e.Field, e.Msg)
	}
	return fmt.Sprintf("knowledge: %s: %s", loc, e.Msg)
}

// loadList reads the list under key from file in fsys, strictly (unknown fields are
// refused), and checks every entry. A missing file gives no entries when optional.
func loadList[T any, P interface {
	*T
	entry
}](fsys fs.FS, file, key string, optional bool) ([]T, error) {
	data, err := fs.ReadFile(fsys, file)
	if errors.Is(err, fs.ErrNotExist) && optional {
		return nil, nil
	}
	if err != nil {
		return nil, &LoadError{File: file, Msg: err.Error()}
	}
	var doc map[string][]T
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, yamlError(file, err)
	}
	for k := range doc {
		if k != key {
			return nil, &LoadError{File: file, Field: k, Msg: fmt.Sprintf("unknown top-level key: want %q", key)}
		}
	}
	items := doc[key]
	seen := map[string]int{}
	for i := range items {
		p := P(&items[i])
		var errs fieldErrors
		p.check(&errs)
		if j, dup := seen[p.key()]; dup {
			errs.add("id", "duplicate id %q (first at entry %d)", p.key(), j)
		}
		seen[p.key()] = i
		if len(errs) > 0 {
			// The document's nodes, for the line, are read only now: a second parse of
			// every file would cost every start as much as the first.
			var root yaml.Node
			if err := yaml.Unmarshal(data, &root); err != nil {
				return nil, yamlError(file, err)
			}
			path := key + "." + itoa(i) + "." + errs[0].path
			return nil, &LoadError{File: file, Line: lineOf(&root, path), Field: path, Msg: errs[0].msg}
		}
	}
	return items, nil
}

var yamlLineRE = lazyre.New(`line (\d+): (.*)`)

// yamlError turns a yaml error into a LoadError with its line.
func yamlError(file string, err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n")
	msg = strings.TrimSpace(strings.SplitN(msg, "\n", 2)[0])
	if m := yamlLineRE().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &LoadError{File: file, Line: line, Msg: m[2]}
	}
	return &LoadError{File: file, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// lineOf returns the line of the node at a dotted path (map keys and sequence indexes), or of
// the deepest node on the way when the rest is missing.
func lineOf(root *yaml.Node, path string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, part := range strings.Split(path, ".") {
		var next *yaml.Node
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == part {
					next = n.Content[i+1]
					line = n.Content[i].Line
				}
			}
		case yaml.SequenceNode:
			if i, err := strconv.Atoi(part); err == nil && i >= 0 && i < len(n.Content) {
				next = n.Content[i]
				line = next.Line
			}
		}
		if next == nil {
			return line
		}
		n = next
	}
	return line
}

// overlay returns base with every entry of extra added, an entry with the id of one in base
// replacing it in place.
func overlay[T any, P interface {
	*T
	entry
}](base, extra []T) []T {
	out := append([]T(nil), base...)
	at := map[string]int{}
	for i := range out {
		at[P(&out[i]).key()] = i
	}
	for _, e := range extra {
		if i, ok := at[P(&e).key()]; ok {
			out[i] = e
			continue
		}
		at[P(&e).key()] = len(out)
		out = append(out, e)
	}
	return out
}
