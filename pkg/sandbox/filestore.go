package sandbox

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
)

// fileStore is a state file: the log at path and its index at path.idx
// (statelog.go, stateindex.go). It is opened under the state's lock, used
// by one command or request, and closed before the lock is released.
type fileStore struct {
	path    string
	log     *os.File
	idx     *os.File
	slots   slots
	head    indexHead
	logID   [8]byte
	start   int64 // where the lines begin, after the header line
	size    int64 // the log's length
	changed bool  // the index is marked unclean on disk
}

// openFileStore opens the state file at path, creating it when missing,
// converting a version 1 file, and rebuilding the index when it does not
// match the log (a crash, a copied file).
func openFileStore(path string) (*fileStore, error) {
	if err := migrateV1(path); err != nil {
		return nil, err
	}
	log, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	st := &fileStore{path: path, log: log}
	if err := st.open(); err != nil {
		st.close()
		return nil, err
	}
	return st, nil
}

func (st *fileStore) open() error {
	info, err := st.log.Stat()
	if err != nil {
		return err
	}
	if info.Size() == 0 {
		if err := st.writeEmptyLog(); err != nil {
			return err
		}
	} else if st.logID, st.start, err = readLogHeader(st.log); err != nil {
		return unreadable(st.path, err)
	}
	if info, err = st.log.Stat(); err != nil {
		return err
	}
	st.size = info.Size()
	if st.idx, err = os.OpenFile(st.path+".idx", os.O_RDWR|os.O_CREATE, 0o600); err != nil {
		return err
	}
	st.slots.f = st.idx
	b := make([]byte, indexHeader)
	_, _ = io.ReadFull(io.NewSectionReader(st.idx, 0, indexHeader), b)
	head, ok := decodeIndexHead(b)
	if ok && head.clean && head.logID == st.logID && head.logSize == uint64(st.size) {
		st.head = head
		return nil
	}
	return st.rebuild()
}

// unreadable words an error reading a state file, with the way out.
func unreadable(path string, err error) error {
	return fmt.Errorf("sandbox state %s is unreadable (%v): run orgctl sandbox reset", path, err)
}

// writeEmptyLog makes the log a header line with a new id.
func (st *fileStore) writeEmptyLog() error {
	line, id := newLogHeader()
	if err := st.log.Truncate(0); err != nil {
		return err
	}
	if _, err := st.log.WriteAt(line, 0); err != nil {
		return err
	}
	st.logID, st.start, st.size = id, int64(len(line)), int64(len(line))
	return st.log.Sync()
}

// close saves the index, marked clean once it and the log are on disk.
func (st *fileStore) close() error {
	var err error
	if st.changed {
		st.head.logSize, st.head.clean = uint64(st.size), true
		err = errors.Join(st.log.Sync(), st.idx.Sync(), st.writeHead(), st.idx.Sync())
		st.changed = false
	}
	if st.idx != nil {
		err = errors.Join(err, st.idx.Close())
	}
	return errors.Join(err, st.log.Close())
}

func (st *fileStore) writeHead() error {
	_, err := st.idx.WriteAt(st.head.encode(), 0)
	return err
}

// change marks the index unclean on disk before its first change, so that
// a command that dies halfway leaves an index the next one rebuilds.
func (st *fileStore) change() error {
	if st.changed {
		return nil
	}
	st.head.clean = false
	if err := st.writeHead(); err != nil {
		return err
	}
	st.changed = true
	return st.idx.Sync()
}

// lookup finds the current line of a key: by id (kind 'i', key idKey) or
// by name (kind 'n', key nameKey).
func (st *fileStore) lookup(kind byte, key string) (slot uint64, off int64, line logLine, found bool, err error) {
	h := keyHash(kind, key)
	slot, _, found, err = st.slots.probe(st.head.cap, h, func(o uint64) (bool, error) {
		raw, err := readLineAt(st.log, int64(o))
		if err != nil {
			return false, err
		}
		if line, err = decodeLine(raw); err != nil {
			return false, err
		}
		off = int64(o)
		if kind == 'i' {
			return idKey(line.Provider, line.ID) == key, nil
		}
		return nameKey(line.Organization) == key, nil
	})
	return slot, off, line, found, err
}

