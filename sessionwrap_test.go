package padlock

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"padlock/internal/alert"
)

// sessionStore is a server that keeps its sessions in a map, through
// WrapSession and UnwrapSession: the ticket is a short ID.
type sessionStore struct {
	mu       sync.Mutex
	sessions map[string][]byte
	unwraps  int
}

func (st *sessionStore) install(sc *Config) {
	st.sessions = map[string][]byte{}
	sc.WrapSession = func(_ ConnectionState, s *SessionState) ([]byte, error) {
		b, err := s.Bytes()
		if err != nil {
			return nil, err
		}
		id := make([]byte, 16)
		rand.Read(id)
		st.mu.Lock()
		defer st.mu.Unlock()
		st.sessions[string(id)] = b
		return id, nil
	}
	sc.UnwrapSession = func(id []byte, cs ConnectionState) (*SessionState, error) {
		st.mu.Lock()
		defer st.mu.Unlock()
		st.unwraps++
		if cs.ServerName != "localhost" {
			return nil, fmt.Errorf("UnwrapSession sees server name %q", cs.ServerName)
		}
		b, ok := st.sessions[string(id)]
		if !ok {
			return nil, nil
		}
		return ParseSessionState(b)
	}
}

func TestWrapSessionStore(t *testing.T) {
	for _, vers := range resumeVersions {
		t.Run(VersionName(vers), func(t *testing.T) {
			t.Run("resumed by ID", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				var st sessionStore
				st.install(sc)
				connectAndRead(t, cc, sc)
				if n := len(cached(t, cc).ticket); n != 16 {
					t.Fatalf("ticket of %d bytes, want the store's 16-byte ID", n)
				}
				client, server := connectAndRead(t, cc, sc)
				if !client.ConnectionState().DidResume || !server.ConnectionState().DidResume {
					t.Fatal("not resumed from the store")
				}
				if st.unwraps == 0 {
					t.Fatal("UnwrapSession not called")
				}
			})
			t.Run("crypto/tls client", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				var st sessionStore
				st.install(sc)
				tc := &tls.Config{RootCAs: cc.RootCAs, ServerName: "localhost", MaxVersion: vers,
					ClientSessionCache: tls.NewLRUClientSessionCache(4)}
				for i := range 2 {
					server, serr, cerr, resumed := cryptoTLSClient(t, tc, sc)
					if cerr != nil || serr != nil {
						t.Fatalf("connection %d: client: %v; server: %v", i, cerr, serr)
					}
					if want := i == 1; resumed != want || server.ConnectionState().DidResume != want {
						t.Fatalf("connection %d: crypto/tls resumed %v, padlock %v", i, resumed, server.ConnectionState().DidResume)
					}
				}
				if len(st.sessions) == 0 {
					t.Fatal("no session in the store")
				}
			})
			t.Run("unknown ID", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				var st sessionStore
				st.install(sc)
				connectAndRead(t, cc, sc)
				clear(st.sessions)
				client, server, cerr, serr := runPair(t, cc, sc)
				wantNotResumed(t, client, server, cerr, serr, 0)
			})
			t.Run("another name's session", func(t *testing.T) {
				// The store hands back a session made for another server
				// name: the server's own checks refuse it.
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				var st sessionStore
				st.install(sc)
				other := cc.Clone()
				other.ServerName = "example.com"
				other.ClientSessionCache = NewLRUClientSessionCache(4)
				connectAndRead(t, other, sc)
				var foreign []byte
				for _, b := range st.sessions {
					foreign = b
				}
				connectAndRead(t, cc, sc)
				for id := range st.sessions {
					st.sessions[id] = foreign
				}
				client, server, cerr, serr := runPair(t, cc, sc)
				wantNotResumed(t, client, server, cerr, serr, 0)
			})
			t.Run("client auth checked again", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				var st sessionStore
				st.install(sc)
				connectAndRead(t, cc, sc)
				sc2 := sc.Clone()
				sc2.ClientAuth = RequireAnyClientCert
				client, server, cerr, serr := runPair(t, cc, sc2)
				if client.ConnectionState().DidResume || server.ConnectionState().DidResume {
					t.Fatal("resumed a stored session made without the client certificate now required")
				}
				if serr == nil {
					t.Fatalf("full handshake without a client certificate passed (client: %v)", cerr)
				}
			})
			t.Run("UnwrapSession error", func(t *testing.T) {
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				var st sessionStore
				st.install(sc)
				connectAndRead(t, cc, sc)
				sc.UnwrapSession = func([]byte, ConnectionState) (*SessionState, error) {
					return nil, errors.New("store down")
				}
				_, _, _, serr := runPair(t, cc, sc)
				wantAlert(t, serr, alert.InternalError)
			})
			t.Run("EncryptTicket and DecryptTicket", func(t *testing.T) {
				// A WrapSession that adds nothing to padlock's sealing.
				clock := time.Now()
				cc, sc := clientAuthConfigs(t, vers, nil, &clock)
				wrapped := 0
				sc.WrapSession = func(cs ConnectionState, s *SessionState) ([]byte, error) {
					wrapped++
					return sc.EncryptTicket(cs, s)
				}
				sc.UnwrapSession = sc.DecryptTicket
				connectAndRead(t, cc, sc)
				client, _ := connectAndRead(t, cc, sc)
				if !client.ConnectionState().DidResume || wrapped == 0 {
					t.Fatalf("DidResume %v after %d wraps", client.ConnectionState().DidResume, wrapped)
				}
			})
		})
	}
}

func TestSessionStateBytes(t *testing.T) {
	in := &SessionState{s: &sessionState{version: VersionTLS12, suite: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		secret: make([]byte, 48), ems: true, serverName: "localhost", certs: [][]byte{{1}}}}
	b, err := in.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	out, err := ParseSessionState(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := out.Bytes()
	if !bytes.Equal(b, b2) {
		t.Fatal("round trip changed the session")
	}
	b[0] ^= 0xff // the parse copied
	if b3, _ := out.Bytes(); !bytes.Equal(b2, b3) {
		t.Fatal("parsed session shares the caller's buffer")
	}
	if _, err := (&SessionState{}).Bytes(); err == nil {
		t.Fatal("zero SessionState encoded")
	}
	if _, err := ParseSessionState(b2[:len(b2)-1]); err == nil {
		t.Fatal("truncated session parsed")
	}
}

func FuzzParseSessionState(f *testing.F) {
	f.Add((&sessionState{version: VersionTLS12, suite: 0xc02b, secret: make([]byte, 48), ems: true, certs: [][]byte{{1}}}).marshal())
	cfg := &Config{}
	cfg.SetSessionTicketKeys([]TicketKey{{2}})
	f.Fuzz(func(t *testing.T, data []byte) {
		if s, err := ParseSessionState(data); err == nil {
			b, _ := s.Bytes()
			if !bytes.Equal(b, data) {
				t.Fatal("re-encoding differs")
			}
		}
		if s, err := cfg.DecryptTicket(data, ConnectionState{}); err != nil || s != nil {
			t.Fatalf("random bytes opened as a ticket: %v, %v", s, err)
		}
	})
}
