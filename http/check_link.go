package http

import (
	"net/http"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
)

type checkURLRequest struct {
	URL  string `json:"url"`
	Lang string `json:"lang"`
}

// checkURLKeys are checkURLRequest's JSON names, in its order, for decodeStrings.
var checkURLKeys = []string{"url", "lang"}

func (s *Server) handleCheckURL(w http.ResponseWriter, r *http.Request) error {
	var req checkURLRequest
	if err := decodeStrings(r, &req, checkURLKeys, []*string{&req.URL, &req.Lang}); err != nil {
		return err
	}
	if strings.TrimSpace(req.URL) == "" {
		return shopguard.Invalid("url", "give the link to check")
	}
	lang, err := langOr(req.Lang, stateOf(r).lang)
	if err != nil {
		return err
	}
	res, err := s.Links.Check(req.URL, s.Knowledge, lang)
	if err != nil {
		return err
	}
	writeAppended(w, http.StatusOK, res.AppendJSON)
	return nil
}

// checkLinkPage is the data of the "Check a link" page: the link asked about and, after a
// check, the verdict.
type checkLinkPage struct {
	URL    string
	Error  string
	Result *link.Result
}

func (s *Server) handleCheckLinkPage(w http.ResponseWriter, r *http.Request) error {
	data := checkLinkPage{URL: strings.TrimSpace(r.URL.Query().Get("url"))}
	status := http.StatusOK
	if data.URL != "" {
		res, err := s.Links.Check(data.URL, s.Knowledge, stateOf(r).lang)
		if err != nil {
			data.Error, status = s.sayError(r, err, linkLabels), http.StatusBadRequest
		} else {
			data.Result = &res
		}
	}
	s.render(w, r, status, "check_link", "check_link.title", data)
	return nil
}