// put points a key at a line: its slot when it has one, a free one else.
func (st *fileStore) put(kind byte, key string, off int64) error {
	slot, _, _, found, err := st.lookup(kind, key)
	if err != nil {
		return err
	}
	if !found {
		return st.add(kind, key, off)
	}
	return st.slots.set(slot, keyHash(kind, key), uint64(off))
}

// add puts a key known to be absent in a free slot.
func (st *fileStore) add(kind byte, key string, off int64) error {
	h := keyHash(kind, key)
	_, free, _, err := st.slots.probe(st.head.cap, h, func(uint64) (bool, error) { return false, nil })
	if err != nil {
		return err
	}
	if _, soff, _ := st.slots.get(free); soff == tombstone {
		st.head.tombs--
	}
	st.head.used++
	return st.slots.set(free, h, uint64(off))
}

// drop frees a key's slot.
func (st *fileStore) drop(slot uint64) error {
	st.head.used--
	st.head.tombs++
	return st.slots.set(slot, 0, tombstone)
}

// room grows the table, when needed, so that n more keys keep it at most
// half full: in memory when it is loaded there, else rewritten whole.
func (st *fileStore) room(n uint64) error {
	if 2*(st.head.used+st.head.tombs+n) <= st.head.cap {
		return nil
	}
	loaded := st.slots.mem != nil
	if !loaded {
		if err := st.slots.load(st.head.cap); err != nil {
			return err
		}
	}
	newCap := capFor(st.head.used + n)
	st.slots.rehash(st.head.cap, newCap)
	st.head.cap, st.head.tombs = newCap, 0
	if loaded {
		return nil
	}
	return st.slots.flush()
}

// appendLine writes a line at the end of the log and syncs it.
func (st *fileStore) appendLine(mark byte, l logLine) (int64, error) {
	off := st.size
	line := encodeLine(mark, l)
	if _, err := st.log.WriteAt(line, off); err != nil {
		return 0, err
	}
	st.size += int64(len(line))
	return off, nil
}

func (st *fileStore) insert(org Organization) (bool, error) {
	_, _, _, taken, err := st.lookup('n', nameKey(org))
	if err != nil || taken {
		return false, err
	}
	if err := st.change(); err != nil {
		return false, err
	}
	if err := st.room(2); err != nil {
		return false, err
	}
	off, err := st.appendLine(markLive, logLine{Organization: org})
	if err == nil {
		err = st.log.Sync()
	}
	if err == nil {
		err = errors.Join(st.put('i', idKey(org.Provider, org.ID), off), st.put('n', nameKey(org), off))
	}
	if err != nil {
		return false, err
	}
	st.head.count++
	return true, nil
}

func (st *fileStore) find(provider, id string) (Organization, bool, error) {
	_, _, line, found, err := st.lookup('i', idKey(provider, id))
	return line.Organization, found, err
}

// firstOf is the offset of the creation line of the line at off.
func firstOf(off int64, l logLine) int64 {
	if l.First != 0 {
		return l.First
	}
	return off
}

