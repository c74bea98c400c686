package scan

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"padlock"
	"padlock/internal/pki"
)

// probeOnly runs probe alone against addr, as a scan that found TLS 1.3
// would, and returns the report.
func probeOnly(t *testing.T, addr string, probe func(*targetScan, context.Context)) *Report {
	t.Helper()
	ts := &targetScan{s: New(Options{Timeout: 3 * time.Second}), r: &Report{Target: addr}, addr: addr, host: "localhost",
		supported: map[uint16]bool{versionTLS13: true, versionTLS12: true}}
	probe(ts, context.Background())
	return ts.r
}

// TestScanECH offers a config nobody holds to padlock's server with and
// without ECH keys, and to crypto/tls's with a key: the servers with
// keys must send theirs for a retry, the one without none.
func TestScanECH(t *testing.T) {
	_, is := pki.TestChain(pki.ECDSAP256)
	key, err := padlock.NewECHKey("public.example")
	if err != nil {
		t.Fatal(err)
	}
	cert := []padlock.Certificate{{Certificate: is.DER, PrivateKey: is.Key}}
	for _, tc := range []struct {
		name string
		addr string
		want []byte
	}{
		{"padlock with ECH", startPadlock(t, &padlock.Config{Certificates: cert,
			EncryptedClientHelloKeys: []padlock.EncryptedClientHelloKey{*key}}), padlock.ECHConfigList(*key)},
		{"padlock without ECH", startPadlock(t, &padlock.Config{Certificates: cert}), nil},
		{"crypto/tls with ECH", startCryptoTLS(t, &tls.Config{
			Certificates:             []tls.Certificate{{Certificate: is.DER, PrivateKey: is.Key}},
			EncryptedClientHelloKeys: []tls.EncryptedClientHelloKey{{Config: key.Config, PrivateKey: key.PrivateKey, SendAsRetry: true}}}),
			padlock.ECHConfigList(*key)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := probeOnly(t, tc.addr, (*targetScan).probeECH)
			f := r.Features
			switch {
			case len(f.Untested) > 0:
				t.Fatalf("untested %v, errors %v", f.Untested, r.Errors)
			case tc.want == nil && f.ECH != nil:
				t.Errorf("ECH %+v from a server without ECH", f.ECH)
			case tc.want == nil:
			case f.ECH == nil:
				t.Errorf("no retry configs")
			case f.ECH.RetryConfigs != base64.StdEncoding.EncodeToString(tc.want) ||
				len(f.ECH.Configs) != 1 || !strings.Contains(f.ECH.Configs[0], "public_name public.example"):
				t.Errorf("ECH %+v", f.ECH)
			}
		})
	}
}
