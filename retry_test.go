package padlock

import (
	"bytes"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/pki"
	"padlock/internal/wire"
)

// TestSecondClientHelloCannotSwitchName is the attack of a client that
// names a.example in its first ClientHello and b.example in its second
// (RFC 8446 section 4.1.2 forbids it). A server that takes the name from
// one hello and everything else from the other reports a.example to the
// application while it served b.example's certificate, or resumed
// b.example's ticket. The server must refuse the second hello with
// illegal_parameter.
func TestSecondClientHelloCannotSwitchName(t *testing.T) {
	ca, _ := pki.TestChain(pki.ECDSAP256)
	issue := func(host string) Certificate {
		is, err := ca.Issue(pki.IssueOptions{Hosts: []string{host}, KeyType: pki.ECDSAP256})
		if err != nil {
			t.Fatal(err)
		}
		return Certificate{Certificate: is.DER, PrivateKey: is.Key, Leaf: is.Cert}
	}
	a, b := issue("a.example"), issue("b.example")
	var seen []string // the names GetCertificate was asked for
	sc := &Config{
		// The client's x25519 share misses, so the server asks again.
		CurvePreferences: []CurveID{CurveP256},
		GetCertificate: func(info *ClientHelloInfo) (*Certificate, error) {
			seen = append(seen, info.ServerName)
			if info.ServerName == "b.example" {
				return &b, nil
			}
			return &a, nil
		},
	}
	sc.SetSessionTicketKeys([]TicketKey{{1}})
	// attack runs a client that sends a.example first and b.example
	// after the retry, and returns what each side ended with.
	attack := func(t *testing.T, cache ClientSessionCache) (cerr error, server *Conn, serr error) {
		t.Helper()
		seen = nil
		cc := &Config{ServerName: "a.example", InsecureSkipVerify: true, ClientSessionCache: cache,
			// Its x25519 share misses the server's choice: a HelloRetryRequest.
			CurvePreferences: []CurveID{X25519, CurveP256}}
		x, y := tcpPair(t)
		client, server := Client(x, cc), Server(y, sc)
		client.testHooks.editRetryHello = func(h *wire.ClientHello) { h.ServerName = "b.example" }
		errc := make(chan error, 1)
		go func() { errc <- server.Handshake(); y.Close() }()
		cerr = client.Handshake()
		x.Close()
		return cerr, server, <-errc
	}
	refused := func(t *testing.T, cerr error, server *Conn, serr error) {
		t.Helper()
		if serr == nil {
			st := server.ConnectionState()
			t.Fatalf("server accepted the switch: ServerName %q, GetCertificate saw %q, resumed %v",
				st.ServerName, seen, st.DidResume)
		}
		wantAlerts(t, serr, cerr, AlertIllegalParameter)
	}

	t.Run("certificate", func(t *testing.T) {
		cerr, server, serr := attack(t, nil)
		refused(t, cerr, server, serr)
		if len(seen) > 0 {
			t.Errorf("GetCertificate was asked for %q before the hellos were checked", seen)
		}
	})

	t.Run("ticket", func(t *testing.T) {
		// A ticket for b.example, in the attacker's cache under a.example.
		cache := NewLRUClientSessionCache(2)
		connectAndRead(t, &Config{RootCAs: ca.Pool(), ServerName: "b.example", ClientSessionCache: cache}, sc)
		s, ok := cache.Get("b.example")
		if !ok {
			t.Fatal("no ticket from b.example")
		}
		cache.Put("a.example", s)
		cerr, server, serr := attack(t, cache)
		refused(t, cerr, server, serr)
	})
}

