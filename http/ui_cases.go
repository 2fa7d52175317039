package http

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
	"github.com/shopguard/shopguard/knowledge"
)

// caseForm is the data of the triage questionnaire.
type caseForm struct {
	Culprits []shopguard.Culprit
	Payments []shopguard.Payment
	Evidence []shopguard.EvidenceKind
	Values   map[string]string
	Checked  map[string]bool
	Error    string
	ErrField string
	Deleted  bool
}

func newCaseForm() caseForm {
	return caseForm{Culprits: shopguard.Culprits, Payments: shopguard.Payments, Evidence: shopguard.EvidenceKinds,
		Values: map[string]string{}, Checked: map[string]bool{}}
}

// formFromTriage fills the questionnaire with a case's answers.
func formFromTriage(t shopguard.Triage) caseForm {
	f := newCaseForm()
	for k, v := range map[string]string{"what": t.What, "culprit": string(t.Culprit), "payment": string(t.Payment),
		"paid_on": t.PaidOn, "noticed_on": t.NoticedOn, "platform": t.Platform, "site_url": t.SiteURL,
		"counterparty": t.Counterparty, "seller_location": t.SellerLocation, "order_ref": t.OrderRef} {
		f.Values[k] = v
	}
	if t.AmountFen > 0 {
		f.Values["amount"] = shopguard.FormatFen(t.AmountFen)
	}
	for _, k := range t.Evidence {
		f.Checked["evidence."+string(k)] = true
	}
	f.Checked["arbitration"] = t.Arbitration
	return f
}

// newCasePage is the data of the new-case page.
type newCasePage struct {
	Form caseForm
}

func (s *Server) handleNewCasePage(w http.ResponseWriter, r *http.Request) error {
	f := newCaseForm()
	f.Deleted = r.URL.Query().Get("deleted") == "1"
	s.render(w, r, http.StatusOK, "case_new", "case.new.title", newCasePage{f})
	return nil
}

// triageFromForm reads the questionnaire.
func triageFromForm(r *http.Request, f *caseForm) (shopguard.Triage, error) {
	if err := r.ParseForm(); err != nil {
		return shopguard.Triage{}, shopguard.Invalid("", "unreadable form: %v", err)
	}
	for _, k := range []string{"what", "culprit", "payment", "amount", "paid_on", "noticed_on", "platform", "site_url", "counterparty", "seller_location", "order_ref"} {
		f.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	t := shopguard.Triage{What: f.Values["what"], Culprit: shopguard.Culprit(f.Values["culprit"]), Payment: shopguard.Payment(f.Values["payment"]),
		PaidOn: f.Values["paid_on"], NoticedOn: f.Values["noticed_on"], Platform: f.Values["platform"], SiteURL: f.Values["site_url"],
		Counterparty: f.Values["counterparty"], SellerLocation: f.Values["seller_location"], OrderRef: f.Values["order_ref"],
		Arbitration: r.PostFormValue("arbitration") == "on"}
	f.Checked["arbitration"] = t.Arbitration
	for _, k := range r.PostForm["evidence"] {
		t.Evidence = append(t.Evidence, shopguard.EvidenceKind(k))
		f.Checked["evidence."+k] = true
	}
	fen, err := shopguard.ParseYuan(f.Values["amount"])
	t.AmountFen = fen
	return t, err
}

// caseCreated is the data of the page shown once after a case is made: its key.
type caseCreated struct {
	ID, Key, URL string
}

func (s *Server) handleCreateCaseForm(w http.ResponseWriter, r *http.Request) error {
	f := newCaseForm()
	t, err := triageFromForm(r, &f)
	var c *shopguard.Case
	var key string
	if err == nil {
		c, key, err = s.newCase(r, stateOf(r).lang, t)
	}
	if shopguard.ErrorCode(err) == shopguard.EINVALID {
		f.Error, f.ErrField = s.sayError(r, err, caseLabels), shopguard.ErrorField(err)
		s.render(w, r, http.StatusBadRequest, "case_new", "case.new.title", newCasePage{f})
		return nil
	}
	if err != nil {
		return err
	}
	s.setCaseCookie(w, c.ID, key, 365*24*3600)
	// See Other: a reload shows the new case again instead of making another.
	http.Redirect(w, r, caseURL(c.ID)+"/created", http.StatusSeeOther)
	return nil
}

// handleCaseCreatedPage shows a new case's key to the browser that holds it (in its case
// cookie), so that the victim can write it down.
func (s *Server) handleCaseCreatedPage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	d := caseCreated{ID: c.ID, URL: caseURL(c.ID)}
	if ck, err := r.Cookie(caseCookiePrefix + c.ID); err == nil && casework.KeyOpens(c, ck.Value) {
		d.Key = ck.Value
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "case_created", "case.created.title", d)
	return nil
}

