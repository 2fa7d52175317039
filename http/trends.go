package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/intel"
)

// trends sums up the reports of the last weeks (12 unless ?weeks= says otherwise, at most
// 104).
func (s *Server) trends(r *http.Request) (intel.Trends, error) {
	weeks := 12
	if v := r.URL.Query().Get("weeks"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 104 {
			return intel.Trends{}, shopguard.Invalid("weeks", "weeks is a whole number from 1 to 104, got %q", v)
		}
		weeks = n
	}
	now := time.Now().UTC()
	since := now.AddDate(0, 0, -7*weeks)
	facts, err := s.Store.ReportFacts(r.Context(), since)
	if err != nil {
		return intel.Trends{}, err
	}
	return intel.ComputeTrends(facts, since, now), nil
}

func (s *Server) handleTrends(w http.ResponseWriter, r *http.Request) error {
	tr, err := s.trends(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tr)
	return nil
}
