package create

import (
	"fmt"
	"io"
	"os"

	"github.com/orgctl/orgctl/pkg/manifest"
)

// manifestSource reads a manifest twice (check, then send). Standard
// input, or any file that cannot be read twice (a pipe), is copied to a
// temporary file while the first pass reads it.
type manifestSource struct {
	path   string
	in     io.Reader // standard input
	spool  *os.File  // the copy, for the second pass
	format string    // what the first pass found
}

func openManifest(path string, stdin io.Reader) (*manifestSource, error) {
	s := &manifestSource{path: path, format: manifest.FormatOf(path)}
	if path == "-" {
		s.in, s.format = stdin, ""
		return s, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		s.in = f // closed by Close, through spool's lifetime
	}
	return s, nil
}

// first opens the manifest for the first pass.
func (s *manifestSource) first() (*manifest.Reader, error) {
	var r *manifest.Reader
	var err error
	if s.in == nil {
		r, err = s.openPath()
	} else {
		spool, cerr := os.CreateTemp("", "orgctl-manifest-*")
		if cerr != nil {
			return nil, fmt.Errorf("copying standard input aside: %w", cerr)
		}
		_ = os.Remove(spool.Name()) // gone with the process (where the OS allows it)
		s.spool = spool
		r, err = manifest.NewReader(io.TeeReader(s.in, spool), s.format)
	}
	if err == nil {
		s.format = r.Format // what the first pass sniffed, for the second
	}
	return r, err
}

// reopen reads the manifest again from the start.
func (s *manifestSource) reopen() (*manifest.Reader, error) {
	if s.spool == nil {
		return s.openPath()
	}
	if _, err := s.spool.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return manifest.NewReader(s.spool, s.format)
}

// openPath reads the manifest file; it is closed at its end, or at once
// when it cannot be read as a manifest.
func (s *manifestSource) openPath() (*manifest.Reader, error) {
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	r, err := manifest.NewReader(&closeOnEOF{f: f}, s.format)
	if err != nil {
		f.Close()
	}
	return r, err
}

func (s *manifestSource) Close() {
	if s.spool != nil {
		name := s.spool.Name()
		s.spool.Close()
		_ = os.Remove(name)
	}
	if c, ok := s.in.(io.Closer); ok && s.in != io.Reader(os.Stdin) {
		c.Close()
	}
}

// closeOnEOF closes a file once it has been read to the end, so a pass
// that reads to the end leaves no descriptor open.
type closeOnEOF struct {
	f    *os.File
	done bool
}

func (c *closeOnEOF) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	n, err := c.f.Read(p)
	if err == io.EOF {
		c.done = true
		c.f.Close()
	}
	return n, err
}
