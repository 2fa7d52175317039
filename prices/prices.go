// Package prices keeps the reference prices the price checks trust: prices an operator
// imports (CSV: item or category, price, currency, source) and prices seen in checks. For each
// item and currency it keeps robust statistics: every source votes once, with the median of
// its own prices, so a flood of prices from one source moves nothing; the reference is the
// median of the votes and their median absolute deviation (MAD), recomputed without the votes
// more than three scaled MADs away. A price learnt from checks counts only once two sources
// agree; an imported one counts alone.
//
// Table answers shopguard.PriceReferences from memory and is safe for concurrent use.
package prices

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/shopguard/shopguard"
)

// Limits of the table.
const (
	// MaxPerItem is the most prices kept in memory per item and currency: the newest.
	MaxPerItem = 500
	// MinKey is the shortest item name (in runes, normalised) a title is matched against, so
	// that "pro" matches no title by itself.
	MinKey = 4
	// maxTitle is the most of a title read to find an item.
	maxTitle = 512
	// MaxItems is the most items (and categories) in a table: past it, prices learnt for new
	// items are left out (imported ones still go in), so that titles typed by strangers cannot
	// grow it without end.
	MaxItems = 200000
)

// Key normalises an item name or title: lower case, letters and digits only, one space
// between words.
func Key(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		default:
			space = true
		}
	}
	return b.String()
}

type key struct{ item, currency string }

// entry is the prices of one item in one currency and the reference they give.
type entry struct {
	obs []shopguard.PriceObservation
	ref shopguard.PriceReference
	ok  bool
}

// Table holds the prices of items and their references.
type Table struct {
	mu      sync.RWMutex
	entries map[key]*entry
	// byWord finds the items whose first word a title holds.
	byWord map[string][]string
}

// NewTable returns an empty table.
func NewTable() *Table {
	return &Table{entries: map[key]*entry{}, byWord: map[string][]string{}}
}

// Add puts prices in the table and recomputes the references of their items.
func (t *Table) Add(ps ...shopguard.PriceObservation) {
	t.mu.Lock()
	defer t.mu.Unlock()
	touched := map[key]bool{}
	for _, p := range ps {
		k := key{p.Item, p.Currency}
		if p.Item == "" {
			k.item = "category:" + Key(p.Category)
		}
		e := t.entries[k]
		if e == nil && len(t.entries) >= MaxItems && !p.Imported {
			continue
		}
		if e == nil {
			e = &entry{}
			t.entries[k] = e
			if p.Item != "" {
				w := strings.SplitN(p.Item, " ", 2)[0]
				if !slices.Contains(t.byWord[w], p.Item) {
					t.byWord[w] = append(t.byWord[w], p.Item)
				}
			}
		}
		e.obs = append(e.obs, p)
		if len(e.obs) > MaxPerItem {
			e.obs = slices.Delete(e.obs, 0, len(e.obs)-MaxPerItem)
		}
		touched[k] = true
	}
	for k := range touched {
		e := t.entries[k]
		e.ref, e.ok = Reference(e.obs)
		e.ref.Item, e.ref.Currency = strings.TrimPrefix(k.item, "category:"), k.currency
	}
}

// Len returns the number of items (and categories) with prices.
func (t *Table) Len() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.entries)
}

// PriceReference returns the reference of the longest item name the title holds, word for
// word, in currency; else that of the category; false when there is none.
func (t *Table) PriceReference(title, category, currency string) (shopguard.PriceReference, bool) {
	if len(title) > maxTitle {
		title = title[:maxTitle]
	}
	tk := Key(title)
	padded := " " + tk + " "
	t.mu.RLock()
	defer t.mu.RUnlock()
	best := ""
	for _, w := range strings.Fields(tk) {
		for _, item := range t.byWord[w] {
			if len(item) > len(best) && len([]rune(item)) >= MinKey && strings.Contains(padded, " "+item+" ") {
				if e := t.entries[key{item, currency}]; e != nil && e.ok {
					best = item
				}
			}
		}
	}
	if best != "" {
		return t.entries[key{best, currency}].ref, true
	}
	if category != "" {
		if e := t.entries[key{"category:" + Key(category), currency}]; e != nil && e.ok {
			return e.ref, true
		}
	}
	return shopguard.PriceReference{}, false
}

