package http

import (
	"context"
	"errors"
	"net/http"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/internal/budget"
)

// work runs f, expensive work for r, within the gate g (scanGate or buildGate): when every
// slot stays taken for Config.WorkWait the answer is EUNAVAILABLE with RetryAfter, and f does
// not run. f gets the request's context and should stop when it ends.
func (s *Server) work(r *http.Request, g *budget.Gate, f func(ctx context.Context) error) error {
	release, err := g.Enter(r.Context())
	if err != nil {
		return err
	}
	defer release()
	return f(r.Context())
}

// statusClientGone is the status recorded (in logs and metrics) for a request whose client
// went away before the answer: nginx's 499, as no standard status says it.
const statusClientGone = 499

// requestEnded reports whether err is r's context ending: the client went away, or the
// server cancelled the request while shutting down.
func requestEnded(r *http.Request, err error) bool {
	ctxErr := r.Context().Err()
	return ctxErr != nil && errors.Is(err, ctxErr)
}

// shuttingDown is the error for a request the server cancelled as it stopped.
func shuttingDown() error {
	return shopguard.Errorf(shopguard.EUNAVAILABLE, "the server is restarting: try again in a moment")
}

// turnedAway reports whether err refuses r for now rather than judging its input: a budget
// that is full (an error with RetryAfter), or the request's context ending. Pages that show
// input errors in place hand these to Server.error, which sets Retry-After.
func turnedAway(r *http.Request, err error) bool {
	var e *shopguard.Error
	return errors.As(err, &e) && e.RetryAfter > 0 || requestEnded(r, err)
}

// scan checks a conversation within the scan budget, stopping when r ends.
func (s *Server) scan(r *http.Request, msgs []text.Message) (res text.Result, err error) {
	err = s.work(r, s.scanGate, func(ctx context.Context) error {
		res, err = s.checks().ScanContext(ctx, msgs)
		return err
	})
	return res, err
}
