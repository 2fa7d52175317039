package main

import (
	"runtime/debug"
	"sync"
)

// setupGCPercent is the collector's target while a command builds its detectors: the
// knowledge pack's tables, the automaton and the learned layer's weights (about 10 MB) stay
// live for the whole run, so collecting while they are made only marks them again. With
// the default target the collector ran three times before `scan` read its first line; with
// this one the heap may grow to four times what was live before it collects (16 MB from the
// start), so it never does on the embedded pack, and an operator's large snapshot or feeds
// are still collected as they load. `scan --jsonl` keeps it for its lines too (see scan).
const setupGCPercent = 400

// gcSetup counts the commands building their detectors at once (tests run several in one
// process) and keeps the target they found.
var gcSetup struct {
	sync.Mutex
	n       int
	percent int
}

// collectLessDuringSetup raises the collector's target to setupGCPercent (unless it is
// already higher, or off) until the returned func is called, which may be called more than
// once. Calls may overlap: the target is put back when the last one ends.
func collectLessDuringSetup() (done func()) {
	gcSetup.Lock()
	defer gcSetup.Unlock()
	if gcSetup.n == 0 {
		gcSetup.percent = debug.SetGCPercent(setupGCPercent)
		if gcSetup.percent < 0 || gcSetup.percent > setupGCPercent {
			debug.SetGCPercent(gcSetup.percent)
		}
	}
	gcSetup.n++
	return sync.OnceFunc(func() {
		gcSetup.Lock()
		defer gcSetup.Unlock()
		if gcSetup.n--; gcSetup.n == 0 {
			debug.SetGCPercent(gcSetup.percent)
		}
	})
}
