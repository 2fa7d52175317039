package http

import (
	"net/http"
	"strings"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/link"
)

// LinkCheck is the answer to a link check: where the link really leads and the verdict, with
// every signal explained in the reader's language.
type LinkCheck struct {
	URL     string `json:"url"`
	Host    string `json:"host"`
	Unicode string `json:"unicode"`
	Site    string `json:"site"`
	shopguard.Assessment
}

// checkLink judges raw and explains the verdict in lang.
func (s *Server) checkLink(raw string, lang shopguard.Lang) (LinkCheck, error) {
	l, err := link.Parse(raw)
	if err != nil {
		return LinkCheck{}, err
	}
	a := s.Links.Analyze(l)
	a.Explain(s.Knowledge, lang)
	return LinkCheck{URL: raw, Host: l.Host, Unicode: l.Unicode, Site: l.Site, Assessment: a}, nil
}

type checkURLRequest struct {
	URL  string `json:"url"`
	Lang string `json:"lang"`
}

func (s *Server) handleCheckURL(w http.ResponseWriter, r *http.Request) {
	var req checkURLRequest
	if err := decodeJSON(r, &req); err != nil {
		s.error(w, r, err)
		return
	}
	if strings.TrimSpace(req.URL) == "" {
		s.error(w, r, shopguard.Invalid("url", "give the link to check"))
		return
	}
	lang := stateOf(r).lang
	if req.Lang != "" {
		l, ok := shopguard.ParseLang(req.Lang)
		if !ok {
			s.error(w, r, shopguard.Invalid("lang", "lang %q: want zh-CN or en", req.Lang))
			return
		}
		lang = l
	}
	res, err := s.checkLink(req.URL, lang)
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// checkLinkPage is the data of the "Check a link" page: the link asked about and, after a
// check, the verdict.
type checkLinkPage struct {
	URL    string
	Error  string
	Result *LinkCheck
}

func (s *Server) handleCheckLinkPage(w http.ResponseWriter, r *http.Request) {
	data := checkLinkPage{URL: strings.TrimSpace(r.URL.Query().Get("url"))}
	status := http.StatusOK
	if data.URL != "" {
		res, err := s.checkLink(data.URL, stateOf(r).lang)
		if err != nil {
			data.Error, status = shopguard.ErrorMessage(err), http.StatusBadRequest
		} else {
			data.Result = &res
		}
	}
	s.render(w, r, status, "check_link", "check_link.title", data)
}
