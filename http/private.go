package http

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
)

// Private links let whoever filed a report or an appeal come back to it without an account:
// /reporter/{id}/{token} and /appeal/{id}/{token}. The token is an HMAC of what the link opens
// under a random secret the database keeps ("links"): it cannot be guessed from the id,
// nothing per link is stored, and it is given once, to the filer.

// linkPrefix starts every private link token.
const linkPrefix = "sgl_"

// linkToken returns the token of the private link to what ("report" or "appeal") id.
func (s *Server) linkToken(ctx context.Context, what string, id int64) (string, error) {
	secret, err := s.linksSecret(ctx)
	if err != nil {
		return "", err
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(what + ":" + strconv.FormatInt(id, 10)))
	return linkPrefix + base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// linksSecret returns the secret of the private links. It is read from the store once: a
// secret, once made, never changes, and every report filed would otherwise read it again (two
// round trips to the database).
func (s *Server) linksSecret(ctx context.Context) ([]byte, error) {
	if p := s.links.Load(); p != nil {
		return *p, nil
	}
	secret, err := s.Store.Secret(ctx, "links")
	if err != nil {
		return nil, err
	}
	s.links.Store(&secret)
	return secret, nil
}

// privateLink returns the path of the private page of what id.
func (s *Server) privateLink(ctx context.Context, what string, id int64) (string, error) {
	tok, err := s.linkToken(ctx, what, id)
	if err != nil {
		return "", err
	}
	base := "/reporter/"
	if what == "appeal" {
		base = "/appeal/"
	}
	return base + strconv.FormatInt(id, 10) + "/" + tok, nil
}

// openLink checks the {id} and {token} of a private link to what and returns the id; a wrong
// token is ENOTFOUND, as if there were nothing there.
func (s *Server) openLink(r *http.Request, what string) (int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, err
	}
	want, err := s.linkToken(r.Context(), what, id)
	if err != nil {
		return 0, err
	}
	if !hmac.Equal([]byte(r.PathValue("token")), []byte(want)) {
		return 0, shopguard.Errorf(shopguard.ENOTFOUND, "no page at this link: check that it was copied whole")
	}
	return id, nil
}

// absolute turns a path on this site into a URL to keep, for the page that gives it.
func (s *Server) absolute(r *http.Request, path string) string {
	scheme := "http"
	if s.Config.SecureCookies || r.TLS != nil {
		scheme = "https"
	}
	return (&url.URL{Scheme: scheme, Host: r.Host, Path: path}).String()
}

// reporterPage is the data of a reporter's page: one report through its private link (what
// it says, where it stands, the moderator's question and a form to answer it), or the
// signed-in reporter's list of reports.
type reporterPage struct {
	Report   *shopguard.Report
	Link     string
	Question string
	Sent     bool
	Text     string
	Error    string
	Mine     []linkedReport
	SignedIn bool
}

// linkedReport is one of a signed-in reporter's reports, with its private link.
type linkedReport struct {
	*shopguard.Report
	Link string
}

// handleMyReportsPage lists a signed-in reporter's reports, each opening its page.
func (s *Server) handleMyReportsPage(w http.ResponseWriter, r *http.Request) error {
	reports, err := s.Store.ListReports(r.Context(), shopguard.ReportFilter{ReporterID: principalOf(r).User.ID, Limit: 100})
	if err != nil {
		return err
	}
	d := reporterPage{SignedIn: true, Mine: []linkedReport{}}
	for _, rep := range reports {
		link, err := s.privateLink(r.Context(), "report", rep.ID)
		if err != nil {
			return err
		}
		d.Mine = append(d.Mine, linkedReport{rep, link})
	}
	s.render(w, r, http.StatusOK, "reporter", "reporter.title", d)
	return nil
}

func (s *Server) handleReporterPage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.openLink(r, "report")
	if err != nil {
		return err
	}
	d := reporterPage{Sent: r.URL.Query().Get("sent") != ""}
	return s.renderReporter(w, r, id, http.StatusOK, d)
}

// renderReporter shows report id on its private page, with the moderator's question when
// one was asked.
func (s *Server) renderReporter(w http.ResponseWriter, r *http.Request, id int64, status int, d reporterPage) error {
	rep, err := s.Store.ReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	d.Report, d.Link = rep, r.URL.Path
	if rep.Status == shopguard.ReportNeedsInfo {
		entries, err := s.Store.AuditLog(r.Context(), "report:"+strconv.FormatInt(id, 10), 20)
		if err != nil {
			return err
		}
		for _, e := range entries { // newest first
			if e.Action == "report."+string(shopguard.ActionAskInfo) {
				d.Question = e.Reason
				break
			}
		}
	}
	s.render(w, r, status, "reporter", "reporter.title", d)
	return nil
}

// handleReporterAnswer takes a reporter's answer to a moderator's question through the
// report's private link, and goes back to the page (303).
func (s *Server) handleReporterAnswer(w http.ResponseWriter, r *http.Request) error {
	id, err := s.openLink(r, "report")
	if err != nil {
		return err
	}
	who := reporter(r)
	who.Private = true
	text := strings.TrimSpace(r.PostFormValue("text"))
	if _, err := s.Intel.AddInfo(r.Context(), id, who, text, nil); err != nil {
		if code := shopguard.ErrorCode(err); code != shopguard.EINVALID && code != shopguard.ECONFLICT {
			return err
		}
		return s.renderReporter(w, r, id, statusOf(shopguard.ErrorCode(err)), reporterPage{Text: text, Error: s.sayError(r, err, reporterLabels)})
	}
	http.Redirect(w, r, r.URL.Path+"?sent=1", http.StatusSeeOther)
	return nil
}

// handleAppealLinkPage reopens an appeal through its private link: where it stands and, while
// it waits for proof, what to publish and the button to check it.
func (s *Server) handleAppealLinkPage(w http.ResponseWriter, r *http.Request) error {
	id, err := s.openLink(r, "appeal")
	if err != nil {
		return err
	}
	a, err := s.Store.AppealByID(r.Context(), id)
	if err != nil {
		return err
	}
	ans := answerOf(a)
	ans.Link = s.absolute(r, r.URL.Path)
	s.render(w, r, http.StatusOK, "appeal", "appeal.title", appealForm{Kinds: shopguard.Kinds, Appeal: *a, Filed: &ans, Verified: a.Verified})
	return nil
}

// withAppealLink sets the private link of an appeal's answer, as a URL to keep.
func (s *Server) withAppealLink(r *http.Request, ans *appealAnswer) error {
	link, err := s.privateLink(r.Context(), "appeal", ans.ID)
	if err != nil {
		return err
	}
	ans.Link = s.absolute(r, link)
	return nil
}

// reportLink returns the private link of a report just filed, as a URL to keep.
func (s *Server) reportLink(r *http.Request, id int64) (string, error) {
	link, err := s.privateLink(r.Context(), "report", id)
	if err != nil {
		return "", err
	}
	return s.absolute(r, link), nil
}
