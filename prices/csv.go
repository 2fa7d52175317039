package prices

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
)

// Limits of an import.
const (
	MaxRows  = 200000
	maxField = 200
)

// csvColumns are the columns an import file must have, in any order, named in its first row.
var csvColumns = []string{"item", "category", "price", "currency", "source"}

// ParseCSV reads reference prices: a header naming the columns item, category, price, currency
// and source, then one price a row, each with an item or a category (or both) and a source.
// Every row is checked; the error names the first bad row and column. The prices are stamped
// at and marked imported.
func ParseCSV(r io.Reader, at time.Time) ([]shopguard.PriceObservation, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, shopguard.Invalid("file", "no header row: %v", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, c := range csvColumns {
		if _, ok := col[c]; !ok {
			return nil, shopguard.Invalid("file", "the header has no column %q (want %s)", c, strings.Join(csvColumns, ", "))
		}
	}
	var out []shopguard.PriceObservation
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, shopguard.Invalid("file", "row %d: %v", line, err)
		}
		if len(out) >= MaxRows {
			return nil, shopguard.Invalid("file", "more than %d rows", MaxRows)
		}
		get := func(c string) string {
			if i := col[c]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		bad := func(c, format string, args ...any) error {
			return shopguard.Invalid(c, "row %d, column %s: %s", line, c, fmt.Sprintf(format, args...))
		}
		p := shopguard.PriceObservation{Item: Key(get("item")), Category: get("category"), Currency: strings.ToUpper(get("currency")),
			Source: "import:" + get("source"), Imported: true, SeenAt: at}
		for _, c := range csvColumns {
			if len(get(c)) > maxField {
				return nil, bad(c, "longer than %d bytes", maxField)
			}
		}
		switch {
		case p.Item == "" && p.Category == "":
			return nil, bad("item", "give an item or a category")
		case p.Item != "" && len([]rune(p.Item)) < MinKey:
			return nil, bad("item", "an item name needs at least %d letters or digits", MinKey)
		case len(p.Currency) != 3 || strings.Trim(p.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "":
			return nil, bad("currency", "write a three-letter code such as CNY, got %q", get("currency"))
		case get("source") == "":
			return nil, bad("source", "say where the price comes from")
		}
		amt, err := shopguard.ParseAmount("price", get("price"))
		if err != nil || amt == 0 {
			return nil, bad("price", "write the price as a number above zero such as 7999.00, got %q", get("price"))
		}
		p.Amount = amt
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, shopguard.Invalid("file", "no prices after the header")
	}
	return out, nil
}

// TableFromCSV reads a CSV file of reference prices (as ParseCSV) into a new table: what the
// command line checks use without a database.
func TableFromCSV(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, shopguard.Invalid("file", "%v", err)
	}
	defer f.Close()
	ps, err := ParseCSV(f, time.Now())
	if err != nil {
		return nil, err
	}
	t := NewTable()
	t.Add(ps...)
	return t, nil
}
