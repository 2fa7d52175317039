// Package model is the learned layer of the chat check: a logistic regression over hashed
// words and character n-grams of what the other side wrote (character pairs and triples
// read Chinese without segmentation) and over the structural facts the detectors found (the
// cues, the stage reached, the scripts that fired, the link check's signals), calibrated by
// Platt scaling on rows held out of training.
//
// The model is trained by `shopguard train text` from the rows whose licence lets a model
// ship (see Shippable in package eval), deterministically, and embedded in the binary
// (data/text.bin). It never decides alone: detect/combine lets it lift a calm verdict to
// medium only when the conversation already holds a structural cue (a link, a request, a sum
// of money, a contact), and its signal, text.model, names the words that weighed most.
package model

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Meta describes a trained model: how it was trained and how its raw score is calibrated.
type Meta struct {
	Version   int            `json:"version"`
	Bits      int            `json:"bits"`
	Seed      uint64         `json:"seed"`
	Epochs    int            `json:"epochs"`
	L2        float64        `json:"l2"`
	Bias      float64        `json:"bias"`
	PlattA    float64        `json:"platt_a"`     // calibrated p = 1/(1+exp(-(PlattA*raw+PlattB)))
	PlattB    float64        `json:"platt_b"`     //
	Threshold float64        `json:"threshold"`   // the calibrated probability from which the model speaks
	Sources   map[string]int `json:"sources"`     // rows learned from, by source
	HeldOut   int            `json:"held_out"`    // rows kept out of training for calibration
	Shapes    map[string]int `json:"shapes"`      // legitimate rows learned from, by shape (see Shape)
	Scams     map[string]int `json:"scam_shapes"` // scam and spam rows learned from, by shape
}

// Model is a trained learned layer. It is immutable and safe for concurrent use.
type Model struct {
	Meta
	w     []float32
	known shapes // the shapes of which Meta.Shapes and Meta.Scams both hold at least MinShapeRows rows
}

const (
	magic   = "SGTM"
	version = 3 // 2: the meta counts the legitimate rows by shape; 3: and the scam rows
)

// Learned reports whether the model learned from rows of source.
func (m *Model) Learned(source string) bool { return m.Sources[source] > 0 }

// Prob returns the calibrated probability that a conversation is a scam. It sums the
// weights as it reads, keeping no features, in pooled memory: the fast path.
func (m *Model) Prob(d Doc) float64 {
	var texts, facts float64
	n := 0
	withBuffer(func(buf []byte) []byte {
		return walk(d, buf, func(h uint32, fact bool, _, _ int) {
			if fact {
				facts += float64(m.w[h&(dim-1)])
				return
			}
			if n < maxFeatures {
				texts += float64(m.w[h&(dim-1)])
				n++
			}
		})
	})
	raw := m.Bias + facts
	if n > 0 {
		raw += texts / math.Sqrt(float64(n))
	}
	return m.calibrate(raw)
}

func (m *Model) raw(fs []feature) float64 {
	s := m.Bias
	for _, f := range fs {
		s += float64(m.w[f.idx] * f.val)
	}
	return s
}

