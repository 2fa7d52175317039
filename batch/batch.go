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
	"runtime"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/shopguard/shopguard"
)

// MaxLine is the longest input line accepted, in bytes; a longer one gets an error.
const MaxLine = 4 << 20

// Func handles one input line (a JSON object) and returns its result, which must marshal to a
// JSON object, or an error to report for that line. RunParallel calls it from several
// goroutines at once. The line's bytes are reused once the result is written: fn must not
// keep them (nor anything aliasing them) after it returns.
type Func func(line []byte) (any, error)

// AppendFunc handles one input line as a Func does, but appends its result, which must be a
// JSON object, to dst and returns the extended slice: no result value is made (and put in an
// interface) for each line. On an error, what it appended is dropped and the error reported
// for the line. RunParallelAppend calls it from several goroutines at once; the same rules on
// the line's bytes apply.
type AppendFunc func(dst, line []byte) ([]byte, error)

// lineFunc is what a batch calls for each line: fn, or app when it is set.
type lineFunc struct {
	fn  Func
	app AppendFunc
}

// Appender is a result that writes itself as a JSON object, without reflection: Run appends
// AppendJSON's output instead of marshalling the result.
type Appender interface {
	AppendJSON(dst []byte) []byte
}

// Stats counts what a batch did.
type Stats struct {
	Lines, Errors int
}

// chunkLines and chunkBytes bound the lines handed to a worker at once: small enough that the
// chunks in flight (a few per worker) stay in a few hundred kilobytes of memory the process
// has already touched, and that the last chunks of an input keep every worker busy.
const (
	chunkLines = 256
	chunkBytes = 64 << 10
)

// chunk is a run of input lines handed to a worker, and, once done, its output. A chunk that
// has been written goes back to the reader, which fills it again: its buffers are reused.
type chunk struct {
	first  int      // line number of lines[0]
	buf    []byte   // the lines' bytes, one after the other
	spans  []span   // where each line lies in buf, while the chunk is read
	lines  [][]byte // the lines in buf, once read; nil for a blank line
	long   []bool   // lines too long (by index), nil when none
	flush  bool     // the input had nothing more buffered after it: write it out at once
	out    []byte
	errors int
	done   chan struct{}
}

// span is where a line lies in its chunk's buf; blank and too long lines have none.
type span struct {
	start, end int
	kind       lineKind
}

// lineKind says whether a line has content.
type lineKind uint8

const (
	lineText lineKind = iota
	lineBlank
	lineTooLong
)

// reset empties c for the lines from line number first on, keeping its buffers.
func (c *chunk) reset(first int) {
	c.first = first
	c.buf, c.spans, c.lines, c.long, c.out = c.buf[:0], c.spans[:0], c.lines[:0], nil, c.out[:0]
	c.flush, c.errors = false, 0
	c.done = make(chan struct{})
}

// add appends one line, as readLine returned it, to c.
func (c *chunk) add(line []byte, tooLong bool) {
	sp := span{start: len(c.buf), end: len(c.buf), kind: lineText}
	switch {
	case tooLong:
		sp.kind = lineTooLong
	case len(bytes.TrimSpace(line)) == 0:
		sp.kind = lineBlank
	default:
		c.buf = append(c.buf, line...)
		sp.end = len(c.buf)
	}
	c.spans = append(c.spans, sp)
}

// seal makes c.lines (and c.long) from the spans, now that buf no longer moves.
func (c *chunk) seal() {
	for i, sp := range c.spans {
		switch sp.kind {
		case lineText:
			c.lines = append(c.lines, c.buf[sp.start:sp.end:sp.end])
		case lineBlank:
			c.lines = append(c.lines, nil)
		case lineTooLong:
			if c.long == nil {
				c.long = make([]bool, len(c.spans))
			}
			c.long[i] = true
			c.lines = append(c.lines, []byte{})
		}
	}
}

