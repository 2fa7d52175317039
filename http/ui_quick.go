package http

import (
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/detect/ident"
)

// maxQuickLookup is the longest text the home page's box reads as one link, number or
// account; anything longer is a chat.
const maxQuickLookup = 300

// handleQuickCheck routes what was typed or pasted in the home page's box to the check that
// fits it, on the server so that it works without script: a link to the link check, a number
// or an account to the lookup, anything else (a chat) to the chat check.
func (s *Server) handleQuickCheck(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxPastedChat+4096)
	if err := r.ParseForm(); err != nil {
		return s.checkChat(w, r, "", err)
	}
	q := strings.TrimSpace(r.PostFormValue("q"))
	switch kind, value := quickKind(q); kind {
	case "":
		return s.checkChat(w, r, r.PostFormValue("q"), nil)
	case shopguard.KindURL, shopguard.KindDomain:
		http.Redirect(w, r, "/check/link?"+url.Values{"url": {value}}.Encode(), http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/lookup?"+url.Values{"kind": {string(kind)}, "value": {value}}.Encode(), http.StatusSeeOther)
	}
	return nil
}

// quickKind says what q is when it is one link, number or account and nothing else: the kind
// and the text as written. A bare number no check recognises is looked up as a phone, so
// that the lookup page says what is wrong with it. Anything else has no kind: a chat.
func quickKind(q string) (shopguard.Kind, string) {
	if q == "" || len(q) > maxQuickLookup || strings.ContainsAny(q, "\n\r") {
		return "", ""
	}
	if m := ident.Extract(q); len(m) == 1 && strings.TrimSpace(m[0].Raw) == q {
		return m[0].Kind, q
	}
	if strings.IndexFunc(q, func(r rune) bool { return !unicode.IsDigit(r) && !strings.ContainsRune("+-() ", r) }) < 0 {
		return shopguard.KindPhone, q
	}
	return "", ""
}
