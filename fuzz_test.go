package padlock

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hpke"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"math/big"
	"math/rand/v2"
	"net"
	"sync"
	"testing"
	"time"

	"padlock/internal/record"
	"padlock/internal/wire"
)

// The state machines are fuzzed by feeding one side a peer's whole flight
// as bytes. Everything else is deterministic: a seeded Rand, a fixed
// clock, an Ed25519 certificate (deterministic signatures) and x25519, so
// a recorded real flight replays exactly and a crash reproduces.

// scriptedConn is a net.Conn whose peer is a fixed byte string; whatever
// is written is kept.
type scriptedConn struct {
	in  *bytes.Reader
	out bytes.Buffer
}

func (c *scriptedConn) Read(b []byte) (int, error)       { return c.in.Read(b) }
func (c *scriptedConn) Write(b []byte) (int, error)      { return c.out.Write(b) }
func (c *scriptedConn) Close() error                     { return nil }
func (c *scriptedConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *scriptedConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *scriptedConn) SetDeadline(time.Time) error      { return nil }
func (c *scriptedConn) SetReadDeadline(time.Time) error  { return nil }
func (c *scriptedConn) SetWriteDeadline(time.Time) error { return nil }

var fuzzEpoch = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

// fuzzCert is a certificate chain made from fixed seeds with fixed dates:
// Ed25519 signatures are deterministic, so it is the same in every
// process, and a recorded flight or a crasher replays anywhere, any day.
var fuzzCert = sync.OnceValues(func() (Certificate, *x509.CertPool) {
	caKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	leafKey := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32))
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "padlock fuzz CA"},
		NotBefore:             fuzzEpoch.AddDate(-1, 0, 0),
		NotAfter:              fuzzEpoch.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(nil, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		panic(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		NotBefore:    fuzzEpoch.AddDate(-1, 0, 0),
		NotAfter:     fuzzEpoch.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(nil, leaf, caCert, leafKey.Public(), caKey)
	if err != nil {
		panic(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return Certificate{Certificate: [][]byte{der, caDER}, PrivateKey: leafKey}, pool
})

func fuzzConfigs(tb testing.TB, vers uint16) (*Config, *Config) {
	cert, pool := fuzzCert()
	clock := func() time.Time { return fuzzEpoch }
	cc := &Config{RootCAs: pool, ServerName: "localhost", Rand: rand.NewChaCha8([32]byte{1}), Time: clock,
		CurvePreferences: []CurveID{X25519}, MinVersion: vers, MaxVersion: vers}
	sc := &Config{Certificates: []Certificate{cert}, Rand: rand.NewChaCha8([32]byte{2}), Time: clock,
		CurvePreferences: []CurveID{X25519}, MinVersion: vers, MaxVersion: vers}
	return cc, sc
}

// recordFlights runs a real handshake plus one message each way between
// a deterministic client and server over scripted conns, and returns the
// bytes each side sent.
func recordFlights(tb testing.TB, vers uint16) (clientBytes, serverBytes []byte) {
	tb.Helper()
	return recordFlightsWith(tb, vers, nil)
}

// recordFlightsWith is recordFlights with configs that edit changed.
func recordFlightsWith(tb testing.TB, vers uint16, edit func(cc, sc *Config)) (clientBytes, serverBytes []byte) {
	tb.Helper()
	a, b := tcpPair(tb)
	cc, sc := fuzzConfigs(tb, vers)
	if edit != nil {
		edit(cc, sc)
	}
	var ca, sa bytes.Buffer
	client := Client(teeConn{a, &ca}, cc)
	server := Server(teeConn{b, &sa}, sc)
	done := make(chan error, 1)
	go func() {
		err := server.Handshake()
		if err == nil {
			server.Write([]byte("pong"))
			server.Close()
		}
		done <- err
	}()
	if err := client.Handshake(); err != nil {
		tb.Fatal(err)
	}
	client.Write([]byte("ping"))
	io.ReadAll(client)
	client.Close()
	if err := <-done; err != nil {
		tb.Fatal(err)
	}
	return ca.Bytes(), sa.Bytes()
}

// teeConn copies what is written to a buffer.
type teeConn struct {
	net.Conn
	w *bytes.Buffer
}

func (t teeConn) Write(b []byte) (int, error) {
	t.w.Write(b)
	return t.Conn.Write(b)
}

func FuzzServerHandshake(f *testing.F) {
	for _, v := range []uint16{VersionTLS13, VersionTLS12} {
		c, _ := recordFlights(f, v)
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		_, sc := fuzzConfigs(t, 0)
		sc.MinVersion, sc.MaxVersion = 0, 0
		conn := &scriptedConn{in: bytes.NewReader(input)}
		s := Server(conn, sc)
		if s.Handshake() == nil {
			io.Copy(io.Discard, s)
		}
	})
}

func FuzzClientHandshake(f *testing.F) {
	for _, v := range []uint16{VersionTLS13, VersionTLS12} {
		_, s := recordFlights(f, v)
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		cc, _ := fuzzConfigs(t, 0)
		cc.MinVersion, cc.MaxVersion = 0, 0
		conn := &scriptedConn{in: bytes.NewReader(input)}
		c := Client(conn, cc)
		if c.Handshake() == nil {
			io.Copy(io.Discard, c)
		}
	})
}

