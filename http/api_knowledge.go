package http

import (
	"net/http"

	"github.com/shopguard/shopguard"
)

func (s *Server) handleKnowledgeInfo(w http.ResponseWriter, r *http.Request) error {
	k := s.Knowledge
	writeJSON(w, http.StatusOK, map[string]any{
		"name": k.Name, "version": k.Version,
		"counts": map[string]int{"scam_types": len(k.ScamTypes), "channels": len(k.Channels), "laws": len(k.Laws), "tips": len(k.Tips), "signals": len(k.Signals)},
	})
	return nil
}

func (s *Server) handleScamTypes(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"version": s.Knowledge.Version, "scam_types": s.Knowledge.ScamTypes})
	return nil
}

func (s *Server) handleScamType(w http.ResponseWriter, r *http.Request) error {
	st, ok := s.Knowledge.ScamType(r.PathValue("id"))
	if !ok {
		return shopguard.Errorf(shopguard.ENOTFOUND, "no scam type %q", r.PathValue("id"))
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) handleChannels(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"channels": s.Knowledge.Channels})
	return nil
}

func (s *Server) handleLaws(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"laws": s.Knowledge.Laws})
	return nil
}

func (s *Server) handleTips(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]any{"tips": s.Knowledge.Tips})
	return nil
}
