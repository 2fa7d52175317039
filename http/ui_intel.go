package http

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/knowledge"
)

// reportForm is the data of the report page: the form as filled, the choices, and after a
// report, its id.
type reportForm struct {
	identifierRows
	ScamTypes []knowledge.ScamType
	Platforms []string
	Report    shopguard.Report
	Error     string
	FiledID   int64
	// FiledLink is the private page of the report just filed.
	FiledLink string
}

// identifierRows are the identifier rows of a report form (the report page's and the case
// page's): a kind and a value each, filled or empty, and the field an error names.
type identifierRows struct {
	Kinds []shopguard.Kind
	Rows  []shopguard.Identifier
	Field string
}

const reportRows = 3

func newIdentifierRows(ids []shopguard.Identifier) identifierRows {
	rows := append([]shopguard.Identifier(nil), ids...)
	for len(rows) < reportRows {
		rows = append(rows, shopguard.Identifier{Kind: shopguard.KindPhone})
	}
	return identifierRows{Kinds: shopguard.Kinds, Rows: rows}
}

// identifiersFromForm reads the filled identifier rows of a form (kindN, valueN).
func identifiersFromForm(f url.Values) []shopguard.Identifier {
	var ids []shopguard.Identifier
	for i := range reportRows {
		n := strconv.Itoa(i)
		if v := strings.TrimSpace(f.Get("value" + n)); v != "" {
			ids = append(ids, shopguard.Identifier{Kind: shopguard.Kind(f.Get("kind" + n)), Value: v})
		}
	}
	return ids
}

func (s *Server) newReportForm(r shopguard.Report) reportForm {
	return reportForm{identifierRows: newIdentifierRows(r.Identifiers), ScamTypes: s.Knowledge.ScamTypes, Platforms: shopguard.Platforms, Report: r}
}

func (s *Server) handleReportPage(w http.ResponseWriter, r *http.Request) error {
	rep := shopguard.Report{Currency: "CNY"}
	if k, v := r.URL.Query().Get("kind"), r.URL.Query().Get("value"); k != "" {
		rep.Identifiers = []shopguard.Identifier{{Kind: shopguard.Kind(k), Value: v}}
	}
	s.render(w, r, http.StatusOK, "report", "report.title", s.newReportForm(rep))
	return nil
}

func (s *Server) handleReportForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(8 << 20); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return shopguard.Invalid("", "unreadable form: %v", err)
	}
	f := r.Form
	rep := shopguard.Report{ScamType: f.Get("scam_type"), Platform: f.Get("platform"), Amount: strings.TrimSpace(f.Get("amount")),
		Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))), OccurredOn: f.Get("occurred_on"), Narrative: f.Get("narrative")}
	if rep.Amount == "" {
		rep.Currency = ""
	}
	rep.Identifiers = identifiersFromForm(f)
	d := s.newReportForm(rep)
	// fail shows what the reporter must fix on the form itself, and returns anything else.
	fail := func(err error) error {
		code := shopguard.ErrorCode(err)
		if code != shopguard.EINVALID && code != shopguard.ETOOLARGE && code != shopguard.ERATELIMIT {
			return err
		}
		d.Error, d.Field = s.sayError(r, err, reportLabels), shopguard.ErrorField(err)
		s.render(w, r, statusOf(code), "report", "report.title", d)
		return nil
	}
	var files []evidenceFile
	if r.MultipartForm != nil {
		for _, fh := range r.MultipartForm.File["evidence"] {
			if len(files) == shopguard.MaxEvidence {
				return fail(shopguard.Invalid("evidence", "at most %d files per report", shopguard.MaxEvidence))
			}
			file, err := fh.Open()
			if err != nil {
				return err
			}
			data, err := io.ReadAll(io.LimitReader(file, shopguard.MaxEvidenceSize+1))
			file.Close()
			if err != nil {
				return err
			}
			f, err := checkEvidence(fh.Filename, data)
			if err != nil {
				return fail(err)
			}
			files = append(files, f)
		}
	}
	if err := s.submit(r, &rep, files); err != nil {
		return fail(err)
	}
	link, err := s.reportLink(r, rep.ID)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusCreated, "report", "report.title", reportForm{FiledID: rep.ID, FiledLink: link})
	return nil
}

// lookupPage is the data of the identifier check page.
type lookupPage struct {
	Kinds  []shopguard.Kind
	Kind   shopguard.Kind
	Value  string
	Result *shopguard.Indicator
	Error  string
	Thanks bool
}

func (s *Server) handleLookupPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	d := lookupPage{Kinds: shopguard.Kinds, Kind: shopguard.Kind(q.Get("kind")), Value: strings.TrimSpace(q.Get("value")), Thanks: q.Get("thanks") != ""}
	if d.Kind == "" {
		d.Kind = shopguard.KindPhone
	}
	status := http.StatusOK
	if d.Value != "" {
		in, err := s.lookup(r, d.Kind, d.Value)
		switch shopguard.ErrorCode(err) {
		case "":
			d.Result = &in
		case shopguard.EINVALID:
			d.Error, status = s.sayError(r, err, lookupLabels), http.StatusBadRequest
		default:
			return err
		}
	}
	s.render(w, r, status, "lookup", "lookup.title", d)
	return nil
}

