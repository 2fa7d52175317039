// Command shopguard-load puts a shopguard server (or several) under load and reports what it
// sustained: throughput, latency percentiles and the status codes it answered.
//
//	shopguard-load run --target http://127.0.0.1:8080 --rate 5000 --duration 20s --mix check_url=1
//	shopguard-load run --target http://a:8080,http://b:8080 --concurrency 32 --mix check_url=5,scan=3,lookup=2,report=1,case=1
//	shopguard-load anchor --addr 127.0.0.1:8099
//
// run has two modes. With --rate it is an open loop: requests are due at a fixed rate whatever
// the server does, and a request's latency counts from when it was due, not from when it
// could be sent, so a stalled server is not hidden by requests that were never sent
// (coordinated omission). With --concurrency it is a closed loop: that many clients, each
// sending its next request when the last is answered. Requests go to the targets in turn, each
// operation of the mix to every target.
//
// anchor serves a trivial Go handler (it reads the body and answers a small JSON object) so
// that a server's figures can be set against what the same machine does for a handler that
// does nothing, in the same session: run the same load against both.
//
// The operations of the mix are in ops.go; adding one is adding an entry there.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "shopguard-load:", err)
		os.Exit(1)
	}
}

const usage = `usage: shopguard-load run [flags]     put targets under load
       shopguard-load anchor [flags]  serve a trivial handler to compare against
Run "shopguard-load run -h" or "shopguard-load anchor -h" for the flags.`

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "run":
		cfg, err := parseRun(args[1:])
		if err != nil {
			return err
		}
		rep, err := Load(ctx, cfg)
		if err != nil {
			return err
		}
		if cfg.JSON {
			return rep.WriteJSON(out)
		}
		rep.WriteText(out)
		return nil
	case "anchor":
		fs := flag.NewFlagSet("anchor", flag.ContinueOnError)
		addr := fs.String("addr", "127.0.0.1:8099", "address to listen on")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		return ServeAnchor(ctx, *addr, func(a string) { fmt.Fprintf(out, "anchor listening on http://%s\n", a) })
	}
	fmt.Fprintln(os.Stderr, usage)
	return flag.ErrHelp
}
