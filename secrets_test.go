package padlock

import (
	"bytes"
	"reflect"
	"testing"

	"padlock/internal/pki"
	"padlock/trace"
)

// heldSecrets collects every secret slice a Conn's tls13 state ever held,
// by looking at it on each trace event, so that a test can check later
// that the ones the Conn let go of were zeroed, not merely dropped.
type heldSecrets struct {
	c    **Conn
	seen [][]byte
}

func (h *heldSecrets) trace(trace.Event) {
	c := *h.c
	if c == nil {
		return
	}
	for _, s := range tls13Slices(c) {
		if len(s) > 0 && !slicesHas(h.seen, s) {
			h.seen = append(h.seen, s)
		}
	}
}

// tls13Slices returns every byte slice in c.tls13, whatever the fields.
func tls13Slices(c *Conn) [][]byte {
	var out [][]byte
	v := reflect.ValueOf(&c.tls13).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.Uint8 {
			out = append(out, f.Bytes())
		}
	}
	return out
}

// slicesHas reports whether the very slice s (the same bytes in memory,
// not equal ones) is in list.
func slicesHas(list [][]byte, s []byte) bool {
	for _, l := range list {
		if len(l) > 0 && len(s) > 0 && &l[0] == &s[0] {
			return true
		}
	}
	return false
}

func allZero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }

// TestSecretsWipedAfterUse13 checks that a TLS 1.3 connection keeps only
// the secrets its next step needs (RFC 8446 section 7.2: once
// application_traffic_secret_N+1 is derived, N SHOULD be deleted): after
// the handshake and KeyUpdates both ways, no handshake traffic secret and
// no application traffic secret 0 is left, the slices that held them are
// zeroed, and the server holds no resumption master secret once its ticket
// is sent; the exporter master (for ExportKeyingMaterial) and the client's
// resumption master (tickets may come at any time) stay, and the key log
// still got every secret.
func TestSecretsWipedAfterUse13(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var client, server *Conn
	hc, hs := &heldSecrets{c: &client}, &heldSecrets{c: &server}
	var klc, kls keyLog
	cc := &Config{RootCAs: pool, ServerName: "localhost", ClientSessionCache: NewLRUClientSessionCache(4), KeyLogWriter: &klc, Trace: hc.trace}
	sc := &Config{Certificates: []Certificate{cert}, KeyLogWriter: &kls, Trace: hs.trace}
	a, b := tcpPair(t)
	client, server = Client(a, cc), Server(b, sc)
	errc := make(chan error, 1)
	go func() { errc <- server.Handshake() }()
	if err := client.Handshake(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}

	// Each exchange makes both sides read, so that each takes in the
	// KeyUpdates (and the client the ticket) the other sent.
	exchange := func() {
		t.Helper()
		one := make([]byte, 1)
		if _, err := client.Write([]byte("c")); err != nil {
			t.Fatal(err)
		}
		if _, err := server.Read(one); err != nil {
			t.Fatal(err)
		}
		if _, err := server.Write([]byte("s")); err != nil {
			t.Fatal(err)
		}
		if _, err := client.Read(one); err != nil {
			t.Fatal(err)
		}
	}
	exchange()
	for range 3 {
		if err := client.UpdateKeys(true); err != nil {
			t.Fatal(err)
		}
		exchange()
		if err := server.UpdateKeys(true); err != nil {
			t.Fatal(err)
		}
		exchange()
	}
	exchange() // the client answers the server's last request

	for _, side := range []struct {
		name string
		c    *Conn
		h    *heldSecrets
		log  *keyLog
	}{{"client", client, hc, &klc}, {"server", server, hs, &kls}} {
		c := side.c
		// The key log is the user's explicit request: it still gets
		// every secret, written before any is wiped.
		logged := map[string][]byte{}
		for _, label := range []string{keyLogClientHandshake, keyLogServerHandshake, keyLogClientTraffic, keyLogServerTraffic, keyLogExporter} {
			s := side.log.secret(label, 0)
			if len(s) == 0 || allZero(s) {
				t.Errorf("%s: key log lacks %s", side.name, label)
			}
			logged[label] = s
		}
		// No copy of a handshake or application traffic secret 0 stays.
		for _, s := range tls13Slices(c) {
			for _, label := range []string{keyLogClientHandshake, keyLogServerHandshake, keyLogClientTraffic, keyLogServerTraffic} {
				if len(s) > 0 && bytes.Equal(s, logged[label]) {
					t.Errorf("%s still holds the %s after the handshake and KeyUpdates", side.name, label)
				}
			}
		}
		// Every secret slice the Conn held and let go of is zeroed.
		keep := [][]byte{c.tls13.inSecret, c.tls13.outSecret, c.tls13.exporterMaster}
		if c.isClient {
			keep = append(keep, c.tls13.resumptionMaster)
		}
		wiped, left := 0, 0
		for _, s := range side.h.seen {
			if slicesHas(keep, s) {
				continue
			}
			if !allZero(s) {
				left++
			}
			wiped++
		}
		if left > 0 {
			t.Errorf("%s: %d of the %d secrets it no longer needs were dropped without being zeroed", side.name, left, wiped)
		}
		// Both handshake traffic secrets, both of generation 0, and all
		// but the current two of the ten updates: each side asks three
		// times and is answered, but the client's answers to the
		// server's first two requests are its own next requests, which
		// answer them (RFC 8446 section 4.6.3: one KeyUpdate before the
		// next data answers every request before it).
		if wiped < 12 {
			t.Errorf("%s: %d secrets wiped, want at least 12", side.name, wiped)
		}
		for _, s := range keep {
			if allZero(s) {
				t.Errorf("%s: a secret it still needs was wiped", side.name)
			}
		}
	}
	if rms := server.tls13.resumptionMaster; rms != nil {
		t.Errorf("server holds the resumption master secret after sending its ticket (zeroed: %v)", allZero(rms))
	}

	// The exporter still works, and both sides agree.
	cst, sst := client.ConnectionState(), server.ConnectionState()
	ce, err := cst.ExportKeyingMaterial("EXPERIMENTAL padlock", []byte("ctx"), 32)
	if err != nil {
		t.Fatal(err)
	}
	se, err := sst.ExportKeyingMaterial("EXPERIMENTAL padlock", []byte("ctx"), 32)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ce, se) || allZero(ce) {
		t.Errorf("exporters disagree after KeyUpdates: %x, %x", ce, se)
	}
}

