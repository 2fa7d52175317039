package http

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/shopguard/shopguard"
)

// statusOf maps an error code to its HTTP status.
func statusOf(code string) int {
	switch code {
	case shopguard.EINVALID:
		return http.StatusBadRequest
	case shopguard.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case shopguard.EFORBIDDEN:
		return http.StatusForbidden
	case shopguard.ENOTFOUND:
		return http.StatusNotFound
	case shopguard.ECONFLICT:
		return http.StatusConflict
	case shopguard.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case shopguard.ERATELIMIT:
		return http.StatusTooManyRequests
	case shopguard.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case EMETHOD:
		return http.StatusMethodNotAllowed
	case EMEDIATYPE:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON shape of every API error: {"error":{"code","message","field"}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a code from the shopguard package, a message for people and,
// for bad input, the field.
type ErrorDetail struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	Field     string `json:"field,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// wantsHTML reports whether the client is a browser asking for a page rather than the API.
func wantsHTML(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// error answers with err: as JSON for the API, as a page for browsers. Internal errors are
// logged with the request id and shown as a generic message.
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	if requestEnded(r, err) {
		if !s.closing.Load() {
			// The client left: nobody reads the answer, and it is no fault of the server.
			w.WriteHeader(statusClientGone)
			return
		}
		err = shuttingDown()
	}
	code := shopguard.ErrorCode(err)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		code, err = shopguard.ETOOLARGE, shopguard.Errorf(shopguard.ETOOLARGE, "request body larger than %d bytes", mbe.Limit)
	}
	if code == shopguard.EINTERNAL {
		if out := s.outage(r.Context(), err); out != nil {
			code, err = shopguard.EUNAVAILABLE, out
		}
	}
	st := stateOf(r)
	switch code {
	case shopguard.EINTERNAL:
		s.Logger.Error("internal error", "request_id", st.id, "route", st.route, "err", err)
	case shopguard.EUNAVAILABLE:
		// A dependency (the database, the evidence store) is away for a while: try again soon.
		w.Header().Set("Retry-After", "5")
		s.Logger.Warn("unavailable", "request_id", st.id, "route", st.route, "err", err)
	}
	status := statusOf(code)
	var se *shopguard.Error
	if errors.As(err, &se) && se.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(se.RetryAfter.Seconds()))))
	}
	detail := ErrorDetail{Code: code, Message: s.sayAPIError(r, err), Field: shopguard.ErrorField(err), RequestID: st.id}
	if wantsHTML(r) {
		detail.Message = s.sayError(r, err, nil)
		s.renderError(w, r, status, detail)
		return
	}
	writeJSON(w, status, ErrorBody{Error: detail})
}

// writeJSON writes v as JSON with the status.
// appender is an answer that writes itself as JSON without reflection, as encoding/json
// writes it (with <, > and & escaped, which the Encoder below leaves).
type appender interface {
	AppendJSON(dst []byte) []byte
}

// jsonType is the Content-Type of every JSON answer, shared: no one changes a header's
// values in place (Set and Add make a new slice).
var jsonType = []string{"application/json; charset=utf-8"}

// jsonBufs holds the buffers the answers written by AppendJSON are built in.
var jsonBufs sync.Pool

func writeJSON(w http.ResponseWriter, status int, v any) {
	// Header.Set's effect without a slice per answer.
	w.Header()["Content-Type"] = jsonType
	if a, ok := v.(appender); ok { // the hot answers: no reflection, one write
		writeAppended(w, status, a.AppendJSON)
		return
	}
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// writeAppended writes the JSON that appendJSON appends (an appender's AppendJSON) with the
// status, in one write. A handler that calls it with its answer's method, rather than
// writeJSON with the answer, keeps the answer on its stack: an interface holding it escapes.
func writeAppended(w http.ResponseWriter, status int, appendJSON func(dst []byte) []byte) {
	w.Header()["Content-Type"] = jsonType
	bp, _ := jsonBufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	*bp = append(appendJSON((*bp)[:0]), '\n')
	// Its length, known: net/http then sends it whole, not in chunks.
	w.Header().Set("Content-Length", strconv.Itoa(len(*bp)))
	w.WriteHeader(status)
	w.Write(*bp)
	if cap(*bp) <= 64<<10 { // keep no large buffer
		jsonBufs.Put(bp)
	}
}

// decodeJSON reads one JSON object from the request body into v, refusing unknown fields and
// trailing data, with an EINVALID error naming the field at fault.
func decodeJSON(r *http.Request, v any) error {
	if err := checkJSONType(r); err != nil {
		return err
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if dec.More() {
		return shopguard.Invalid("", "the body holds more than one JSON value")
	}
	return shopguard.CheckAllText(v)
}

// EMEDIATYPE is the code of a body the API reads as JSON sent with another content type (415).
const EMEDIATYPE = "unsupported_media_type"

// checkJSONType refuses a JSON body sent with a content type other than JSON's
// (application/json or a type ending in +json; no header at all is taken as JSON). A form's
// type is what curl -d sends, whose body was read as a form and found empty; a cross-site
// request that carries a cookie is refused before this by CrossOriginProtection, whatever
// its type.
func checkJSONType(r *http.Request) error {
	v := r.Header.Get("Content-Type")
	if v == "" || v == "application/json" {
		return nil
	}
	ct, _, err := mime.ParseMediaType(v)
	if err == nil && (ct == "application/json" || strings.HasSuffix(ct, "+json")) {
		return nil
	}
	if err != nil || len(ct) > 100 {
		ct = "unreadable"
	}
	return shopguard.Errorf(EMEDIATYPE, "send the body as JSON with the header Content-Type: application/json, not %s (curl -d sends a form's type: add -H 'Content-Type: application/json')", ct)
}

// jsonError turns an encoding/json error into an EINVALID error that names the field.
func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.As(err, &typeErr):
		return shopguard.Invalid(typeErr.Field, "%s must be a JSON %s, not %s", fieldName(typeErr.Field), jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return shopguard.Invalid("", "malformed JSON at byte %d: %v", syntaxErr.Offset, err)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return shopguard.Invalid(f, "unknown field %q", f)
	case err.Error() == "EOF":
		return shopguard.Invalid("", "the request body is empty: send a JSON object")
	}
	return shopguard.Invalid("", "malformed JSON: %v", err)
}

func fieldName(f string) string {
	if f == "" {
		return "the body"
	}
	return f
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	}
	return "number"
}

// notFound answers every request that no route matches: 405 with Allow when the path has
// routes for other methods (a GET on a POST-only route), else 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		return shopguard.Errorf(EMETHOD, "%s is not allowed here: use %s", r.Method, strings.Join(allow, " or "))
	}
	return shopguard.Errorf(shopguard.ENOTFOUND, "no page at %s", r.URL.Path)
}

// EMETHOD is the code of a request whose method the path does not take (405).
const EMETHOD = "method_not_allowed"

// allowedMethods lists the methods that have a route for r's path.
func (s *Server) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		probe := &http.Request{Method: m, URL: r.URL, Host: r.Host, Header: http.Header{}}
		if _, pattern := s.mux.Handler(probe); pattern != "" && pattern != "/" {
			allow = append(allow, m)
		}
	}
	if slices.Contains(allow, http.MethodGet) {
		allow = append(allow, http.MethodHead)
	}
	return allow
}

// outage tells an internal error that a dependency being away explains, the data disk full
// or the database not answering, as EUNAVAILABLE, so that the client hears 503 and when to
// try again rather than 500; nil when neither explains it.
func (s *Server) outage(ctx context.Context, err error) error {
	if diskFull(err) {
		e := shopguard.Errorf(shopguard.EUNAVAILABLE, "the server's storage is full, so this was not saved: try again later")
		e.RetryAfter = time.Minute
		return fmt.Errorf("%w: %w", e, err)
	}
	if !connLost(err) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		if s.Store == nil || s.Store.Ping(ctx) == nil {
			return nil
		}
	}
	return fmt.Errorf("%w: %w", shopguard.Errorf(shopguard.EUNAVAILABLE, "the server cannot reach its database or storage just now, so this was not done: try again shortly"), err)
}

// connLost reports whether err says a connection to a server broke or could not be made: a
// network error, a stream cut short, a connection the driver gave up on, or PostgreSQL's
// connection-exception (08) and shutdown (57P01-57P03) states. The database answering a ping
// a moment later does not make such a failure the caller's fault.
func connLost(err error) bool {
	var netErr net.Error
	if errors.As(err, &netErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, driver.ErrBadConn) {
		return true
	}
	var state interface{ SQLState() string }
	if errors.As(err, &state) {
		c := state.SQLState()
		return strings.HasPrefix(c, "08") || c == "57P01" || c == "57P02" || c == "57P03"
	}
	return false
}

// diskFull reports whether err says a disk is full: ENOSPC from the file system, SQLITE_FULL
// from SQLite (modernc.org/sqlite's Error.Code) or disk_full (53100) from PostgreSQL.
func diskFull(err error) bool {
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) && coded.Code()&0xff == 13 {
		return true
	}
	var state interface{ SQLState() string }
	return errors.As(err, &state) && state.SQLState() == "53100"
}
