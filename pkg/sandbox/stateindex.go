package sandbox

import (
	"encoding/binary"
	"hash/fnv"
	"io"
	"math/bits"
	"os"
)

// The index (FILE.idx) is a hash table on disk, so that a command finds an
// organization by id or by name without reading the log: a header, then
// slots of two little-endian uint64, a key's 64-bit hash and the offset of
// the log line holding its current version, probed linearly. The hash may
// collide: a candidate is checked against the line it points to.
// Read and written in place a slot at a time, it is loaded whole only to
// grow, to seed or to be rebuilt from the log.

const (
	indexMagic   = "orgctlIX"
	indexVersion = 1
	indexHeader  = 128
	slotSize     = 16
	tombstone    = ^uint64(0) // a freed slot: probing goes on past it
)

// indexHead is the index's header.
type indexHead struct {
	logID   [8]byte // the header id of the log it indexes
	logSize uint64  // the log length it covers
	cap     uint64  // slots, a power of two
	used    uint64  // keys
	tombs   uint64  // freed slots
	count   uint64  // organizations
	clean   bool    // false while a command changes it: a crash then forces a rebuild
}

func (h *indexHead) encode() []byte {
	b := make([]byte, indexHeader)
	copy(b, indexMagic)
	le := binary.LittleEndian
	le.PutUint64(b[8:], indexVersion)
	copy(b[16:], h.logID[:])
	le.PutUint64(b[24:], h.logSize)
	le.PutUint64(b[32:], h.cap)
	le.PutUint64(b[40:], h.used)
	le.PutUint64(b[48:], h.tombs)
	le.PutUint64(b[56:], h.count)
	if h.clean {
		b[64] = 1
	}
	return b
}

// decodeIndexHead reads a header; false when it is not one.
func decodeIndexHead(b []byte) (indexHead, bool) {
	le := binary.LittleEndian
	if len(b) < indexHeader || string(b[:8]) != indexMagic || le.Uint64(b[8:]) != indexVersion {
		return indexHead{}, false
	}
	var h indexHead
	copy(h.logID[:], b[16:])
	h.logSize, h.cap, h.used = le.Uint64(b[24:]), le.Uint64(b[32:]), le.Uint64(b[40:])
	h.tombs, h.count, h.clean = le.Uint64(b[48:]), le.Uint64(b[56:]), b[64] == 1
	return h, h.cap > 0 && bits.OnesCount64(h.cap) == 1
}

// keyHash hashes a key of a kind ('i' for ids, 'n' for names); 0 means an
// empty slot, so no key hashes to it.
func keyHash(kind byte, key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte{kind})
	io.WriteString(h, key)
	if v := h.Sum64(); v != 0 {
		return v
	}
	return 1
}

// slots are the table: in f at indexHeader, or in mem while loaded.
type slots struct {
	f   *os.File
	mem []byte
	buf [slotSize]byte
}

func (s *slots) get(i uint64) (h, off uint64, err error) {
	b := s.buf[:]
	if s.mem != nil {
		b = s.mem[i*slotSize:]
	} else if _, err := s.f.ReadAt(b, indexHeader+int64(i*slotSize)); err != nil {
		return 0, 0, err
	}
	return binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:]), nil
}

func (s *slots) set(i, h, off uint64) error {
	b := s.buf[:]
	if s.mem != nil {
		b = s.mem[i*slotSize:]
	}
	binary.LittleEndian.PutUint64(b, h)
	binary.LittleEndian.PutUint64(b[8:], off)
	if s.mem != nil {
		return nil
	}
	_, err := s.f.WriteAt(b, indexHeader+int64(i*slotSize))
	return err
}

// load reads the n slots into memory; flush writes them back.
func (s *slots) load(n uint64) error {
	s.mem = make([]byte, n*slotSize)
	_, err := s.f.ReadAt(s.mem, indexHeader)
	if err == io.EOF {
		err = nil // a new index: its slots are not written yet
	}
	return err
}

func (s *slots) flush() error {
	if err := s.f.Truncate(indexHeader + int64(len(s.mem))); err != nil {
		return err
	}
	_, err := s.f.WriteAt(s.mem, indexHeader)
	s.mem = nil
	return err
}

// probe walks the slots of hash h from its home slot until an empty one,
// calling visit on each slot holding h; it returns the slot visit accepted,
// if any, and the first free slot seen, where h would go.
func (s *slots) probe(cap, h uint64, visit func(off uint64) (bool, error)) (found, free uint64, ok bool, err error) {
	free = cap // none yet
	for i, n := h&(cap-1), uint64(0); n < cap; i, n = (i+1)&(cap-1), n+1 {
		sh, off, err := s.get(i)
		if err != nil {
			return 0, 0, false, err
		}
		switch {
		case sh == 0 && off == 0:
			if free == cap {
				free = i
			}
			return 0, free, false, nil
		case off == tombstone:
			if free == cap {
				free = i
			}
		case sh == h:
			if ok, err := visit(off); err != nil || ok {
				return i, free, ok, err
			}
		}
	}
	return 0, free, false, nil
}

// rehash moves every key of the loaded slots into a new table of newCap
// slots, left loaded. Keys are distinct, so no line is read.
func (s *slots) rehash(cap, newCap uint64) {
	old := s.mem
	s.mem = make([]byte, newCap*slotSize)
	for i := range cap {
		h, off := binary.LittleEndian.Uint64(old[i*slotSize:]), binary.LittleEndian.Uint64(old[i*slotSize+8:])
		if h == 0 || off == tombstone {
			continue
		}
		j := h & (newCap - 1)
		for binary.LittleEndian.Uint64(s.mem[j*slotSize:]) != 0 {
			j = (j + 1) & (newCap - 1)
		}
		_ = s.set(j, h, off)
	}
}

// capFor is the table size that keeps n keys at most half full.
func capFor(n uint64) uint64 {
	c := uint64(64)
	for c < 2*n+2 {
		c *= 2
	}
	return c
}
