package padlock

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"

	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// TestCertificateSelection checks the server picks its certificate by the
// name the client asks for, by the signature schemes it accepts, and
// through GetCertificate, for padlock and crypto/tls clients.
func TestCertificateSelection(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	issue := func(kt pki.KeyType, hosts ...string) Certificate {
		is, err := ca.Issue(pki.IssueOptions{Hosts: hosts, KeyType: kt})
		if err != nil {
			t.Fatal(err)
		}
		return Certificate{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}
	}
	a := issue(pki.ECDSAP256, "a.example")
	b := issue(pki.ECDSAP256, "b.example")
	bRSA := issue(pki.RSA2048, "b.example")
	server := &Config{Certificates: []Certificate{a, b, bRSA}}

	leafName := func(st ConnectionState) string { return st.PeerCertificates[0].DNSNames[0] }
	for _, tc := range []struct {
		name    string
		host    string
		schemes []SignatureScheme
		want    string
		wantRSA bool
	}{
		{"first name", "a.example", nil, "a.example", false},
		{"second name", "b.example", nil, "b.example", false},
		{"by signature scheme", "b.example", []SignatureScheme{PSSWithSHA256}, "b.example", true},
	} {
		t.Run("padlock/"+tc.name, func(t *testing.T) {
			cc := &Config{RootCAs: ca.Pool(), ServerName: tc.host, SignatureSchemes: tc.schemes}
			client, _, cerr, serr := runPair(t, cc, server)
			if cerr != nil || serr != nil {
				t.Fatal(cerr, serr)
			}
			st := client.ConnectionState()
			if leafName(st) != tc.want || (st.PeerCertificates[0].PublicKeyAlgorithm.String() == "RSA") != tc.wantRSA {
				t.Errorf("got a certificate for %s (%v)", leafName(st), st.PeerCertificates[0].PublicKeyAlgorithm)
			}
		})
		if tc.schemes != nil {
			continue // a crypto/tls client cannot narrow its signature_algorithms
		}
		t.Run("crypto-tls/"+tc.name, func(t *testing.T) {
			x, y := tcpPair(t)
			client := tls.Client(x, &tls.Config{RootCAs: ca.Pool(), ServerName: tc.host})
			done := make(chan error, 1)
			go func() { done <- Server(y, server).Handshake() }()
			if err := client.Handshake(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := client.ConnectionState().PeerCertificates[0].DNSNames[0]; got != tc.want {
				t.Errorf("got a certificate for %s", got)
			}
		})
	}

	t.Run("GetCertificate", func(t *testing.T) {
		var seen *ClientHelloInfo
		sc := &Config{GetCertificate: func(info *ClientHelloInfo) (*Certificate, error) {
			seen = info
			if info.ServerName == "b.example" {
				return &b, nil
			}
			return &a, nil
		}}
		client, _, cerr, serr := runPair(t, &Config{RootCAs: ca.Pool(), ServerName: "b.example", NextProtos: []string{"h2"}}, sc)
		if cerr != nil || serr != nil {
			t.Fatal(cerr, serr)
		}
		if leafName(client.ConnectionState()) != "b.example" {
			t.Error("GetCertificate's choice was not used")
		}
		if seen == nil || seen.ServerName != "b.example" || len(seen.CipherSuites) == 0 || len(seen.SupportedProtos) != 1 || len(seen.Raw) == 0 {
			t.Errorf("ClientHelloInfo: %+v", seen)
		}
	})

	t.Run("ALPN", func(t *testing.T) {
		sc := &Config{Certificates: []Certificate{a}, NextProtos: []string{"h2", "http/1.1"}}
		client, server, cerr, serr := runPair(t, &Config{RootCAs: ca.Pool(), ServerName: "a.example", NextProtos: []string{"http/1.1", "h2"}}, sc)
		if cerr != nil || serr != nil {
			t.Fatal(cerr, serr)
		}
		if p := client.ConnectionState().NegotiatedProtocol; p != "h2" || server.ConnectionState().NegotiatedProtocol != "h2" {
			t.Errorf("ALPN chose %q; the server's preference is h2", p)
		}
		_, _, cerr, serr = runPair(t, &Config{RootCAs: ca.Pool(), ServerName: "a.example", NextProtos: []string{"spdy/1"}}, sc)
		wantAlerts(t, serr, cerr, AlertNoApplicationProtocol)
	})
}

// TestCheckServerName pins which names a padlock server takes in
// server_name (RFC 6066 section 3): DNS host names, the underscore
// included as other stacks do; nothing else.
func TestCheckServerName(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	for _, name := range []string{
		"", "localhost", "a.example", "LocalHost", "my_host.example", "-odd-.example",
		"xn--bcher-kva.example", "1.2.3.4.5", label63 + ".example",
		strings.Repeat(label63+".", 3) + strings.Repeat("b", 61), // 253 bytes
	} {
		if err := checkServerName(name); err != nil {
			t.Errorf("checkServerName(%q) = %v, want nil", name, err)
		}
	}
	for _, h := range hostileServerNames {
		var ae *AlertError
		if err := checkServerName(h.name); !errors.As(err, &ae) || ae.Description != AlertIllegalParameter {
			t.Errorf("checkServerName(%q) (%s) = %v, want illegal_parameter", h.name, h.why, err)
		}
	}
}

// TestServerNameHandshake runs handshakes with names at the edges of what
// a padlock server accepts, and checks a padlock client leaves out the
// trailing dot of a fully qualified name instead of sending what a
// padlock server refuses.
func TestServerNameHandshake(t *testing.T) {
	cert, pool := testCert(t, pki.Ed25519)
	sc := &Config{Certificates: []Certificate{cert}}
	for _, name := range []string{"my_host.example", "LOCALHOST", strings.Repeat("a", 63) + ".example"} {
		for _, vers := range []uint16{VersionTLS13, VersionTLS12} {
			client, server, cerr, serr := runPair(t, &Config{ServerName: name, InsecureSkipVerify: true, MaxVersion: vers}, sc)
			if cerr != nil || serr != nil {
				t.Fatalf("%s, %q: client %v, server %v", VersionName(vers), name, cerr, serr)
			}
			if got := server.ConnectionState().ServerName; got != name {
				t.Errorf("%s: server saw %q, want %q", VersionName(vers), got, name)
			}
			client.Close()
		}
	}
	client, server, cerr, serr := runPair(t, &Config{ServerName: "localhost.", RootCAs: pool}, sc)
	if cerr != nil || serr != nil {
		t.Fatalf("localhost.: client %v, server %v", cerr, serr)
	}
	if got := server.ConnectionState().ServerName; got != "localhost" {
		t.Errorf("the client sent %q for localhost., want localhost", got)
	}
	client.Close()
}

// TestPeerCertificateNamesEscaped checks that a certificate's names,
// which x509 lets hold control characters, reach padlock's error
// messages escaped (trace.Printable), not as escape sequences.
func TestPeerCertificateNamesEscaped(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	is, err := ca.Issue(pki.IssueOptions{Hosts: []string{"evil\x1b[31mRED\nFAKE"}, CommonName: "x"})
	if err != nil {
		t.Fatal(err)
	}
	sc := &Config{Certificates: []Certificate{{Certificate: is.DER, PrivateKey: is.Key}}}
	_, _, cerr, _ := runPair(t, &Config{RootCAs: ca.Pool(), ServerName: "localhost"}, sc)
	var ae *AlertError
	if !errors.As(cerr, &ae) || ae.Description != AlertBadCertificate {
		t.Fatalf("client: %v, want bad_certificate", cerr)
	}
	if msg := cerr.Error(); strings.ContainsAny(msg, "\x1b\n") || !strings.Contains(msg, `evil\x1b[31mRED\nFAKE`) {
		t.Errorf("error message %q", msg)
	}
}

// TestServerNameAck checks the server answers a server_name it used with
// an empty one (RFC 6066 section 3), in the ServerHello of TLS 1.2 and the
// EncryptedExtensions of TLS 1.3, and not when resuming, where the name
// is the session's (BoGo ServerNameExtensionServer-*).
func TestServerNameAck(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	for _, vers := range []uint16{VersionTLS12, VersionTLS13} {
		t.Run(VersionName(vers), func(t *testing.T) {
			cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4),
				MaxVersion: vers}
			sc := &Config{Certificates: []Certificate{cert}}
			var rec *trace.Recorder
			record := func() { rec = new(trace.Recorder); cc.Trace = rec.Trace }
			for i, want := range []bool{true, false} {
				record()
				client, _ := connectAndRead(t, cc, sc)
				if resumed := client.ConnectionState().DidResume; resumed != (i == 1) {
					t.Fatalf("connection %d: resumed %t", i, resumed)
				}
				if got := serverNameAcked(t, rec.Events(), vers); got != want {
					t.Errorf("connection %d: server_name acknowledged %t, want %t", i, got, want)
				}
			}
			record()
			cc.ServerName, cc.InsecureSkipVerify, cc.ClientSessionCache = "", true, nil
			connectAndRead(t, cc, sc)
			if serverNameAcked(t, rec.Events(), vers) {
				t.Error("server_name acknowledged, but the client sent none")
			}
		})
	}
}

// serverNameAcked reports whether the server's message that carries the
// acknowledgement, among a client's events, has the empty server_name.
func serverNameAcked(t *testing.T, events []trace.Event, vers uint16) bool {
	t.Helper()
	for _, e := range events {
		if e.Kind != trace.KindMessage || e.Dir != trace.Received {
			continue
		}
		switch {
		case vers == VersionTLS12 && e.Name == "ServerHello":
			var sh wire.ServerHello
			if err := sh.Unmarshal(e.Raw); err != nil {
				t.Fatal(err)
			}
			return sh.ServerNameAck
		case vers == VersionTLS13 && e.Name == "EncryptedExtensions":
			var ee wire.EncryptedExtensions
			if err := ee.Unmarshal(e.Raw); err != nil {
				t.Fatal(err)
			}
			return ee.ServerNameAck
		}
	}
	t.Fatal("no ServerHello or EncryptedExtensions in the trace")
	return false
}