// myCase is one case of the "My cases" list.
type myCase struct {
	Case *shopguard.Case
	URL  string
}

// myCasesPage is the data of the "My cases" page: the cases this browser holds the keys of
// and, signed in, the account's.
type myCasesPage struct {
	Cases   []myCase
	Deleted bool
}

// handleMyCasesPage lists the cases this browser can open: those whose keys its cookies
// hold and the signed-in owner's, newest first, each one click away.
func (s *Server) handleMyCasesPage(w http.ResponseWriter, r *http.Request) error {
	d := myCasesPage{Deleted: r.URL.Query().Get("deleted") == "1"}
	seen := map[string]bool{}
	add := func(c *shopguard.Case) {
		if !seen[c.ID] {
			seen[c.ID] = true
			d.Cases = append(d.Cases, myCase{Case: c, URL: caseURL(c.ID)})
		}
	}
	for _, ck := range r.Cookies() {
		id, ok := strings.CutPrefix(ck.Name, caseCookiePrefix)
		if !ok || !shopguard.ValidCaseID(id) || len(seen) >= maxBrowserCases {
			continue
		}
		c, err := s.Store.CaseByID(r.Context(), id)
		if shopguard.ErrorCode(err) == shopguard.ENOTFOUND {
			continue
		}
		if err != nil {
			return err
		}
		if casework.KeyOpens(c, ck.Value) {
			add(c)
		}
	}
	if p := principalOf(r); p.User != nil && (p.Key == nil || p.Key.Has(shopguard.ScopeReport)) {
		owned, err := s.Store.ListCases(r.Context(), p.User.ID)
		if err != nil {
			return err
		}
		for _, c := range owned {
			add(c)
		}
	}
	slices.SortFunc(d.Cases, func(a, b myCase) int { return b.Case.CreatedAt.Compare(a.Case.CreatedAt) })
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, "cases", "case.mine.title", d)
	return nil
}

// maxBrowserCases bounds the case cookies one request is read for.
const maxBrowserCases = 50

// casePage is the data of a case's page.
type casePage struct {
	*caseView
	Statuses  map[string]*shopguard.ChannelStatus
	States    []shopguard.ChannelState
	Documents []string
	Error     string
	Uploaded  bool
	// Owner is false for a reader who came with the share link: the page offers no changes.
	Owner bool
	// Shared is whether a share link is active; ShareURL is a new link, shown once.
	Shared   bool
	ShareURL string
	// Form holds the triage answers, to change them.
	Form caseForm
	// FileLimit, CaseLimit and FilesLimit are the evidence limits, for the upload form.
	FileLimit, CaseLimit, FilesLimit string
	caseReportForm
}

// caseReportForm is the case page's form that turns the case into a community report.
type caseReportForm struct {
	identifierRows
	ScamTypes   []knowledge.ScamType
	ScamType    string          // the type selected: as sent, else proposed from the triage
	Picked      map[string]bool // the case's files ticked, by SHA-256
	Consent     bool
	ReportError string
}

// newCaseReportForm fills the report form of case c: as sent (req), or fresh with the scam
// type proposed from the triage.
func (s *Server) newCaseReportForm(c *shopguard.Case, req *casework.ReportRequest) caseReportForm {
	if req == nil {
		req = &casework.ReportRequest{ScamType: casework.ProposeScamType(c.Triage)}
	}
	f := caseReportForm{identifierRows: newIdentifierRows(req.Identifiers), ScamTypes: s.Knowledge.ScamTypes, ScamType: req.ScamType,
		Picked: map[string]bool{}, Consent: req.Consent}
	for _, sum := range req.Evidence {
		f.Picked[sum] = true
	}
	return f
}

// renderCase renders the case page to its owner with an error message.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, status int, c *shopguard.Case, errMsg string) error {
	return s.renderCaseAs(w, r, status, c, casePage{Error: errMsg, Owner: true})
}