// Run reads lines from r, calls fn on each, one line after the other, and writes the results
// to w, in input order. Blank lines are skipped. The output is flushed whenever the input has
// nothing more buffered, so that interactive use gets each answer at once. It stops only when
// r or w fails.
func Run(r io.Reader, w io.Writer, fn Func) (Stats, error) { return run(r, w, lineFunc{fn: fn}, 1) }

// RunParallel is Run with the lines handled on every core (GOMAXPROCS workers), a few
// hundred at a time; the output stays in input order. fn must be safe for concurrent use.
func RunParallel(r io.Reader, w io.Writer, fn Func) (Stats, error) {
	return run(r, w, lineFunc{fn: fn}, runtime.GOMAXPROCS(0))
}

// RunParallelAppend is RunParallel with fn appending each line's result to the output itself.
func RunParallelAppend(r io.Reader, w io.Writer, fn AppendFunc) (Stats, error) {
	return run(r, w, lineFunc{app: fn}, runtime.GOMAXPROCS(0))
}

func run(r io.Reader, w io.Writer, fn lineFunc, workers int) (Stats, error) {
	todo := make(chan *chunk, workers)
	order := make(chan *chunk, 2*workers) // chunks in input order, for the writer
	// free holds the chunks written, for the reader to fill again; it has room for every
	// chunk that can be in flight (in order, in todo, in the workers' hands, in the reader's
	// and the writer's), so that the writer never waits on it.
	free := make(chan *chunk, 4*workers+2)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range todo {
				c.handle(fn)
			}
		}()
	}
	var readErr error
	stop := make(chan struct{}) // closed when the writer fails: stop reading
	go func() {
		defer close(order)
		defer close(todo)
		readErr = readChunks(r, free, func(c *chunk) bool {
			select {
			case order <- c:
			case <-stop:
				return false
			}
			todo <- c
			return true
		})
	}()
	var st Stats
	bw := bufio.NewWriterSize(w, 64<<10)
	var writeErr error
	for c := range order {
		<-c.done
		if writeErr != nil {
			continue // drain, so the reader and workers end
		}
		for _, l := range c.lines {
			if l != nil {
				st.Lines++
			}
		}
		st.Errors += c.errors
		bw.Write(c.out)
		flush := c.flush
		select {
		case free <- c:
		default:
		}
		if flush {
			if err := bw.Flush(); err != nil {
				writeErr = err
				close(stop)
			}
		}
	}
	wg.Wait()
	if writeErr == nil {
		writeErr = bw.Flush()
	}
	if writeErr != nil {
		return st, fmt.Errorf("batch: write: %w", writeErr)
	}
	return st, readErr
}

// readChunks reads r into chunks, filling again those written (from free) before making new
// ones, and hands each to give, which returns false to stop.
func readChunks(r io.Reader, free <-chan *chunk, give func(*chunk) bool) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var scratch []byte // a line longer than br's buffer, pieced together
	next := func(first int) *chunk {
		var c *chunk
		select {
		case c = <-free:
		default:
			c = &chunk{buf: make([]byte, 0, chunkBytes+chunkBytes/4), out: make([]byte, 0, 8*chunkBytes)}
		}
		c.reset(first)
		return c
	}
	c := next(1)
	send := func(nextLine int) bool {
		c.seal()
		ok := give(c)
		c = next(nextLine)
		return ok
	}
	for lineNo := 1; ; lineNo++ {
		line, tooLong, err := readLine(br, &scratch)
		if err == io.EOF && len(line) == 0 && !tooLong {
			break
		}
		if err != nil && err != io.EOF {
			if len(c.spans) > 0 {
				send(lineNo)
			}
			return fmt.Errorf("batch: read line %d: %w", lineNo, err)
		}
		c.add(line, tooLong)
		c.flush = br.Buffered() == 0
		if err == io.EOF {
			break
		}
		if (c.flush || len(c.spans) >= chunkLines || len(c.buf) >= chunkBytes) && !send(lineNo+1) {
			return nil
		}
	}
	if len(c.spans) > 0 {
		c.flush = true
		c.seal()
		give(c)
	}
	return nil
}

