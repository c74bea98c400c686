package padlock

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"testing"

	"padlock/internal/pki"
	"padlock/internal/suites"
	"padlock/trace"
)

// revealed collects what Config.RevealSecrets hands over.
type revealed struct {
	mu      sync.Mutex
	secrets []trace.Secret
}

func (r *revealed) add(s trace.Secret) {
	r.mu.Lock()
	r.secrets = append(r.secrets, s)
	r.mu.Unlock()
}

// find returns the value side revealed under name, or nil.
func (r *revealed) find(side trace.Side, name string) *trace.Secret {
	for i, s := range r.secrets {
		if s.Side == side && s.Name == name {
			return &r.secrets[i]
		}
	}
	return nil
}

// TestRevealSecretsMatchKeyLog checks that every line of the key log is
// a secret RevealSecrets showed, on both sides, with the same value, and
// that the schedule's steps chain: each output is the next step's input.
func TestRevealSecretsMatchKeyLog(t *testing.T) {
	rsaCert, rsaPool := testCert(t, pki.RSA2048)
	for _, tc := range []struct {
		name   string
		cc, sc func(*Config)
		want   []string // names that must be revealed by both sides
	}{
		{name: "TLS 1.3", want: []string{"early_secret", "handshake_secret", "master_secret",
			"client_handshake_traffic_secret", "server_application_traffic_secret_0",
			"client handshake write_key", "server application write_iv"}},
		{name: "TLS 1.2 ECDHE", cc: func(c *Config) { c.MaxVersion = VersionTLS12 },
			want: []string{"pre_master_secret", "master_secret", "key_block", "client_write_key", "server_write_IV"}},
		{name: "TLS 1.2 RSA", cc: func(c *Config) {
			c.MaxVersion = VersionTLS12
			c.CipherSuites = []uint16{TLS_RSA_WITH_AES_128_GCM_SHA256}
			c.RootCAs = rsaPool
		}, sc: func(c *Config) {
			c.EnableRSAKeyExchange = true
			c.Certificates = []Certificate{rsaCert}
		}, want: []string{"pre_master_secret", "master_secret", "key_block"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cert, pool := testCert(t, pki.ECDSAP256)
			var log bytes.Buffer
			var r revealed
			cc := &Config{RootCAs: pool, ServerName: "localhost", KeyLogWriter: &log, RevealSecrets: r.add}
			sc := &Config{Certificates: []Certificate{cert}, RevealSecrets: r.add}
			if tc.cc != nil {
				tc.cc(cc)
			}
			if tc.sc != nil {
				tc.sc(sc)
			}
			client, server, cerr, serr := runPair(t, cc, sc)
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			echo(t, client, server, 100)
			lines := strings.Split(strings.TrimSpace(log.String()), "\n")
			if len(lines) == 0 || lines[0] == "" {
				t.Fatal("empty key log")
			}
			for _, line := range lines {
				f := strings.Fields(line)
				found := false
				for _, s := range r.secrets {
					if s.Side == trace.Client && s.KeyLog == f[0] {
						found = true
						if got := hex.EncodeToString(s.Value); got != f[2] {
							t.Errorf("%s: revealed %s, key log %s", f[0], got, f[2])
						}
					}
				}
				if !found {
					t.Errorf("key log line %s not revealed", f[0])
				}
			}
			for _, name := range tc.want {
				cs, ss := r.find(trace.Client, name), r.find(trace.Server, name)
				if cs == nil || ss == nil {
					t.Errorf("%s: not revealed by both sides", name)
				} else if !bytes.Equal(cs.Value, ss.Value) {
					t.Errorf("%s: client and server differ", name)
				}
			}
			if tc.name == "TLS 1.3" {
				hs, der := r.find(trace.Client, "handshake_secret"), r.find(trace.Client, "derived")
				if hs.Input("salt") != hex.EncodeToString(der.Value) {
					t.Error("handshake_secret's salt is not the first derived secret")
				}
				chts := r.find(trace.Client, "client_handshake_traffic_secret")
				if chts.Input("Secret") != hex.EncodeToString(hs.Value) {
					t.Error("client_handshake_traffic_secret does not come from handshake_secret")
				}
			}
		})
	}
}

// TestRevealSecretsOff checks that a conn without RevealSecrets reveals
// nothing and that its trace never carries a revealed value.
func TestRevealSecretsOff(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var rec trace.Recorder
	var log bytes.Buffer
	cc := &Config{RootCAs: pool, ServerName: "localhost", Trace: rec.Trace, KeyLogWriter: &log}
	sc := &Config{Certificates: []Certificate{cert}}
	client, server, cerr, serr := runPair(t, cc, sc)
	if cerr != nil || serr != nil {
		t.Fatalf("client: %v; server: %v", cerr, serr)
	}
	echo(t, client, server, 10)
	for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
		secret := strings.Fields(line)[2]
		for _, e := range rec.Events() {
			for _, f := range append(e.Fields, e.Layout...) {
				if strings.Contains(f.Value, secret) {
					t.Errorf("event %q carries a secret in %s", e.Name, f.Name)
				}
			}
		}
	}
}

