package prices_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/prices"
	"github.com/shopguard/shopguard/sqlite"
)

var at = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func obs(item, cur, src string, amount int64, imported bool) shopguard.PriceObservation {
	return shopguard.PriceObservation{Item: prices.Key(item), Amount: amount, Currency: cur, Source: src, Imported: imported, SeenAt: at}
}

func TestReference(t *testing.T) {
	t.Run("one vote a source", func(t *testing.T) {
		var ps []shopguard.PriceObservation
		for range 1000 { // a flood from one source
			ps = append(ps, obs("ps5", "USD", "check:flood.example", 5000, false))
		}
		ps = append(ps, obs("ps5", "USD", "check:a.example", 44900, false), obs("ps5", "USD", "check:b.example", 45900, false), obs("ps5", "USD", "check:c.example", 44999, false))
		ref, ok := prices.Reference(ps)
		if !ok || ref.Median != 44999 || ref.Sources != 3 {
			t.Errorf("reference %+v %v, want the median 449.99 of three sources, the flood left out", ref, ok)
		}
	})
	t.Run("learnt from one source is no reference", func(t *testing.T) {
		if ref, ok := prices.Reference([]shopguard.PriceObservation{obs("ps5", "USD", "check:a", 100, false), obs("ps5", "USD", "check:a", 120, false)}); ok {
			t.Errorf("reference %+v from one source", ref)
		}
	})
	t.Run("imported counts alone", func(t *testing.T) {
		ref, ok := prices.Reference([]shopguard.PriceObservation{obs("ps5", "USD", "import:msrp", 49999, true)})
		if !ok || ref.Median != 49999 {
			t.Errorf("reference %+v %v", ref, ok)
		}
	})
	t.Run("outlier votes dropped", func(t *testing.T) {
		ps := []shopguard.PriceObservation{obs("x", "CNY", "a", 1000, true), obs("x", "CNY", "b", 1050, true), obs("x", "CNY", "c", 980, true),
			obs("x", "CNY", "d", 1020, true), obs("x", "CNY", "e", 100, true)}
		ref, _ := prices.Reference(ps)
		if ref.Sources != 4 || ref.Median != 1000 {
			t.Errorf("reference %+v, want 4 sources around 10.00", ref)
		}
	})
}

func TestTableMatchesTitles(t *testing.T) {
	tb := prices.NewTable()
	tb.Add(obs("iPhone 15 Pro", "CNY", "import:a", 799900, true), obs("iPhone 15", "CNY", "import:a", 599900, true),
		shopguard.PriceObservation{Category: "羽绒服", Amount: 59900, Currency: "CNY", Source: "import:b", Imported: true, SeenAt: at})
	for _, tc := range []struct {
		title, category, cur string
		want                 int64
	}{
		{"Apple iPhone 15 Pro 256GB 黑色", "", "CNY", 799900},
		{"iPhone 15 128G", "", "CNY", 599900},
		{"iPhone 15 Pro", "", "USD", 0},
		{"iPhone 150", "", "CNY", 0},
		{"加厚羽绒服 男款", "羽绒服", "CNY", 59900},
		{"pro", "", "CNY", 0},
	} {
		ref, ok := tb.PriceReference(tc.title, tc.category, tc.cur)
		if tc.want == 0 && ok || tc.want != 0 && ref.Median != tc.want {
			t.Errorf("%q: %+v %v, want %d", tc.title, ref, ok, tc.want)
		}
	}
}

func TestParseCSV(t *testing.T) {
	good := "item,category,price,currency,source\niPhone 15 Pro 256GB,手机,7999.00,CNY,jd.com\n,羽绒服,599,cny,survey 2026\n"
	ps, err := prices.ParseCSV(strings.NewReader(good), at)
	if err != nil || len(ps) != 2 || ps[0].Item != "iphone 15 pro 256gb" || ps[0].Amount != 799900 || ps[1].Currency != "CNY" || !ps[1].Imported {
		t.Fatalf("%+v %v", ps, err)
	}
	for _, tc := range []struct{ in, want string }{
		{"item,price,currency,source\n", `no column "category"`},
		{"item,category,price,currency,source\n", "no prices"},
		{"item,category,price,currency,source\nps5 slim,,abc,USD,x\n", "row 2, column price"},
		{"item,category,price,currency,source\nps5 slim,,499,dollars,x\n", "row 2, column currency"},
		{"item,category,price,currency,source\n,,499,USD,x\n", "give an item or a category"},
		{"item,category,price,currency,source\nps5 slim,,499,USD,\n", "column source"},
		{"item,category,price,currency,source\nps5 slim,,0,USD,x\n", "above zero"},
	} {
		if _, err := prices.ParseCSV(strings.NewReader(tc.in), at); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("item,category,price,currency,source\niPhone,手机,7999,CNY,jd\n"))
	f.Add([]byte("\ufeffitem,category,price,currency,source\n\"a,b\",,1,USD,x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ps, err := prices.ParseCSV(bytes.NewReader(b), at)
		if err == nil && len(ps) == 0 {
			t.Fatal("no error and no prices")
		}
		for _, p := range ps {
			if p.Amount <= 0 || len(p.Currency) != 3 {
				t.Fatalf("bad price %+v", p)
			}
		}
	})
}

// TestServiceLearns: prices seen in checks are stored, survive a reload, and become a
// reference once two sources agree.
func TestServiceLearns(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sg.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := prices.NewService(db)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx, func(err error) { t.Error(err) }); close(done) }()
	s.Learn(shopguard.PriceObservation{Item: "Nintendo Switch OLED", Amount: 259900, Currency: "CNY", Source: "check:a.example"})
	if _, ok := s.PriceReference("Nintendo Switch OLED 白色", "", "CNY"); ok {
		t.Error("a reference from one source")
	}
	for i := range 3 {
		s.Learn(shopguard.PriceObservation{Item: "Nintendo Switch OLED", Amount: 249900 + int64(i)*1000, Currency: "CNY", Source: fmt.Sprintf("check:%d.example", i)})
	}
	if ref, ok := s.PriceReference("Nintendo Switch OLED 白色", "", "CNY"); !ok || ref.Sources != 4 {
		t.Errorf("learnt at once: %+v %v", ref, ok)
	}
	stop()
	<-done
	ctx = context.Background()
	s2 := prices.NewService(db)
	if err := s2.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ref, ok := s2.PriceReference("Nintendo Switch OLED 白色", "", "CNY")
	if !ok || ref.Sources != 4 || ref.Median != 250900 {
		t.Errorf("after reload: %+v %v", ref, ok)
	}
}