// retryHellos builds a pair of hellos around a HelloRetryRequest for
// secp256r1: the first a padlock client's with PSKs, early_data, padding
// and unknown extensions added, so every allowance has something to act
// on; the second the first with only the allowed changes, then edit's.
func retryHellos(t testing.TB, edit func(*wire.ClientHello)) (ch1, ch2 *wire.ClientHello) {
	t.Helper()
	cc, _ := alertConfigs(t, VersionTLS13)
	cc.NextProtos = []string{"h2", "http/1.1"}
	cc.CurvePreferences = []CurveID{X25519, CurveP256}
	h, _, err := Client(nil, cc).makeClientHello()
	if err != nil {
		t.Fatal(err)
	}
	h.ExtraExtensions = []wire.Extension{{Type: 0x0a0a}, {Type: 0x1234, Data: []byte("opaque")}}
	h.PSKIdentities = []wire.PSKIdentity{{Identity: []byte("ticket one"), ObfuscatedTicketAge: 1}, {Identity: []byte("ticket two"), ObfuscatedTicketAge: 2}}
	h.PSKBinders = [][]byte{bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 48)}
	h.EarlyData, h.PaddingLen = true, 100
	ch1 = parseHello(t, h.Marshal())

	// The changes RFC 8446 section 4.1.2 allows.
	h.KeyShares = []wire.KeyShare{{Group: uint16(CurveP256), Data: p256Public()}}
	h.EarlyData = false
	h.PSKIdentities = []wire.PSKIdentity{{Identity: []byte("ticket one"), ObfuscatedTicketAge: 1001}, {Identity: []byte("ticket two"), ObfuscatedTicketAge: 1002}}
	h.PSKBinders = [][]byte{bytes.Repeat([]byte{3}, 32), bytes.Repeat([]byte{4}, 48)}
	h.PaddingLen = 20
	if edit != nil {
		edit(h)
	}
	return ch1, parseHello(t, h.Marshal())
}

func parseHello(t testing.TB, msg []byte) *wire.ClientHello {
	t.Helper()
	var ch wire.ClientHello
	if err := ch.Unmarshal(msg); err != nil {
		t.Fatal(err)
	}
	return &ch
}

// retryFor is the HelloRetryRequest retryHellos answers.
func retryFor(ch1 *wire.ClientHello, cookie []byte) *wire.ServerHello {
	return &wire.ServerHello{Vers: VersionTLS12, Random: wire.HelloRetryRequestRandom[:], SessionID: ch1.SessionID,
		CipherSuite: TLS_AES_128_GCM_SHA256, SupportedVersion: VersionTLS13, SelectedGroup: uint16(CurveP256), Cookie: cookie}
}

