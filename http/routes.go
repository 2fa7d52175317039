package http

import "github.com/shopguard/shopguard"

// registerRoutes lists every route of the server. API routes live under /api/v1 and each has
// an entry in the OpenAPI document (a test holds them to that).
func (s *Server) registerRoutes() {
	// Operations.
	s.handle("GET /healthz", s.handleHealthz)
	s.handle("GET /readyz", s.handleReadyz)
	s.handle("GET /metrics", s.handleMetrics().ServeHTTP)
	s.handle("GET /api/v1/openapi.json", s.handleOpenAPI)

	// Knowledge: open to everyone.
	s.handle("GET /api/v1/knowledge", s.handleKnowledgeInfo)
	s.handle("GET /api/v1/knowledge/scam-types", s.handleScamTypes)
	s.handle("GET /api/v1/knowledge/scam-types/{id}", s.handleScamType)
	s.handle("GET /api/v1/knowledge/channels", s.handleChannels)
	s.handle("GET /api/v1/knowledge/laws", s.handleLaws)
	s.handle("GET /api/v1/knowledge/tips", s.handleTips)

	// Checks: open to everyone.
	s.handle("POST /api/v1/check/listing", s.handleCheckListing)

	// Community reports and reputation. Anyone may report (anonymous reports weigh little),
	// look up and appeal; moderation needs a moderator.
	s.handle("POST /api/v1/reports", s.handleCreateReport)
	s.handle("GET /api/v1/reports", s.require(shopguard.ScopeModerate, s.handleListReports))
	s.handle("GET /api/v1/reports/{id}", s.require(shopguard.ScopeModerate, s.handleGetReport))
	s.handle("POST /api/v1/reports/{id}/decision", s.require(shopguard.ScopeModerate, s.handleDecideReport))
	s.handle("POST /api/v1/reports/{id}/info", s.require(shopguard.ScopeReport, s.handleReportInfo))
	s.handle("GET /api/v1/me/reports", s.require(shopguard.ScopeReport, s.handleMyReports))
	s.handle("GET /api/v1/audit", s.require(shopguard.ScopeModerate, s.handleAudit))
	s.handle("GET /api/v1/indicators/{kind}/{value}", s.handleIndicator)
	s.handle("GET /api/v1/indicators/{kind}/{value}/reports", s.require(shopguard.ScopeModerate, s.handleIndicatorReports))
	s.handle("GET /api/v1/lookup/{kind}/{prefix}", s.handlePrivateLookup)
	s.handle("POST /api/v1/feedback", s.require(shopguard.ScopeReport, s.handleNotScam))
	s.handle("POST /api/v1/appeals", s.handleCreateAppeal)
	s.handle("POST /api/v1/appeals/{id}/verify", s.handleVerifyAppeal)
	s.handle("GET /api/v1/appeals", s.require(shopguard.ScopeModerate, s.handleListAppeals))
	s.handle("POST /api/v1/appeals/{id}/decision", s.require(shopguard.ScopeModerate, s.handleDecideAppeal))
	s.handle("GET /api/v1/indicators/export", s.require(shopguard.ScopeAdmin, s.handleExport))
	s.handle("POST /api/v1/indicators/import", s.require(shopguard.ScopeAdmin, s.handleImport))
	s.handle("GET /api/v1/indicators/snapshot", s.handleSnapshot)

	// Accounts.
	s.handle("POST /api/v1/auth/login", s.handleAPILogin)
	s.handle("POST /api/v1/auth/logout", s.handleAPILogout)
	s.handle("GET /api/v1/me", s.require(shopguard.ScopeCheck, s.handleMe))
	s.handle("GET /api/v1/keys", s.require(shopguard.ScopeCheck, s.handleListKeys))
	s.handle("POST /api/v1/keys", s.require(shopguard.ScopeCheck, s.handleCreateKey))
	s.handle("DELETE /api/v1/keys/{id}", s.require(shopguard.ScopeCheck, s.handleRevokeKey))
	s.handle("GET /api/v1/admin/users", s.require(shopguard.ScopeAdmin, s.handleListUsers))
	s.handle("POST /api/v1/admin/users", s.require(shopguard.ScopeAdmin, s.handleCreateUser))

	// Cases: open to anyone; each case only to its key holder or owner.
	s.handle("POST /api/v1/cases", s.handleAPICreateCase)
	s.handle("GET /api/v1/cases", s.require(shopguard.ScopeReport, s.handleAPICases))
	s.handle("GET /api/v1/followups", s.require(shopguard.ScopeReport, s.handleAPIFollowUps))
	s.handle("GET /api/v1/cases/{id}", s.handleAPICase)
	s.handle("DELETE /api/v1/cases/{id}", s.handleAPIDeleteCase)
	s.handle("PUT /api/v1/cases/{id}/triage", s.handleAPIUpdateTriage)
	s.handle("GET /api/v1/cases/{id}/plan", s.handleAPIPlan)
	s.handle("POST /api/v1/cases/{id}/evidence", s.handleAPIAddEvidence)
	s.handle("GET /api/v1/cases/{id}/evidence", s.handleAPIListEvidence)
	s.handle("GET /api/v1/cases/{id}/evidence/{seq}", s.handleEvidenceFile)
	s.handle("GET /api/v1/cases/{id}/documents/{file}", s.handleAPIDocument)
	s.handle("GET /api/v1/cases/{id}/package.zip", s.handleAPIPackage)
	s.handle("GET /api/v1/cases/{id}/verify", s.handleAPIVerifyCase)
	s.handle("PUT /api/v1/cases/{id}/channels/{channel}", s.handleAPISetStatus)
	s.handle("GET /api/v1/cases/{id}/followups", s.handleAPICaseFollowUps)
	s.handle("POST /api/v1/cases/{id}/share", s.handleAPIShare)
	s.handle("DELETE /api/v1/cases/{id}/share", s.handleAPIUnshare)

	// Web UI.
	s.mux.Handle("GET /static/", s.ui.static())
	s.handle("GET /{$}", s.handleHome)
	s.handle("GET /learn", s.handleLearn)
	s.handle("GET /learn/{id}", s.handleLearnType)
	s.handle("GET /lang/{lang}", s.handleSetLang)
	s.handle("GET /check/seller", s.handleSellerPage)
	s.handle("POST /check/seller", s.handleSellerForm)
	s.handle("GET /report", s.handleReportPage)
	s.handle("POST /report", s.handleReportForm)
	s.handle("GET /lookup", s.handleLookupPage)
	s.handle("POST /feedback", s.requirePage(shopguard.ScopeReport, s.handleFeedbackForm))
	s.handle("GET /appeal", s.handleAppealPage)
	s.handle("POST /appeal", s.handleAppealForm)
	s.handle("POST /appeal/{id}/verify", s.handleAppealVerifyForm)
	s.handle("GET /moderation", s.requirePage(shopguard.ScopeModerate, s.handleModerationPage))
	s.handle("POST /moderation/reports/{id}", s.requirePage(shopguard.ScopeModerate, s.handleModerateReport))
	s.handle("POST /moderation/appeals/{id}", s.requirePage(shopguard.ScopeModerate, s.handleModerateAppeal))
	s.handle("GET /evidence/{sha}", s.requirePage(shopguard.ScopeModerate, s.handleEvidence))
	s.handle("GET /login", s.handleLoginPage)
	s.handle("POST /login", s.handleLoginForm)
	s.handle("POST /logout", s.handleLogoutForm)
	s.handle("GET /admin", s.requirePage(shopguard.ScopeModerate, s.handleAdminPage))
	s.handle("GET /cases/new", s.handleNewCasePage)
	s.handle("POST /cases", s.handleCreateCaseForm)
	s.handle("GET /cases/open", s.handleOpenCasePage)
	s.handle("POST /cases/open", s.handleOpenCaseForm)
	s.handle("GET /cases/{id}", s.handleCasePage)
	s.handle("POST /cases/{id}/evidence", s.handleEvidenceForm)
	s.handle("POST /cases/{id}/channels/{channel}", s.handleStatusForm)
	s.handle("POST /cases/{id}/delete", s.handleDeleteCaseForm)
	s.handle("POST /cases/{id}/triage", s.handleTriageForm)
	s.handle("POST /cases/{id}/share", s.handleShareForm)
	s.handle("POST /cases/{id}/unshare", s.handleUnshareForm)
	s.handle("/", s.notFound)
}
