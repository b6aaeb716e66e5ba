package sandbox

import (
	"bufio"
	"net/http"
)

// listPage is how many organizations a list reads from the store at a
// time, holding s.mu: the lock is never held while the client reads, and
// the answer is never built whole in memory.
const listPage = 256

// streamList answers 200 with head, the items of the organizations that
// keep accepts, comma-separated, in creation order, and tail: the bytes a
// marshalled list would have, written a page at a time.
func (s *Server) streamList(w http.ResponseWriter, r *http.Request, head, tail string, keep func(*Organization) bool, item func(Organization) []byte) {
	var bw *bufio.Writer
	first := true
	page := make([]Organization, 0, listPage)
	for cursor := uint64(0); ; {
		var next uint64
		var done bool
		var err error
		s.mu.Lock()
		page, next, done, err = s.store.scan(page[:0], cursor, listPage, keep)
		s.mu.Unlock()
		if err != nil {
			if bw == nil {
				s.stateError(w, r, err)
				return
			}
			s.logf("%v", err)
			panic(http.ErrAbortHandler) // past the status: cut the answer short
		}
		if bw == nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			bw = bufio.NewWriterSize(w, 32<<10)
			_, _ = bw.WriteString(head)
		}
		for _, o := range page {
			if !first {
				_ = bw.WriteByte(',')
			}
			first = false
			_, _ = bw.Write(item(o))
		}
		if done {
			break
		}
		if bw.Flush() != nil {
			return // the client went away
		}
		cursor = next
	}
	_, _ = bw.WriteString(tail)
	_ = bw.Flush()
}

// ownedBy keeps a provider's organizations owned by owner.
func ownedBy(provider, owner string) func(*Organization) bool {
	return func(o *Organization) bool { return o.Provider == provider && o.Owner == owner }
}

func rawItem(o Organization) []byte { return o.Raw }

// stateError answers a failure of the state file.
func (s *Server) stateError(w http.ResponseWriter, r *http.Request, err error) {
	s.logf("%v", err)
	apiError(w, r.URL.Path, http.StatusInternalServerError, "SANDBOX_STATE", err.Error())
}
