package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"padlock"
)

// sharedState is what outlives one connection of a test: a server's
// ticket keys and TLS 1.2 session cache (in its base Config, which each
// connection's Config clones), a client's session cache, and the clock.
type sharedState struct {
	base   *padlock.Config
	cache  *recordingCache
	clock  time.Time
	events connEvents // what the trace of the current connection showed
	// sessionALPN is the ALPN protocol of the connection that made the
	// client's newest session.
	sessionALPN string
}

func newSharedState(tc *testConfig) (*sharedState, error) {
	s := &sharedState{cache: &recordingCache{inner: padlock.NewLRUClientSessionCache(0)}, clock: time.Now()}
	s.base = &padlock.Config{Time: func() time.Time { return s.clock }}
	return s, nil
}

// recordingCache is a client session cache that notes each new session,
// for the runner's expectations of when sessions are made.
type recordingCache struct {
	inner   padlock.ClientSessionCache
	mu      sync.Mutex
	puts    int
	lastPut *padlock.ClientSessionState // the session Put stored last
}

func (r *recordingCache) Get(key string) (*padlock.ClientSessionState, bool) {
	return r.inner.Get(key)
}

func (r *recordingCache) Put(key string, cs *padlock.ClientSessionState) {
	if cs != nil {
		r.mu.Lock()
		r.puts++
		r.lastPut = cs
		r.mu.Unlock()
	}
	r.inner.Put(key, cs)
}

// newest returns the session Put stored last.
func (r *recordingCache) newest() *padlock.ClientSessionState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastPut
}

func (r *recordingCache) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.puts
}

// runConnection runs one connection of a test: the handshake, the
// checks of what it negotiated, then the exchange of data the runner
// expects: each byte it sends comes back inverted; last, the ECH
// rejection the test may expect instead of success. retry is the
// configuration of what follows a rejection of the client's early data.
func runConnection(tc, retry *testConfig, shared *sharedState, resumed bool) error {
	conn, err := connect(tc, retry, shared, resumed)
	if err != nil {
		return err
	}
	defer conn.NetConn().Close() // drains first: see drainingConn
	return checkECHRejection(tc, retry, converse(tc, retry, conn, shared, resumed))
}

// converse runs a connection's handshake, its checks and its exchange
// of data.
func converse(tc, retry *testConfig, conn *padlock.Conn, shared *sharedState, resumed bool) error {
	puts := shared.cache.count()
	tc, first, err := handshake(tc, retry, conn, shared, resumed, puts)
	if err != nil {
		return err
	}
	if err := exchange(tc, conn, first); err != nil {
		return err
	}
	if err := checkNewSession(tc, conn, shared, puts); err != nil {
		return err
	}
	if tc.shimShutsDown {
		// After the checks, as BoringSSL's shim: a ticket read while
		// waiting for the runner's close_notify is not the test's.
		if tc.checkCloseNotify {
			return shutdown(conn)
		}
		return conn.Close()
	}
	return nil
}

// connect dials the runner and sets up the connection's Config.
func connect(tc, retry *testConfig, shared *sharedState, resumed bool) (*padlock.Conn, error) {
	cfg, err := newConfig(tc, shared)
	if err != nil {
		return nil, err
	}
	if !tc.server && resumed {
		shared.events.session, shared.events.sessionALPN = shared.cache.newest(), shared.sessionALPN
		shared.events.protos = cfg.NextProtos
		if err := setRetryVerify(cfg, retry, &shared.events); err != nil {
			return nil, err
		}
	}
	if !tc.server {
		setECHNameCheck(cfg, tc, retry, &shared.events)
	}
	netConn, err := dial(tc)
	if err != nil {
		return nil, err
	}
	if tc.server {
		return padlock.Server(netConn, cfg), nil
	}
	return padlock.Client(netConn, cfg), nil
}