// TestReplayedFlightsGoDeep checks that the fuzz seeds reach the end of
// the handshake, so the fuzzer starts from a real conversation.
func TestReplayedFlightsGoDeep(t *testing.T) {
	clientBytes, serverBytes := recordFlights(t, VersionTLS13)
	cc, sc := fuzzConfigs(t, VersionTLS13)
	c := Client(&scriptedConn{in: bytes.NewReader(serverBytes)}, cc)
	if err := c.Handshake(); err != nil {
		t.Fatalf("client replaying the server's flight: %v", err)
	}
	s := Server(&scriptedConn{in: bytes.NewReader(clientBytes)}, sc)
	if err := s.Handshake(); err != nil {
		t.Fatalf("server replaying the client's flight: %v", err)
	}
}

// fuzzECHKey is an ECH key made from a fixed X25519 scalar, the same in
// every process, with the public name the fuzz certificate covers.
var fuzzECHKey = sync.OnceValue(func() EncryptedClientHelloKey {
	kem, err := hpke.NewKEM(hpkeKEMX25519)
	if err != nil {
		panic(err)
	}
	scalar := bytes.Repeat([]byte{9}, 32)
	priv, err := kem.NewPrivateKey(scalar)
	if err != nil {
		panic(err)
	}
	cfg := wire.ECHConfig{ConfigID: 1, KEM: hpkeKEMX25519, PublicKey: priv.PublicKey().Bytes(), PublicName: "localhost",
		CipherSuites: []wire.HPKESuite{{KDF: hpkeKDFSHA256, AEAD: hpkeAEADAES128GCM}}}
	return EncryptedClientHelloKey{Config: cfg.Marshal(), PrivateKey: scalar, SendAsRetry: true}
})

// fuzzECHHellos are the hellos a deterministic padlock client builds for
// ECH: the inner one, and the outer one before its extension.
func fuzzECHHellos(tb testing.TB) (inner, outer *wire.ClientHello) {
	cc, _ := fuzzConfigs(tb, VersionTLS13)
	h, _, err := Client(nil, cc).makeClientHello()
	if err != nil {
		tb.Fatal(err)
	}
	var base wire.ClientHello
	if err := base.Unmarshal(h.Marshal()); err != nil {
		tb.Fatal(err)
	}
	base.Raw, base.Extensions = nil, nil
	in, out := base, base
	in.SupportedVersions, in.ECH = []uint16{VersionTLS13}, &wire.ECHClientHello{Type: wire.ECHInner}
	out.ECH = nil
	return &in, &out
}

