package http

import (
	"net/http"
)

// robotsTxt lets crawlers read the public pages (the guide, the checks) and keeps them out
// of the API, the private pages (cases, reporters' and appellants' links) and the
// operators' pages.
const robotsTxt = `User-agent: *
Disallow: /api/
Disallow: /cases/
Disallow: /reporter/
Disallow: /appeal/
Disallow: /moderation
Disallow: /admin
Disallow: /evidence/
Disallow: /login
Disallow: /lang/
Allow: /
`

func (s *Server) handleRobots(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write([]byte(robotsTxt))
	return nil
}

// handleFavicon serves the brand's icon where browsers look for it first.
func (s *Server) handleFavicon(w http.ResponseWriter, r *http.Request) error {
	data, err := uiFiles.ReadFile("ui/static/favicon.ico")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Write(data)
	return nil
}
