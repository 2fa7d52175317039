package http

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/budget"
	"github.com/shopguard/shopguard/internal/every"
)

// reportBodyLimit caps a report with its evidence files (each at most
// shopguard.MaxEvidenceSize); every other request keeps Config.MaxBodyBytes.
const reportBodyLimit = 32 << 20

// bodyLimit returns the body limit of a request: larger for filing a report with evidence.
func (s *Server) bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && (r.URL.Path == "/api/v1/reports" || r.URL.Path == "/report" || strings.HasSuffix(r.URL.Path, "/info")) {
		return max(reportBodyLimit, s.Config.MaxBodyBytes)
	}
	return s.Config.MaxBodyBytes
}

// StartIntel loads the community reputation index from the store and keeps it following the
// change sequence until ctx ends, so that what other nodes change shows here within seconds.
func (s *Server) StartIntel(ctx context.Context) error {
	secret, err := s.Store.Secret(ctx, "sources")
	if err != nil {
		return err
	}
	s.Intel.Secret = secret
	s.Intel.Blobs = s.Blobs
	if err := s.Intel.Start(ctx); err != nil {
		return err
	}
	go s.Intel.Follow(ctx, 2*time.Second)
	go s.Intel.PurgeEvery(ctx, time.Hour)
	if s.Intel.CachePath != "" {
		go s.saveCacheEvery(ctx, 10*time.Minute)
	}
	return nil
}

// saveCacheEvery writes the index cache every interval until ctx ends (Close writes it once
// more), so that a restart reads one file and replays only the last changes.
func (s *Server) saveCacheEvery(ctx context.Context, interval time.Duration) {
	every.Tick(ctx, interval, false, func() {
		if err := s.Intel.SaveCache(); err != nil {
			s.Logger.Error("intel: save index cache", "err", err)
		}
	})
}

// reporter says who is filing: the signed-in account, if any, and the client's address.
func reporter(r *http.Request) intel.Reporter {
	st := stateOf(r)
	var who intel.Reporter
	if u := st.principal.User; u != nil {
		who.UserID, who.Role = u.ID, u.Role
	}
	who.IP, _ = netip.ParseAddr(st.clientIP)
	return who
}

// evidenceUpload is an evidence file sent in JSON.
type evidenceUpload struct {
	Name          string `json:"name"`
	ContentBase64 string `json:"content_base64"`
}

// reportRequest is the body of POST /api/v1/reports.
type reportRequest struct {
	ScamType    string                 `json:"scam_type"`
	Identifiers []shopguard.Identifier `json:"identifiers"`
	Platform    string                 `json:"platform"`
	Amount      string                 `json:"amount"`
	Currency    string                 `json:"currency"`
	Money       *shopguard.Money       `json:"money"` // the same as amount and currency, in one
	OccurredOn  string                 `json:"occurred_on"`
	Narrative   string                 `json:"narrative"`
	Evidence    []evidenceUpload       `json:"evidence"`
}

// canReport refuses a signed-in caller whose role or key does not allow reporting; anonymous
// callers may report, and weigh little. Routes that only report say so in accessTable; a case
// route, open to its key holder, checks it here.
func canReport(r *http.Request) error {
	if p := principalOf(r); p.User != nil && !p.Can(shopguard.ScopeReport) {
		return shopguard.Errorf(shopguard.EFORBIDDEN, "this needs the report permission")
	}
	return nil
}

