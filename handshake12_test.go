package padlock

import (
	"bytes"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"padlock/internal/alert"
	"padlock/internal/pki"
	"padlock/internal/wire"
	"padlock/trace"
)

// certCurve is the group of each ECDSA test certificate's curve.
var certCurve = map[pki.KeyType]CurveID{pki.ECDSAP256: CurveP256, pki.ECDSAP384: CurveP384}

func TestHandshake12Matrix(t *testing.T) {
	ecdsaSuites := []uint16{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}
	rsaSuites := []uint16{TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256}
	type combo struct {
		kt    pki.KeyType
		suite uint16
		group CurveID // 0 for RSA key transport
	}
	var combos []combo
	for _, kt := range []pki.KeyType{pki.ECDSAP256, pki.ECDSAP384, pki.Ed25519, pki.RSA2048} {
		ss := ecdsaSuites
		if kt == pki.RSA2048 {
			ss = rsaSuites
			combos = append(combos, combo{kt, TLS_RSA_WITH_AES_128_GCM_SHA256, 0}, combo{kt, TLS_RSA_WITH_AES_256_GCM_SHA384, 0})
		}
		for _, s := range ss {
			for _, g := range []CurveID{X25519, CurveP256, CurveP384, CurveP521} {
				combos = append(combos, combo{kt, s, g})
			}
		}
	}
	for _, tc := range combos {
		t.Run(fmt.Sprintf("%s/%s/%v", tc.kt, CipherSuiteName(tc.suite), tc.group), func(t *testing.T) {
			cert, pool := testCert(t, tc.kt)
			cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, CipherSuites: []uint16{tc.suite}}
			sc := &Config{Certificates: []Certificate{cert}, EnableRSAKeyExchange: true}
			if tc.group != 0 {
				// The server must use tc.group; the client also lists
				// the certificate's curve (RFC 8422 section 5.3).
				sc.CurvePreferences = []CurveID{tc.group}
				cc.CurvePreferences = []CurveID{tc.group}
				if c := certCurve[tc.kt]; c != 0 && c != tc.group {
					cc.CurvePreferences = append(cc.CurvePreferences, c)
				}
			}
			client, server, cerr, serr := runPair(t, cc, sc)
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			var ekm [2][]byte
			for i, c := range []*Conn{client, server} {
				st := c.ConnectionState()
				if st.Version != VersionTLS12 || st.CipherSuite != tc.suite || st.CurveID != tc.group || !st.ExtendedMasterSecret {
					t.Errorf("state %+v", st)
				}
				if (st.SignatureScheme == 0) != (tc.group == 0) {
					t.Errorf("signature scheme %v with group %v", st.SignatureScheme, tc.group)
				}
				var err error
				if ekm[i], err = st.ExportKeyingMaterial("EXPERIMENTAL padlock", []byte("ctx"), 32); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(ekm[0], ekm[1]) {
				t.Error("exported keying material differs")
			}
			if len(client.ConnectionState().PeerCertificates) == 0 || len(client.ConnectionState().VerifiedChains) == 0 {
				t.Error("client has no verified server chain")
			}
			echo(t, client, server, 70000)
		})
	}
}

