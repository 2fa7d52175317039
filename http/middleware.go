package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
)

// requestState is what the middleware learns about a request, shared with handlers through
// the context: its id, the route that matched, who is asking and in which language.
type requestState struct {
	id        string
	route     string
	principal auth.Principal
	lang      shopguard.Lang
	clientIP  string
	// w is the request's writer as the middleware wraps it, and headers the values of the
	// security headers (kept here: one allocation for all).
	w       statusWriter
	headers [5]string
}

type stateKey struct{}

// stateOf returns the state of a request passed through the middleware (an empty one
// otherwise, so handlers can be called directly in tests).
func stateOf(r *http.Request) *requestState {
	if st, ok := r.Context().Value(stateKey{}).(*requestState); ok {
		return st
	}
	return &requestState{}
}

// principalOf returns who is asking.
func principalOf(r *http.Request) auth.Principal { return stateOf(r).principal }

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware wraps the mux: request id, security headers, recovery, logging and metrics,
// cross-origin protection, body limits, credentials and rate limits, in that order.
func (s *Server) middleware(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.error(w, r, shopguard.Errorf(shopguard.EFORBIDDEN, "cross-origin request refused"))
	}))
	inner := cop.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			limit := s.bodyLimit(r)
			if isUpload(r) {
				limit = s.Config.MaxUploadBytes
				if wantsHTML(r) {
					// The case page refuses a file over the limit in place, reading the rest of
					// the body so that the browser gets the answer: up to twice the limit.
					limit *= 2
				}
			}
			if r.ContentLength > limit && !(isUpload(r) && wantsHTML(r)) {
				s.error(w, r, shopguard.Errorf(shopguard.ETOOLARGE, "request body larger than %d bytes", limit))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if need := bodyMemory(r, limit); need > 0 && s.bodies != nil {
				release, err := s.bodies.Take(r.Context(), need)
				if err != nil {
					s.error(w, r, err)
					return
				}
				defer release()
			}
		}
		if err := s.authenticate(r); err != nil {
			s.error(w, r, err)
			return
		}
		if !s.allow(w, r) {
			return
		}
		next.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		st := &requestState{id: requestID(r), clientIP: s.clientIP(r), route: "unmatched"}
		st.lang = s.ui.langOf(r)
		r = r.WithContext(context.WithValue(r.Context(), stateKey{}, st))
		// Header.Set's effect, with the values in an array of the request's state (no
		// allocation of their own; the names are canonical already).
		v := &st.headers
		*v = [5]string{st.id, "nosniff", "no-referrer", "DENY", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"}
		h := w.Header()
		h["X-Request-Id"] = v[0:1:1]
		h["X-Content-Type-Options"] = v[1:2:2]
		h["Referrer-Policy"] = v[2:3:3]
		h["X-Frame-Options"] = v[3:4:4]
		h["Content-Security-Policy"] = v[4:5:5]
		sw := &st.w
		sw.ResponseWriter = w
		defer func() {
			if p := recover(); p != nil {
				s.Logger.Error("panic", "request_id", st.id, "route", st.route, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					s.error(sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			d := time.Since(start)
			s.metrics.observe(st.route, r.Method, sw.status, d)
			s.logRequest(time.Now(), st, r.Method, sw.status, d)
		}()
		inner.ServeHTTP(sw, r)
	})
}

// logRequest writes a request's log line, of time now: by RequestLog when set, else Logger.LogAttrs without
// the caller's program counter (runtime.Callers on every request, for a source that would
// always be this function).
func (s *Server) logRequest(now time.Time, st *requestState, method string, status int, d time.Duration) {
	ms := float64(d.Microseconds()) / 1000
	if s.RequestLog != nil && s.RequestLog.write(now, st.id, method, st.route, status, ms) {
		return
	}
	ctx := context.Background()
	h := s.Logger.Handler()
	if !h.Enabled(ctx, slog.LevelInfo) {
		return
	}
	rec := slog.NewRecord(now, slog.LevelInfo, "request", 0)
	// The route pattern, never the path: paths may hold phone numbers or accounts.
	rec.AddAttrs(slog.String("request_id", st.id), slog.String("method", method), slog.String("route", st.route),
		slog.Int("status", status), slog.Float64("duration_ms", ms)) // attributes, not pairs: nothing boxed
	_ = h.Handle(ctx, rec) // as Logger.LogAttrs: a log that fails to write has nowhere to say so
}

// bodyMemory is the memory a request's body counts against Config.BodyMemory: eight times
// its size (its length, else the limit), or nothing for a small body or an upload, which
// streams to disk.
func bodyMemory(r *http.Request, limit int64) int64 {
	n := r.ContentLength
	if n < 0 || n > limit {
		n = limit
	}
	if n < 64<<10 || isUpload(r) {
		return 0
	}
	return 8 * n
}

// isUpload reports whether r uploads evidence to a case, which may be larger than other
// bodies: POST /api/v1/cases/{id}/evidence or POST /cases/{id}/evidence.
func isUpload(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	p := strings.TrimPrefix(r.URL.Path, "/api/v1")
	rest, ok := strings.CutPrefix(p, "/cases/")
	id, tail, _ := strings.Cut(rest, "/")
	return ok && shopguard.ValidCaseID(id) && tail == "evidence"
}

// requestID keeps a sane incoming X-Request-Id (from a proxy) or makes one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && isToken(id) {
		return id
	}
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isToken(s string) bool {
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// clientIP is the peer's address or, behind a trusted proxy, the last address in
// X-Forwarded-For that is not itself a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !s.trusted(host) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if net.ParseIP(hop) == nil {
			break
		}
		if !s.trusted(hop) {
			return hop
		}
	}
	return host
}

func (s *Server) trusted(ip string) bool {
	if len(s.Config.TrustedProxies) == 0 {
		return false // no proxy to trust: nothing to parse
	}
	p := net.ParseIP(ip)
	for _, n := range s.Config.TrustedProxies {
		if p != nil && n.Contains(p) {
			return true
		}
	}
	return false
}

// sessionCookie names the cookie that carries a browser's session token.
const sessionCookie = "sg_session"

// authenticate finds who is asking: an API key in "Authorization: Bearer sg_…", or a session
// cookie. A bad key is an error; a stale cookie only makes the request anonymous. Bearer
// tokens that are not API keys (case keys) are left to the routes that take them.
func (s *Server) authenticate(r *http.Request) error {
	st := stateOf(r)
	if tok, ok := bearer(r); ok && strings.HasPrefix(tok, auth.KeyPrefix) {
		p, err := s.Auth.KeyPrincipal(r.Context(), tok)
		if err != nil {
			return err
		}
		st.principal = p
		return nil
	}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if u, err := s.Auth.SessionUser(r.Context(), c.Value); err == nil {
			st.principal = auth.Principal{User: u}
		}
	}
	return nil
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}