// TestCheckSecondClientHello changes the second ClientHello field by
// field: each change RFC 8446 section 4.1.2 does not list is refused with
// illegal_parameter and a reason naming the field; the listed ones pass.
func TestCheckSecondClientHello(t *testing.T) {
	dropExt := func(typ uint16) func(*wire.ClientHello) {
		return func(h *wire.ClientHello) {
			h.ExtraExtensions = slices.DeleteFunc(slices.Clone(h.ExtraExtensions), func(e wire.Extension) bool { return e.Type == typ })
		}
	}
	addExt := func(typ uint16, data string) func(*wire.ClientHello) {
		return func(h *wire.ClientHello) {
			h.ExtraExtensions = append(slices.Clone(h.ExtraExtensions), wire.Extension{Type: typ, Data: []byte(data)})
		}
	}
	cookie := []byte("the server's state")
	for _, tc := range []struct {
		name   string
		edit   func(*wire.ClientHello)
		cookie []byte // the HelloRetryRequest's
		want   string // a piece of the reason; "" for success
	}{
		// Allowed.
		{name: "only the allowed changes"},
		{name: "padding removed", edit: func(h *wire.ClientHello) { h.PaddingLen = 0 }},
		{name: "padding grown", edit: func(h *wire.ClientHello) { h.PaddingLen = 500 }},
		{name: "PSK identity dropped", edit: func(h *wire.ClientHello) {
			h.PSKIdentities, h.PSKBinders = h.PSKIdentities[1:], h.PSKBinders[1:]
		}},
		{name: "every PSK dropped", edit: func(h *wire.ClientHello) { h.PSKIdentities, h.PSKBinders = nil, nil }},
		{name: "cookie echoed", cookie: cookie, edit: func(h *wire.ClientHello) { h.Cookie = cookie }},
		// RFC 8446 section 4.2: the order of extensions carries no meaning.
		{name: "extensions reordered", edit: func(h *wire.ClientHello) {
			h.ExtraExtensions = []wire.Extension{h.ExtraExtensions[1], h.ExtraExtensions[0]}
		}},

		// The fixed fields.
		{name: "legacy_version", edit: func(h *wire.ClientHello) { h.Vers = VersionTLS10 }, want: "legacy_version"},
		{name: "random", edit: func(h *wire.ClientHello) { h.Random = bytes.Repeat([]byte{7}, 32) }, want: "random"},
		{name: "legacy_session_id", edit: func(h *wire.ClientHello) { h.SessionID = nil }, want: "legacy_session_id"},
		{name: "cipher_suites reordered", edit: func(h *wire.ClientHello) { slices.Reverse(h.CipherSuites) }, want: "cipher_suites"},
		{name: "cipher_suites shortened", edit: func(h *wire.ClientHello) { h.CipherSuites = h.CipherSuites[:1] }, want: "cipher_suites"},
		{name: "legacy_compression_methods", edit: func(h *wire.ClientHello) { h.CompressionMethods = []uint8{1, 0} }, want: "legacy_compression_methods"},

		// Extensions that must repeat.
		{name: "server_name", edit: func(h *wire.ClientHello) { h.ServerName = "b.example" }, want: "changes server_name"},
		{name: "server_name dropped", edit: func(h *wire.ClientHello) { h.ServerName = "" }, want: "drops server_name"},
		{name: "supported_groups", edit: func(h *wire.ClientHello) {
			h.SupportedGroups = []uint16{uint16(CurveP256), uint16(X25519)}
		}, want: "supported_groups"},
		{name: "signature_algorithms", edit: func(h *wire.ClientHello) { h.SignatureAlgorithms = h.SignatureAlgorithms[1:] }, want: "signature_algorithms"},
		{name: "signature_algorithms_cert", edit: func(h *wire.ClientHello) { h.SignatureAlgorithmsCert = h.SignatureAlgorithmsCert[1:] }, want: "signature_algorithms_cert"},
		{name: "ALPN", edit: func(h *wire.ClientHello) { h.ALPNProtocols = []string{"http/1.1"} }, want: "application_layer_protocol_negotiation"},
		{name: "supported_versions", edit: func(h *wire.ClientHello) {
			h.SupportedVersions = []uint16{VersionTLS13, VersionTLS12}
		}, want: "supported_versions"},
		{name: "psk_key_exchange_modes", edit: func(h *wire.ClientHello) { h.PSKModes = []uint8{0, 1} }, want: "psk_key_exchange_modes"},
		{name: "status_request dropped", edit: func(h *wire.ClientHello) { h.StatusRequest = false }, want: "drops status_request"},
		{name: "ec_point_formats", edit: func(h *wire.ClientHello) { h.ECPointFormats = []uint8{0, 1} }, want: "ec_point_formats"},
		{name: "renegotiation_info dropped", edit: func(h *wire.ClientHello) { h.SecureRenegotiationSupported = false }, want: "drops renegotiation_info"},
		{name: "session_ticket added", edit: func(h *wire.ClientHello) { h.SessionTicketSupported = true }, want: "adds session_ticket"},
		{name: "signed_certificate_timestamp added", edit: func(h *wire.ClientHello) { h.SCT = true }, want: "adds signed_certificate_timestamp"},
		{name: "record_size_limit added", edit: func(h *wire.ClientHello) { h.RecordSizeLimit = 512 }, want: "adds record_size_limit"},
		{name: "certificate_authorities added", edit: func(h *wire.ClientHello) {
			h.CertificateAuthorities = [][]byte{{0x30, 0}}
		}, want: "adds certificate_authorities"},
		{name: "unknown extension changed", edit: func(h *wire.ClientHello) {
			h.ExtraExtensions = []wire.Extension{{Type: 0x0a0a}, {Type: 0x1234, Data: []byte("OPAQUE")}}
		}, want: "changes unknown(4660)"},
		{name: "unknown extension dropped", edit: dropExt(0x1234), want: "drops unknown(4660)"},
		{name: "GREASE extension dropped", edit: dropExt(0x0a0a), want: "drops GREASE(0x0a0a)"},
		{name: "unknown extension added", edit: addExt(0x5678, ""), want: "adds unknown(22136)"},

		// The extensions that change, changed otherwise than allowed.
		{name: "key_share with two shares", edit: func(h *wire.ClientHello) {
			h.KeyShares = append(h.KeyShares, wire.KeyShare{Group: uint16(X25519), Data: x25519Public()})
		}, want: "one key share"},
		{name: "key_share for another group", edit: func(h *wire.ClientHello) {
			h.KeyShares = []wire.KeyShare{{Group: uint16(X25519), Data: x25519Public()}}
		}, want: "one key share"},
		{name: "key_share dropped", edit: func(h *wire.ClientHello) { h.KeyShares = nil }, want: "one key share"},
		{name: "early_data kept", edit: func(h *wire.ClientHello) { h.EarlyData = true }, want: "early_data"},
		{name: "cookie not asked for", edit: func(h *wire.ClientHello) { h.Cookie = []byte("x") }, want: "adds cookie"},
		{name: "cookie not echoed", cookie: cookie, want: "cookie"},
		{name: "cookie altered", cookie: cookie, edit: func(h *wire.ClientHello) { h.Cookie = []byte("another state") }, want: "cookie"},
		{name: "PSK identity added", edit: func(h *wire.ClientHello) {
			h.PSKIdentities = append(slices.Clone(h.PSKIdentities), wire.PSKIdentity{Identity: []byte("ticket three")})
			h.PSKBinders = append(slices.Clone(h.PSKBinders), bytes.Repeat([]byte{5}, 32))
		}, want: "PSK identity"},
		{name: "PSK identities reordered", edit: func(h *wire.ClientHello) {
			h.PSKIdentities = []wire.PSKIdentity{h.PSKIdentities[1], h.PSKIdentities[0]}
		}, want: "PSK identity"},
		{name: "PSK identity altered", edit: func(h *wire.ClientHello) {
			h.PSKIdentities = []wire.PSKIdentity{{Identity: []byte("ticket ONE")}, h.PSKIdentities[1]}
		}, want: "PSK identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch1, ch2 := retryHellos(t, tc.edit)
			err := checkSecondClientHello(ch1, ch2, retryFor(ch1, tc.cookie))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused an allowed change: %v", err)
				}
				return
			}
			var ae *AlertError
			if !errors.As(err, &ae) || ae.Description != AlertIllegalParameter {
				t.Fatalf("got %v, want illegal_parameter", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("reason %q does not name %q", err, tc.want)
			}
		})
	}
	// The fuzz target starts from this retry; it must pass.
	t.Run("conforming retry from raw extensions", func(t *testing.T) {
		ch1, _ := retryHellos(t, nil)
		for _, c := range [][]byte{nil, cookie} {
			if err := checkSecondClientHello(ch1, parseHello(t, conformingRetry(ch1, c)), retryFor(ch1, c)); err != nil {
				t.Errorf("cookie %q: %v", c, err)
			}
		}
	})
}