func TestHandshake12VersionNegotiation(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	t.Run("1.3 client, 1.2 server", func(t *testing.T) {
		client, _, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost"},
			&Config{Certificates: []Certificate{cert}, MaxVersion: VersionTLS12})
		if cerr != nil || serr != nil {
			t.Fatalf("client: %v; server: %v", cerr, serr)
		}
		if v := client.ConnectionState().Version; v != VersionTLS12 {
			t.Fatalf("version %s", VersionName(v))
		}
		if bytes.Equal(client.random[1][24:], downgradeTLS12) {
			t.Error("a TLS 1.2-only server wrote the downgrade sentinel")
		}
	})
	t.Run("1.2 client, 1.3 server", func(t *testing.T) {
		client, server, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12},
			&Config{Certificates: []Certificate{cert}})
		if cerr != nil || serr != nil {
			t.Fatalf("client: %v; server: %v", cerr, serr)
		}
		if v := server.ConnectionState().Version; v != VersionTLS12 {
			t.Fatalf("version %s", VersionName(v))
		}
		if !bytes.Equal(client.random[1][24:], downgradeTLS12) {
			t.Errorf("server random ends in %x, want the DOWNGRD sentinel", client.random[1][24:])
		}
	})
	t.Run("downgrade detected", func(t *testing.T) {
		// An attacker strips TLS 1.3 from supported_versions; the client
		// still believes it offered TLS 1.3.
		a, b := tcpPair(t)
		client := Client(a, &Config{RootCAs: pool, ServerName: "localhost"})
		client.testHooks.editHello = func(h *wire.ClientHello) {
			h.SupportedVersions = slices.DeleteFunc(h.SupportedVersions, func(v uint16) bool { return v == VersionTLS13 })
		}
		cerr, serr := handshakeBoth(client, Server(b, &Config{Certificates: []Certificate{cert}}), a)
		wantAlerts(t, cerr, serr, AlertIllegalParameter)
	})
}

// handshakeBoth runs the two handshakes concurrently.
func handshakeBoth(client, server *Conn, clientSide io.Closer) (error, error) {
	errc := make(chan error, 1)
	go func() { errc <- server.Handshake() }()
	cerr := client.Handshake()
	if cerr != nil {
		clientSide.Close()
	}
	return cerr, <-errc
}

// rawToServer sends bytes to a padlock server and returns everything it
// answers until it closes, and its handshake error.
func rawToServer(t *testing.T, sc *Config, payload []byte) ([]byte, error) {
	t.Helper()
	a, b := tcpPair(t)
	server := Server(b, sc)
	errc := make(chan error, 1)
	go func() {
		err := server.Handshake()
		b.Close()
		errc <- err
	}()
	if _, err := a.Write(payload); err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(a)
	return got, <-errc
}

// handshakeRecord wraps a handshake message in a plaintext record.
func handshakeRecord(msg []byte, vers uint16) []byte {
	return append([]byte{22, byte(vers >> 8), byte(vers), byte(len(msg) >> 8), byte(len(msg))}, msg...)
}

func TestHandshake12OldVersions(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	t.Run("TLS 1.0 ClientHello", func(t *testing.T) {
		ch := &wire.ClientHello{Vers: VersionTLS10, Random: make([]byte, 32), CompressionMethods: []uint8{0},
			CipherSuites: []uint16{0x002F, 0x0035}}
		got, serr := rawToServer(t, &Config{Certificates: []Certificate{cert}}, handshakeRecord(ch.Marshal(), VersionTLS10))
		if want := []byte{21, 3, 3, 0, 2, 2, byte(AlertProtocolVersion)}; !bytes.Equal(got, want) {
			t.Errorf("server answered %x, want %x", got, want)
		}
		var ae *AlertError
		if !errors.As(serr, &ae) || ae.Description != AlertProtocolVersion {
			t.Errorf("server error %v", serr)
		}
	})
	t.Run("server answers TLS 1.0", func(t *testing.T) {
		a, b := tcpPair(t)
		errc := make(chan error, 1)
		go func() { errc <- Client(a, &Config{RootCAs: pool, ServerName: "localhost"}).Handshake() }()
		buf := make([]byte, 5)
		if _, err := io.ReadFull(b, buf); err != nil {
			t.Fatal(err)
		}
		if _, err := io.CopyN(io.Discard, b, int64(buf[3])<<8|int64(buf[4])); err != nil {
			t.Fatal(err)
		}
		sh := &wire.ServerHello{Vers: VersionTLS10, Random: make([]byte, 32), CipherSuite: 0x002F}
		b.Write(handshakeRecord(sh.Marshal(), VersionTLS10))
		cerr := <-errc
		a.Close()
		got, _ := io.ReadAll(b)
		if want := []byte{21, 3, 3, 0, 2, 2, byte(AlertProtocolVersion)}; !bytes.Equal(got, want) {
			t.Errorf("client answered %x, want %x", got, want)
		}
		var ae *AlertError
		if !errors.As(cerr, &ae) || ae.Remote || ae.Description != AlertProtocolVersion {
			t.Errorf("client error %v", cerr)
		}
	})
	t.Run("SSLv2 ClientHello", func(t *testing.T) {
		// msg_length with the high bit set, msg_type 1, version 3.1,
		// cipher_spec_length 3, session_id_length 0, challenge_length 16.
		v2 := []byte{0x80, 0x1c, 0x01, 0x03, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x2f}
		v2 = append(v2, make([]byte, 16)...)
		got, serr := rawToServer(t, &Config{Certificates: []Certificate{cert}}, v2)
		if len(got) != 0 {
			t.Errorf("server answered %x, want a close without an alert", got)
		}
		if !errors.Is(serr, errSSLv2) {
			t.Errorf("server error %v", serr)
		}
	})
}