// handleFeedbackForm records a signed-in user's "not a scam" and goes back to the check page.
func (s *Server) handleFeedbackForm(w http.ResponseWriter, r *http.Request) error {
	kind, value := shopguard.Kind(r.PostFormValue("kind")), strings.TrimSpace(r.PostFormValue("value"))
	if err := s.Intel.NotScam(r.Context(), kind, value, r.PostFormValue("comment"), reporter(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/lookup?"+url.Values{"kind": {string(kind)}, "value": {value}, "thanks": {"1"}}.Encode(), http.StatusSeeOther)
	return nil
}

// moderationPage is the data of the moderation queue.
type moderationPage struct {
	Reports []*shopguard.Report
	Appeals []appealReview
	Audit   []auditLine
	Actions []shopguard.Action
	// Done confirms the decision just taken: a catalog key and the number it was about.
	Done, DoneID string
}

// appealReview is an appeal in the queue with what the public sees of its identifier and the
// reports on it.
type appealReview struct {
	*shopguard.Appeal
	Indicator *shopguard.Indicator
	Reports   []*shopguard.Report
}

// auditLine is an audit entry said in words: who acted (by name), the catalog key of what
// was done with the number of what it was done to, and why: a person's reason as written,
// the system's in the reader's language.
type auditLine struct {
	*shopguard.AuditEntry
	Who, Key, Number, Why string
}

// systemReason says a reason the system wrote (shopguard.Reason*) in the words of cat; ok is
// false for a reason a person wrote.
func systemReason(cat map[string]string, e *shopguard.AuditEntry) (why string, ok bool) {
	say := func(key string, pairs ...string) string { return fill(cat[key], pairs...) }
	var method, day string
	var n int64
	switch {
	case e.Action == "report.info" && e.Reason == shopguard.ReasonReporterInfo:
		return say("audit.why.report.info"), true
	case e.Action == "appeal.verify":
		if _, err := fmt.Sscanf(e.Reason, shopguard.ReasonVerifyFormat, &method); err == nil {
			return say("audit.why.appeal.verify", "method", cat["proof."+method]), true
		}
	case e.Action == "report.purge":
		if _, err := fmt.Sscanf(e.Reason, shopguard.ReasonPurgeFormat, &n, &day); err == nil {
			return say("audit.why.report.purge", "n", strconv.FormatInt(n, 10), "date", day), true
		}
	}
	return "", false
}

// decisionKeys are the confirmations a moderator sees after a decision (?done=…).
var decisionKeys = map[string]bool{"confirm": true, "reject": true, "ask_info": true, "merge": true, "delete": true, "uphold": true, "reject_appeal": true}

func (s *Server) handleModerationPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var d moderationPage
	var err error
	if done := r.URL.Query().Get("done"); decisionKeys[done] {
		if n, err := strconv.ParseInt(r.URL.Query().Get("id"), 10, 64); err == nil && n > 0 {
			d.Done, d.DoneID = "moderation.done."+done, strconv.FormatInt(n, 10)
		}
	}
	if d.Reports, err = s.Store.ListReports(ctx, shopguard.ReportFilter{Status: shopguard.ReportPending, Limit: 50}); err != nil {
		return err
	}
	appeals, err := s.Store.ListAppeals(ctx, shopguard.AppealReview, 50)
	if err != nil {
		return err
	}
	for _, a := range appeals {
		ar := appealReview{Appeal: a}
		if in, err := s.Intel.Lookup(a.Identifier.Kind, a.Identifier.Value); err == nil {
			ar.Indicator = &in
		}
		if id, err := ident.Parse(a.Identifier.Kind, a.Identifier.Value); err == nil {
			if ar.Reports, err = s.Store.ReportsFor(ctx, id); err != nil {
				return err
			}
		}
		d.Appeals = append(d.Appeals, ar)
	}
	audit, err := s.Store.AuditLog(ctx, "", 20)
	if err != nil {
		return err
	}
	users, err := s.Store.ListUsers(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name
	}
	cat := s.ui.catalogs[stateOf(r).lang]
	for _, e := range audit {
		l := auditLine{AuditEntry: e, Who: names[e.ActorID], Key: "audit." + e.Action, Why: e.Reason}
		if why, ok := systemReason(cat, e); ok {
			l.Why = why
		}
		_, l.Number, _ = strings.Cut(e.Subject, ":")
		if _, ok := cat[l.Key]; !ok {
			l.Key = "audit.other"
		}
		d.Audit = append(d.Audit, l)
	}
	d.Actions = []shopguard.Action{shopguard.ActionConfirm, shopguard.ActionReject, shopguard.ActionAskInfo, shopguard.ActionMerge, shopguard.ActionDelete}
	s.render(w, r, http.StatusOK, "moderation", "moderation.title", d)
	return nil
}

// decided sends a moderator back to the queue with a confirmation of what was decided.
func decided(w http.ResponseWriter, r *http.Request, done string, id int64) {
	http.Redirect(w, r, "/moderation?"+url.Values{"done": {done}, "id": {strconv.FormatInt(id, 10)}}.Encode(), http.StatusSeeOther)
}

func (s *Server) handleModerateReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	merge, err := intParam(strings.TrimSpace(r.PostFormValue("merge_into")), "merge_into")
	if err != nil {
		return err
	}
	d := shopguard.Decision{ReportID: id, Action: shopguard.Action(r.PostFormValue("action")), Reason: r.PostFormValue("reason"), MergeInto: merge, ModeratorID: principalOf(r).User.ID}
	if _, err := s.Intel.Decide(r.Context(), d); err != nil {
		return err
	}
	decided(w, r, string(d.Action), id)
	return nil
}

