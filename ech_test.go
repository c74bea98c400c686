package padlock

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"padlock/internal/alert"
	"padlock/internal/pki"
)

// echConfigs returns a client config offering ECH to key and a server
// config holding it, both tracing into logs.
func echConfigs(t *testing.T, key *EncryptedClientHelloKey) (cc, sc *Config, clog, slog *eventLog) {
	t.Helper()
	cert, pool := testCert(t, pki.ECDSAP256)
	clog, slog = &eventLog{}, &eventLog{}
	cc = &Config{RootCAs: pool, ServerName: "localhost", EncryptedClientHelloConfigList: ECHConfigList(*key), Trace: clog.tracer}
	sc = &Config{Certificates: []Certificate{cert}, EncryptedClientHelloKeys: []EncryptedClientHelloKey{*key}, Trace: slog.tracer}
	return cc, sc, clog, slog
}

// TestECH runs padlock against itself: the server sees the inner name,
// the network the public one, and each side traces both hellos.
func TestECH(t *testing.T) {
	key := newTestECHKey(t)
	cc, sc, clog, slog := echConfigs(t, key)
	wire := &lockedBuffer{}
	a, b := tcpPair(t)
	client, server := Client(recordingConn{a, wire}, cc), Server(b, sc)
	errc := make(chan error, 1)
	go func() { errc <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		t.Fatalf("client: %v (server %v)", err, <-errc)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	cs, ss := client.ConnectionState(), server.ConnectionState()
	if !cs.ECHAccepted || !ss.ECHAccepted || ss.ServerName != "localhost" || cs.ServerName != "localhost" {
		t.Fatalf("client %+v\nserver %+v", cs, ss)
	}
	if bytes.Contains(wire.Bytes(), []byte("localhost")) || !bytes.Contains(wire.Bytes(), []byte(echPublicName)) {
		t.Error("the client's bytes on the wire name localhost, or not the public name")
	}
	for _, l := range []*eventLog{clog, slog} {
		for _, name := range []string{"ClientHello", "ClientHelloInner", "ECH accepted"} {
			if l.find(name) == nil {
				t.Errorf("trace lacks %q", name)
			}
		}
	}
	if e := clog.find("ClientHelloInner encrypted"); e == nil || e.Field("public_name") != echPublicName || e.Field("server_name") != "localhost" {
		t.Errorf("client's ECH step: %+v", e)
	}
}

// TestECHRejected: a server without the client's key answers the outer
// hello for the public name and sends its configs; the client closes
// with ech_required and returns them; a retry with them succeeds. A
// server with no ECH key at all sends none.
func TestECHRejected(t *testing.T) {
	key, other := newTestECHKey(t), newTestECHKey(t)
	cc, sc, _, _ := echConfigs(t, key)
	sc.EncryptedClientHelloKeys = []EncryptedClientHelloKey{*other}
	cc.ClientSessionCache = NewLRUClientSessionCache(4)
	_, _, cerr, serr := runPair(t, cc, sc)
	var rej *ECHRejectionError
	if !errors.As(cerr, &rej) || !bytes.Equal(rej.RetryConfigList, ECHConfigList(*other)) {
		t.Fatalf("client: %v, want an ECHRejectionError with the server's configs", cerr)
	}
	wantAlert(t, cerr, alert.ECHRequired)
	if serr != nil {
		t.Logf("server: %v", serr) // it may finish before the alert comes
	}
	if _, ok := cc.ClientSessionCache.Get("localhost"); ok {
		t.Error("a session from the outer handshake was cached")
	}
	cc.EncryptedClientHelloConfigList = rej.RetryConfigList
	client, _, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil || !client.ConnectionState().ECHAccepted {
		t.Fatalf("retry: client %v, server %v", cerr, serr)
	}

	sc.EncryptedClientHelloKeys = nil
	_, _, cerr, _ = runPair(t, cc, sc)
	if !errors.As(cerr, &rej) || rej.RetryConfigList != nil {
		t.Fatalf("no ECH on the server: %v, want an ECHRejectionError without configs", cerr)
	}
}

// TestECHRejectedWrongName: after a rejection the server's certificate
// must be valid for the public name (draft-ietf-tls-esni section 6.1.7).
func TestECHRejectedWrongName(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	is, err := ca.Issue(pki.IssueOptions{Hosts: []string{"localhost"}})
	if err != nil {
		t.Fatal(err)
	}
	key, other := newTestECHKey(t), newTestECHKey(t)
	cc, sc, _, _ := echConfigs(t, key)
	sc.Certificates = []Certificate{{Certificate: is.DER, PrivateKey: is.Key}}
	sc.EncryptedClientHelloKeys = []EncryptedClientHelloKey{*other}
	_, _, cerr, _ := runPair(t, cc, sc)
	var rej *ECHRejectionError
	if errors.As(cerr, &rej) {
		t.Fatal("the client trusted a certificate that does not name the public name")
	}
	wantAlert(t, cerr, alert.BadCertificate)
}

// TestECHGrease: a client with no config sends GREASE ECH; a server
// with keys cannot open it, answers the outer hello and offers its
// configs, which the client ignores.
func TestECHGrease(t *testing.T) {
	key := newTestECHKey(t)
	cc, sc, clog, slog := echConfigs(t, key)
	cc.EncryptedClientHelloConfigList = nil
	client, server, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil {
		t.Fatalf("client %v, server %v", cerr, serr)
	}
	if client.ConnectionState().ECHAccepted || server.ConnectionState().ECHAccepted {
		t.Error("GREASE counted as ECH")
	}
	if clog.find("GREASE ECH") == nil || slog.find("ECH not decrypted") == nil {
		t.Error("trace lacks the GREASE steps")
	}
	cc.DisableECHGREASE = true
	clog.reset()
	if _, _, cerr, serr := runPair(t, cc, sc); cerr != nil || serr != nil || clog.find("GREASE ECH") != nil {
		t.Fatalf("GREASE off: client %v, server %v", cerr, serr)
	}
}

// TestECHResumeAndEarlyData resumes a session made over ECH inside the
// inner hello, with early data, the outer hello carrying a GREASE PSK.
func TestECHResumeAndEarlyData(t *testing.T) {
	key := newTestECHKey(t)
	cc, sc, _, slog := echConfigs(t, key)
	now := time.Now()
	cc.Time, sc.Time = func() time.Time { return now }, func() time.Time { return now }
	cc.ClientSessionCache = NewLRUClientSessionCache(4)
	cc.SendEarlyData, sc.MaxEarlyData = true, 1024
	connectAndRead(t, cc, sc)
	slog.reset()
	client, server, read := earlyConnect(t, cc, sc, []byte("early"))
	cs, ss := client.ConnectionState(), server.ConnectionState()
	if !cs.DidResume || !cs.ECHAccepted || !ss.ECHAccepted || !cs.EarlyDataAccepted {
		t.Fatalf("client %+v\nserver %+v", cs, ss)
	}
	if string(read) != "earlyafter" {
		t.Errorf("server read %q", read)
	}
	outer := slog.find("ClientHello")
	if outer == nil || !bytes.Contains([]byte(outer.Field("extensions")), []byte("pre_shared_key")) {
		t.Errorf("the outer hello carries no GREASE pre_shared_key: %+v", outer)
	}
}

// TestECHRetryRequest: a HelloRetryRequest after an accepted ECH, with a
// server that would otherwise retry statelessly (it cannot keep the HPKE
// context in a cookie, so it keeps state).
func TestECHRetryRequest(t *testing.T) {
	key := newTestECHKey(t)
	cc, sc, _, _ := echConfigs(t, key)
	cc.CurvePreferences = []CurveID{X25519, CurveP256}
	sc.CurvePreferences = []CurveID{CurveP256}
	for _, stateless := range []bool{false, true} {
		sc.StatelessRetry = stateless
		client, server, cerr, serr := runPair(t, cc, sc)
		if cerr != nil || serr != nil {
			t.Fatalf("stateless %v: client %v, server %v", stateless, cerr, serr)
		}
		if !client.ConnectionState().ECHAccepted || server.ConnectionState().CurveID != CurveP256 {
			t.Errorf("stateless %v: %+v", stateless, server.ConnectionState())
		}
	}
}

// TestECHVersions: a client with ECH speaks TLS 1.3 only, and refuses a
// Config that allows no TLS 1.3.
func TestECHVersions(t *testing.T) {
	key := newTestECHKey(t)
	cc, sc, _, _ := echConfigs(t, key)
	cc.MinVersion = VersionTLS12
	sc.MaxVersion = VersionTLS12
	if _, _, cerr, _ := runPair(t, cc, sc); cerr == nil {
		t.Error("an ECH client agreed to TLS 1.2")
	}
	cc.MaxVersion = VersionTLS12
	if _, _, cerr, _ := runPair(t, cc, sc); cerr == nil || !bytes.Contains([]byte(cerr.Error()), []byte("needs TLS 1.3")) {
		t.Errorf("MaxVersion TLS 1.2 with ECH: %v", cerr)
	}
}