// renderCaseAs renders the case page, p carrying what the request adds (an error, a new share
// link, whether the reader is the owner). It writes nothing if it returns an error.
func (s *Server) renderCaseAs(w http.ResponseWriter, r *http.Request, status int, c *shopguard.Case, p casePage) error {
	v, err := s.viewCase(r, c, stateOf(r).lang)
	if err != nil {
		return err
	}
	if p.Form.Values == nil {
		p.Form = formFromTriage(c.Triage)
	}
	if p.ScamTypes == nil {
		p.caseReportForm = s.newCaseReportForm(c, nil)
	}
	p.caseView, p.Statuses, p.States, p.Documents = v, map[string]*shopguard.ChannelStatus{}, shopguard.ChannelStates, casework.Documents
	l := s.evidenceLimits()
	p.FileLimit, p.CaseLimit, p.FilesLimit = mib(l.FileSize), mib(l.CaseSize), strconv.Itoa(l.Files)
	p.Uploaded, p.Shared = r.URL.Query().Get("uploaded") == "1", p.Shared || len(c.ShareHash) > 0
	for _, st := range v.Channels {
		p.Statuses[st.Channel] = st
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "case", "case.title", p)
	return nil
}

func (s *Server) handleCasePage(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if tok := r.URL.Query().Get("share"); tok != "" && shopguard.ValidCaseID(id) {
		// A share link: keep the token in a cookie and take it out of the address bar.
		http.SetCookie(w, &http.Cookie{Name: shareCookiePrefix + id, Value: tok, Path: "/", MaxAge: 30 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.Config.SecureCookies})
		http.Redirect(w, r, caseURL(id), http.StatusSeeOther)
		return nil
	}
	c, owner, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	p := casePage{Owner: owner}
	if ck, err := r.Cookie(newShareCookie); err == nil && owner && strings.Contains(ck.Value, caseURL(c.ID)+"?share=") {
		p.ShareURL, p.Shared = ck.Value, true
		http.SetCookie(w, &http.Cookie{Name: newShareCookie, Path: caseURL(c.ID), MaxAge: -1})
	}
	return s.renderCaseAs(w, r, http.StatusOK, c, p)
}

func (s *Server) handleTriageForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	f := newCaseForm()
	t, err := triageFromForm(r, &f)
	if err == nil {
		err = s.Store.UpdateTriage(r.Context(), c.ID, t, time.Now())
	}
	if shopguard.ErrorCode(err) == shopguard.EINVALID {
		f.Error, f.ErrField = s.sayError(r, err, caseLabels), shopguard.ErrorField(err)
		return s.renderCaseAs(w, r, http.StatusBadRequest, c, casePage{Owner: true, Error: f.Error, Form: f})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, caseURL(c.ID)+"#next", http.StatusSeeOther)
	return nil
}

func (s *Server) handleShareForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	a, err := s.share(r, c)
	if err != nil {
		return err
	}
	scheme := "http"
	if r.TLS != nil || s.Config.SecureCookies {
		scheme = "https"
	}
	// The link is shown once, on the page this answer sends the browser to: it waits in a
	// cookie for that page only, for a few minutes.
	http.SetCookie(w, &http.Cookie{Name: newShareCookie, Value: scheme + "://" + r.Host + a.URL, Path: caseURL(c.ID), MaxAge: 300,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: s.Config.SecureCookies})
	http.Redirect(w, r, caseURL(c.ID)+"#share", http.StatusSeeOther)
	return nil
}

// newShareCookie carries a new share link from the share form to the case page that shows it.
const newShareCookie = "sg_new_share"

func (s *Server) handleUnshareForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.unshare(r)
	if err != nil {
		return err
	}
	http.Redirect(w, r, caseURL(c.ID)+"#share", http.StatusSeeOther)
	return nil
}

func (s *Server) handleReportCaseForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return shopguard.Invalid("", "unreadable form: %v", err)
	}
	req := casework.ReportRequest{Consent: r.PostFormValue("consent") == "on", ScamType: r.PostFormValue("scam_type"),
		Identifiers: identifiersFromForm(r.PostForm), Evidence: r.PostForm["evidence"]}
	_, err = s.reportCase(r, c, req)
	switch code := shopguard.ErrorCode(err); code {
	case "":
		http.Redirect(w, r, caseURL(c.ID)+"#report", http.StatusSeeOther)
	case shopguard.EINVALID, shopguard.ECONFLICT, shopguard.ERATELIMIT:
		f := s.newCaseReportForm(c, &req)
		f.ReportError, f.Field = s.sayError(r, err, caseReportLabels), shopguard.ErrorField(err)
		return s.renderCaseAs(w, r, statusOf(code), c, casePage{Owner: true, caseReportForm: f})
	default:
		return err
	}
	return nil
}