// handshake runs the handshake, unless the test leaves it to the first
// read or write, and checks it; puts is the count of sessions the client
// had cached before. It returns the configuration the rest of
// the connection runs under and what the shim writes first.
func handshake(tc, retry *testConfig, conn *padlock.Conn, shared *sharedState, resumed bool, puts int) (*testConfig, string, error) {
	early := earlyWrite(tc, resumed, shared.cache.newest())
	if early > 0 {
		if _, err := conn.WriteEarly([]byte(shimInitialWrite[:early])); err != nil {
			return nil, "", err
		}
	}
	first := ""
	if tc.shimWritesFirst {
		first = shimInitialWrite
	}
	// With early data queued the handshake is explicit even when the
	// test's is implicit: what became of the early data is known when it
	// returns, and the first write depends on it.
	if tc.implicitHandshake && early == 0 {
		return tc, first, nil
	}
	if err := conn.Handshake(); err != nil {
		return nil, "", err
	}
	tc, first, err := settleEarlyData(tc, retry, conn.ConnectionState(), &shared.events, resumed, early)
	if err != nil {
		return nil, "", err
	}
	if err := checkHandshake(tc, conn, shared, puts, resumed); err != nil {
		return nil, "", err
	}
	if tc.handshakeTwice || tc.noOpExtraHS {
		if err := conn.Handshake(); err != nil {
			return nil, "", fmt.Errorf("a second Handshake: %w", err)
		}
	}
	return tc, first, nil
}

// checkNewSession checks the session a TLS 1.3 client got after the
// handshake, in a NewSessionTicket read by the exchange: a shim that
// shuts down reads nothing, unless it waits for the runner's
// close_notify, when a ticket may come or not (BoringSSL's shutdown does
// not take it in).
func checkNewSession(tc *testConfig, conn *padlock.Conn, shared *sharedState, puts int) error {
	if tc.server {
		return nil
	}
	got := shared.cache.count() > puts
	if got {
		shared.sessionALPN = conn.ConnectionState().NegotiatedProtocol
	}
	if conn.ConnectionState().Version != padlock.VersionTLS13 || (tc.shimShutsDown && tc.checkCloseNotify) {
		return nil
	}
	if want := !tc.expectNoSession && !tc.shimShutsDown; got != want {
		return fmt.Errorf("a new session was cached: %t, want %t", got, want)
	}
	if early := got && shared.cache.newest().MaxEarlyData() > 0; got && early != tc.expectTicketEarlyData {
		return fmt.Errorf("the new session allows early data: %t, want %t", early, tc.expectTicketEarlyData)
	}
	return nil
}

// checkHandshake checks what the handshake negotiated against the flags.
func checkHandshake(tc *testConfig, conn *padlock.Conn, shared *sharedState, puts int, resumed bool) error {
	st := conn.ConnectionState()
	if tc.expectVersion != 0 && int(st.Version) != tc.expectVersion {
		return fmt.Errorf("version %04x, want %04x", st.Version, tc.expectVersion)
	}
	if want := resumed && !tc.expectSessionMiss; st.DidResume != want {
		return fmt.Errorf("resumed: %t, want %t", st.DidResume, want)
	}
	if !tc.server && st.Version < padlock.VersionTLS13 {
		want := !tc.expectNoSession && (!st.DidResume || tc.expectTicketRenewal)
		if got := shared.cache.count() > puts; got != want {
			return fmt.Errorf("a new session was cached: %t, want %t", got, want)
		}
	}
	if tc.expectHRR != shared.events.hrr && (tc.expectHRR || tc.expectNoHRR) {
		return fmt.Errorf("HelloRetryRequest: %t, want %t", shared.events.hrr, tc.expectHRR)
	}
	if tc.expectServerName != "" && st.ServerName != tc.expectServerName {
		return fmt.Errorf("server name %q, want %q", st.ServerName, tc.expectServerName)
	}
	if tc.expectNoServerName && st.ServerName != "" {
		return fmt.Errorf("server name %q, want none", st.ServerName)
	}
	wantALPN := tc.expectALPN
	if tc.server {
		wantALPN = tc.selectALPN
	}
	if st.NegotiatedProtocol != wantALPN {
		return fmt.Errorf("ALPN protocol %q, want %q", st.NegotiatedProtocol, wantALPN)
	}
	if tc.expectEMS && !st.ExtendedMasterSecret && st.Version < padlock.VersionTLS13 {
		return errors.New("no extended master secret")
	}
	if tc.expectCurveID != 0 && int(st.CurveID) != tc.expectCurveID {
		return fmt.Errorf("group %d, want %d", st.CurveID, tc.expectCurveID)
	}
	if tc.expectCipher != 0 && int(st.CipherSuite) != tc.expectCipher {
		return fmt.Errorf("cipher suite %04x, want %04x", st.CipherSuite, tc.expectCipher)
	}
	if tc.expectPeerSigAlg != 0 && int(st.PeerSignatureScheme) != tc.expectPeerSigAlg {
		return fmt.Errorf("peer signature scheme %04x, want %04x", uint16(st.PeerSignatureScheme), tc.expectPeerSigAlg)
	}
	if tc.expectOCSPResponse != nil && !bytes.Equal(st.OCSPResponse, tc.expectOCSPResponse) {
		return fmt.Errorf("OCSP response %x, want %x", st.OCSPResponse, tc.expectOCSPResponse)
	}
	if err := checkECHAccepted(tc, st); err != nil {
		return err
	}
	if err := checkEarlyData(tc, st, &shared.events); err != nil {
		return err
	}
	if tc.expectPeerCertFile != "" {
		want, err := readChain(tc.expectPeerCertFile)
		if err != nil {
			return err
		}
		if len(want) != len(st.PeerCertificates) {
			return fmt.Errorf("peer sent %d certificates, want %d", len(st.PeerCertificates), len(want))
		}
		for i, cert := range st.PeerCertificates {
			if !bytes.Equal(cert.Raw, want[i]) {
				return fmt.Errorf("peer certificate %d differs from %s", i, tc.expectPeerCertFile)
			}
		}
	}
	return nil
}