// handle produces the output of every line of c.
func (c *chunk) handle(fn lineFunc) {
	defer close(c.done)
	for i, line := range c.lines {
		if line == nil {
			continue
		}
		var failed bool
		c.out, failed = handle(c.out, line, c.long != nil && c.long[i], c.first+i, fn)
		c.out = append(c.out, '\n')
		if failed {
			c.errors++
		}
	}
}

// readLine reads one line without its newline; past MaxLine it discards the rest of the line
// and reports it too long. The line lies in br's buffer or in *scratch, and is good until the
// next call.
func readLine(br *bufio.Reader, scratch *[]byte) ([]byte, bool, error) {
	piece, err := br.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return bytes.TrimRight(piece, "\r\n"), false, err
	}
	line := append((*scratch)[:0], piece...)
	defer func() { *scratch = line[:0] }()
	for err == bufio.ErrBufferFull {
		piece, err = br.ReadSlice('\n')
		if len(line)+len(piece) > MaxLine {
			for err == bufio.ErrBufferFull {
				_, err = br.ReadSlice('\n')
			}
			return nil, true, err
		}
		line = append(line, piece...)
	}
	return bytes.TrimRight(line, "\r\n"), false, err
}

type errorOut struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// handle appends the output line for one input line to dst, and says whether it is an error.
func handle(dst, line []byte, tooLong bool, lineNo int, fn lineFunc) ([]byte, bool) {
	if tooLong {
		return failure(dst, nil, lineNo, shopguard.Errorf(shopguard.ETOOLARGE, "line longer than %d bytes", MaxLine)), true
	}
	id, err := idOf(line)
	if err != nil {
		return failure(dst, nil, lineNo, shopguard.Invalid("", "line %d is not a JSON object: %v", lineNo, err)), true
	}
	if fn.app != nil {
		mark := len(dst)
		dst = withID(dst, id, lineNo)
		at := len(dst)
		out, err := fn.app(dst, line)
		if err != nil {
			return failure(dst[:mark], id, lineNo, err), true
		}
		return object(out, mark, at, id, lineNo)
	}
	res, err := fn.fn(line)
	if err != nil {
		return failure(dst, id, lineNo, err), true
	}
	if a, ok := res.(Appender); ok {
		mark := len(dst)
		dst = withID(dst, id, lineNo)
		at := len(dst)
		return object(a.AppendJSON(dst), mark, at, id, lineNo)
	}
	body, err := json.Marshal(res)
	if err != nil || len(body) < 2 || body[0] != '{' {
		return failure(dst, id, lineNo, fmt.Errorf("batch: result of line %d is not a JSON object: %v", lineNo, err)), true
	}
	return withRest(withID(dst, id, lineNo), body[1:]), false
}

// object finishes the output of a line whose result, appended to dst from at after the
// line's id (from mark), must be a JSON object: its members follow the id's.
func object(dst []byte, mark, at int, id json.RawMessage, lineNo int) ([]byte, bool) {
	switch {
	case len(dst)-at < 2 || dst[at] != '{':
		return failure(dst[:mark], id, lineNo, fmt.Errorf("batch: result of line %d is not a JSON object", lineNo)), true
	case len(dst)-at == 2: // {}
		return append(dst[:at], '}'), false
	}
	dst[at] = ',' // its members follow the id's
	return dst, false
}

// idOf returns the raw "id" of a line that is a JSON object (nil when it has none), or the
// error that says it is not one. A valid object whose top-level keys are plain ASCII is read
// in the pass that checks it; anything else goes through encoding/json, whose answer (and
// error message) it is.
func idOf(line []byte) (json.RawMessage, error) {
	if ok, id, found := validField(line, "id"); ok && found {
		return id, nil
	}
	var head struct {
		ID json.RawMessage `json:"id"`
	}
	err := json.Unmarshal(line, &head)
	return head.ID, err
}