// TestSecretsWipedAfterFailedHandshake13 checks that a handshake that
// fails leaves no secret behind: the server's Finished is tampered with,
// so the client fails holding its handshake traffic secrets.
func TestSecretsWipedAfterFailedHandshake13(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	var client *Conn
	hc := &heldSecrets{c: &client}
	a, b := tcpPair(t)
	client = Client(a, &Config{RootCAs: pool, ServerName: "localhost", Trace: hc.trace})
	server := Server(b, &Config{Certificates: []Certificate{cert}})
	server.testHooks.corruptFinished = true
	go server.Handshake()
	if err := client.Handshake(); err == nil {
		t.Fatal("handshake with a tampered Finished succeeded")
	}
	for _, s := range tls13Slices(client) {
		if s != nil {
			t.Error("a failed handshake left a secret in the conn")
		}
	}
	if len(hc.seen) < 2 {
		t.Fatalf("only %d secrets seen during the handshake", len(hc.seen))
	}
	for _, s := range hc.seen {
		if !allZero(s) {
			t.Error("a failed handshake dropped a secret without zeroing it")
		}
	}
	st := client.ConnectionState()
	if _, err := st.ExportKeyingMaterial("EXPERIMENTAL padlock", nil, 32); err == nil {
		t.Error("a failed handshake still exports keying material")
	}
}

// TestMasterSecretKept12 checks what a TLS 1.2 connection keeps of its
// master secret: with the extended master secret, the master for the
// exporter (RFC 5705); without it, when padlock exports nothing (RFC 7627
// section 5.4) and keeps no session, nothing.
func TestMasterSecretKept12(t *testing.T) {
	cert, pool := testCert(t, pki.ECDSAP256)
	for _, ems := range []bool{true, false} {
		var klc keyLog
		client, server, cerr, serr := runPair(t,
			&Config{RootCAs: pool, ServerName: "localhost", MaxVersion: VersionTLS12, DisableExtendedMasterSecret: !ems, KeyLogWriter: &klc},
			&Config{Certificates: []Certificate{cert}, DisableExtendedMasterSecret: !ems})
		if cerr != nil || serr != nil {
			t.Fatalf("ems %v: client: %v; server: %v", ems, cerr, serr)
		}
		master := klc.secret(keyLogTLS12, 0)
		if len(master) != 48 {
			t.Fatalf("ems %v: key log has no master secret", ems)
		}
		cst, sst := client.ConnectionState(), server.ConnectionState()
		ce, cerr := cst.ExportKeyingMaterial("EXPERIMENTAL padlock", nil, 32)
		se, serr := sst.ExportKeyingMaterial("EXPERIMENTAL padlock", nil, 32)
		for _, c := range []*Conn{client, server} {
			if c.prf12 != nil {
				t.Errorf("ems %v: the handshake's PRF outlives it", ems)
			}
			if ems && !bytes.Equal(c.master12, master) {
				t.Errorf("ems %v: the exporter's master secret is not kept", ems)
			}
			if !ems && c.master12 != nil {
				t.Errorf("ems %v: the master secret is kept with nothing to use it", ems)
			}
		}
		if ems && (cerr != nil || serr != nil || !bytes.Equal(ce, se)) {
			t.Errorf("exporter with EMS: %x, %v; %x, %v", ce, cerr, se, serr)
		}
		if !ems && (cerr != errNoEKM || serr != errNoEKM) {
			t.Errorf("exporter without EMS: %v, %v; want %v", cerr, serr, errNoEKM)
		}
	}
}