// TestRecordEventsReopen checks record events against the revealed
// keys: each protected record the client sent opens, with the revealed
// write key and the event's nonce, to the event's content, inner type
// and padding.
func TestRecordEventsReopen(t *testing.T) {
	for _, v := range []uint16{VersionTLS13, VersionTLS12} {
		t.Run(VersionName(v), func(t *testing.T) {
			cert, pool := testCert(t, pki.ECDSAP256)
			var r revealed
			var rec trace.Recorder
			cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: v, RevealSecrets: r.add, Trace: rec.Trace, TraceRecords: true}
			sc := &Config{Certificates: []Certificate{cert}}
			client, server, cerr, serr := runPair(t, cc, sc)
			if cerr != nil || serr != nil {
				t.Fatalf("client: %v; server: %v", cerr, serr)
			}
			echo(t, client, server, 100)
			suite := suites.SuiteByID(client.ConnectionState().CipherSuite)
			keyName := map[uint16]string{VersionTLS13: "client application write_key", VersionTLS12: "client_write_key"}[v]
			key := r.find(trace.Client, keyName)
			if key == nil {
				t.Fatalf("%s not revealed", keyName)
			}
			aead, err := suite.NewAEAD(key.Value)
			if err != nil {
				t.Fatal(err)
			}
			opened := 0
			for _, e := range rec.Events() {
				if e.Kind != trace.KindRecord || e.Dir != trace.Sent || e.Field("nonce") == "" ||
					(v == VersionTLS13 && e.Field("inner_content_type") != "application_data") ||
					(v == VersionTLS12 && e.Raw[0] != 23) {
					continue
				}
				nonce, _ := hex.DecodeString(e.Field("nonce"))
				content, _ := hex.DecodeString(e.Field("content"))
				body, aad := e.Raw[5:], e.Raw[:5]
				if v == VersionTLS12 {
					body = body[suite.ExplicitNonceLen:]
					seq, _ := strconv.ParseUint(e.Field("sequence_number"), 10, 64)
					aad = binary.BigEndian.AppendUint64(nil, seq)
					aad = append(aad, e.Raw[:3]...)
					aad = binary.BigEndian.AppendUint16(aad, uint16(len(content)))
				}
				pt, err := aead.Open(nil, nonce, body, aad)
				if err != nil {
					t.Fatalf("record %s: %v", e.Field("sequence_number"), err)
				}
				if v == VersionTLS13 {
					pad, _ := strconv.Atoi(e.Field("padding_length"))
					if pt[len(pt)-1-pad] != 23 {
						t.Errorf("inner content type %d", pt[len(pt)-1-pad])
					}
					pt = pt[:len(pt)-1-pad]
				}
				if !bytes.Equal(pt, content) {
					t.Errorf("opened %x, event says %x", pt, content)
				}
				opened++
			}
			if opened == 0 {
				t.Error("no application data record traced")
			}
		})
	}
}

// TestRevealResumedMatchesKeyLog checks resumed connections: the key log
// of the second connection holds nothing RevealSecrets did not show, and
// in TLS 1.3 its Early Secret comes from the PSK revealed with the
// ticket.
func TestRevealResumedMatchesKeyLog(t *testing.T) {
	for _, v := range []uint16{VersionTLS13, VersionTLS12} {
		t.Run(VersionName(v), func(t *testing.T) {
			cert, pool := testCert(t, pki.ECDSAP256)
			var log bytes.Buffer
			var r revealed
			cc := &Config{RootCAs: pool, ServerName: "localhost", MaxVersion: v, ClientSessionCache: NewLRUClientSessionCache(4),
				RevealSecrets: r.add}
			sc := &Config{Certificates: []Certificate{cert}}
			connectAndRead(t, cc, sc)
			psk := r.find(trace.Client, "PSK (resumption)")
			r.secrets = nil
			cc.KeyLogWriter = &log
			c, _ := connectAndRead(t, cc, sc)
			if !c.ConnectionState().DidResume {
				t.Fatal("not resumed")
			}
			for _, line := range strings.Split(strings.TrimSpace(log.String()), "\n") {
				f := strings.Fields(line)
				found := false
				for _, s := range r.secrets {
					found = found || s.KeyLog == f[0] && hex.EncodeToString(s.Value) == f[2]
				}
				if !found {
					t.Errorf("%s: no revealed secret with the key log's value", f[0])
				}
			}
			if v == VersionTLS13 {
				if psk == nil {
					t.Fatal("the ticket's PSK was not revealed")
				}
				if early := r.find(trace.Client, "early_secret"); early == nil || early.Input("IKM") != hex.EncodeToString(psk.Value) {
					t.Error("the resumed Early Secret does not come from the revealed PSK")
				}
			}
		})
	}
}
