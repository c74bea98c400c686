package padlock

import (
	"testing"

	"padlock/internal/wire"
)

// TestECHMinimalOuterHello: a server decides on ECH before it negotiates
// the version (draft-ietf-tls-esni section 7.1), so it opens the inner
// hello of an outer one that offers no TLS 1.3 at all (BoGo's
// ECH-Server-MinimalClientHelloOuter: no supported_versions, one GREASE
// suite).
func TestECHMinimalOuterHello(t *testing.T) {
	key := newTestECHKey(t)
	cc, sc, _, _ := echConfigs(t, key)
	cfg, suite, ok, err := pickECHConfig(cc.EncryptedClientHelloConfigList)
	if !ok || err != nil {
		t.Fatalf("pickECHConfig: %t %v", ok, err)
	}
	inner := &wire.ClientHello{Vers: VersionTLS12, Random: make([]byte, 32), CipherSuites: []uint16{TLS_AES_128_GCM_SHA256},
		CompressionMethods: []uint8{0}, ServerName: "secret.example", SupportedVersions: []uint16{VersionTLS13},
		ECH: &wire.ECHClientHello{Type: wire.ECHInner}}
	e := &echClient{config: cfg, suite: suite, inner: inner}
	// seal takes the outer fields of a second hello from its argument.
	minimal := &wire.ClientHello{Random: make([]byte, 32), ServerName: echPublicName, CipherSuites: []uint16{0x0a0a}}
	if err := e.seal(Client(nil, cc), minimal); err != nil {
		t.Fatal(err)
	}
	m, err := wire.Parse(e.outer.Marshal(), true)
	if err != nil {
		t.Fatal(err)
	}
	srv := Server(nil, sc)
	got, _, err := srv.openClientHello(m.(*wire.ClientHello))
	if err != nil || got.ServerName != "secret.example" || !srv.state.ECHAccepted {
		t.Errorf("opened %+v, %v; accepted %t", got, err, srv.state.ECHAccepted)
	}
	sc.MaxVersion = VersionTLS12
	srv = Server(nil, sc)
	if got, _, err := srv.openClientHello(m.(*wire.ClientHello)); err != nil || got.ServerName != echPublicName {
		t.Errorf("a TLS 1.2 server opened the inner hello: %+v, %v", got, err)
	}
}