// Reference computes the reference of one item's prices: each source's median is one vote;
// the reference is the median of the votes, their MAD, the votes more than three scaled MADs
// from the median left out. It is false when no source imported a price and fewer than two
// sources were seen. The MAD reported is that of the votes kept.
func Reference(obs []shopguard.PriceObservation) (shopguard.PriceReference, bool) {
	bySource := map[string][]int64{}
	imported := false
	for _, o := range obs {
		bySource[o.Source] = append(bySource[o.Source], o.Amount)
		imported = imported || o.Imported
	}
	votes := make([]int64, 0, len(bySource))
	counts := make([]int, 0, len(bySource))
	for _, src := range sortedKeys(bySource) {
		votes = append(votes, median(bySource[src]))
		counts = append(counts, len(bySource[src]))
	}
	if len(votes) == 0 || (!imported && len(votes) < 2) {
		return shopguard.PriceReference{}, false
	}
	med, mad := median(votes), madOf(votes)
	// Prices a few percent apart are the same price: the MAD used to drop votes is at least
	// 5% of the median, so that a tight cluster does not throw out ordinary offers.
	if floor := med / 20; mad < floor {
		mad = floor
	}
	if mad > 0 {
		var keptVotes []int64
		n := 0
		for i, v := range votes {
			if abs(v-med)*10000 <= 3*14826*mad {
				keptVotes = append(keptVotes, v)
				n += counts[i]
			}
		}
		if len(keptVotes) > 0 && len(keptVotes) < len(votes) {
			return shopguard.PriceReference{Median: median(keptVotes), MAD: madOf(keptVotes), Count: n, Sources: len(keptVotes)}, true
		}
	}
	n := 0
	for _, c := range counts {
		n += c
	}
	return shopguard.PriceReference{Median: med, MAD: madOf(votes), Count: n, Sources: len(votes)}, true
}

func sortedKeys(m map[string][]int64) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// median returns the median of xs (the lower middle of an even count, a price really asked).
func median(xs []int64) int64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

func madOf(xs []int64) int64 {
	m := median(xs)
	dev := make([]int64, len(xs))
	for i, x := range xs {
		dev[i] = abs(x - m)
	}
	return median(dev)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Service keeps a table in step with a store: Load reads every stored price; Learn adds prices
// seen in checks to the table at once and queues them for Run, which stores them in batches
// off the request path.
type Service struct {
	Store shopguard.PriceStore
	Now   func() time.Time
	table atomic.Pointer[Table]
	queue chan shopguard.PriceObservation
	// Dropped counts the prices not stored because the queue was full.
	Dropped atomic.Int64
}

// QueueSize is the most prices waiting to be stored; more are dropped (and counted).
const QueueSize = 4096

// NewService returns a service over the store with an empty table.
func NewService(s shopguard.PriceStore) *Service {
	sv := &Service{Store: s, Now: time.Now, queue: make(chan shopguard.PriceObservation, QueueSize)}
	sv.table.Store(NewTable())
	return sv
}

// Table returns the current table.
func (s *Service) Table() *Table { return s.table.Load() }

// Load reads every stored price into a fresh table and puts it in place.
func (s *Service) Load(ctx context.Context) error {
	t := NewTable()
	var batch []shopguard.PriceObservation
	err := s.Store.EachPrice(ctx, func(p shopguard.PriceObservation) error {
		batch = append(batch, p)
		if len(batch) == 4096 {
			t.Add(batch...)
			batch = batch[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	t.Add(batch...)
	s.table.Store(t)
	return nil
}

// Learn takes prices seen in a check (stamped now, not imported): the table has them at once,
// the store once Run gets to them. It never blocks.
func (s *Service) Learn(ps ...shopguard.PriceObservation) {
	if len(ps) == 0 {
		return
	}
	now := s.Now().UTC()
	for i := range ps {
		ps[i].Item, ps[i].Imported, ps[i].SeenAt = Key(ps[i].Item), false, now
		select {
		case s.queue <- ps[i]:
		default:
			s.Dropped.Add(1)
		}
	}
	s.Table().Add(ps...)
}

// Run stores the prices Learn queued, in batches, until ctx ends; then it stores what is
// left and returns. Errors go to logf.
func (s *Service) Run(ctx context.Context, logf func(err error)) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var batch []shopguard.PriceObservation
	flush := func(ctx context.Context) {
		if len(batch) == 0 {
			return
		}
		if err := s.Store.AddPrices(ctx, batch); err != nil {
			logf(err)
		}
		batch = batch[:0]
	}
	for {
		select {
		case p := <-s.queue:
			batch = append(batch, p)
			if len(batch) >= 512 {
				flush(ctx)
			}
		case <-tick.C:
			flush(ctx)
		case <-ctx.Done():
			for {
				select {
				case p := <-s.queue:
					batch = append(batch, p)
				default:
					flush(context.WithoutCancel(ctx))
					return
				}
			}
		}
	}
}

// PriceReference answers from the current table.
func (s *Service) PriceReference(title, category, currency string) (shopguard.PriceReference, bool) {
	return s.Table().PriceReference(title, category, currency)
}
