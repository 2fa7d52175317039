package model

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/shopguard/shopguard/detect/text"
)

// Example is one labelled conversation to learn from: the messages, the facts the detectors
// found in it (Facts), whether it is a scam (fraud or unwanted bulk messages), and its source
// and id (the id decides, by hash, whether it is held out for calibration).
type Example struct {
	ID     string
	Source string
	Msgs   []text.Message
	Facts  []string
	Scam   bool
}

// Options are the settings of a training run. The zero value is not useful: see
// DefaultOptions.
type Options struct {
	Seed           uint64
	Epochs         int
	L2             float64 // regularisation strength per example
	Rate           float64 // initial learning rate
	HeldOut        int     // one example in HeldOut is kept out of training, for calibration
	MaxFalseAlarms float64 // the largest share of held-out legitimate rows the threshold may let through
}

// DefaultOptions are the settings the shipped model is trained with.
var DefaultOptions = Options{Seed: 20261204, Epochs: 8, L2: 1e-5, Rate: 0.2, HeldOut: 5, MaxFalseAlarms: 0.002}

// Train fits a model to the examples: logistic regression by stochastic gradient descent
// with L2 regularisation, classes weighted to count equally, examples visited in an order
// drawn from the seed; then Platt scaling and the threshold on the held-out examples. The
// same examples and options give the same model, bit for bit.
func Train(examples []Example, o Options) (*Model, error) {
	if o.Epochs <= 0 || o.Rate <= 0 || o.HeldOut < 2 {
		return nil, errors.New("model: train: epochs, rate and held-out share must be positive")
	}
	type row struct {
		fs   []feature
		scam bool
	}
	var train, held []row
	m := &Model{Meta: Meta{Version: version, Bits: Bits, Seed: o.Seed, Epochs: o.Epochs, L2: o.L2, Sources: map[string]int{}}}
	pos, neg := 0, 0
	for _, e := range examples {
		r := row{extract(e.Msgs, e.Facts, false), e.Scam}
		m.Sources[e.Source]++
		if hash('h', e.ID)%uint32(o.HeldOut) == 0 {
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

	raws := make([]float64, len(held))
	labels := make([]bool, len(held))
	for i, r := range held {
		raws[i], labels[i] = m.raw(r.fs), r.scam
	}
	m.PlattA, m.PlattB = platt(raws, labels)
	m.Threshold = threshold(m, raws, labels, o.MaxFalseAlarms)
	return m, nil
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

// threshold returns the lowest calibrated probability, from 0.5 up in steps of 0.01, at which
// at most maxFalse of the held-out legitimate rows would be taken for scams.
func threshold(m *Model, raws []float64, labels []bool, maxFalse float64) float64 {
	for t := 50; t < 100; t++ {
		th := float64(t) / 100
		fa, n := 0, 0
		for i, x := range raws {
			if !labels[i] {
				n++
				if m.calibrate(x) >= th {
					fa++
				}
			}
		}
		if float64(fa) <= maxFalse*float64(n) {
			return th
		}
	}
	return 0.99
}
