package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/orgctl/orgctl/pkg/internal/atomicfile"
)

// rebuild makes the index anew from the log, in memory: after a crash, a
// conversion, or a log copied without its index. It also finishes what a
// crash left half done: a torn last line is cut off, and marks are made to
// agree with the lines after them.
func (st *fileStore) rebuild() error {
	st.head = indexHead{logID: st.logID, cap: capFor(uint64(st.size-st.start) / 128)}
	if err := st.change(); err != nil {
		return err
	}
	st.slots.mem = make([]byte, st.head.cap*slotSize)
	r := bufio.NewReaderSize(io.NewSectionReader(st.log, st.start, st.size-st.start), 1<<20)
	for off := st.start; off < st.size; {
		raw, err := r.ReadBytes('\n')
		if err == io.EOF { // a line torn by a crash: it never was
			if err := st.log.Truncate(off); err != nil {
				return err
			}
			st.size = off
			break
		}
		if err != nil {
			return err
		}
		if err := st.replay(raw[:len(raw)-1], off); err != nil {
			return unreadable(st.path, fmt.Errorf("line at %d: %w", off, err))
		}
		off += int64(len(raw))
	}
	return st.slots.flush()
}

// replay applies a line of the log at off to the index.
func (st *fileStore) replay(raw []byte, off int64) error {
	if raw[0] != markLive && raw[0] != markRenamed && raw[0] != markCurrent {
		return nil
	}
	l, err := decodeLine(raw)
	if err != nil {
		return err
	}
	if err := st.room(2); err != nil {
		return err
	}
	id, name := idKey(l.Provider, l.ID), nameKey(l.Organization)
	if raw[0] != markCurrent { // a creation
		if _, _, _, taken, err := st.lookup('n', name); err != nil || taken {
			if taken { // as the version 1 format did: the later one goes
				err = setMark(st.log, off, markDeleted)
			}
			return err
		}
		st.head.count++
		return errors.Join(st.add('i', id, off), st.add('n', name, off))
	}
	_, curOff, cur, found, err := st.lookup('i', id)
	if err != nil || !found { // its creation was deleted
		return errors.Join(err, setMark(st.log, off, markOld))
	}
	oldName := nameKey(cur.Organization)
	if name != oldName {
		if _, _, _, taken, err := st.lookup('n', name); err != nil || taken {
			return errors.Join(err, setMark(st.log, off, markOld))
		}
	}
	// The marks a crash may have left behind; synced on close, not per line.
	if err := setMark(st.log, l.First, markRenamed); err != nil {
		return err
	}
	if curOff != l.First {
		if err := setMark(st.log, curOff, markOld); err != nil {
			return err
		}
	}
	if name != oldName {
		if err := st.dropKey('n', oldName); err != nil {
			return err
		}
	}
	return errors.Join(st.put('i', id, off), st.put('n', name, off))
}

// stateV1 is the version 1 state file: one JSON document.
type stateV1 struct {
	Version       int            `json:"version"`
	Organizations []Organization `json:"organizations"`
}

// migrateV1 converts a version 1 state file at path, if that is what it
// holds, to a log with the same organizations in the same order: a new
// file renamed over it, its index then rebuilt. Anything else is left for
// openFileStore to judge.
func migrateV1(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	if n == 0 || bytes.HasPrefix(head[:n], []byte(`{"version":2,`)) {
		return nil // read no further: a log may be gigabytes
	}
	b, err := io.ReadAll(io.MultiReader(bytes.NewReader(head[:n]), f))
	if err != nil {
		return err
	}
	var v1 stateV1
	if json.Unmarshal(b, &v1) != nil || v1.Version != 1 {
		return nil
	}
	header, _ := newLogHeader()
	buf := bytes.NewBuffer(header)
	for _, o := range v1.Organizations {
		buf.Write(encodeLine(markLive, logLine{Organization: o})) // a taken name is dropped on rebuild
	}
	if err := os.Remove(path + ".idx"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}