func (s *Server) handleEvidenceForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	if _, err := s.addEvidence(r, c); err != nil {
		if code := shopguard.ErrorCode(err); code == shopguard.EINTERNAL || code == shopguard.EUNAVAILABLE {
			return err
		}
		// Read what is left of the upload (the body is capped) so that the browser, still
		// sending, gets the case page back instead of a broken connection.
		io.Copy(io.Discard, r.Body)
		msg := s.sayError(r, err, caseLabels)
		if shopguard.ErrorCode(err) == shopguard.ETOOLARGE {
			l := s.evidenceLimits()
			msg = page{cat: s.ui.catalogs[stateOf(r).lang]}.Tf("case.evidence.too_large", "file", mib(l.FileSize), "case", mib(l.CaseSize), "files", strconv.Itoa(l.Files))
		}
		return s.renderCase(w, r, statusOf(shopguard.ErrorCode(err)), c, msg)
	}
	http.Redirect(w, r, caseURL(c.ID)+"?uploaded=1#evidence", http.StatusSeeOther)
	return nil
}

func (s *Server) handleStatusForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	req := statusRequest{State: shopguard.ChannelState(r.PostFormValue("state")), Reference: strings.TrimSpace(r.PostFormValue("reference")),
		Notes: strings.TrimSpace(r.PostFormValue("notes")), FollowUp: strings.TrimSpace(r.PostFormValue("follow_up"))}
	if _, err := s.setStatus(r, c, r.PathValue("channel"), req); err != nil {
		if shopguard.ErrorCode(err) == shopguard.EINVALID {
			return s.renderCase(w, r, http.StatusBadRequest, c, s.sayError(r, err, caseLabels))
		}
		return err
	}
	http.Redirect(w, r, caseURL(c.ID)+"#track-"+r.PathValue("channel"), http.StatusSeeOther)
	return nil
}

// deletePage is the data of the page that asks before a case is deleted.
type deletePage struct {
	ID, Package string
	Evidence    int
	Error       bool
}

// handleDeleteCasePage is the first step of deleting a case: it says what goes, offers the
// evidence package to keep, and asks for a deliberate confirmation.
func (s *Server) handleDeleteCasePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDeletePage(w, r, http.StatusOK, false)
}

func (s *Server) renderDeletePage(w http.ResponseWriter, r *http.Request, status int, failed bool) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	ev, err := s.Store.ListEvidence(r.Context(), c.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, status, "case_delete", "case.delete.heading",
		deletePage{ID: c.ID, Package: "/api/v1/cases/" + c.ID + "/package.zip", Evidence: len(ev), Error: failed})
	return nil
}

// handleDeleteCaseForm is the second step: it deletes only with the confirmation ticked.
func (s *Server) handleDeleteCaseForm(w http.ResponseWriter, r *http.Request) error {
	if r.PostFormValue("confirm") != "on" {
		return s.renderDeletePage(w, r, http.StatusBadRequest, true)
	}
	if err := s.deleteCase(w, r); err != nil {
		return err
	}
	http.Redirect(w, r, "/cases?deleted=1", http.StatusSeeOther)
	return nil
}

// openForm is the data of the page where a case key is entered.
type openForm struct {
	ID, Error string
}

func (s *Server) handleOpenCasePage(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, "case_open", "case.open.title", openForm{ID: r.URL.Query().Get("id")})
	return nil
}

func (s *Server) handleOpenCaseForm(w http.ResponseWriter, r *http.Request) error {
	f := openForm{ID: strings.TrimSpace(r.PostFormValue("id"))}
	key := strings.TrimSpace(r.PostFormValue("key"))
	if shopguard.ValidCaseID(f.ID) {
		c, err := s.Store.CaseByID(r.Context(), f.ID)
		if err == nil && casework.KeyOpens(c, key) {
			s.setCaseCookie(w, c.ID, key, 365*24*3600)
			http.Redirect(w, r, caseURL(c.ID), http.StatusSeeOther)
			return nil
		}
		if err != nil && shopguard.ErrorCode(err) != shopguard.ENOTFOUND {
			return err
		}
	}
	f.Error = "case.open.failed"
	s.render(w, r, http.StatusNotFound, "case_open", "case.open.title", f)
	return nil
}

// mib writes a size in bytes as the MB a person reads (1 MB = 1 MiB here).
func mib(n int64) string { return strconv.FormatInt(n>>20, 10) + " MB" }
