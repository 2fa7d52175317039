package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// A running server's log lines are written in batches: at most logFlush after the first one
// waiting, or at once when logBuffer bytes wait, so that the request line of every request
// does not cost a write(2) of its own.
const (
	logFlush  = 100 * time.Millisecond
	logBuffer = 64 << 10
)

// logWriter batches what is written to it (whole log records: a handler writes each in one
// call) for w. Close writes what waits; after it, writes go straight to w.
type logWriter struct {
	mu      sync.Mutex
	w       io.Writer
	buf     []byte
	waiting bool // a flush is due within logFlush
	closed  bool
}

func newLogWriter(w io.Writer) *logWriter { return &logWriter{w: w} }

func (l *logWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return l.w.Write(p)
	}
	l.buf = append(l.buf, p...)
	switch {
	case len(l.buf) >= logBuffer:
		if err := l.flushLocked(); err != nil {
			return 0, err
		}
	case !l.waiting:
		l.waiting = true
		time.AfterFunc(logFlush, l.flush)
	}
	return len(p), nil
}

// flush writes what waits.
func (l *logWriter) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *logWriter) flushLocked() error {
	l.waiting = false
	if len(l.buf) == 0 {
		return nil
	}
	_, err := l.w.Write(l.buf)
	l.buf = l.buf[:0]
	if err != nil {
		return fmt.Errorf("write log: %w", err)
	}
	return nil
}

// Close writes what waits; later writes go straight through.
func (l *logWriter) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	return l.flushLocked()
}