func TestHandshake12Refusals(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	tests := []struct {
		name        string
		client      func(*Config, *Conn)
		server      func(*Config, *Conn)
		clientFinds bool
		alert       Alert
	}{
		{"fallback SCSV to a TLS 1.3 server", func(cc *Config, c *Conn) {
			c.testHooks.editHello = func(h *wire.ClientHello) { h.CipherSuites = append(h.CipherSuites, scsvFallback) }
		}, nil, false, alert.InappropriateFallback},
		{"non-empty renegotiation_info", func(cc *Config, c *Conn) {
			c.testHooks.editHello = func(h *wire.ClientHello) { h.SecureRenegotiation = []byte("previous verify_data") }
		}, nil, false, AlertHandshakeFailure},
		{"only CBC, RC4, 3DES, NULL, export and anonymous suites", func(cc *Config, c *Conn) {
			c.testHooks.editHello = func(h *wire.ClientHello) {
				h.CipherSuites = []uint16{0xC013, 0x002F, 0x0035, 0x0005, 0x000A, 0x0001, 0x0003, 0x0018, 0xC018}
			}
		}, nil, false, AlertHandshakeFailure},
		{"no signature_algorithms", func(cc *Config, c *Conn) {
			c.testHooks.editHello = func(h *wire.ClientHello) { h.SignatureAlgorithms = nil }
		}, nil, false, AlertHandshakeFailure},
		{"no uncompressed points", func(cc *Config, c *Conn) {
			c.testHooks.editHello = func(h *wire.ClientHello) { h.ECPointFormats = []uint8{1} }
		}, nil, false, AlertIllegalParameter},
		// RFC 7627 section 5.2, when asked to (by default both go on).
		{"client without EMS, server requires it", func(cc *Config, c *Conn) { cc.DisableExtendedMasterSecret = true },
			func(sc *Config, c *Conn) { sc.RequireExtendedMasterSecret = true }, false, AlertHandshakeFailure},
		{"server without EMS, client requires it", func(cc *Config, c *Conn) { cc.RequireExtendedMasterSecret = true },
			func(sc *Config, c *Conn) { sc.DisableExtendedMasterSecret = true }, true, AlertHandshakeFailure},
		{"bad ServerKeyExchange signature", nil, func(sc *Config, c *Conn) { c.testHooks.corruptSignature = true }, true, AlertDecryptError},
		{"tampered server Finished", nil, func(sc *Config, c *Conn) { c.testHooks.corruptFinished = true }, true, AlertDecryptError},
		{"tampered client Finished", func(cc *Config, c *Conn) { c.testHooks.corruptFinished = true }, nil, false, AlertDecryptError},
		{"certificate curve not supported", func(cc *Config, c *Conn) { cc.CurvePreferences = []CurveID{X25519} }, nil, false, AlertHandshakeFailure},
		{"no group in common", func(cc *Config, c *Conn) { cc.CurvePreferences = []CurveID{CurveP384} },
			func(sc *Config, c *Conn) { sc.CurvePreferences = []CurveID{X25519} }, false, AlertHandshakeFailure},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tcpPair(t)
			cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12}
			sc := &Config{Certificates: []Certificate{cert}}
			client, server := Client(a, cc), Server(b, sc)
			if tc.client != nil {
				tc.client(cc, client)
			}
			if tc.server != nil {
				tc.server(sc, server)
			}
			cerr, serr := handshakeBoth(client, server, a)
			if serr == nil {
				// The server's flight was its last: the client's alert
				// comes to its first Read.
				_, serr = server.Read(make([]byte, 1))
			}
			if tc.clientFinds {
				wantAlerts(t, cerr, serr, tc.alert)
			} else {
				wantAlerts(t, serr, cerr, tc.alert)
			}
		})
	}
}

