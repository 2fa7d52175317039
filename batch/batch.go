// Package batch is the JSON Lines convention every shopguard checker follows: one JSON object
// per input line, each with an "id"; one JSON object per output line, in input order, carrying
// that id. A bad line gets an "error" field and never stops the batch.
package batch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/shopguard/shopguard"
)

// MaxLine is the longest input line accepted, in bytes; a longer one gets an error.
const MaxLine = 4 << 20

// Func handles one input line (a JSON object) and returns its result, which must marshal to a
// JSON object, or an error to report for that line.
type Func func(line []byte) (any, error)

// Stats counts what a batch did.
type Stats struct {
	Lines, Errors int
}

// Run reads lines from r, calls fn on each and writes the results to w. Blank lines are
// skipped. It stops only when r or w fails.
func Run(r io.Reader, w io.Writer, fn Func) (Stats, error) {
	var st Stats
	br := bufio.NewReaderSize(r, 64<<10)
	bw := bufio.NewWriterSize(w, 64<<10)
	for lineNo := 1; ; lineNo++ {
		line, tooLong, err := readLine(br)
		if err == io.EOF && len(line) == 0 && !tooLong {
			break
		}
		if err != nil && err != io.EOF {
			return st, fmt.Errorf("batch: read line %d: %w", lineNo, err)
		}
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			st.Lines++
			out, failed := handle(line, tooLong, lineNo, fn)
			if failed {
				st.Errors++
			}
			bw.Write(out)
			bw.WriteByte('\n')
		}
		// Flush whenever the input has nothing more buffered, so that interactive use gets
		// each answer at once while bulk use still writes in large blocks.
		if br.Buffered() == 0 {
			if err := bw.Flush(); err != nil {
				return st, fmt.Errorf("batch: write: %w", err)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("batch: write: %w", err)
	}
	return st, nil
}

// readLine reads one line without its newline; past MaxLine it discards the rest of the line
// and reports it too long.
func readLine(br *bufio.Reader) ([]byte, bool, error) {
	var line []byte
	for {
		chunk, err := br.ReadSlice('\n')
		if len(line)+len(chunk) <= MaxLine {
			line = append(line, chunk...)
		} else {
			line = line[:0]
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			return nil, true, err
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		return bytes.TrimRight(line, "\r\n"), false, err
	}
}

type errorOut struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// handle produces the output line for one input line, and whether it is an error.
func handle(line []byte, tooLong bool, lineNo int, fn Func) ([]byte, bool) {
	if tooLong {
		return failure(nil, lineNo, shopguard.Errorf(shopguard.ETOOLARGE, "line longer than %d bytes", MaxLine)), true
	}
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(line, &head); err != nil {
		return failure(nil, lineNo, shopguard.Invalid("", "line %d is not a JSON object: %v", lineNo, err)), true
	}
	res, err := fn(line)
	if err != nil {
		return failure(head.ID, lineNo, err), true
	}
	body, err := json.Marshal(res)
	if err != nil || len(body) < 2 || body[0] != '{' {
		return failure(head.ID, lineNo, fmt.Errorf("batch: result of line %d is not a JSON object: %v", lineNo, err)), true
	}
	return withID(head.ID, lineNo, body[1:]), false
}

// withID writes {"id":ID, then the rest of an object (without its opening brace). A line
// without an id is given its line number as "line".
func withID(id json.RawMessage, lineNo int, rest []byte) []byte {
	var b bytes.Buffer
	if len(id) > 0 {
		b.WriteString(`{"id":`)
		json.Compact(&b, id)
	} else {
		fmt.Fprintf(&b, `{"id":null,"line":%d`, lineNo)
	}
	if len(rest) > 1 {
		b.WriteByte(',')
	}
	b.Write(rest)
	return b.Bytes()
}

func failure(id json.RawMessage, lineNo int, err error) []byte {
	e := errorOut{Code: shopguard.ErrorCode(err), Message: shopguard.ErrorMessage(err), Field: shopguard.ErrorField(err)}
	var se *shopguard.Error
	if !errors.As(err, &se) {
		e.Message = err.Error() // the CLI user owns the process: internal details help them
	}
	body, _ := json.Marshal(struct {
		Error errorOut `json:"error"`
	}{e})
	return withID(id, lineNo, body[1:])
}