// FuzzSecondClientHello feeds checkSecondClientHello a first hello, a
// second one and a cookie for the HelloRetryRequest. The check must not
// panic, and whatever it accepts must differ from the first hello only as
// RFC 8446 section 4.1.2 allows, as seen through the parsed fields rather
// than the raw extensions the check itself compares (acceptedRetryOK).
//
// When raw2 is not a ClientHello it is a list of XOR masks instead: the
// retry a conforming client would send after raw1 must pass, and so is
// each copy of it with one byte XORed with a mask, which the check must
// refuse unless the byte lies where the RFC allows change. Coverage
// cannot tell the fuzzer which field an edit hit, so the sweep does it.
func FuzzSecondClientHello(f *testing.F) {
	for _, edit := range []func(*wire.ClientHello){
		nil,
		func(h *wire.ClientHello) {
			h.PSKIdentities, h.PSKBinders, h.PaddingLen = h.PSKIdentities[1:], h.PSKBinders[1:], 0
		},
		func(h *wire.ClientHello) { h.ServerName = "b.example" },
		func(h *wire.ClientHello) { h.Cookie = []byte("cookie") },
	} {
		ch1, ch2 := retryHellos(f, edit)
		f.Add(ch1.Raw, ch2.Raw, []byte(nil))
		f.Add(ch1.Raw, ch2.Raw, []byte("cookie"))
	}
	ch1, _ := retryHellos(f, nil)
	for _, masks := range [][]byte{{0x01}, {0x80, 0x20}, {0xff}} {
		f.Add(ch1.Raw, masks, []byte(nil))
		f.Add(ch1.Raw, masks, []byte("cookie"))
	}
	f.Fuzz(func(t *testing.T, raw1, raw2, cookie []byte) {
		if len(cookie) == 0 {
			cookie = nil
		}
		var ch1, ch2 wire.ClientHello
		if ch1.Unmarshal(raw1) != nil {
			return
		}
		hrr := retryFor(&ch1, cookie)
		if ch2.Unmarshal(raw2) == nil {
			err := checkSecondClientHello(&ch1, &ch2, hrr)
			if err == nil {
				acceptedRetryOK(t, &ch1, &ch2, hrr)
			}
			digestAgrees(t, &ch1, &ch2, hrr, err)
			return
		}
		retry := conformingRetry(&ch1, cookie)
		if err := ch2.Unmarshal(retry); err != nil {
			t.Fatalf("conforming retry does not parse: %v", err)
		}
		if err := checkSecondClientHello(&ch1, &ch2, hrr); err != nil {
			t.Fatalf("refused a conforming retry: %v", err)
		}
		for _, mask := range raw2[:min(len(raw2), 4)] {
			for i := range retry {
				if mask == 0 {
					break
				}
				msg := slices.Clone(retry)
				msg[i] ^= mask
				if ch2.Unmarshal(msg) != nil {
					continue
				}
				err := checkSecondClientHello(&ch1, &ch2, hrr)
				if err == nil {
					acceptedRetryOK(t, &ch1, &ch2, hrr)
				}
				digestAgrees(t, &ch1, &ch2, hrr, err)
			}
		}
	})
}