func (s *Server) handleCreateReport(w http.ResponseWriter, r *http.Request) error {
	var req reportRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rep := &shopguard.Report{ScamType: req.ScamType, Identifiers: req.Identifiers, Platform: req.Platform, Amount: req.Amount,
		Currency: req.Currency, OccurredOn: req.OccurredOn, Narrative: req.Narrative}
	if m := req.Money; m != nil {
		if (req.Amount != "" && req.Amount != m.Amount) || (req.Currency != "" && req.Currency != m.Currency) {
			return shopguard.Invalid("money", "money and amount/currency disagree: send money alone")
		}
		rep.Amount, rep.Currency = m.Amount, m.Currency
	}
	files, err := decodeEvidence(req.Evidence)
	if err != nil {
		return err
	}
	if err := s.submit(r, rep, files); err != nil {
		return err
	}
	link, err := s.reportLink(r, rep.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": rep.ID, "status": rep.Status, "link": link})
	return nil
}

// evidenceFile is an uploaded file checked under the report's rules, not yet kept.
type evidenceFile struct {
	meta shopguard.Evidence
	data []byte
}

// decodeEvidence decodes and checks evidence files sent in JSON, keeping none.
func decodeEvidence(files []evidenceUpload) ([]evidenceFile, error) {
	if len(files) > shopguard.MaxEvidence {
		return nil, shopguard.Invalid("evidence", "at most %d files per report, got %d", shopguard.MaxEvidence, len(files))
	}
	var out []evidenceFile
	for i, e := range files {
		data, err := base64.StdEncoding.DecodeString(e.ContentBase64)
		if err != nil {
			return nil, shopguard.Invalid("evidence["+strconv.Itoa(i)+"].content_base64", "not base64: %v", err)
		}
		f, err := checkEvidence(e.Name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// checkEvidence checks one file under the report's rules.
func checkEvidence(name string, data []byte) (evidenceFile, error) {
	meta, err := intel.CheckEvidence(name, data)
	return evidenceFile{meta: meta, data: data}, err
}

// submit files a report with its files: the report is checked and admitted (validation, rate
// limits) first, then the client's disk quota is taken and the files are kept, then the
// report is stored. A report refused at any step keeps no file.
func (s *Server) submit(r *http.Request, rep *shopguard.Report, files []evidenceFile) error {
	for _, f := range files {
		rep.Evidence = append(rep.Evidence, f.meta)
	}
	return s.Intel.SubmitWith(r.Context(), rep, reporter(r), func(ctx context.Context, rep *shopguard.Report) error {
		if err := s.keep(r, files); err != nil {
			return err
		}
		return s.Store.CreateReport(ctx, rep)
	})
}

// keep stores checked files within the client's disk quota.
func (s *Server) keep(r *http.Request, files []evidenceFile) error {
	if len(files) == 0 {
		return nil
	}
	if s.Blobs == nil {
		return shopguard.Errorf(shopguard.EUNAVAILABLE, "this server takes no evidence files")
	}
	var n int64
	for _, f := range files {
		n += int64(len(f.data))
	}
	if err := s.takeDisk(r, n); err != nil {
		return err
	}
	for _, f := range files {
		if _, _, err := s.Blobs.Put(r.Context(), bytes.NewReader(f.data), shopguard.MaxEvidenceSize); err != nil {
			return fmt.Errorf("http: keep evidence: %w", err)
		}
	}
	return nil
}

func (s *Server) handleListReports(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := shopguard.ReportFilter{Status: shopguard.ReportStatus(q.Get("status"))}
	if f.Status == "" && q.Get("status") == "" {
		f.Status = shopguard.ReportPending
	}
	if q.Get("status") == "all" {
		f.Status = ""
	} else if f.Status != "" && !validStatus(f.Status) {
		return shopguard.Invalid("status", "unknown status %q", f.Status)
	}
	var err error
	if f.AfterID, err = intParam(q.Get("after"), "after"); err != nil {
		return err
	}
	limit, err := intParam(q.Get("limit"), "limit")
	if err != nil {
		return err
	}
	f.Limit = int(limit)
	reports, err := s.Store.ListReports(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": nonNil(reports)})
	return nil
}

func validStatus(st shopguard.ReportStatus) bool {
	for _, s := range shopguard.ReportStatuses {
		if s == st {
			return true
		}
	}
	return false
}

func intParam(v, name string) (int64, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, shopguard.Invalid(name, "a whole number, got %q", v)
	}
	return n, nil
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, shopguard.Invalid("id", "an id is a positive whole number, got %q", r.PathValue("id"))
	}
	return id, nil
}

func (s *Server) handleGetReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	rep, err := s.Store.ReportByID(r.Context(), id)
	if err != nil {
		return err
	}
	audit, err := s.Store.AuditLog(r.Context(), "report:"+strconv.FormatInt(id, 10), 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"report": rep, "audit": nonNil(audit)})
	return nil
}

// handleReportInfo lets a reporter answer a moderator who asked for more.
func (s *Server) handleReportInfo(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req struct {
		Text     string           `json:"text"`
		Evidence []evidenceUpload `json:"evidence"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	files, err := decodeEvidence(req.Evidence)
	if err != nil {
		return err
	}
	// only the reporter of a report a moderator asked about may add to it: known before any
	// file is kept (the store checks again)
	if len(files) > 0 {
		if prev, err := s.Store.ReportByID(r.Context(), id); err != nil {
			return err
		} else if prev.ReporterID != principalOf(r).User.ID || prev.Status != shopguard.ReportNeedsInfo {
			return shopguard.Errorf(shopguard.EFORBIDDEN, "only the reporter may add to a report a moderator asked about")
		}
	}
	if err := s.keep(r, files); err != nil {
		return err
	}
	var evidence []shopguard.Evidence
	for _, f := range files {
		evidence = append(evidence, f.meta)
	}
	rep, err := s.Intel.AddInfo(r.Context(), id, reporter(r), req.Text, evidence)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": rep.ID, "status": rep.Status})
	return nil
}

// handleMyReports lists the signed-in user's own reports and where they stand.
func (s *Server) handleMyReports(w http.ResponseWriter, r *http.Request) error {
	after, err := intParam(r.URL.Query().Get("after"), "after")
	if err != nil {
		return err
	}
	reports, err := s.Store.ListReports(r.Context(), shopguard.ReportFilter{ReporterID: principalOf(r).User.ID, AfterID: after, Limit: 100})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reports": nonNil(reports)})
	return nil
}

// decisionRequest is the body of POST /api/v1/reports/{id}/decision.
type decisionRequest struct {
	Action    shopguard.Action `json:"action"`
	Reason    string           `json:"reason"`
	MergeInto int64            `json:"merge_into"`
}

func (s *Server) handleDecideReport(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var req decisionRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rep, err := s.Intel.Decide(r.Context(), shopguard.Decision{ReportID: id, Action: req.Action, Reason: req.Reason, MergeInto: req.MergeInto, ModeratorID: principalOf(r).User.ID})
	if err != nil {
		return err
	}
	if req.Action == shopguard.ActionDelete {
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) error {
	limit, err := intParam(r.URL.Query().Get("limit"), "limit")
	if err != nil {
		return err
	}
	log, err := s.Store.AuditLog(r.Context(), r.URL.Query().Get("subject"), int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"audit": nonNil(log)})
	return nil
}

// lookup answers what is known of an identifier as the caller may see it: moderators see
// everything, everyone else no unconfirmed report as a finding (see Indicator.Public).
func (s *Server) lookup(r *http.Request, kind shopguard.Kind, value string) (shopguard.Indicator, error) {
	in, err := s.Intel.Lookup(kind, value)
	if err != nil || principalOf(r).Can(shopguard.ScopeModerate) {
		return in, err
	}
	return in.Public(s.Config.PublicPending), nil
}

func (s *Server) handleIndicator(w http.ResponseWriter, r *http.Request) error {
	in, err := s.lookup(r, shopguard.Kind(r.PathValue("kind")), r.PathValue("value"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, in)
	return nil
}

// handleIndicatorReports shows moderators everything about an identifier: its stored
// reputation (reports by status, money lost, "not a scam" voices) and every report naming it.
func (s *Server) handleIndicatorReports(w http.ResponseWriter, r *http.Request) error {
	id, err := ident.Parse(shopguard.Kind(r.PathValue("kind")), r.PathValue("value"))
	if err != nil {
		return err
	}
	rep, err := s.Store.ReputationOf(r.Context(), id)
	if shopguard.ErrorCode(err) == shopguard.ENOTFOUND {
		rep, err = &shopguard.Reputation{Identifier: id, ScamTypes: []string{}}, nil
	}
	if err != nil {
		return err
	}
	reports, err := s.Store.ReportsFor(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reputation": rep, "reports": nonNil(reports)})
	return nil
}

// handlePrivateLookup answers a private lookup by hash prefix. Identifiers whose values can all
// be tried (ident.LowEntropy: phone and QQ numbers, accounts…) are answered only to a signed-in
// caller or an API key, whose requests are counted and limited per user: their full hashes
// would give them away to anyone hashing every number. An anonymous caller asking for such a
// kind gets 401; for e-mail addresses and WeChat ids it gets the others only.
func (s *Server) handlePrivateLookup(w http.ResponseWriter, r *http.Request) error {
	kind := shopguard.Kind(r.PathValue("kind"))
	known := principalOf(r).User != nil
	matches, err := s.Intel.Bucket(kind, r.PathValue("prefix"), known)
	if err != nil {
		return err
	}
	if !known && ident.LowEntropyKind(kind) {
		return shopguard.Errorf(shopguard.EUNAUTHORIZED, "a private lookup of %s needs an API key: the hashes of numbers can be reversed by trying every number; anyone may look one up by value at /api/v1/indicators/%s/{value}", kind, kind)
	}
	if !principalOf(r).Can(shopguard.ScopeModerate) {
		for i, m := range matches {
			matches[i] = m.Public(s.Config.PublicPending)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"matches": matches})
	return nil
}

func (s *Server) handleNotScam(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Kind    shopguard.Kind `json:"kind"`
		Value   string         `json:"value"`
		Comment string         `json:"comment"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := s.Intel.NotScam(r.Context(), req.Kind, req.Value, req.Comment, reporter(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// appealRequest is the body of POST /api/v1/appeals.
type appealRequest struct {
	Kind    shopguard.Kind        `json:"kind"`
	Value   string                `json:"value"`
	Reason  string                `json:"reason"`
	Contact string                `json:"contact"`
	Method  shopguard.ProofMethod `json:"method"`
}

// appealAnswer is what the appellant sees: never the contact details, and for a domain where
// to publish the token.
type appealAnswer struct {
	ID      int64                  `json:"id"`
	Status  shopguard.AppealStatus `json:"status"`
	Method  shopguard.ProofMethod  `json:"method"`
	Token   string                 `json:"token,omitempty"`
	Publish string                 `json:"publish,omitempty"`
	// Link is the appeal's private page, to come back to it (given only to who filed it).
	Link string `json:"link,omitempty"`
}

func answerOf(a *shopguard.Appeal) appealAnswer {
	ans := appealAnswer{ID: a.ID, Status: a.Status, Method: a.Method}
	if a.Status == shopguard.AppealAwaitingProof {
		ans.Token = a.Token
		switch a.Method {
		case shopguard.ProofDNS:
			ans.Publish = "TXT " + intel.ChallengeLabel + "." + a.Identifier.Value + " \"shopguard-verification=" + a.Token + "\""
		case shopguard.ProofWellKnown:
			ans.Publish = "https://" + a.Identifier.Value + intel.ChallengePath
		}
	}
	return ans
}

func (s *Server) handleCreateAppeal(w http.ResponseWriter, r *http.Request) error {
	var req appealRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	a := &shopguard.Appeal{Identifier: shopguard.Identifier{Kind: req.Kind, Value: req.Value}, Reason: req.Reason, Contact: req.Contact, Method: req.Method}
	if err := s.Intel.FileAppeal(r.Context(), a); err != nil {
		return err
	}
	ans := answerOf(a)
	if err := s.withAppealLink(r, &ans); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, ans)
	return nil
}

func (s *Server) handleVerifyAppeal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	a, err := s.Intel.ProveAppeal(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, answerOf(a))
	return nil
}

func (s *Server) handleListAppeals(w http.ResponseWriter, r *http.Request) error {
	st := shopguard.AppealStatus(r.URL.Query().Get("status"))
	if st == "" {
		st = shopguard.AppealReview
	} else if st == "all" {
		st = ""
	}
	list, err := s.Store.ListAppeals(r.Context(), st, 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"appeals": nonNil(list)})
	return nil
}

func (s *Server) handleDecideAppeal(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	// The same shape as a report's decision ({"action","reason"}); "uphold" is still read.
	var req struct {
		Action string `json:"action"`
		Uphold *bool  `json:"uphold"`
		Reason string `json:"reason"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	uphold, err := appealAction(req.Action, req.Uphold)
	if err != nil {
		return err
	}
	a, err := s.Intel.DecideAppeal(r.Context(), id, uphold, principalOf(r).User.ID, req.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// appealAction reads an appeal decision's action ("uphold" or "reject") or, from older
// clients, its "uphold" flag; given both, they must agree.
func appealAction(action string, uphold *bool) (bool, error) {
	switch {
	case action == "" && uphold != nil:
		return *uphold, nil
	case action != "uphold" && action != "reject":
		return false, shopguard.Invalid("action", "unknown action %q: want uphold or reject", action)
	case uphold != nil && *uphold != (action == "uphold"):
		return false, shopguard.Invalid("uphold", "uphold says %t but action is %s: send action alone", *uphold, action)
	}
	return action == "uphold", nil
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) error {
	f, err := intel.ParseFormat(cmpOr(r.URL.Query().Get("format"), "json"))
	if err != nil {
		return err
	}
	now := time.Now()
	var buf bytes.Buffer
	if err := intel.Export(&buf, f, intel.Records(s.Intel.Index, now), now); err != nil {
		return err
	}
	ct := map[intel.Format]string{intel.FormatCSV: "text/csv; charset=utf-8", intel.FormatJSON: "application/json", intel.FormatSTIX: "application/stix+json;version=2.1"}[f]
	w.Header().Set("Content-Type", ct)
	w.Write(buf.Bytes())
	return nil
}

func cmpOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func (s *Server) handleImport(w http.ResponseWriter, r *http.Request) error {
	f, err := intel.ParseFormat(r.URL.Query().Get("format"))
	if err != nil {
		return err
	}
	source := r.URL.Query().Get("source")
	if source == "" {
		return shopguard.Invalid("source", "name the feed the indicators come from")
	}
	reps, errs, err := intel.Import(budget.Reader(r.Context(), r.Body), f, source) // stops when the client leaves
	if err != nil {
		return err
	}
	if err := s.Intel.Import(r.Context(), reps); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"imported": len(reps), "errors": nonNil(errs)})
	return nil
}

// handleSnapshot serves the public snapshot: confirmed findings only, and no identifier of a
// kind whose values can all be tried (see intel.WriteSnapshot).
func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) error {
	var buf bytes.Buffer
	if _, err := intel.WriteSnapshot(&buf, s.Intel.Index, time.Now(), nil); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="shopguard.snapshot"`)
	w.Write(buf.Bytes())
	return nil
}