// shutdown is BoringSSL's two-step SSL_shutdown, which -check-close-notify
// asks for: send close_notify, then read until the runner's. The runner's
// empty records, warnings and KeyUpdates are dropped on the way, but its
// application data is an error (BoringSSL's APPLICATION_DATA_ON_SHUTDOWN),
// as is the end of the stream without close_notify (padlock reports that
// truncation, RFC 8446 section 6.1, as io.ErrUnexpectedEOF) or an alert.
func shutdown(conn *padlock.Conn) error {
	if err := conn.CloseWrite(); err != nil {
		return err
	}
	buf := make([]byte, 512)
	for {
		n, err := conn.Read(buf)
		if n > 0 {
			return fmt.Errorf("%d bytes of application data after the shim's close_notify", n)
		}
		if errors.Is(err, io.EOF) {
			return conn.Close()
		}
		if err != nil {
			return fmt.Errorf("waiting for the runner's close_notify: %w", err)
		}
	}
}

// exchange does what the runner expects after the handshake: the
// exported keying material, the shim's first write, then echoing every
// byte inverted until the runner closes; with -shim-shuts-down, nothing:
// the shim closes first. first is what the shim writes first: its
// initial write, or the part of it that did not go as early data.
func exchange(tc *testConfig, conn *padlock.Conn, first string) error {
	if tc.exportKeyingMaterial > 0 {
		var context []byte
		if tc.useExportContext {
			context = []byte(tc.exportContext)
		}
		st := conn.ConnectionState()
		ekm, err := st.ExportKeyingMaterial(tc.exportLabel, context, tc.exportKeyingMaterial)
		if err != nil {
			return err
		}
		if _, err := conn.Write(ekm); err != nil {
			return err
		}
	}
	if tc.sendAlert {
		return unimplementedf("sending an alert on demand")
	}
	if tc.differentSizes {
		return unimplementedf("-write-different-record-sizes")
	}
	if first != "" {
		if _, err := conn.Write([]byte(first)); err != nil {
			return err
		}
	}
	if tc.shimShutsDown {
		return nil // runConnection closes, after its checks
	}
	size := 512
	if tc.readSize > 0 {
		size = tc.readSize
	}
	buf := make([]byte, size)
	for {
		if tc.keyUpdateBefore {
			if err := conn.UpdateKeys(false); err != nil {
				return err
			}
		}
		n, err := conn.Read(buf)
		if errors.Is(err, io.EOF) {
			return conn.Close()
		}
		if err != nil {
			return err
		}
		if tc.keyUpdate {
			if err := conn.UpdateKeys(false); err != nil {
				return err
			}
		}
		for i := range buf[:n] {
			buf[i] ^= 0xff
		}
		if _, err := conn.Write(buf[:n]); err != nil {
			return err
		}
	}
}