func TestHandshake12WithoutEMS(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	client, server, cerr, serr := runPair(t,
		&Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, DisableExtendedMasterSecret: true},
		&Config{Certificates: []Certificate{cert}, DisableExtendedMasterSecret: true})
	if cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	st := client.ConnectionState()
	if st.ExtendedMasterSecret {
		t.Error("ExtendedMasterSecret set")
	}
	if _, err := st.ExportKeyingMaterial("EXPERIMENTAL x", nil, 16); err == nil {
		t.Error("keying material exported without the extended master secret")
	}
	echo(t, client, server, 100)
}

// TestHandshake12RSAPremasterOracle checks that a server cannot be told
// apart by how the RSA premaster secret is wrong (RFC 5246 section
// 7.4.7.1, ROBOT): every case fails the same way at the same step.
func TestHandshake12RSAPremasterOracle(t *testing.T) {
	cert, pool := testCert(t, pki.RSA2048)
	cases := []struct {
		name string
		hook func(*Conn)
	}{
		{"invalid padding", func(c *Conn) { c.testHooks.corruptKeyExchange = true }},
		{"wrong version", func(c *Conn) {
			c.testHooks.rsaPremaster = func(pm []byte) []byte { pm[1] = 0x01; return pm }
		}},
		{"47 bytes", func(c *Conn) { c.testHooks.rsaPremaster = func(pm []byte) []byte { return pm[:47] } }},
		{"49 bytes", func(c *Conn) { c.testHooks.rsaPremaster = func(pm []byte) []byte { return append(pm, 0) } }},
	}
	var firstErr string
	var firstTrace []string
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := tcpPair(t)
			var rec trace.Recorder
			client := Client(a, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12,
				CipherSuites: []uint16{TLS_RSA_WITH_AES_128_GCM_SHA256}})
			server := Server(b, &Config{Certificates: []Certificate{cert}, EnableRSAKeyExchange: true, Trace: rec.Trace})
			tc.hook(client)
			cerr, serr := handshakeBoth(client, server, a)
			wantAlerts(t, serr, cerr, AlertBadRecordMAC)
			var names []string
			for _, e := range rec.Events() {
				names = append(names, e.Name)
			}
			if firstErr == "" {
				firstErr, firstTrace = serr.Error(), names
				return
			}
			if serr.Error() != firstErr {
				t.Errorf("server error %q, first case %q", serr, firstErr)
			}
			if !slices.Equal(names, firstTrace) {
				t.Errorf("server steps %v\nfirst case %v", names, firstTrace)
			}
		})
	}
	t.Run("valid premaster, tampered Finished", func(t *testing.T) {
		a, b := tcpPair(t)
		client := Client(a, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12,
			CipherSuites: []uint16{TLS_RSA_WITH_AES_256_GCM_SHA384}})
		server := Server(b, &Config{Certificates: []Certificate{cert}, EnableRSAKeyExchange: true})
		client.testHooks.corruptFinished = true
		cerr, serr := handshakeBoth(client, server, a)
		wantAlerts(t, serr, cerr, AlertDecryptError)
	})
	t.Run("not enabled by default", func(t *testing.T) {
		a, b := tcpPair(t)
		client := Client(a, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12,
			CipherSuites: []uint16{TLS_RSA_WITH_AES_128_GCM_SHA256}})
		cerr, serr := handshakeBoth(client, Server(b, &Config{Certificates: []Certificate{cert}}), a)
		wantAlerts(t, serr, cerr, AlertHandshakeFailure)
	})
}