// FuzzECHServerInnerHello fuzzes what a server holding ECH keys decodes
// after decryption: the EncodedClientHelloInner. Each input is sealed
// with the server's real key inside a fixed ClientHelloOuter, so every
// input reaches the decoding of section 5.1 and the checks of section
// 7.1, and what passes them drives the handshake on.
func FuzzECHServerInnerHello(f *testing.F) {
	inner, outer := fuzzECHHellos(f)
	compressed, err := wire.EncodeClientHelloInner(inner.Marshal(), outer.Marshal(), func(n int) int { return 31 - (n-1)%32 })
	if err != nil {
		f.Fatal(err)
	}
	f.Add(compressed)
	f.Add(encodeInner(inner))
	f.Fuzz(func(t *testing.T, encoded []byte) {
		key := fuzzECHKey()
		hello := newECHSealer(t, &key).seal(t, outer, encoded, nil).Marshal()
		if len(hello) > 1<<14 {
			return // one record is all this target writes
		}
		_, sc := fuzzConfigs(t, VersionTLS13)
		sc.EncryptedClientHelloKeys = []EncryptedClientHelloKey{key}
		s := Server(&scriptedConn{in: bytes.NewReader(plainRecord(record.Handshake, hello))}, sc)
		s.Handshake()
	})
}

// TestFuzzECHSeedIsAccepted checks that the seed of
// FuzzECHServerInnerHello decrypts and passes the server's checks, so
// the fuzzer starts past them.
func TestFuzzECHSeedIsAccepted(t *testing.T) {
	inner, outer := fuzzECHHellos(t)
	key := fuzzECHKey()
	encoded, err := wire.EncodeClientHelloInner(inner.Marshal(), outer.Marshal(), func(int) int { return 0 })
	if err != nil {
		t.Fatal(err)
	}
	hello := newECHSealer(t, &key).seal(t, outer, encoded, nil).Marshal()
	_, sc := fuzzConfigs(t, VersionTLS13)
	sc.EncryptedClientHelloKeys = []EncryptedClientHelloKey{key}
	s := Server(&scriptedConn{in: bytes.NewReader(plainRecord(record.Handshake, hello))}, sc)
	err = s.Handshake()
	if !s.ConnectionState().ECHAccepted {
		t.Fatalf("the server did not accept the seed's ECH: %v", err)
	}
}

// withFuzzECH has the client offer ECH with fuzzECHKey's config, which
// the server holds, and x25519 then secp256r1; retry makes the server
// want secp256r1, for which the client sent no share.
func withFuzzECH(retry bool) func(cc, sc *Config) {
	return func(cc, sc *Config) {
		key := fuzzECHKey()
		cc.EncryptedClientHelloConfigList = ECHConfigList(key)
		cc.CurvePreferences = []CurveID{X25519, CurveP256}
		sc.EncryptedClientHelloKeys = []EncryptedClientHelloKey{key}
		if retry {
			sc.CurvePreferences = []CurveID{CurveP256}
		}
	}
}

// FuzzECHClientHandshake feeds a client offering ECH a server's whole
// flight as bytes: the confirmations in ServerHello and
// HelloRetryRequest, retry_configs, and the rejected outer handshake.
// The seeds are real flights of a server that accepted ECH, with and
// without a HelloRetryRequest; the client's randomness is seeded, so
// they replay.
func FuzzECHClientHandshake(f *testing.F) {
	for _, retry := range []bool{false, true} {
		_, s := recordFlightsWith(f, VersionTLS13, withFuzzECH(retry))
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		cc, sc := fuzzConfigs(t, VersionTLS13)
		withFuzzECH(false)(cc, sc)
		c := Client(&scriptedConn{in: bytes.NewReader(input)}, cc)
		if c.Handshake() == nil {
			io.Copy(io.Discard, c)
		}
	})
}

// TestReplayedECHFlightsGoDeep checks that the seeds of
// FuzzECHClientHandshake take the client through an accepted ECH
// handshake, so the fuzzer starts from one.
func TestReplayedECHFlightsGoDeep(t *testing.T) {
	for _, retry := range []bool{false, true} {
		_, serverBytes := recordFlightsWith(t, VersionTLS13, withFuzzECH(retry))
		cc, sc := fuzzConfigs(t, VersionTLS13)
		withFuzzECH(false)(cc, sc)
		c := Client(&scriptedConn{in: bytes.NewReader(serverBytes)}, cc)
		if err := c.Handshake(); err != nil || !c.ConnectionState().ECHAccepted {
			t.Fatalf("retry %v: client replaying the server's flight: %v, ECH accepted %v", retry, err, c.ConnectionState().ECHAccepted)
		}
	}
}
