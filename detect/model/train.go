package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Example is one labelled conversation to learn from: what the model reads of it (NewDoc),
// whether it is a scam (fraud or unwanted bulk messages), whether the model would be asked
// about it (the detectors' verdict is low and holds a structural cue), and its source and id
// (the id decides, by hash, whether it is held out for calibration).
type Example struct {
	ID     string
	Source string
	Doc    Doc
	Scam   bool
	Asked  bool
}

// Options are the settings of a training run. The zero value is not useful: see
// DefaultOptions.
type Options struct {
	Seed           uint64
	Epochs         int
	L2             float64 // regularisation strength per example
	Rate           float64 // initial learning rate
	HeldOut        int     // one example in HeldOut is kept out of training, for calibration
	MaxFalseAlarms float64 // the largest share of any source's held-out legitimate rows the model may lift
}

// DefaultOptions are the settings the shipped model is trained with.
var DefaultOptions = Options{Seed: 20261204, Epochs: 8, L2: 1e-5, Rate: 0.2, HeldOut: 5, MaxFalseAlarms: 0.005}

// Train fits a model to the examples: logistic regression by stochastic gradient descent
// with L2 regularisation, classes weighted to count equally, examples visited in an order
// drawn from the seed; then Platt scaling and the threshold on the held-out examples. The
// same examples and options give the same model, bit for bit.
func Train(examples []Example, o Options) (*Model, error) {
	if o.Epochs <= 0 || o.Rate <= 0 || o.HeldOut < 2 {
		return nil, errors.New("model: train: epochs, rate and held-out share must be positive")
	}
	type row struct {
		fs     []feature
		scam   bool
		asked  bool
		source string
	}
	var train, held []row
	m := &Model{Meta: Meta{Version: version, Bits: Bits, Seed: o.Seed, Epochs: o.Epochs, L2: o.L2, Sources: map[string]int{}, Shapes: map[string]int{}, Scams: map[string]int{}}}
	pos, neg := 0, 0
	for _, e := range examples {
		fs, _ := extract(e.Doc, nil)
		r := row{fs, e.Scam, e.Asked, e.Source}
		m.Sources[e.Source]++
		if e.Scam {
			m.Scams[ShapeOf(e.Doc).String()]++
		} else {
			m.Shapes[ShapeOf(e.Doc).String()]++
		}
		if heldOut(e.ID, o.HeldOut) {
			held = append(held, r)
			continue
		}
		train = append(train, r)
		if e.Scam {
			pos++
		} else {
			neg++
		}
	}
	if pos == 0 || neg == 0 || len(held) == 0 {
		return nil, fmt.Errorf("model: train: need scam and legitimate examples and some held out (%d scam, %d legitimate, %d held out)", pos, neg, len(held))
	}
	m.HeldOut = len(held)
	weight := map[bool]float64{true: float64(pos+neg) / float64(2*pos), false: float64(pos+neg) / float64(2*neg)}

	// w = scale·v, so that the L2 shrinkage of every weight is one multiplication.
	v := make([]float64, dim)
	scale, bias := 1.0, 0.0
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	t := 0.0
	for range o.Epochs {
		for _, i := range rng.Perm(len(train)) {
			r := train[i]
			eta := o.Rate / (1 + o.Rate*o.L2*t)
			t++
			z := bias
			for _, f := range r.fs {
				z += scale * v[f.idx] * float64(f.val)
			}
			y := 0.0
			if r.scam {
				y = 1
			}
			g := (sigmoid(z) - y) * weight[r.scam]
			scale *= 1 - eta*o.L2
			if scale < 1e-9 { // fold the scale back in before it underflows
				for k := range v {
					v[k] *= scale
				}
				scale = 1
			}
			for _, f := range r.fs {
				v[f.idx] -= eta * g * float64(f.val) / scale
			}
			bias -= eta * g
		}
	}
	m.w = make([]float32, dim)
	for k := range v {
		m.w[k] = float32(scale * v[k])
	}
	m.Bias = bias
	m.known = knownShapes(m.Shapes, m.Scams)

	raws := make([]float64, len(held))
	labels := make([]bool, len(held))
	for i, r := range held {
		raws[i], labels[i] = m.raw(r.fs), r.scam
	}
	m.PlattA, m.PlattB = platt(raws, labels)
	// The threshold: the lowest probability, from 0.5 up to 0.999 (see step), at which the model
	// would lift at most MaxFalseAlarms of any source's held-out legitimate rows (those it
	// would be asked about count; the others it never sees).
	legit := map[string]int{}
	var asked []int
	for i, r := range held {
		if !r.scam {
			legit[r.source]++
			if r.asked {
				asked = append(asked, i)
			}
		}
	}
	m.Threshold = 1 // never, unless a threshold below meets the bound
	for t := 500; t < 1000; t += step(t) {
		th := float64(t) / 1000
		lifted := map[string]int{}
		for _, i := range asked {
			if m.calibrate(raws[i]) >= th {
				lifted[held[i].source]++
			}
		}
		ok := true
		for s, n := range lifted {
			ok = ok && float64(n) <= o.MaxFalseAlarms*float64(legit[s])
		}
		if ok {
			m.Threshold = th
			break
		}
	}
	return m, nil
}

// step is the threshold search's step at t per mille: 0.01 up to 0.98, then 0.001.
func step(t int) int {
	if t < 980 {
		return 10
	}
	return 1
}

// heldOut reports whether the example with this id is kept for calibration: one in every n,
// by FNV-1a of the id.
func heldOut(id string, n int) bool {
	h := uint32(fnvOffset)
	for i := 0; i < len(id); i++ {
		h = (h ^ uint32(id[i])) * fnvPrime
	}
	return h%uint32(n) == 0
}

// platt fits p = sigmoid(a·raw+b) to the labels by Newton's method on the log loss, with
// Platt's smoothed targets.
func platt(raws []float64, labels []bool) (a, b float64) {
	var np, nn float64
	for _, l := range labels {
		if l {
			np++
		} else {
			nn++
		}
	}
	hi, lo := (np+1)/(np+2), 1/(nn+2)
	a, b = 1, 0
	for range 100 {
		var ga, gb, haa, hab, hbb float64
		for i, x := range raws {
			y := lo
			if labels[i] {
				y = hi
			}
			p := sigmoid(a*x + b)
			d := p - y
			w := max(p*(1-p), 1e-12)
			ga += d * x
			gb += d
			haa += w * x * x
			hab += w * x
			hbb += w
		}
		haa += 1e-9
		hbb += 1e-9
		det := haa*hbb - hab*hab
		if det == 0 {
			break
		}
		da := (hbb*ga - hab*gb) / det
		db := (haa*gb - hab*ga) / det
		a -= da
		b -= db
		if math.Abs(da)+math.Abs(db) < 1e-10 {
			break
		}
	}
	return a, b
}
