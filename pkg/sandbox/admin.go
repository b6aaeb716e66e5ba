package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
)

// adminPrefix is the sandbox's own API, for scripts and tests: it is not
// part of either provider's API and is never recorded or faulted.
const adminPrefix = "/_sandbox/"

func (s *Server) registerAdmin() {
	s.mux.HandleFunc("GET /_sandbox/healthz", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok\n")
	})
	s.mux.HandleFunc("GET /_sandbox/requests", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, nonNil(s.Requests()))
	})
	s.mux.HandleFunc("GET /_sandbox/organizations", func(w http.ResponseWriter, r *http.Request) {
		s.streamList(w, r, "[", "]", nil, func(o Organization) []byte { return marshal(o) })
	})
	s.mux.HandleFunc("POST /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
		if err != nil {
			return
		}
		f, err := ParseFault(string(body))
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		s.AddFault(f)
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("DELETE /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		s.ClearFaults()
		w.WriteHeader(http.StatusNoContent)
	})
	s.mux.HandleFunc("POST /_sandbox/seed", func(w http.ResponseWriter, r *http.Request) {
		var seed Seed
		if err := json.NewDecoder(io.LimitReader(r.Body, maxBody)).Decode(&seed); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "the body must be a seed: " + err.Error()})
			return
		}
		if err := s.seed(seed); err != nil {
			writeJSON(w, seedStatus(err), map[string]string{"error": err.Error()})
			return
		}
		writeJSON(w, http.StatusCreated, map[string]int{"seeded": seed.Count})
	})
	s.mux.HandleFunc("POST /_sandbox/reset", func(w http.ResponseWriter, r *http.Request) {
		if err := s.reset(); err != nil {
			s.stateError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
}

// AddFault injects a fault after those already there.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// nonNil makes an empty list print as [] rather than null.
func nonNil[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}
