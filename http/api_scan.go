package http

import (
	"net/http"

	"github.com/shopguard/shopguard/detect/combine"
	"github.com/shopguard/shopguard/detect/text"
)

// checks returns the detectors the check doors compose: the server's text detector, its link
// analyzer (with the community's confirmed domains and any threat feeds), the community's
// reputations and the learned layer.
func (s *Server) checks() combine.Checks {
	return combine.Checks{Text: s.Text, Links: s.Links, Reputations: s.Intel, Model: s.Model, Prices: s.Prices, Platforms: s.shopChecks().platforms}
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
	res := s.checks().Scan(req.Conversation())
	res.Explain(s.Knowledge, lang)
	writeJSON(w, http.StatusOK, scanResponse{ID: req.ID, Result: res})
	return nil
}
