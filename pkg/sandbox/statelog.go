package sandbox

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// The state file is a log of JSON lines (docs/sandbox.md, "State file
// format"): a header line, then one line per organization created and per
// later version of one, each led by a mark byte that is rewritten in place
// when the line stops being current. The log alone is the truth; the index
// beside it (stateindex.go) only finds lines quickly.
const (
	markLive    = '+' // a creation, its current version
	markRenamed = '~' // a creation whose current version is a later line
	markDeleted = '-' // a creation since deleted
	markCurrent = '=' // a later version, the current one
	markOld     = '#' // a later version since replaced or deleted
)

// stateVersion is the format of the state file: 1 was one JSON document.
const stateVersion = 2

// logHeader is the log's first line; ID ties the index to this very log.
type logHeader struct {
	Version int    `json:"version"`
	ID      string `json:"id"`
}

// logLine is an organization as a line holds it; First, on a later
// version, is the offset of its creation line.
type logLine struct {
	First int64 `json:"first,omitempty"`
	Organization
}

// newLogHeader returns the header line of a new log and its id.
func newLogHeader() ([]byte, [8]byte) {
	var id [8]byte
	_, _ = rand.Read(id[:])
	b, _ := json.Marshal(logHeader{Version: stateVersion, ID: hex.EncodeToString(id[:])})
	return append(b, '\n'), id
}

// errNotLog says a file does not start with a log header.
var errNotLog = errors.New("not a state log")

// readLogHeader reads the header line of the log f: its id and length.
func readLogHeader(f *os.File) (id [8]byte, n int64, err error) {
	buf := make([]byte, 128)
	k, err := f.ReadAt(buf, 0)
	if err != nil && err != io.EOF {
		return id, 0, err
	}
	line, _, found := bytes.Cut(buf[:k], []byte("\n"))
	var h logHeader
	if !found || !bytes.HasPrefix(line, []byte(`{"version":`)) || json.Unmarshal(line, &h) != nil {
		return id, 0, errNotLog
	}
	if h.Version != stateVersion {
		return id, 0, fmt.Errorf("version %d, want %d", h.Version, stateVersion)
	}
	if b, err := hex.DecodeString(h.ID); err != nil || len(b) != len(id) {
		return id, 0, errNotLog
	}
	hex.Decode(id[:], []byte(h.ID))
	return id, int64(len(line) + 1), nil
}

// lineMeta is logLine but for Raw, which encodeLine splices in as it is
// (the sandbox wrote it compact) rather than have json check it again.
type lineMeta struct {
	First    int64  `json:"first,omitempty"`
	Provider string `json:"provider"`
	ID       string `json:"id"`
	Name     string `json:"name"`
	Owner    string `json:"owner"`
}

// encodeLine is a line of the log, mark and newline included.
func encodeLine(mark byte, l logLine) []byte {
	meta := marshal(lineMeta{l.First, l.Provider, l.ID, l.Name, l.Owner})
	raw := []byte(l.Raw)
	if len(raw) == 0 {
		raw = []byte("null")
	}
	line := make([]byte, 0, 1+len(meta)+7+len(raw)+2)
	line = append(append(line, mark), meta[:len(meta)-1]...)
	line = append(append(append(line, `,"raw":`...), raw...), '}', '\n')
	return line
}

// rawKey separates a line's fields from its raw object, as encodeLine
// writes them: no string can hold it, its quote being escaped there.
var rawKey = []byte(`,"raw":`)

// decodeLine reads a line without its newline: json reads the small
// fields, and the raw object is taken as it is (a list reads a million).
func decodeLine(line []byte) (logLine, error) {
	var l logLine
	if len(line) < 2 {
		return l, errors.New("empty line")
	}
	i := bytes.Index(line, rawKey)
	if i < 0 || line[len(line)-1] != '}' {
		err := json.Unmarshal(line[1:], &l)
		return l, err
	}
	var meta lineMeta
	if err := json.Unmarshal(append(line[1:i:i], '}'), &meta); err != nil {
		return l, err
	}
	l.First, l.Organization = meta.First, Organization{Provider: meta.Provider, ID: meta.ID, Name: meta.Name, Owner: meta.Owner}
	if raw := line[i+len(rawKey) : len(line)-1]; string(raw) != "null" {
		l.Raw = append(json.RawMessage(nil), raw...)
	}
	return l, nil
}

// readLineAt reads the line at off, without its newline.
func readLineAt(f *os.File, off int64) ([]byte, error) {
	buf := make([]byte, 4096)
	for {
		n, err := f.ReadAt(buf, off)
		if i := bytes.IndexByte(buf[:n], '\n'); i >= 0 {
			return buf[:i], nil
		}
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		buf = make([]byte, 2*len(buf))
	}
}

// setMark rewrites the mark of the line at off.
func setMark(f *os.File, off int64, mark byte) error {
	_, err := f.WriteAt([]byte{mark}, off)
	return err
}