func (m *Model) calibrate(raw float64) float64 {
	return sigmoid(m.PlattA*raw + m.PlattB)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// Verdict is what the model says of a conversation: the calibrated probability, whether it
// reaches the model's threshold, and the words (or facts) that weighed most for it.
type Verdict struct {
	Prob  float64
	Scam  bool
	Words []string
}

// maxWords is how many of the words that weighed most a verdict names.
const maxWords = 5

// Judge scores a conversation and names the words that weighed most towards "scam".
func (m *Model) Judge(d Doc) (v Verdict) {
	withBuffer(func(buf []byte) []byte {
		fs, buf := extract(d, buf)
		v = m.judge(fs, buf)
		return buf
	})
	return v
}

// judge is Judge of the features fs, whose spans point into buf.
func (m *Model) judge(fs []feature, buf []byte) Verdict {
	v := Verdict{Prob: m.calibrate(m.raw(fs))}
	v.Scam = v.Prob >= m.Threshold
	slices.SortStableFunc(fs, func(a, b feature) int {
		ca, cb := m.w[a.idx]*a.val, m.w[b.idx]*b.val
		switch {
		case ca > cb:
			return -1
		case ca < cb:
			return 1
		}
		return 0
	})
	for _, f := range fs {
		if len(v.Words) == maxWords || m.w[f.idx] <= 0 {
			break
		}
		if f.e == f.s { // a fact
			continue
		}
		words := string(buf[f.s:f.e])
		if !slices.ContainsFunc(v.Words, func(w string) bool { return overlap(w, words) }) {
			v.Words = append(v.Words, words)
		}
	}
	return v
}

// overlap reports whether two n-grams share a Latin word or another character, so that a
// verdict names "紫色, 仓库" rather than "紫色, 紫色仓, 色仓".
func overlap(a, b string) bool {
	units := func(s string) []string {
		if s != "" && s[0] < utf8.RuneSelf {
			return strings.Fields(s)
		}
		return strings.Split(s, "")
	}
	ua := units(a)
	return slices.ContainsFunc(units(b), func(u string) bool { return slices.Contains(ua, u) })
}

// PercentArg formats a probability for a signal's args, as a whole percent.
func PercentArg(p float64) string { return strconv.Itoa(int(math.Round(100 * p))) }

// MarshalBinary encodes the model: "SGTM", the length of the JSON meta (4 bytes, little
// endian), the meta, then 2^Bits float32 weights, little endian.
func (m *Model) MarshalBinary() ([]byte, error) {
	meta, err := json.Marshal(m.Meta)
	if err != nil {
		return nil, fmt.Errorf("model: encode meta: %w", err)
	}
	// Spaces after the meta (JSON allows them) start the weights at a multiple of 4 bytes,
	// where the embedded model's are read in place (see Default).
	for (8+len(meta))%4 != 0 {
		meta = append(meta, ' ')
	}
	var b bytes.Buffer
	b.WriteString(magic)
	binary.Write(&b, binary.LittleEndian, uint32(len(meta)))
	b.Write(meta)
	binary.Write(&b, binary.LittleEndian, m.w)
	return b.Bytes(), nil
}

// maxMeta is the largest meta a model file may carry.
const maxMeta = 1 << 16

// Load decodes a model written by MarshalBinary, refusing one of another version or size.
func Load(data []byte) (*Model, error) { return load(data, false) }

// load is Load; with inPlace, on a little-endian machine, weights that lie at an address
// aligned for a float32 are read where they are (data must then never change) instead of
// copied into new memory.
func load(data []byte, inPlace bool) (*Model, error) {
	if len(data) < 8 || string(data[:4]) != magic {
		return nil, errors.New("model: not a shopguard text model (no SGTM header)")
	}
	n := binary.LittleEndian.Uint32(data[4:8])
	if n > maxMeta || int(n) > len(data)-8 {
		return nil, fmt.Errorf("model: meta of %d bytes does not fit the file", n)
	}
	m := &Model{}
	if err := json.Unmarshal(data[8:8+n], &m.Meta); err != nil {
		return nil, fmt.Errorf("model: read meta: %w", err)
	}
	if m.Version != version || m.Bits != Bits {
		return nil, fmt.Errorf("model: version %d with %d bits, this build reads version %d with %d bits", m.Version, m.Bits, version, Bits)
	}
	rest := data[8+n:]
	if len(rest) != 4*dim {
		return nil, fmt.Errorf("model: %d bytes of weights, want %d", len(rest), 4*dim)
	}
	if p := unsafe.Pointer(unsafe.SliceData(rest)); inPlace && littleEndian && uintptr(p)%4 == 0 {
		m.w = unsafe.Slice((*float32)(p), dim)
	} else {
		m.w = make([]float32, dim)
		for i := range m.w {
			m.w[i] = math.Float32frombits(binary.LittleEndian.Uint32(rest[4*i:]))
		}
	}
	for i, w := range m.w {
		if f := float64(w); math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, fmt.Errorf("model: weight %d is not a number", i)
		}
	}
	m.known = knownShapes(m.Shapes, m.Scams)
	for _, f := range []float64{m.Bias, m.PlattA, m.PlattB, m.Threshold} {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("model: meta holds a value that is not a number")
		}
	}
	return m, nil
}

//go:embed data/text.bin
var embedded []byte

// littleEndian reports whether the machine stores a number's low byte first, as the file does.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// defaultModel reads the embedded weights in place: 1 MB neither copied nor held in the heap
// at every start (the collector's goal for the lines of scan --jsonl is 2 MB lower with it).
var defaultModel = sync.OnceValues(func() (*Model, error) { return load(embedded, true) })

// Default returns the model embedded in the binary.
func Default() (*Model, error) { return defaultModel() }
