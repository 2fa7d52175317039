package http

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/casework"
)

// newCaseRequest is the body of POST /api/v1/cases.
type newCaseRequest struct {
	Lang   shopguard.Lang   `json:"lang"`
	Triage shopguard.Triage `json:"triage"`
}

func (s *Server) handleAPICreateCase(w http.ResponseWriter, r *http.Request) error {
	var req newCaseRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Lang == "" {
		req.Lang = stateOf(r).lang
	}
	c, key, err := s.newCase(r, req.Lang, req.Triage)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cases/"+c.ID)
	writeJSON(w, http.StatusCreated, map[string]string{"id": c.ID, "key": key, "url": caseURL(c.ID)})
	return nil
}

func (s *Server) handleAPICase(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	lang, err := reqLang(r, c)
	if err != nil {
		return err
	}
	v, err := s.viewCase(r, c, lang)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) handleAPIUpdateTriage(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	var t shopguard.Triage
	if err := decodeJSON(r, &t); err != nil {
		return err
	}
	if err := s.Store.UpdateTriage(r.Context(), c.ID, t, time.Now()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.planner.Plan(t, c.Lang, time.Now()))
	return nil
}

func (s *Server) handleAPIDeleteCase(w http.ResponseWriter, r *http.Request) error {
	if err := s.deleteCase(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deleteCase deletes the owner's case with its files and forgets its cookie.
func (s *Server) deleteCase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	v, err := s.vault()
	if err != nil {
		return err
	}
	if err := v.Delete(r.Context(), c.ID); err != nil {
		return err
	}
	s.packages.forget(c.ID)
	s.setCaseCookie(w, c.ID, "", -1)
	return nil
}

func (s *Server) handleAPIPlan(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	lang, err := reqLang(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.planner.Plan(c.Triage, lang, time.Now()))
	return nil
}

func (s *Server) handleAPIAddEvidence(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	e, err := s.addEvidence(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

func (s *Server) handleAPIListEvidence(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	ev, err := s.Store.ListEvidence(r.Context(), c.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"evidence": ev})
	return nil
}

// handleEvidenceFile sends one evidence file back, always as a download: it is the victim's
// upload and must never render in the site's origin.
func (s *Server) handleEvidenceFile(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	noItem := shopguard.Errorf(shopguard.ENOTFOUND, "no evidence item %q in this case", r.PathValue("seq"))
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil || seq < 1 {
		return noItem
	}
	ev, err := s.Store.ListEvidence(r.Context(), c.ID)
	if err != nil {
		return err
	}
	if seq > len(ev) {
		return noItem
	}
	e := ev[seq-1]
	v, err := s.vault()
	if err != nil {
		return err
	}
	rc, err := v.Blobs.Open(r.Context(), e.SHA256)
	if err != nil {
		return err
	}
	defer rc.Close()
	serveEvidence(w, rc, e.Type, e.Name, e.Size)
	return nil
}

func (s *Server) handleAPIDocument(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	lang, err := reqLang(r, c)
	if err != nil {
		return err
	}
	ev, err := s.Store.ListEvidence(r.Context(), c.ID)
	if err != nil {
		return err
	}
	var body []byte
	var ct string
	err = s.work(r, s.buildGate, func(context.Context) (err error) {
		body, ct, err = document(c, ev, r.PathValue("file"), lang)
		return err
	})
	if err != nil {
		return err
	}
	name, ext, _ := strings.Cut(r.PathValue("file"), ".")
	attachment(w, ct, name+"."+string(lang)+"."+ext)
	w.Write(body)
	return nil
}

func (s *Server) handleAPIPackage(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	return s.writePackage(w, r, c)
}

func (s *Server) handleAPIVerifyCase(w http.ResponseWriter, r *http.Request) error {
	c, _, err := s.caseForReading(r)
	if err != nil {
		return err
	}
	v, err := s.vault()
	if err != nil {
		return err
	}
	rep, err := v.Verify(r.Context(), c.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"intact": rep.OK(), "report": rep})
	return nil
}

// statusRequest is the body of PUT /api/v1/cases/{id}/channels/{channel}.
type statusRequest struct {
	State     shopguard.ChannelState `json:"state"`
	Reference string                 `json:"reference"`
	Notes     string                 `json:"notes"`
	FollowUp  string                 `json:"follow_up"`
}

// setStatus records where a case stands with a channel of its plan.
func (s *Server) setStatus(r *http.Request, c *shopguard.Case, channel string, req statusRequest) (*shopguard.ChannelStatus, error) {
	if _, ok := s.Knowledge.Channel(channel); !ok {
		return nil, shopguard.Invalid("channel", "unknown channel %q", channel)
	}
	st := &shopguard.ChannelStatus{CaseID: c.ID, Channel: channel, State: req.State, Reference: req.Reference, Notes: req.Notes, FollowUp: req.FollowUp}
	if err := s.Store.SetChannelStatus(r.Context(), st); err != nil {
		return nil, err
	}
	return st, nil
}

func (s *Server) handleAPISetStatus(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	var req statusRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	st, err := s.setStatus(r, c, r.PathValue("channel"), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// dueDay is the day asked for with ?day=, else today (UTC).
func dueDay(r *http.Request) (string, error) {
	day := r.URL.Query().Get("day")
	if day == "" {
		return time.Now().UTC().Format("2006-01-02"), nil
	}
	_, err := shopguard.ParseDate("day", day)
	return day, err
}

func (s *Server) handleAPICaseFollowUps(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	return s.writeFollowUps(w, r, []string{c.ID})
}

// handleAPIFollowUps lists the due follow-ups of all the signed-in user's cases.
func (s *Server) handleAPIFollowUps(w http.ResponseWriter, r *http.Request) error {
	cases, err := s.Store.ListCases(r.Context(), principalOf(r).User.ID)
	if err != nil {
		return err
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return s.writeFollowUps(w, r, ids)
}

func (s *Server) writeFollowUps(w http.ResponseWriter, r *http.Request, ids []string) error {
	day, err := dueDay(r)
	if err != nil {
		return err
	}
	due, err := s.Store.DueFollowUps(r.Context(), ids, day)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"day": day, "due": due})
	return nil
}

// handleAPICases lists the signed-in user's cases.
func (s *Server) handleAPICases(w http.ResponseWriter, r *http.Request) error {
	cases, err := s.Store.ListCases(r.Context(), principalOf(r).User.ID)
	if err != nil {
		return err
	}
	if cases == nil {
		cases = []*shopguard.Case{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": cases})
	return nil
}

// shareAnswer is the answer to POST /api/v1/cases/{id}/share: the token, shown once, and the
// link that opens the case read-only.
type shareAnswer struct {
	Token string `json:"token"`
	URL   string `json:"url"`
}

// share makes a new share token for the case, replacing any earlier one.
func (s *Server) share(r *http.Request, c *shopguard.Case) (shareAnswer, error) {
	token, hash := casework.NewShareToken()
	if err := s.Store.SetCaseShare(r.Context(), c.ID, hash); err != nil {
		return shareAnswer{}, err
	}
	return shareAnswer{Token: token, URL: caseURL(c.ID) + "?share=" + token}, nil
}

func (s *Server) handleAPIShare(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	a, err := s.share(r, c)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// unshare ends the read-only link of the owner's case in r, and returns the case.
func (s *Server) unshare(r *http.Request) (*shopguard.Case, error) {
	c, err := s.caseOf(r)
	if err != nil {
		return nil, err
	}
	return c, s.Store.SetCaseShare(r.Context(), c.ID, nil)
}

func (s *Server) handleAPIUnshare(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.unshare(r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleAPIReportCase turns a case into a community report, with its owner's consent.
func (s *Server) handleAPIReportCase(w http.ResponseWriter, r *http.Request) error {
	c, err := s.caseOf(r)
	if err != nil {
		return err
	}
	var req casework.ReportRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	rep, err := s.reportCase(r, c, req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, caseReport{ID: rep.ID, Status: rep.Status})
	return nil
}