// digestAgrees fails t unless a stateless retry's check, which compares
// helloDigest of the two hellos, decides as checkSecondClientHello did
// (err) for a HelloRetryRequest with a cookie: a retry it accepts has the
// first hello's digest, and one it refuses for a field the digest covers
// (its cookie, which the server opens instead, shares, early_data and
// PSKs being fine) has another.
func digestAgrees(t *testing.T, ch1, ch2 *wire.ClientHello, hrr *wire.ServerHello, err error) {
	t.Helper()
	if hrr.Cookie == nil {
		return
	}
	same := helloDigest(ch1) == helloDigest(ch2)
	if err == nil && !same {
		t.Fatal("a stateless server would refuse a retry checkSecondClientHello accepts")
	}
	samePSKs := slices.EqualFunc(ch1.PSKIdentities, ch2.PSKIdentities, func(a, b wire.PSKIdentity) bool { return bytes.Equal(a.Identity, b.Identity) })
	if err != nil && same && samePSKs && bytes.Equal(ch2.Cookie, hrr.Cookie) && checkRetryShares(ch2, hrr.SelectedGroup) == nil {
		t.Fatalf("a stateless server would accept a retry checkSecondClientHello refuses: %v", err)
	}
}

// acceptedRetryOK fails t unless ch2 differs from ch1 only in the
// fields RFC 8446 section 4.1.2 lets change after hrr.
func acceptedRetryOK(t *testing.T, ch1, ch2 *wire.ClientHello, hrr *wire.ServerHello) {
	t.Helper()
	// Fields the RFC lets change, or that only record the raw encoding.
	mayDiffer := map[string]bool{"KeyShares": true, "EarlyData": true, "Cookie": true, "PaddingLen": true,
		"PSKIdentities": true, "PSKBinders": true, "Extensions": true, "ExtraExtensions": true, "Raw": true}
	v1, v2 := reflect.ValueOf(*ch1), reflect.ValueOf(*ch2)
	for i := range v1.NumField() {
		name := v1.Type().Field(i).Name
		if !mayDiffer[name] && !reflect.DeepEqual(v1.Field(i).Interface(), v2.Field(i).Interface()) {
			t.Fatalf("accepted a second ClientHello that changes %s: %v, then %v", name, v1.Field(i), v2.Field(i))
		}
	}
	if len(ch2.KeyShares) != 1 || ch2.KeyShares[0].Group != hrr.SelectedGroup {
		t.Fatalf("accepted key shares %v for a retry asking for %d", ch2.KeyShares, hrr.SelectedGroup)
	}
	if ch2.EarlyData {
		t.Fatal("accepted early_data in the second ClientHello")
	}
	if want := ch1.Cookie; hrr.Cookie != nil && !bytes.Equal(ch2.Cookie, hrr.Cookie) || hrr.Cookie == nil && !bytes.Equal(ch2.Cookie, want) {
		t.Fatalf("accepted cookie %x (first hello %x, retry %x)", ch2.Cookie, ch1.Cookie, hrr.Cookie)
	}
	for _, id := range ch2.PSKIdentities {
		if !slices.ContainsFunc(ch1.PSKIdentities, func(p wire.PSKIdentity) bool { return bytes.Equal(p.Identity, id.Identity) }) {
			t.Fatalf("accepted PSK identity %x, which the first hello did not offer", id.Identity)
		}
	}
	// Extensions no typed field holds must come back unchanged.
	unknown := func(ch *wire.ClientHello) map[uint16]string {
		m := map[uint16]string{}
		for _, e := range ch.Extensions {
			if !slices.Contains(knownExtensions, e.Type) {
				m[e.Type] = string(e.Data)
			}
		}
		return m
	}
	if u1, u2 := unknown(ch1), unknown(ch2); !maps.Equal(u1, u2) {
		t.Fatalf("accepted unknown extensions %v after %v", u2, u1)
	}
}

