package sandbox

import (
	"bufio"
	"io"
)

// seed appends a batch to the log in one write and indexes it in memory:
// a million organizations without a sync or a slot write each.
func (st *fileStore) seed(b seedBatch) error {
	if err := st.change(); err != nil {
		return err
	}
	if err := st.room(2 * uint64(b.n)); err != nil {
		return err
	}
	if err := st.slots.load(st.head.cap); err != nil {
		return err
	}
	for i := range b.n {
		if _, _, _, taken, err := st.lookup('n', b.key(i)); err != nil || taken {
			if taken {
				err = &nameTakenError{b.org(i).Name}
			}
			st.slots.mem = nil
			return err
		}
	}
	saved := st.head // what the index on disk holds, should writing fail
	w := bufio.NewWriterSize(io.NewOffsetWriter(st.log, st.size), 1<<20)
	off := st.size
	b.each(func(_ int, o Organization) {
		line := encodeLine(markLive, logLine{Organization: o})
		_, _ = w.Write(line)                          // an error sticks to w: Flush reports it
		_ = st.add('i', idKey(o.Provider, o.ID), off) // in memory: no error
		_ = st.add('n', nameKey(o), off)
		off += int64(len(line))
	})
	err := w.Flush()
	if err == nil {
		err = st.log.Sync()
	}
	if err != nil {
		st.slots.mem, st.head = nil, saved // the index on disk is as it was
		_ = st.log.Truncate(st.size)
		return err
	}
	st.size = off
	st.head.count += uint64(b.n)
	return st.slots.flush()
}
