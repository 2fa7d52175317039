package model

import (
	"fmt"
	"math/bits"
	"unicode"
	"unicode/utf8"

	"github.com/shopguard/shopguard/detect/text"
)

// MinShapeRows is how many legitimate examples, and how many scam (or spam) examples, of a
// shape of text (see Shape) a model must have learned from before it speaks on a conversation
// of that shape. Its threshold is set on the legitimate rows it held out: on a shape it saw no
// legitimate examples of (a long e-mail, to a model trained on SMS and calls) the threshold
// says nothing about false alarms. Its weights learned scams from the scam rows: on a shape it
// saw no scams of (Chinese calls, to a model whose scams are English mail and SMS) they speak
// of other kinds of text, and what it lifts is no judgement.
const MinShapeRows = 10

// sizeClasses is how many size classes a shape has: the bit length of a text of up to
// maxTextBytes bytes, 0 to 17.
var sizeClasses = bits.Len(maxTextBytes) + 1

// Shape is the form of what the model reads of a conversation, the other side's messages: its
// script, one message or a conversation, and its size. It tells the kinds of text a model has
// seen legitimate examples of apart (SMS, chat, call, e-mail) without reading their words.
type Shape struct {
	Chinese bool // the Han characters' bytes outnumber the ASCII letters
	Conv    bool // more than one message (the shopper's count)
	Size    int  // the bit length of the text's length in bytes (a class per power of 2), at most that of maxTextBytes
}

// String names the shape as a model file records it: "zh/one/10", "latin/conv/8".
func (s Shape) String() string {
	script, form := "latin", "one"
	if s.Chinese {
		script = "zh"
	}
	if s.Conv {
		form = "conv"
	}
	return fmt.Sprintf("%s/%s/%d", script, form, s.Size)
}

// ShapeOf returns the shape of what the model reads of d.
func ShapeOf(d Doc) Shape {
	han, letters, n := 0, 0, 0
	for _, m := range d.Msgs {
		if m.From == text.FromMe {
			continue
		}
		n += len(m.Text)
		for i := 0; i < len(m.Text); {
			c := m.Text[i]
			if c < utf8.RuneSelf {
				if c|0x20 >= 'a' && c|0x20 <= 'z' {
					letters++
				}
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(m.Text[i:])
			if unicode.Is(unicode.Han, r) {
				han += size
			}
			i += size
		}
	}
	return Shape{Chinese: han > letters, Conv: len(d.Msgs) > 1, Size: bits.Len(uint(min(n, maxTextBytes)))}
}

// shapes is the set of shapes a model speaks on, indexed by script, form and size.
type shapes [2][2][]bool

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// knownShapes returns the shapes of which both legit and scams hold at least MinShapeRows
// examples.
func knownShapes(legit, scams map[string]int) shapes {
	var k shapes
	for _, zh := range []bool{false, true} {
		for _, conv := range []bool{false, true} {
			row := make([]bool, sizeClasses)
			for size := range row {
				name := Shape{zh, conv, size}.String()
				row[size] = legit[name] >= MinShapeRows && scams[name] >= MinShapeRows
			}
			k[b2i(zh)][b2i(conv)] = row
		}
	}
	return k
}

// Knows reports whether the model learned from at least MinShapeRows legitimate examples and
// as many scam examples of d's shape: only then does it speak on d.
func (m *Model) Knows(d Doc) bool {
	s := ShapeOf(d)
	return m.known[b2i(s.Chinese)][b2i(s.Conv)][s.Size]
}
