package padlock_test

import (
	"crypto/rand"
	"log"
	"os"
	"path/filepath"
	"sync"

	"padlock"
)

// fileSessionCache is a ClientSessionCache that keeps each session in a
// file of its own, so that the next run of a command resumes it. The
// files hold the sessions' secrets: they are written readable by their
// owner only.
type fileSessionCache struct {
	dir string
}

func (c fileSessionCache) path(key string) string {
	return filepath.Join(c.dir, filepath.Base(filepath.Clean("/"+key))+".session")
}

func (c fileSessionCache) Get(key string) (*padlock.ClientSessionState, bool) {
	data, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	s, err := padlock.ParseClientSessionState(data)
	if err != nil {
		return nil, false // damaged or foreign: a full handshake
	}
	return s, true
}

func (c fileSessionCache) Put(key string, s *padlock.ClientSessionState) {
	if s == nil {
		os.Remove(c.path(key))
		return
	}
	if data, err := s.Bytes(); err == nil {
		os.WriteFile(c.path(key), data, 0o600)
	}
}

// Resume a session saved by an earlier run of the program.
func ExampleParseClientSessionState() {
	cfg := &padlock.Config{ServerName: "example.com", ClientSessionCache: fileSessionCache{dir: os.TempDir()}}
	conn, err := padlock.Dial("tcp", "example.com:443", cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	log.Println("resumed:", conn.ConnectionState().DidResume)
}

// Keep a server's sessions in memory, handing each client a short ID as
// its ticket rather than the sealed session.
func ExampleConfig_WrapSession() {
	var mu sync.Mutex
	sessions := map[string][]byte{}
	cfg := &padlock.Config{
		WrapSession: func(_ padlock.ConnectionState, s *padlock.SessionState) ([]byte, error) {
			data, err := s.Bytes()
			if err != nil {
				return nil, err
			}
			id := make([]byte, 16)
			if _, err := rand.Read(id); err != nil {
				return nil, err
			}
			mu.Lock()
			defer mu.Unlock()
			sessions[string(id)] = data
			return id, nil
		},
		UnwrapSession: func(id []byte, _ padlock.ConnectionState) (*padlock.SessionState, error) {
			mu.Lock()
			data, ok := sessions[string(id)]
			mu.Unlock()
			if !ok {
				return nil, nil // unknown: a full handshake
			}
			return padlock.ParseSessionState(data)
		},
	}
	_ = cfg
}
