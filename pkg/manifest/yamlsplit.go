package manifest

import (
	"bytes"
	"io"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// A YAML manifest is parsed whole, but not into one node tree: a node takes
// over a hundred bytes, so a tree of 100,000 entries of five fields is
// about 150 MB. The list of entries is cut into its items by their lines,
// and each item is parsed on its own when its entry is read; the tree of
// one entry is all that is held besides the text.
//
// The cut is made only where it cannot change the meaning: a block
// sequence (the document itself, or the value of organizations:) whose
// items each start with "-" at the same indentation, in a document without
// anchors, aliases, tags, directives or several documents. Anything else,
// and any item that does not parse as exactly one, is parsed whole, as
// before: slower, never different.

// yamlItem is the text of one item of the list and the line it starts on.
type yamlItem struct {
	text []byte
	line int
}

// splitYAML finds the list of entries in a YAML manifest: rest is the
// document with the list emptied (organizations: []) and its lines kept
// blank, so that the rest parses with the same line numbers. ok is false
// when the list cannot be cut safely.
func splitYAML(data []byte) (rest []byte, items []yamlItem, ok bool) {
	if bytes.ContainsAny(data, "&*!%\t") || bytes.Contains(data, []byte("\n---")) || bytes.HasPrefix(data, []byte("---")) {
		return nil, nil, false // anchors, aliases, tags, directives, documents: and tabs, whose width the cut cannot judge
	}
	if !readable(data) {
		return nil, nil, false // the parser refuses it wherever it is, a comment too, and says so first
	}
	if bytes.Contains(data, []byte("\u0085")) || bytes.Contains(data, []byte("\u2028")) || bytes.Contains(data, []byte("\u2029")) ||
		bytes.Count(data, []byte("\r")) != bytes.Count(data, []byte("\r\n")) {
		return nil, nil, false // line breaks of YAML's other than LF and CRLF: the cut counts lines by LF
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	start, indent := -1, 0 // the first line of the list, the indentation of its "-"
	key := -1              // the line of "organizations:", when the list is its value
	first := true
	for i, l := range lines {
		if !significant(l) {
			continue
		}
		if first && l[0] == '-' {
			start = i // the document is the list
			break
		}
		first = false
		if i2, found := listAfterKey(lines, i); found {
			key, start = i, i2
			break
		}
		// another key (prune:) or its value: read on
	}
	if start < 0 {
		return nil, nil, false
	}
	indent = indentOf(lines[start])
	end := start
	for ; end < len(lines); end++ {
		l := lines[end]
		if !significant(l) || indentOf(l) > indent {
			continue
		}
		if indentOf(l) < indent || !isItem(l[indent:]) {
			break
		}
		if len(items) > 0 {
			items[len(items)-1].text = joinLines(lines, items[len(items)-1].line-1, end)
		}
		items = append(items, yamlItem{line: end + 1})
	}
	if len(items) == 0 {
		return nil, nil, false
	}
	items[len(items)-1].text = joinLines(lines, items[len(items)-1].line-1, end)
	if key < 0 {
		// Only comments and blank lines may follow the list.
		for _, l := range lines[end:] {
			if significant(l) {
				return nil, nil, false
			}
		}
		return nil, items, true
	}
	var b bytes.Buffer
	for i, l := range lines {
		switch {
		case i == key:
			b.WriteString("organizations: []\n")
		case i > key && i < end:
			b.WriteByte('\n')
		default:
			b.Write(l)
		}
	}
	return b.Bytes(), items, true
}

// readable reports whether data is UTF-8 holding only the characters the
// YAML parser reads (yaml.v3's reader: YAML 1.1's printable set).
func readable(data []byte) bool {
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if !(r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0x7E) || r == 0x85 ||
			(r >= 0xA0 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000) {
			return false
		}
		data = data[size:]
	}
	return true
}

// listAfterKey reports whether line i is "organizations:" with its value
// on the lines below, and where the value's first line is.
func listAfterKey(lines [][]byte, i int) (int, bool) {
	l := bytes.TrimRight(lines[i], " \r\n")
	if c := bytes.Index(l, []byte(" #")); c >= 0 {
		l = bytes.TrimRight(l[:c], " ")
	}
	if string(l) != "organizations:" {
		return 0, false
	}
	for j := i + 1; j < len(lines); j++ {
		if significant(lines[j]) {
			l := lines[j][indentOf(lines[j]):]
			return j, isItem(l)
		}
	}
	return 0, false
}

// significant is a line that is neither blank nor a comment.
func significant(l []byte) bool {
	t := bytes.TrimLeft(l, " ")
	return len(bytes.TrimSpace(t)) > 0 && t[0] != '#'
}

func indentOf(l []byte) int { return len(l) - len(bytes.TrimLeft(l, " ")) }

// isItem is a line (from its indentation on) that starts an item: "- x" or
// a lone "-".
func isItem(l []byte) bool {
	return len(l) > 0 && l[0] == '-' && (len(l) == 1 || l[1] == ' ' || l[1] == '\n' || l[1] == '\r')
}

func joinLines(lines [][]byte, from, to int) []byte { return bytes.Join(lines[from:to], nil) }

// batch is how many items are parsed at once: a parser has a cost of its
// own, and a tree of a few hundred entries is small.
const batch = 256

// itemEntries hands out the entries of cut items, parsing a batch of them
// when the first is read. ok is false at a batch that does not parse as
// exactly its items: the caller then parses the document whole.
func itemEntries(items []yamlItem) func() (Entry, bool, error) {
	next := 0              // the first item not parsed yet
	var nodes []*yaml.Node // the parsed batch's items not handed out yet
	first := 0             // the index of nodes[0]
	offset := 0            // the line before the batch
	return func() (Entry, bool, error) {
		if len(nodes) == 0 {
			if next == len(items) {
				return Entry{}, true, io.EOF
			}
			end := min(next+batch, len(items))
			var text []byte
			for i := next; i < end; i++ {
				text = append(text, items[i].text...)
				items[i].text = nil
			}
			var doc yaml.Node
			if err := yaml.Unmarshal(text, &doc); err != nil || len(doc.Content) != 1 ||
				doc.Content[0].Kind != yaml.SequenceNode || len(doc.Content[0].Content) != end-next {
				return Entry{}, false, nil
			}
			nodes, first, offset, next = doc.Content[0].Content, next, items[next].line-1, end
		}
		node := nodes[0]
		nodes = nodes[1:]
		first++
		e, err := entryOf(node, first, offset)
		return e, true, err
	}
}

// entriesOfItems reads every cut item; ok is false when one must be read
// in the whole document instead. After an entry's error it still checks
// that the items that follow are YAML, so that the whole parse may say
// first what it would.
func entriesOfItems(items []yamlItem) (entries []Entry, ok bool, err error) {
	next := itemEntries(items)
	entries = make([]Entry, 0, len(items))
	for {
		e, ok, itemErr := next()
		switch {
		case !ok:
			return nil, false, nil
		case itemErr == io.EOF:
			return entries, true, err
		case itemErr != nil && err == nil:
			err = itemErr
		case err == nil:
			entries = append(entries, e)
		}
	}
}
