package http

import (
	"net/http"
	"net/url"

	"github.com/shopguard/shopguard"
)

// access says who may call a route. The zero value is "anyone": anonymous visitors included
// (a revoked or unknown API key is refused before any route runs).
type access struct {
	// scope, when set, needs a signed-in caller whose role and key allow it: 401 for
	// anonymous callers (pages send them to sign in), 403 for the others.
	scope shopguard.Scope
	// page sends anonymous visitors to the sign-in page instead of answering 401.
	page bool
	// caseHolder routes open only to whoever holds the case's key (or its share token, to
	// read) or signed in as its owner; everyone else, whatever their role, gets 404. The
	// handler checks it (caseOf, caseForReading); the row says so for the matrix test.
	caseHolder bool
	// anonymous lets callers without credentials in as well: scope binds signed-in callers
	// only (anyone may report and weighs little; a check-only key may not).
	anonymous bool
}

var (
	anyone     = access{}
	caseHolder = access{caseHolder: true}
	reporting  = access{scope: shopguard.ScopeReport, anonymous: true}
)

func needs(s shopguard.Scope) access     { return access{scope: s} }
func pageNeeds(s shopguard.Scope) access { return access{scope: s, page: true} }

// accessTable is the one authorisation table: for every route, who may call it. handle applies
// it; a route without a row answers 403 to everyone, and TestAccessMatrix fails until the row
// is written.
var accessTable = map[string]access{
	// Operations.
	"GET /healthz":                          anyone,
	"GET /readyz":                           anyone,
	"GET /robots.txt":                       anyone,
	"GET /favicon.ico":                      anyone,
	"GET /metrics":                          anyone,
	"GET /api/v1/openapi.json":              anyone,
	"GET /api/v1/knowledge":                 anyone,
	"GET /api/v1/knowledge/scam-types":      anyone,
	"GET /api/v1/knowledge/scam-types/{id}": anyone,
	"GET /api/v1/knowledge/channels":        anyone,
	"GET /api/v1/knowledge/laws":            anyone,
	"GET /api/v1/knowledge/tips":            anyone,

	// Checks.
	"POST /api/v1/check/listing": anyone,
	"POST /api/v1/check/url":     anyone,
	"POST /api/v1/check/site":    anyone,
	"POST /api/v1/assess":        anyone,
	"GET /check/site":            anyone,
	"POST /check/site":           anyone,
	"GET /assess":                anyone,
	"POST /assess":               anyone,
	"POST /api/v1/scan":          anyone,

	// Community reports and reputation.
	"POST /api/v1/reports":                          reporting,
	"GET /api/v1/reports":                           needs(shopguard.ScopeModerate),
	"GET /api/v1/reports/{id}":                      needs(shopguard.ScopeModerate),
	"POST /api/v1/reports/{id}/decision":            needs(shopguard.ScopeModerate),
	"POST /api/v1/reports/{id}/info":                needs(shopguard.ScopeReport),
	"GET /api/v1/me/reports":                        needs(shopguard.ScopeReport),
	"GET /api/v1/audit":                             needs(shopguard.ScopeModerate),
	"GET /api/v1/indicators/{kind}/{value}":         anyone,
	"GET /api/v1/indicators/{kind}/{value}/reports": needs(shopguard.ScopeModerate),
	"GET /api/v1/lookup/{kind}/{prefix}":            anyone,
	"POST /api/v1/feedback":                         needs(shopguard.ScopeReport),
	"POST /api/v1/appeals":                          anyone,
	"POST /api/v1/appeals/{id}/verify":              anyone,
	"GET /api/v1/appeals":                           needs(shopguard.ScopeModerate),
	"POST /api/v1/appeals/{id}/decision":            needs(shopguard.ScopeModerate),
	"GET /api/v1/indicators/export":                 needs(shopguard.ScopeAdmin),
	"POST /api/v1/indicators/import":                needs(shopguard.ScopeAdmin),
	"GET /api/v1/indicators/snapshot":               anyone,

	// Accounts.
	"POST /api/v1/auth/login":           anyone,
	"POST /api/v1/auth/logout":          anyone,
	"GET /api/v1/me":                    needs(shopguard.ScopeCheck),
	"GET /api/v1/keys":                  needs(shopguard.ScopeKeys),
	"POST /api/v1/keys":                 needs(shopguard.ScopeKeys),
	"DELETE /api/v1/keys/{id}":          needs(shopguard.ScopeKeys),
	"GET /api/v1/admin/trends":          needs(shopguard.ScopeModerate),
	"GET /api/v1/admin/users":           needs(shopguard.ScopeAdmin),
	"POST /api/v1/admin/users":          needs(shopguard.ScopeAdmin),
	"PUT /api/v1/admin/users/{id}/role": needs(shopguard.ScopeAdmin),

	// Cases.
	"POST /api/v1/cases":                        anyone,
	"GET /api/v1/cases":                         needs(shopguard.ScopeReport),
	"GET /api/v1/followups":                     needs(shopguard.ScopeReport),
	"GET /api/v1/cases/{id}":                    caseHolder,
	"DELETE /api/v1/cases/{id}":                 caseHolder,
	"PUT /api/v1/cases/{id}/triage":             caseHolder,
	"GET /api/v1/cases/{id}/plan":               caseHolder,
	"POST /api/v1/cases/{id}/evidence":          caseHolder,
	"GET /api/v1/cases/{id}/evidence":           caseHolder,
	"GET /api/v1/cases/{id}/evidence/{seq}":     caseHolder,
	"GET /api/v1/cases/{id}/documents/{file}":   caseHolder,
	"GET /api/v1/cases/{id}/package.zip":        caseHolder,
	"GET /api/v1/cases/{id}/verify":             caseHolder,
	"PUT /api/v1/cases/{id}/channels/{channel}": caseHolder,
	"GET /api/v1/cases/{id}/followups":          caseHolder,
	"POST /api/v1/cases/{id}/share":             caseHolder,
	"DELETE /api/v1/cases/{id}/share":           caseHolder,
	"POST /api/v1/cases/{id}/report":            caseHolder,

	// Web UI.
	"GET /{$}":                      anyone,
	"GET /learn":                    anyone,
	"GET /learn/{id}":               anyone,
	"GET /check/link":               anyone,
	"GET /check/chat":               anyone,
	"POST /check/chat":              anyone,
	"POST /check":                   anyone,
	"GET /lang/{lang}":              anyone,
	"GET /check/seller":             anyone,
	"POST /check/seller":            anyone,
	"GET /report":                   anyone,
	"POST /report":                  reporting,
	"GET /lookup":                   anyone,
	"POST /feedback":                pageNeeds(shopguard.ScopeReport),
	"GET /appeal":                   anyone,
	"POST /appeal":                  anyone,
	"GET /appeal/{id}/{token}":      anyone, // the token in the link is the credential, checked by the handler
	"GET /reporter":                 pageNeeds(shopguard.ScopeReport),
	"GET /reporter/{id}/{token}":    anyone, // likewise
	"POST /reporter/{id}/{token}":   anyone,
	"POST /appeal/{id}/verify":      anyone,
	"GET /moderation":               pageNeeds(shopguard.ScopeModerate),
	"POST /moderation/reports/{id}": pageNeeds(shopguard.ScopeModerate),
	"POST /moderation/appeals/{id}": pageNeeds(shopguard.ScopeModerate),
	"GET /moderation/reports/{id}/evidence/{sha}": pageNeeds(shopguard.ScopeModerate),
	"GET /login":                          anyone,
	"POST /login":                         anyone,
	"POST /logout":                        anyone,
	"GET /admin":                          pageNeeds(shopguard.ScopeModerate),
	"GET /api-reference":                  anyone,
	"GET /cases":                          anyone, // lists the cases this browser or account holds
	"GET /cases/{id}/created":             caseHolder,
	"GET /cases/{id}/delete":              caseHolder,
	"GET /cases/new":                      anyone,
	"POST /cases":                         anyone,
	"GET /cases/open":                     anyone,
	"POST /cases/open":                    anyone,
	"GET /cases/{id}":                     caseHolder,
	"POST /cases/{id}/evidence":           caseHolder,
	"POST /cases/{id}/channels/{channel}": caseHolder,
	"POST /cases/{id}/delete":             caseHolder,
	"POST /cases/{id}/triage":             caseHolder,
	"POST /cases/{id}/share":              caseHolder,
	"POST /cases/{id}/unshare":            caseHolder,
	"POST /cases/{id}/report":             caseHolder,
	"/":                                   anyone,
}

// guard wraps h with the route's row of accessTable.
func (s *Server) guard(pattern string, h handlerFunc) handlerFunc {
	a, ok := accessTable[pattern]
	switch {
	case !ok:
		return func(w http.ResponseWriter, r *http.Request) error {
			return shopguard.Errorf(shopguard.EFORBIDDEN, "route %q has no row in the authorisation table (http/access.go)", pattern)
		}
	case a.scope == "":
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) error {
		p := principalOf(r)
		switch {
		case p.User == nil && a.anonymous:
		case p.User == nil && a.page:
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return nil
		case p.User == nil:
			return shopguard.Errorf(shopguard.EUNAUTHORIZED, "sign in or send an API key")
		case !p.Can(a.scope):
			return shopguard.Errorf(shopguard.EFORBIDDEN, "this needs the %s permission", a.scope)
		}
		return h(w, r)
	}
}