func TestHandshake12ClientAuth(t *testing.T) {
	for _, kt := range []pki.KeyType{pki.ECDSAP256, pki.RSA2048, pki.Ed25519} {
		t.Run(string(kt), func(t *testing.T) {
			cert, pool := testCert(t, kt)
			is := pki.TestClient(kt)
			ccert := Certificate{Certificate: is.DER, PrivateKey: is.Key}
			client, server, cerr, serr := runPair(t,
				&Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, Certificates: []Certificate{ccert}},
				&Config{Certificates: []Certificate{cert}, ClientAuth: RequireAndVerifyClientCert, ClientCAs: pool})
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			st := server.ConnectionState()
			if len(st.PeerCertificates) == 0 || len(st.VerifiedChains) == 0 ||
				st.PeerCertificates[0].Subject.CommonName != "padlock test client" {
				t.Errorf("server saw client chain %v", st.PeerCertificates)
			}
			echo(t, client, server, 1000)
		})
	}
	cert, pool := testCert(t, pki.ECDSAP256)
	t.Run("missing", func(t *testing.T) {
		_, _, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12},
			&Config{Certificates: []Certificate{cert}, ClientAuth: RequireAnyClientCert})
		wantAlerts(t, serr, cerr, AlertHandshakeFailure)
	})
	t.Run("optional", func(t *testing.T) {
		_, server, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12},
			&Config{Certificates: []Certificate{cert}, ClientAuth: VerifyClientCertIfGiven, ClientCAs: pool})
		if cerr != nil || serr != nil || server.ConnectionState().PeerCertificates != nil {
			t.Fatalf("client: %v; server: %v", cerr, serr)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		is := pki.TestClient(pki.ECDSAP256)
		a, b := tcpPair(t)
		client := Client(a, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12,
			Certificates: []Certificate{{Certificate: is.DER, PrivateKey: is.Key}}})
		client.testHooks.corruptSignature = true
		cerr, serr := handshakeBoth(client, Server(b, &Config{Certificates: []Certificate{cert}, ClientAuth: RequireAnyClientCert}), a)
		wantAlerts(t, serr, cerr, AlertDecryptError)
	})
}

func TestHandshake12Extensions(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	cert.OCSPStaple = []byte("an OCSP response")
	a, b := tcpPair(t)
	client := Client(a, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, NextProtos: []string{"h2", "http/1.1"}})
	client.testHooks.editHello = func(h *wire.ClientHello) { h.StatusRequest = true }
	server := Server(b, &Config{Certificates: []Certificate{cert}, NextProtos: []string{"http/1.1"}})
	cerr, serr := handshakeBoth(client, server, a)
	if cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	st := client.ConnectionState()
	if st.NegotiatedProtocol != "http/1.1" || server.ConnectionState().NegotiatedProtocol != "http/1.1" {
		t.Errorf("ALPN %q", st.NegotiatedProtocol)
	}
	if string(st.OCSPResponse) != "an OCSP response" {
		t.Errorf("OCSP response %q", st.OCSPResponse)
	}
	if st.ServerName != "localhost" || server.ConnectionState().ServerName != "localhost" {
		t.Errorf("server name %q", st.ServerName)
	}
}

func TestHandshake12RenegotiationRefused(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var rc trace.Recorder
	client, server, cerr, serr := runPair(t, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, Trace: rc.Trace},
		&Config{Certificates: []Certificate{cert}})
	if cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	hello, _, err := client.makeClientHello()
	if err != nil {
		t.Fatal(err)
	}
	client.out.Lock()
	client.out.w.WriteRecord(recordHandshake, hello.Marshal())
	client.out.Unlock()
	// RFC 5246 section 7.2.2: the server answers with a warning
	// no_renegotiation and the connection goes on.
	client.Write([]byte("a"))
	if _, err := server.Read(make([]byte, 1)); err != nil {
		t.Fatalf("server read: %v", err)
	}
	server.Write([]byte("b"))
	if _, err := client.Read(make([]byte, 1)); err != nil {
		t.Fatalf("client read: %v", err)
	}
	warns := 0
	for _, e := range rc.Events() {
		if e.Kind == trace.KindAlert && e.Dir == trace.Received && e.Fields[0].Value == "no_renegotiation" {
			warns++
		}
	}
	if warns != 1 {
		t.Errorf("client got %d no_renegotiation warnings, want one", warns)
	}
}

