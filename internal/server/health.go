package server

import (
	"encoding/json"
	"net/http"
)

// serveHealth answers 200 with a small JSON document once the server is
// ready, 503 before.
func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	body := map[string]any{
		"status":    "ok",
		"accountId": string(s.opt.Account),
		"enforce":   s.opt.Enforce.String(),
		"startedAt": s.started.UTC().Format("2006-01-02T15:04:05Z"),
	}
	status := http.StatusOK
	if !s.ready.Load() {
		body["status"] = "starting"
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
