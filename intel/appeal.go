package intel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

// Where the holder of a domain publishes an appeal's token.
const (
	ChallengeLabel = "_shopguard-challenge"                 // TXT record: _shopguard-challenge.<domain>
	ChallengePath  = "/.well-known/shopguard-challenge.txt" // https://<domain>/.well-known/…
	challengeTXT   = "shopguard-verification="              // the TXT record's value before the token
)

// Prover checks that the holder of a domain published an appeal's token.
type Prover struct {
	Resolver *net.Resolver // nil for net.DefaultResolver
	Client   *http.Client  // nil for publicClient: 10 s, no redirects, public addresses only
}

// publicClient is the client that fetches a domain's token: it follows no redirect and
// connects only to public addresses, so that an appeal cannot make the server reach into its
// own network.
func publicClient() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip, err := netip.ParseAddr(host)
		if err != nil || !publicAddr(ip) {
			return fmt.Errorf("%s is not a public address", host)
		}
		return nil
	}}
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DialContext: d.DialContext, Proxy: nil, TLSHandshakeTimeout: 5 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// publicAddr reports whether ip is reachable on the public internet.
func publicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() && !ip.IsLinkLocalUnicast() &&
		!netip.MustParsePrefix("100.64.0.0/10").Contains(ip) && !netip.MustParsePrefix("fc00::/7").Contains(ip)
}

// Check looks for token by method on domain. It fails closed: any error (no record, no file,
// another value, no network) means control is not proven.
func (p *Prover) Check(ctx context.Context, method shopguard.ProofMethod, domain, token string) error {
	switch method {
	case shopguard.ProofDNS:
		r := p.Resolver
		if r == nil {
			r = net.DefaultResolver
		}
		txts, err := r.LookupTXT(ctx, ChallengeLabel+"."+domain)
		if err != nil {
			return fmt.Errorf("the TXT record %s.%s could not be read: %s", ChallengeLabel, domain, netReason(err))
		}
		if slices.Contains(txts, challengeTXT+token) {
			return nil
		}
		return fmt.Errorf("the TXT record %s.%s does not hold %s%s", ChallengeLabel, domain, challengeTXT, token)
	case shopguard.ProofWellKnown:
		c := p.Client
		if c == nil {
			c = publicClient()
		}
		u := "https://" + domain + ChallengePath
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return err
		}
		resp, err := c.Do(req)
		if err != nil {
			return fmt.Errorf("%s could not be fetched: %s", u, netReason(err))
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
		if err != nil {
			return fmt.Errorf("%s could not be fetched: %s", u, netReason(err))
		}
		if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != token {
			return fmt.Errorf("%s does not hold the token (status %d)", u, resp.StatusCode)
		}
		return nil
	}
	return fmt.Errorf("no proof by %q", method)
}

// netReason says in words why a lookup or a fetch failed, without the error's own text: that
// names the server's DNS resolver and the addresses it dialled, which an anonymous appellant
// must not learn.
func netReason(err error) string {
	var dns *net.DNSError
	var ne net.Error
	switch {
	case strings.Contains(err.Error(), "is not a public address"):
		return "the domain's address is not a public address"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such record"
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.As(err, &dns):
		return "the lookup failed"
	}
	return "the connection failed"
}

// FileAppeal stores the dispute of a listed identifier. A domain appeal gets a token to
// publish and waits for proof; any other kind goes to moderator review.
func (s *Service) FileAppeal(ctx context.Context, a *shopguard.Appeal) error {
	id, err := ident.Parse(a.Identifier.Kind, a.Identifier.Value)
	if err != nil {
		if shopguard.ErrorField(err) == "value" {
			return shopguard.Invalid("identifier.value", "%s", shopguard.ErrorMessage(err))
		}
		return shopguard.Invalid("identifier.kind", "%s", shopguard.ErrorMessage(err))
	}
	a.Identifier = id
	if a.Method == "" && id.Kind != shopguard.KindDomain {
		a.Method = shopguard.ProofReview
	}
	if err := a.Validate(); err != nil {
		return err
	}
	a.Status, a.Verified, a.Token = shopguard.AppealReview, false, ""
	if id.Kind == shopguard.KindDomain {
		a.Status, a.Token = shopguard.AppealAwaitingProof, newToken()
	}
	return s.Store.CreateAppeal(ctx, a)
}

// ProveAppeal checks that the appellant of a domain appeal published its token. On success
// the appeal goes to moderator review; otherwise it is EFORBIDDEN, saying what was not found.
func (s *Service) ProveAppeal(ctx context.Context, id int64) (*shopguard.Appeal, error) {
	a, err := s.Store.AppealByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Identifier.Kind != shopguard.KindDomain || a.Status != shopguard.AppealAwaitingProof {
		return nil, shopguard.Errorf(shopguard.ECONFLICT, "this appeal does not wait for a proof of control (status %s)", a.Status)
	}
	if s.Prover == nil {
		return nil, shopguard.Errorf(shopguard.EFORBIDDEN, "control of the domain is not proven: proofs are not checked on this server")
	}
	if err := s.Prover.Check(ctx, a.Method, a.Identifier.Value, a.Token); err != nil {
		return nil, shopguard.Errorf(shopguard.EFORBIDDEN, "control of the domain is not proven: %v", err)
	}
	a.Verified, a.Status = true, shopguard.AppealReview
	audit := shopguard.AuditEntry{Action: "appeal.verify", Subject: "appeal:" + strconv.FormatInt(a.ID, 10), Reason: fmt.Sprintf(shopguard.ReasonVerifyFormat, a.Method), At: s.now()}
	if err := s.Store.UpdateAppeal(ctx, a, audit); err != nil {
		return nil, err
	}
	return a, nil
}

// DecideAppeal upholds (the identifier is delisted) or rejects an appeal under review.
func (s *Service) DecideAppeal(ctx context.Context, id int64, uphold bool, moderatorID int64, reason string) (*shopguard.Appeal, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, shopguard.Invalid("reason", "every decision needs a reason for the audit log")
	}
	a, err := s.Store.AppealByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if a.Status != shopguard.AppealReview {
		return nil, shopguard.Errorf(shopguard.ECONFLICT, "only an appeal under review can be decided (status %s)", a.Status)
	}
	now := s.now()
	a.Status, a.DecidedAt, a.DecidedBy, a.Decision = shopguard.AppealRejected, &now, moderatorID, reason
	action := "appeal.reject"
	if uphold {
		a.Status, action = shopguard.AppealUpheld, "appeal.uphold"
	}
	audit := shopguard.AuditEntry{ActorID: moderatorID, Action: action, Subject: "appeal:" + strconv.FormatInt(a.ID, 10), Reason: reason, At: now}
	if err := s.Store.UpdateAppeal(ctx, a, audit); err != nil {
		return nil, err
	}
	return a, s.show(ctx, []shopguard.Identifier{a.Identifier})
}