func (s *Server) handleModerateAppeal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	uphold, err := appealAction(cmpOr(r.PostFormValue("action"), r.PostFormValue("decision")), nil)
	if err != nil {
		return err
	}
	if _, err := s.Intel.DecideAppeal(r.Context(), id, uphold, principalOf(r).User.ID, r.PostFormValue("reason")); err != nil {
		return err
	}
	done := "reject_appeal"
	if uphold {
		done = "uphold"
	}
	decided(w, r, done, id)
	return nil
}

// handleReportEvidence serves a file of a community report to moderators: only a file the
// report in the path carries, so knowing a hash (a case's documents list them) opens nothing
// else. It is a download the browser never runs: the type checked at upload, an attachment,
// a sandbox.
func (s *Server) handleReportEvidence(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := s.Store.ReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	sha := r.PathValue("sha")
	i := slices.IndexFunc(rep.Evidence, func(e shopguard.Evidence) bool { return e.SHA256 == sha })
	if i < 0 || s.Blobs == nil {
		return shopguard.Errorf(shopguard.ENOTFOUND, "report %d has no evidence file %.12s", id, sha)
	}
	e := rep.Evidence[i]
	rc, err := s.Blobs.Open(r.Context(), e.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	serveEvidence(w, rc, e.MediaType, e.Name, -1)
	return nil
}

// appealForm is the data of the appeal page: the form, or after filing, what to do next.
type appealForm struct {
	Kinds    []shopguard.Kind
	Appeal   shopguard.Appeal
	Filed    *appealAnswer
	Error    string
	Field    string
	Verified bool
}

func (s *Server) handleAppealPage(w http.ResponseWriter, r *http.Request) error {
	a := shopguard.Appeal{Identifier: shopguard.Identifier{Kind: shopguard.Kind(r.URL.Query().Get("kind")), Value: r.URL.Query().Get("value")}}
	if a.Identifier.Kind == "" {
		a.Identifier.Kind = shopguard.KindDomain
	}
	s.render(w, r, http.StatusOK, "appeal", "appeal.title", appealForm{Kinds: shopguard.Kinds, Appeal: a})
	return nil
}

func (s *Server) handleAppealForm(w http.ResponseWriter, r *http.Request) error {
	a := &shopguard.Appeal{Identifier: shopguard.Identifier{Kind: shopguard.Kind(r.PostFormValue("kind")), Value: strings.TrimSpace(r.PostFormValue("value"))},
		Reason: r.PostFormValue("reason"), Contact: r.PostFormValue("contact"), Method: shopguard.ProofMethod(r.PostFormValue("method"))}
	if a.Identifier.Kind != shopguard.KindDomain {
		a.Method = ""
	}
	d := appealForm{Kinds: shopguard.Kinds, Appeal: *a}
	if err := s.Intel.FileAppeal(r.Context(), a); err != nil {
		if shopguard.ErrorCode(err) != shopguard.EINVALID {
			return err
		}
		d.Error, d.Field = s.sayError(r, err, appealLabels), shopguard.ErrorField(err)
		s.render(w, r, http.StatusBadRequest, "appeal", "appeal.title", d)
		return nil
	}
	ans := answerOf(a)
	if err := s.withAppealLink(r, &ans); err != nil {
		return err
	}
	d.Filed = &ans
	s.render(w, r, http.StatusCreated, "appeal", "appeal.title", d)
	return nil
}

func (s *Server) handleAppealVerifyForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.Intel.ProveAppeal(r.Context(), id)
	d := appealForm{Kinds: shopguard.Kinds}
	switch shopguard.ErrorCode(err) {
	case "":
		ans := answerOf(a)
		d.Filed, d.Verified = &ans, true
		s.render(w, r, http.StatusOK, "appeal", "appeal.title", d)
	case shopguard.EFORBIDDEN, shopguard.ECONFLICT:
		a, gerr := s.Store.AppealByID(r.Context(), id)
		if gerr != nil {
			return gerr
		}
		ans := answerOf(a)
		d.Filed, d.Error = &ans, s.sayError(r, err, appealLabels)
		if shopguard.ErrorCode(err) == shopguard.EFORBIDDEN {
			d.Error = page{cat: s.ui.catalogs[stateOf(r).lang]}.T("appeal.not_proven")
		}
		s.render(w, r, statusOf(shopguard.ErrorCode(err)), "appeal", "appeal.title", d)
	default:
		return err
	}
	return nil
}
