package bulk

import "slices"

// indexSet collects job indexes as sorted closed ranges, so a million
// not-started entries in a row cost one pair of ints, not a million.
type indexSet struct {
	r [][2]int
	n int
}

func (s *indexSet) add(i int) {
	s.n++
	// Indexes mostly arrive in order: try the last range first.
	if k := len(s.r); k > 0 && s.r[k-1][1]+1 == i {
		s.r[k-1][1] = i
		return
	}
	if k := len(s.r); k == 0 || s.r[k-1][1] < i {
		s.r = append(s.r, [2]int{i, i})
		return
	}
	k, _ := slices.BinarySearchFunc(s.r, i, func(r [2]int, i int) int { return r[0] - i })
	s.r = slices.Insert(s.r, k, [2]int{i, i})
	s.merge(k)
}

// merge joins range k with its neighbours when they touch.
func (s *indexSet) merge(k int) {
	if k+1 < len(s.r) && s.r[k][1]+1 >= s.r[k+1][0] {
		s.r[k][1] = max(s.r[k][1], s.r[k+1][1])
		s.r = slices.Delete(s.r, k+1, k+2)
	}
	if k > 0 && s.r[k-1][1]+1 >= s.r[k][0] {
		s.r[k-1][1] = max(s.r[k-1][1], s.r[k][1])
		s.r = slices.Delete(s.r, k, k+1)
	}
}

func (s *indexSet) ranges() [][2]int { return s.r }
