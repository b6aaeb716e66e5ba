package cmdutil

import (
	"fmt"
	"sync"

	"github.com/orgctl/orgctl/pkg/iostreams"
	"github.com/orgctl/orgctl/pkg/sandbox"
)

// SandboxToken is what --sandbox sends: never the user's real token.
const SandboxToken = sandbox.DefaultToken

// sandboxSession is the --sandbox sandbox of one orgctl process: started by
// the first provider the command resolves, serving both APIs on a loopback
// port with the organizations of the user's sandbox state file, which it
// holds locked until Factory.Close writes it back.
type sandboxSession struct {
	once sync.Once
	sess *sandbox.Session
	err  error
}

// start starts the session once and returns its base URL.
func (s *sandboxSession) start(ios *iostreams.IOStreams) (string, error) {
	s.once.Do(func() {
		path, err := sandbox.DefaultStatePath()
		if err == nil {
			s.sess, err = sandbox.StartSession(path, sandbox.Options{VertraAPI: "both"}) // whatever vertra.api says
		}
		if err != nil {
			s.err = fmt.Errorf("starting the sandbox: %w", err)
			return
		}
		fmt.Fprintf(ios.ErrOut, "Using the embedded sandbox at %s (state in %s): nothing is sent to a real provider.\n", s.sess.URL, path)
	})
	if s.err != nil {
		return "", s.err
	}
	return s.sess.URL, nil
}

// close stops the session, if it started, and saves its state.
func (s *sandboxSession) close() error {
	if s == nil || s.sess == nil {
		return nil
	}
	sess := s.sess
	s.sess = nil
	if err := sess.Close(); err != nil {
		return fmt.Errorf("saving the sandbox state: %w", err)
	}
	return nil
}

// Close releases what the command used: the --sandbox session writes its
// state back and unlocks it. Run calls it once the command is done.
func (f *Factory) Close() error { return f.Global.sandbox.close() }