func TestHandshake12KeyLogAndTrace(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var klc, kls bytes.Buffer
	var rc, rs trace.Recorder
	client, _, cerr, serr := runPair(t,
		&Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, KeyLogWriter: &klc, Trace: rc.Trace},
		&Config{Certificates: []Certificate{cert}, KeyLogWriter: &kls, Trace: rs.Trace})
	if cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	line := klc.String()
	if !regexp.MustCompile(`^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$`).MatchString(line) {
		t.Fatalf("key log %q", line)
	}
	if line != kls.String() {
		t.Errorf("client logged %q, server %q", line, kls.String())
	}
	if !strings.HasPrefix(line, "CLIENT_RANDOM "+hex.EncodeToString(client.random[0][:])+" ") {
		t.Errorf("key log %q does not name the client random", line)
	}
	master := strings.TrimSpace(line[len(line)-97:])

	var sent, recv []string
	for _, e := range rc.Events() {
		if e.Kind == trace.KindMessage {
			if e.Dir == trace.Sent {
				sent = append(sent, e.Name)
			} else {
				recv = append(recv, e.Name)
			}
		}
	}
	if want := "[ServerHello Certificate ServerKeyExchange ServerHelloDone ChangeCipherSpec Finished]"; fmt.Sprint(recv) != want {
		t.Errorf("client received %v, want %v", recv, want)
	}
	if want := "[ClientHello ClientKeyExchange ChangeCipherSpec Finished]"; fmt.Sprint(sent) != want {
		t.Errorf("client sent %v, want %v", sent, want)
	}
	for _, want := range []string{"ServerKeyExchange signature verified", "shared secret computed", "extended master secret derived",
		"client write keys installed for writing", "server write keys installed for reading", "server Finished verified"} {
		if !slices.ContainsFunc(rc.Events(), func(e trace.Event) bool { return e.Name == want }) {
			t.Errorf("client trace lacks %q", want)
		}
	}
	for _, e := range append(rc.Events(), rs.Events()...) {
		if strings.Contains(fmt.Sprint(e.Fields, e.Explain), master) || bytes.Contains(e.Raw, mustHex(master)) {
			t.Errorf("event %q shows the master secret", e.Name)
		}
	}
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// TestClientChecksLeafCurve: in TLS 1.2 a server's ECDSA key must lie on
// a curve the client offered (RFC 8422 section 5.3); a server that sends
// one on another curve is refused with illegal_parameter, as BoringSSL
// (BAD_ECC_CERT, BoGo CheckLeafCurve) and OpenSSL (WRONG_CURVE) do.
// crypto/tls, whose server does not check the curve of its only
// certificate, plays the server.
func TestClientChecksLeafCurve(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	for _, tc := range []struct {
		curves []CurveID
		ok     bool
	}{
		{[]CurveID{CurveP384}, false},
		{[]CurveID{X25519}, false},
		{[]CurveID{CurveP384, CurveP256}, true},
	} {
		t.Run(fmt.Sprint(tc.curves), func(t *testing.T) {
			a, b := tcpPair(t)
			client := Client(a, &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, CurvePreferences: tc.curves})
			server := tls.Server(b, &tls.Config{Certificates: []tls.Certificate{{Certificate: cert.Certificate, PrivateKey: cert.PrivateKey}},
				CipherSuites: []uint16{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}})
			errc := make(chan error, 1)
			go func() { errc <- server.Handshake() }()
			err := client.Handshake()
			a.Close()
			if serr := <-errc; tc.ok && serr != nil {
				t.Fatalf("crypto/tls server: %v", serr)
			}
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantAlert(t, err, AlertIllegalParameter)
		})
	}
}
