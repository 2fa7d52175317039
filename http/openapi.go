package http

import (
	_ "embed"
	"net/http"

	"github.com/shopguard/shopguard"
)

// openAPI is the OpenAPI 3.1 document of the JSON API. Every /api/v1 route has an entry in
// it; TestOpenAPICoversRoutes holds the two together.
//
//go:embed openapi.json
var openAPI []byte

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
	return nil
}

func versionString() string { return shopguard.Version }
