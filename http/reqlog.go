package http

import (
	"io"
	"strconv"
	"sync"
	"time"
)

// RequestLog is where the request log lines go when they are written without slog: the line
// every request writes, byte for byte as slog.NewTextHandler (or, with JSON,
// slog.NewJSONHandler) writes it when made with no options but a level at or below info and
// used without attributes or groups of its own. cmd/shopguard sets it to its log's writer
// when its logger is such a handler; the lines of odd requests (a method or request id that
// slog would quote or escape) still go through Logger.
type RequestLog struct {
	W    io.Writer
	JSON bool
}

// lineBufs holds the buffers request log lines are built in.
var lineBufs = sync.Pool{New: func() any { return new([]byte) }}

// write writes a request's line, and reports false when it is one for slog to write.
func (l *RequestLog) write(t time.Time, id, method, route string, status int, ms float64) bool {
	if !plainLogValue(id) || !plainLogValue(method) || !plainLogValue(route) || t.Year() < 0 || t.Year() > 9999 {
		return false
	}
	bp := lineBufs.Get().(*[]byte)
	*bp = appendRequestLine((*bp)[:0], l.JSON, t, id, method, route, status, ms)
	l.W.Write(*bp) // as slog's handlers: a log that fails to write has nowhere to say so
	lineBufs.Put(bp)
	return true
}

// plainLogValue reports whether s is written alike by both handlers but for quotes: ASCII
// without control characters, quotes, backslashes nor '=', and not empty. A space makes the
// text handler quote it, which appendLogString does.
func plainLogValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' || c > '~' || c == '"' || c == '\\' || c == '=' {
			return false
		}
	}
	return s != ""
}

// appendRequestLine appends the log line of a request, of values for which plainLogValue is
// true, as slog's text or JSON handler writes the record
// slog.NewRecord(t, slog.LevelInfo, "request", 0) with the attributes of logRequest.
func appendRequestLine(dst []byte, json bool, t time.Time, id, method, route string, status int, ms float64) []byte {
	if json {
		dst = append(dst, `{"time":"`...)
		dst = t.AppendFormat(dst, time.RFC3339Nano)
		dst = append(dst, `","level":"INFO","msg":"request","request_id":"`...)
		dst = append(dst, id...)
		dst = append(dst, `","method":"`...)
		dst = append(dst, method...)
		dst = append(dst, `","route":"`...)
		dst = append(dst, route...)
		dst = append(dst, `","status":`...)
		dst = strconv.AppendInt(dst, int64(status), 10)
		dst = append(dst, `,"duration_ms":`...)
		// encoding/json's form of a float64, which slog's JSON handler uses: 'f' for a duration
		// of at least a microsecond (or 0) and under 1e21 ms.
		if ms != 0 && (ms < 1e-6 || ms >= 1e21) {
			dst = strconv.AppendFloat(dst, ms, 'e', -1, 64) // never for a duration in whole microseconds
		} else {
			dst = strconv.AppendFloat(dst, ms, 'f', -1, 64)
		}
		return append(dst, "}\n"...)
	}
	dst = append(dst, "time="...)
	dst = appendRFC3339Millis(dst, t)
	dst = append(dst, " level=INFO msg=request request_id="...)
	dst = appendLogString(dst, id)
	dst = append(dst, " method="...)
	dst = appendLogString(dst, method)
	dst = append(dst, " route="...)
	dst = appendLogString(dst, route)
	dst = append(dst, " status="...)
	dst = strconv.AppendInt(dst, int64(status), 10)
	dst = append(dst, " duration_ms="...)
	dst = strconv.AppendFloat(dst, ms, 'g', -1, 64)
	return append(dst, '\n')
}

// appendLogString appends a plain value as the text handler writes it: quoted when it holds
// a space.
func appendLogString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			return strconv.AppendQuote(dst, s)
		}
	}
	return append(dst, s...)
}

// appendRFC3339Millis is the text handler's time: RFC 3339 with exactly three decimals of
// the second.
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	// As slog does: time.RFC3339Nano trims trailing zeros, so a tenth of a millisecond is
	// added to the truncated time to keep four decimals, of which the fourth is dropped.
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...)
}