// conformingRetry is the second ClientHello a conforming client sends
// after ch1 and retryFor(ch1, cookie), built from ch1's raw extensions:
// the one secp256r1 share (key_share added if ch1 had none), no
// early_data, the cookie; the rest as it was.
func conformingRetry(ch1 *wire.ClientHello, cookie []byte) []byte {
	h := wire.ClientHello{Vers: ch1.Vers, Random: ch1.Random, SessionID: ch1.SessionID,
		CipherSuites: ch1.CipherSuites, CompressionMethods: ch1.CompressionMethods}
	share := make([]byte, 65)
	share[0] = 4
	var b cryptobyte.Builder
	b.AddUint16(2 + 2 + uint16(len(share)))
	b.AddUint16(uint16(CurveP256))
	b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(share) })
	keyShare := b.BytesOrPanic()
	var cookieExt []byte
	if cookie != nil {
		cookieExt = append([]byte{byte(len(cookie) >> 8), byte(len(cookie))}, cookie...)
	}
	if ch1.KeyShares == nil {
		h.ExtraExtensions = append(h.ExtraExtensions, wire.Extension{Type: wire.ExtKeyShare, Data: keyShare})
	}
	for _, e := range ch1.Extensions {
		switch e.Type {
		case wire.ExtKeyShare:
			e.Data = keyShare
		case wire.ExtEarlyData:
			continue
		case wire.ExtCookie:
			if cookie != nil {
				e.Data, cookieExt = cookieExt, nil
			}
		case wire.ExtPreSharedKey:
			if cookieExt != nil {
				h.ExtraExtensions = append(h.ExtraExtensions, wire.Extension{Type: wire.ExtCookie, Data: cookieExt})
				cookieExt = nil
			}
		}
		h.ExtraExtensions = append(h.ExtraExtensions, e)
	}
	if cookieExt != nil {
		h.ExtraExtensions = append(h.ExtraExtensions, wire.Extension{Type: wire.ExtCookie, Data: cookieExt})
	}
	return h.Marshal()
}
