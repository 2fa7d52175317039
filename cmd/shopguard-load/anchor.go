package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// anchorBody is what the anchor answers: small JSON, like a check's answer without the work.
var anchorBody = []byte(`{"ok":true}` + "\n")

// AnchorHandler is the trivial handler: it reads the request body and answers anchorBody.
func AnchorHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(anchorBody)
	})
}

// ServeAnchor serves AnchorHandler on addr until ctx is done, calling ready with the address
// once it listens.
func ServeAnchor(ctx context.Context, addr string, ready func(string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("anchor: %w", err)
	}
	srv := &http.Server{Handler: AnchorHandler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	ready(ln.Addr().String())
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("anchor: %w", err)
	}
	return nil
}