// StringField returns the value of key (matched in any case, as encoding/json matches it; the
// last one when repeated) at the top level of a line that Run handed to a Func, when it is a
// JSON string without escapes in valid UTF-8, or "" when there is no such key: what
// encoding/json would decode into a string field. ok is false otherwise (the line is no
// object, a key is not plain ASCII without escapes, the value is of another kind), and the
// caller must decode the line itself. It never fails on other input, but answers right only on
// valid JSON, as Run hands a Func.
func StringField(line []byte, key string) (s string, ok bool) {
	raw, ok := scanField(line, key)
	switch {
	case !ok:
		return "", false
	case raw == nil:
		return "", true
	case len(raw) < 2 || raw[0] != '"' || bytes.IndexByte(raw, '\\') >= 0 || !utf8.Valid(raw):
		return "", false
	}
	return string(raw[1 : len(raw)-1]), true
}

func scanField(b []byte, name string) (val []byte, ok bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	i++
	for {
		i = skipSpace(b, i)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		if i >= len(b) {
			return nil, false
		}
		if b[i] == '}' {
			return val, true
		}
		// A key: b[i] is '"'.
		j := i + 1
		for ; j < len(b) && b[j] != '"'; j++ {
			if b[j] == '\\' || b[j] >= 0x80 {
				return nil, false
			}
		}
		if j >= len(b) {
			return nil, false
		}
		key := b[i+1 : j]
		i = skipSpace(b, j+1) + 1 // past ':'
		i = skipSpace(b, i)
		end := skipValue(b, i)
		if end <= i || end > len(b) {
			return nil, false
		}
		if len(key) == len(name) && bytes.EqualFold(key, []byte(name)) {
			val = b[i:end]
		}
		i = end
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns where the JSON value starting at b[i] ends; b is valid JSON.
func skipValue(b []byte, i int) int {
	depth := 0
	for ; i < len(b); i++ {
		switch b[i] {
		case '"':
			if i = closingQuote(b, i); i >= len(b) {
				return len(b) + 1 // not valid JSON
			}
			if depth == 0 {
				return i + 1
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case ',':
			if depth == 0 {
				return i
			}
		case ' ', '\t', '\n', '\r':
			if depth == 0 {
				return i
			}
		}
	}
	return i
}

// closingQuote returns where the string whose opening quote is b[open] ends (its closing
// quote: the first after an even run of backslashes), or len(b) when it does not end. It
// looks for quotes with bytes.IndexByte, and counts back over the backslashes before each:
// every backslash is counted for one quote at most.
func closingQuote(b []byte, open int) int {
	for i := open + 1; ; i++ {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return len(b)
		}
		i += q
		j := i - 1
		for j > open && b[j] == '\\' {
			j--
		}
		if (i-1-j)%2 == 0 {
			return i
		}
	}
}

// withID appends {"id":ID to dst: an object's start, its members to follow. A line without an
// id is given its line number as "line".
func withID(dst []byte, id json.RawMessage, lineNo int) []byte {
	if len(id) > 0 {
		dst = append(dst, `{"id":`...)
		if bytes.IndexAny(id, " \t\r\n") < 0 {
			return append(dst, id...) // compact already
		}
		var b bytes.Buffer
		if json.Compact(&b, id) == nil {
			return append(dst, b.Bytes()...)
		}
		return append(dst, id...)
	}
	dst = append(dst, `{"id":null,"line":`...)
	return strconv.AppendInt(dst, int64(lineNo), 10)
}

// withRest appends the rest of an object (its members and closing brace, without its opening
// brace) after withID's start.
func withRest(dst, rest []byte) []byte {
	if len(rest) > 1 {
		dst = append(dst, ',')
	}
	return append(dst, rest...)
}

func failure(dst []byte, id json.RawMessage, lineNo int, err error) []byte {
	e := errorOut{Code: shopguard.ErrorCode(err), Message: shopguard.ErrorMessage(err), Field: shopguard.ErrorField(err)}
	var se *shopguard.Error
	if !errors.As(err, &se) {
		e.Message = err.Error() // the CLI user owns the process: internal details help them
	}
	body, _ := json.Marshal(struct {
		Error errorOut `json:"error"`
	}{e})
	return withRest(withID(dst, id, lineNo), body[1:])
}
