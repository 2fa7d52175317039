package http

import (
	"net/http"

	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/text"
	"github.com/shopguard/shopguard/intel"
	"github.com/shopguard/shopguard/internal/jsonw"
)

// checks returns the detectors the check doors compose: the server's text detector, its link
// analyzer (with the community's confirmed domains and any threat feeds), the community's
// reputations as the public may see them (no unconfirmed report counts: intel.PublicView),
// the learned layer, the reference prices and the site checker.
func (s *Server) checks() combine.Checks {
	shop := s.shopChecks()
	return combine.Checks{Text: s.Text, Links: s.Links, Reputations: intel.PublicView(s.Intel), Model: s.Model, Prices: s.Prices,
		Platforms: shop.platforms, Sites: shop.sites}
}

// scanRequest is the body of POST /api/v1/scan: a text or a conversation, and the language
// of the explanations (default: the request's language).
type scanRequest struct {
	text.Input
	Lang string `json:"lang,omitempty"`
}

// scanResponse is the verdict, explained, with the id the caller sent.
type scanResponse struct {
	ID string `json:"id,omitempty"`
	text.Result
}

// AppendJSON appends the answer as encoding/json writes it, without reflection.
func (r *scanResponse) AppendJSON(dst []byte) []byte {
	if r.ID == "" {
		return r.Result.AppendJSON(dst)
	}
	dst = jsonw.String(append(dst, `{"id":`...), r.ID)
	at := len(dst)
	dst = r.Result.AppendJSON(dst) // {"risk":…: its members follow the id's
	dst[at] = ','
	return dst
}

func (s *Server) handleScan(w http.ResponseWriter, r *http.Request) error {
	var req scanRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if err := req.Validate(); err != nil {
		return err
	}
	lang, err := langOr(req.Lang, stateOf(r).lang)
	if err != nil {
		return err
	}
	res, err := s.scan(r, req.Conversation())
	if err != nil {
		return err
	}
	res.Summarize() // a link or cue repeated thousands of times: its first places and a count
	res.Explain(s.Knowledge, lang)
	writeJSON(w, http.StatusOK, &scanResponse{ID: req.ID, Result: res})
	return nil
}
