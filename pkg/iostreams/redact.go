package iostreams

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Mask is what a secret is replaced with in everything orgctl writes.
const Mask = "***"

// MinSecretLen is the shortest value treated as a secret: shorter ones
// cannot be real credentials, and masking them would mangle ordinary text.
const MinSecretLen = 6

// secrets is the set of values no byte written to Out or ErrOut may hold:
// every token in play, in every spelling a server could echo it in. Both
// streams share one set, so a secret registered once is hidden everywhere.
type secrets struct {
	mu   sync.Mutex
	list atomic.Pointer[[]string] // longest first; replaced, never mutated
}

func (s *secrets) snapshot() []string {
	if p := s.list.Load(); p != nil {
		return *p
	}
	return nil
}

// add registers a token: as given, without an Authorization scheme
// ("Bearer ", "Token "), and as JSON, URL and HTML-escaping encoders would
// spell it, since a server may echo it in any of those.
func (s *secrets) add(token string) {
	token = strings.TrimSpace(token)
	variants := []string{token}
	for _, scheme := range []string{"Bearer ", "Token "} {
		if len(token) > len(scheme) && strings.EqualFold(token[:len(scheme)], scheme) {
			variants = append(variants, strings.TrimSpace(token[len(scheme):]))
		}
	}
	// A value too short to be a secret stays one in every spelling: its
	// escaped forms, longer, must not be masked either.
	variants = slices.DeleteFunc(variants, func(v string) bool { return len(v) < MinSecretLen })
	for _, v := range slices.Clone(variants) {
		plain, _ := json.Marshal(v) // escapes <, >, & too, as Go servers do
		quoted := strings.Trim(string(plain), `"`)
		variants = append(variants, quoted, strings.ReplaceAll(quoted, "/", `\/`), url.QueryEscape(v), url.PathEscape(v))
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
		variants = append(variants, strings.Trim(strings.TrimSpace(b.String()), `"`))
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	list := slices.Clone(s.snapshot())
	for _, v := range variants {
		if len(v) >= MinSecretLen && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	// Longest first: where one secret holds another, the whole is hidden.
	slices.SortStableFunc(list, func(a, b string) int { return len(b) - len(a) })
	s.list.Store(&list)
}

// redactWriter hides every secret in what goes through it, even when a
// secret is split across two Write calls: it holds back only a tail that
// could still become a secret, so ordinary output (a prompt, a progress
// line) is never delayed.
type redactWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets *secrets
	held    []byte
}

func (r *redactWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	list := r.secrets.snapshot()
	if len(list) == 0 && len(r.held) == 0 {
		return r.w.Write(p)
	}
	data := append(r.held, p...)
	out, tail := redact(data, list, false)
	r.held = append([]byte(nil), tail...)
	if len(out) > 0 {
		if _, err := r.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes out a held tail: the output ended, so it was no secret.
func (r *redactWriter) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.held) == 0 {
		return nil
	}
	out, _ := redact(r.held, r.secrets.snapshot(), true)
	r.held = nil
	_, err := r.w.Write(out)
	return err
}

// redact returns data with every secret masked and, unless final, the tail
// that is the start of a secret (to be completed by the next write).
func redact(data []byte, list []string, final bool) (out, tail []byte) {
	var first [256]bool
	for _, s := range list {
		first[s[0]] = true
	}
	out = make([]byte, 0, len(data))
	start := 0 // data[start:i] is plain text not yet copied to out
scan:
	for i := 0; i < len(data); i++ {
		if !first[data[i]] {
			continue
		}
		rest := data[i:]
		for _, s := range list {
			switch {
			case len(rest) >= len(s) && string(rest[:len(s)]) == s:
				out = append(append(out, data[start:i]...), Mask...)
				i += len(s) - 1
				start = i + 1
				continue scan
			case !final && len(rest) < len(s) && s[:len(rest)] == string(rest):
				return append(out, data[start:i]...), rest
			}
		}
	}
	return append(out, data[start:]...), nil
}