func (st *fileStore) replace(org Organization) (bool, error) {
	_, off, cur, found, err := st.lookup('i', idKey(org.Provider, org.ID))
	if err != nil || !found {
		return false, err
	}
	oldKey, newKey := nameKey(cur.Organization), nameKey(org)
	if newKey != oldKey {
		if _, _, _, taken, err := st.lookup('n', newKey); err != nil || taken {
			return false, err
		}
	}
	if err := st.change(); err != nil {
		return false, err
	}
	if err := st.room(1); err != nil {
		return false, err
	}
	first := firstOf(off, cur)
	newOff, err := st.appendLine(markCurrent, logLine{First: first, Organization: org})
	if err == nil {
		err = st.retire(first, off)
	}
	if err != nil {
		return false, err
	}
	// Growing may have moved the slot: look it up again.
	idSlot, _, _, _, err := st.lookup('i', idKey(org.Provider, org.ID))
	if err != nil {
		return false, err
	}
	err = st.slots.set(idSlot, keyHash('i', idKey(org.Provider, org.ID)), uint64(newOff))
	if err == nil && newKey != oldKey {
		err = st.dropKey('n', oldKey)
	}
	if err == nil {
		err = st.put('n', newKey, newOff)
	}
	return err == nil, err
}

// retire marks the creation line first as renamed and the version at off,
// if it is a later one, as old; then syncs the log.
func (st *fileStore) retire(first, off int64) error {
	err := setMark(st.log, first, markRenamed)
	if err == nil && off != first {
		err = setMark(st.log, off, markOld)
	}
	if err == nil {
		err = st.log.Sync()
	}
	return err
}

// dropKey frees the slot of a key, if it has one.
func (st *fileStore) dropKey(kind byte, key string) error {
	slot, _, _, found, err := st.lookup(kind, key)
	if err != nil || !found {
		return err
	}
	return st.drop(slot)
}

func (st *fileStore) remove(provider, id string) error {
	_, off, cur, found, err := st.lookup('i', idKey(provider, id))
	if err != nil || !found {
		return err
	}
	if err := st.change(); err != nil {
		return err
	}
	first := firstOf(off, cur)
	err = setMark(st.log, first, markDeleted)
	if err == nil && off != first {
		err = setMark(st.log, off, markOld)
	}
	if err == nil {
		err = st.log.Sync()
	}
	if err == nil {
		err = errors.Join(st.dropKey('i', idKey(provider, id)), st.dropKey('n', nameKey(cur.Organization)))
	}
	if err == nil {
		st.head.count--
	}
	return err
}

// scanBytes bounds how much of the log one scan reads, so that a list
// that keeps little of it still lets go of the lock regularly.
const scanBytes = 4 << 20

// scan's cursor is a log offset: the next line to read.
func (st *fileStore) scan(out []Organization, cursor uint64, limit int, keep func(*Organization) bool) ([]Organization, uint64, bool, error) {
	off := max(int64(cursor), st.start)
	r := bufio.NewReaderSize(io.NewSectionReader(st.log, off, st.size-off), 64<<10)
	for kept, read := 0, int64(0); kept < limit && read < scanBytes && off < st.size; {
		raw, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			var rest []byte
			rest, err = r.ReadBytes('\n')
			raw = append(append([]byte(nil), raw...), rest...)
		}
		if err != nil {
			return nil, 0, false, unreadable(st.path, err)
		}
		lineOff := off
		off += int64(len(raw))
		read += int64(len(raw))
		if raw[0] != markLive && raw[0] != markRenamed {
			continue
		}
		l, err := decodeLine(raw[:len(raw)-1])
		if err != nil {
			return nil, 0, false, unreadable(st.path, fmt.Errorf("line at %d: %w", lineOff, err))
		}
		if raw[0] == markRenamed {
			var found bool
			if _, _, l, found, err = st.lookup('i', idKey(l.Provider, l.ID)); err != nil {
				return nil, 0, false, err
			} else if !found {
				continue
			}
		}
		if keep == nil || keep(&l.Organization) {
			out = append(out, l.Organization)
			kept++
		}
	}
	return out, uint64(off), off >= st.size, nil
}

func (st *fileStore) count() int { return int(st.head.count) }

func (st *fileStore) reset() error {
	if err := st.change(); err != nil {
		return err
	}
	if err := st.writeEmptyLog(); err != nil {
		return err
	}
	st.slots.mem = make([]byte, capFor(0)*slotSize)
	st.head = indexHead{logID: st.logID, cap: capFor(0)}
	return st.slots.flush()
}
