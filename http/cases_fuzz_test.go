package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	shttp "github.com/shopguard/shopguard/http"
	"github.com/shopguard/shopguard/internal/testenv"
)

// FuzzUploadEvidence sends arbitrary uploads through the whole server (middleware, multipart
// parsing, vault): file names with path separators, empty and odd files, cut-off bodies and
// huge declared sizes. Every answer is a user error or a stored entry, never a server fault,
// and the blob store never holds a file the log does not list.
func FuzzUploadEvidence(f *testing.F) {
	f.Add("../../etc/passwd", "note", testPNG, int64(0), false)
	f.Add(`C:\Windows\evil.exe`, "", []byte("MZ\x90\x00"), int64(0), false)
	f.Add("", "", []byte{}, int64(0), false)
	f.Add("a.txt", "", []byte("hello"), int64(1<<40), false)
	f.Add("b.pdf", "说明", testPDF, int64(0), true)
	ts := newTestServer(f, func(c *shttp.Config) { c.MaxUploadBytes = 32 << 10 })
	id, key := createCaseTB(f, ts)
	h := ts.srv.Handler()
	f.Fuzz(func(t *testing.T, name, note string, data []byte, declared int64, cut bool) {
		ct, body := multipartBody(t, "file", name, note, data)
		if cut && len(body) > 10 {
			body = body[:len(body)/2]
		}
		req := httptest.NewRequest("POST", "/api/v1/cases/"+id+"/evidence", bytes.NewReader(body))
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+key)
		if declared > 0 {
			req.ContentLength = declared
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusCreated, http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("upload of %q (%d bytes, declared %d, cut %v) = %d %s", name, len(data), declared, cut, rec.Code, rec.Body)
		}
		log, err := ts.srv.Store.ListEvidence(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(testenv.BlobFiles(t, ts.blobDir)); n != len(log) {
			t.Fatalf("%d blob files for %d log entries", n, len(log))
		}
		for _, e := range log {
			if strings.ContainsAny(e.Name, `/\`) || e.Name == "" {
				t.Fatalf("stored name %q", e.Name)
			}
		}
	})
}

// createCaseTB starts a case through the handler and returns its id and key.
func createCaseTB(tb testing.TB, ts *testServer) (string, string) {
	tb.Helper()
	req := httptest.NewRequest("POST", "/api/v1/cases", strings.NewReader(`{"triage":{}}`))
	rec := httptest.NewRecorder()
	ts.srv.Handler().ServeHTTP(rec, req)
	var out struct{ ID, Key string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &out) != nil {
		tb.Fatalf("create case: %d %s", rec.Code, rec.Body)
	}
	return out.ID, out.Key
}
