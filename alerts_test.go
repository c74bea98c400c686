package padlock

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"padlock/internal/alert"
	"padlock/internal/pki"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
)

// alertCase is one hostile input and what padlock must answer.
type alertCase struct {
	name string
	role role   // the side padlock under test plays
	vers uint16 // the version negotiated, or being negotiated
	want expectation

	// The hostile input comes from script, raw bytes with no padlock
	// peer; or from an honest padlock peer, whose records edit rewrites
	// on their way (with the keys from its key log) and whose config and
	// hooks may make it misbehave itself.
	script   func(s *script)
	edit     editFunc
	ut, peer func(*Config)                      // edit padlock under test's config, the peer's
	peerHook func(*Conn)                        // make the peer misbehave
	prepare  func(t *testing.T, cc, sc *Config) // run first, with the final configs
	check    func(t *testing.T, ut *Conn, got []byte)
	wrote    func(t *testing.T, recs []*rec) // check what padlock under test wrote, decoded

	knownBug string // non-empty: the row is skipped with this reason
}

// TestAlertTable feeds padlock hostile input in both roles and both
// versions and checks it sends the alert the RFC names, on the wire,
// then stops: nothing more is written, Read and Write fail, and the
// socket ends. Every row finishes within rowBudget.
func TestAlertTable(t *testing.T) {
	testCert(t, pki.RSA2048) // generate the slow keys before the clock runs
	extraCerts(t)
	testClientCert()
	rsaClientCert()
	var rows []alertCase
	for _, group := range [][]alertCase{
		clientRows13(t), serverRows13(t), clientRows12(t), serverRows12(t), serverNameRows(t), echRows(t),
	} {
		rows = append(rows, group...)
	}
	count := map[string]int{}
	for _, tc := range rows {
		count[tc.role.String()+" "+VersionName(tc.vers)]++
	}
	t.Logf("%d rows: %v", len(rows), count)
	for _, tc := range rows {
		t.Run(tc.role.String()+VersionName(tc.vers)[4:]+"/"+tc.name, func(t *testing.T) {
			t.Parallel()
			runAlertCase(t, tc)
		})
	}
}

// Shorthands for the rows.
const (
	v12 = VersionTLS12
	v13 = VersionTLS13
)

func p256(c *Config)         { c.CurvePreferences = []CurveID{CurveP256} }
func bothVersions(c *Config) { c.MinVersion, c.MaxVersion = VersionTLS12, VersionTLS13 }

// answer13 is a script for a client under test: it reads the
// ClientHello and answers with a ServerHello that edit spoiled.
func answer13(edit func(*wire.ServerHello)) func(*script) {
	return func(s *script) { s.send(hsRecord(serverHello13(s.clientHello(), edit))) }
}

// answer12 is answer13 for TLS 1.2.
func answer12(edit func(*wire.ServerHello)) func(*script) {
	return func(s *script) { s.send(hsRecord(serverHello12(s.clientHello(), edit))) }
}

// afterHello is a script for a client under test that reads the
// ClientHello and sends recs.
func afterHello(recs ...[]byte) func(*script) {
	return func(s *script) {
		s.clientHello()
		s.send(recs...)
	}
}

// sendAll is a script for a server under test that sends recs.
func sendAll(recs ...[]byte) func(*script) {
	return func(s *script) { s.send(recs...) }
}

// gotPing checks that padlock read the peer's data: the connection went on.
func gotPing(t *testing.T, ut *Conn, got []byte) {
	if string(got) != "ping" {
		t.Errorf("padlock read %q, want the peer's ping", got)
	}
}

// gotPingThenEOF checks gotPing, and that what follows close_notify is
// ignored: Read keeps answering io.EOF.
func gotPingThenEOF(t *testing.T, ut *Conn, got []byte) {
	gotPing(t, ut, got)
	if n, err := ut.Read(make([]byte, 16)); n != 0 || err != io.EOF {
		t.Errorf("Read after close_notify: %d bytes, %v; want io.EOF", n, err)
	}
}

// oversized is a record of n zero bytes, whatever the limits say.
func oversized(typ record.ContentType, n int) []byte {
	return append(recordHeader(typ, n), make([]byte, n)...)
}

// nst is a NewSessionTicket message.
var nst = (&wire.NewSessionTicket13{Lifetime: 60, Nonce: []byte{0}, Ticket: []byte("ticket")}).Marshal()

// keyUpdate returns a KeyUpdate message with the given body.
func keyUpdate(body ...byte) []byte { return hsMessage(wire.TypeKeyUpdate, body) }

// helloRequest is a HelloRequest message.
var helloRequest = hsMessage(wire.TypeHelloRequest)

// helloRequests returns n plaintext records of one HelloRequest each.
func helloRequests(n int) []*rec {
	recs := make([]*rec, n)
	for i := range recs {
		recs[i] = plainRec(record.Handshake, helloRequest)
	}
	return recs
}

// chain13 makes a Certificate's chain n long by repeating its leaf.
func chain13(n int) func(*wire.Certificate13) {
	return func(c *wire.Certificate13) {
		for len(c.Entries) < n {
			c.Entries = append(c.Entries, c.Entries[0])
		}
	}
}

// chain12 is chain13 for TLS 1.2.
func chain12(n int) func(*wire.Certificate12) {
	return func(c *wire.Certificate12) {
		for len(c.Certificates) < n {
			c.Certificates = append(c.Certificates, c.Certificates[0])
		}
	}
}

// longChain has the peer send a chain n long: its own, the leaf
// repeated.
func longChain(n int) func(*Config) {
	return func(c *Config) {
		cert := c.Certificates[0]
		cert.Certificate = slices.Clone(cert.Certificate)
		for len(cert.Certificate) < n {
			cert.Certificate = append(cert.Certificate, cert.Certificate[0])
		}
		c.Certificates = []Certificate{cert}
	}
}

// fragmented sends what act makes in records of at most 2^14 bytes, as a
// peer sends a message longer than that.
func fragmented(act func(*mitm, *rec) []*rec) func(*mitm, *rec) []*rec {
	return func(m *mitm, r *rec) []*rec {
		var out []*rec
		for _, r := range act(m, r) {
			for d := r.data; len(d) > 0; {
				n := min(len(d), record.MaxPlaintext)
				out = append(out, &rec{typ: r.typ, data: d[:n], prot: r.prot})
				d = d[n:]
			}
		}
		return out
	}
}

// claimPSSPSS relabels the peer's CertificateVerify (TLS 1.2 and 1.3) or
// ServerKeyExchange (TLS 1.2) as rsa_pss_pss_sha256, keeping the
// rsa_pss_rsae_sha256 signature: the same RSASSA-PSS computation, which
// verifies, under a scheme an rsaEncryption key may not make (RFC 8446
// section 4.2.3).
func claimPSSPSS(msgType uint8) editFunc {
	if msgType == wire.TypeServerKeyExchange {
		return onFirst(isMsg(msgType), editMsg(func(m *wire.ServerKeyExchange) { m.Scheme = suites.RSAPSSPSSSHA256 }))
	}
	return onFirst(isMsg(msgType), editMsg(func(m *wire.CertificateVerify) { m.Scheme = suites.RSAPSSPSSSHA256 }))
}

// userCanceled returns n protected user_canceled alerts of the level.
func userCanceled(level byte, n int) []*rec {
	recs := make([]*rec, n)
	for i := range recs {
		recs[i] = protRec(record.Alert, []byte{level, byte(alert.UserCanceled)})
	}
	return recs
}

// warnings returns n protected warning alerts.
func warnings(n int) []*rec {
	recs := make([]*rec, n)
	for i := range recs {
		recs[i] = protRec(record.Alert, []byte{1, byte(alert.UnrecognizedName)})
	}
	return recs
}

// offerEarlyData has a padlock client offer early data, which it never
// sends (a row injects it).
func offerEarlyData(c *Conn) {
	c.testHooks.editHello = func(h *wire.ClientHello) { h.EarlyData = true }
}

// earlyData is a record of 0-RTT data as the server sees it: n bytes of
// application_data it cannot open.
func earlyData(n int) *rec {
	return rawRec(append(recordHeader(record.ApplicationData, n), bytes.Repeat([]byte{0xee}, n)...))
}

// closeNotify is the content of a close_notify alert.
var closeNotify = []byte{1, byte(alert.CloseNotify)}

// closedInHandshake checks how a handshake the peer closed is reported:
// the peer's close_notify, saying so, and not io.EOF, which after the
// handshake is the clean end of data.
func closedInHandshake(t *testing.T, ut *Conn, _ []byte) {
	err := ut.Handshake()
	if errors.Is(err, io.EOF) {
		t.Errorf("Handshake: %v is io.EOF", err)
	}
	if want := "closed the connection during the handshake"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Handshake: %v, want it to say %q", err, want)
	}
	if _, err2 := ut.Read(make([]byte, 1)); err2 != err {
		t.Errorf("Read after the handshake failed: %v, want %v", err2, err)
	}
}

// finishedLength changes the length of the peer's Finished by delta
// bytes, keeping the verify_data it has.
func finishedLength(delta int) editFunc {
	return onFirst(isMsg(wire.TypeFinished), editMsg(func(f *wire.Finished) {
		if delta < 0 {
			f.VerifyData = f.VerifyData[:len(f.VerifyData)+delta]
		} else {
			f.VerifyData = append(f.VerifyData, make([]byte, delta)...)
		}
	}))
}

// rsaServer gives the peer server the RSA test certificate and the
// client under test its CA.
func rsaServer(t *testing.T) (ut, peer func(*Config)) {
	cert, pool := testCert(t, pki.RSA2048)
	return func(c *Config) { c.RootCAs = pool }, func(c *Config) { c.Certificates = []Certificate{cert} }
}

// rsaClientAuth has the server under test require a client certificate
// from the RSA test CA, offering only schemes; the peer client holds the
// RSA test client certificate.
func rsaClientAuth(t *testing.T, schemes ...SignatureScheme) (ut, peer func(*Config)) {
	_, pool := testCert(t, pki.RSA2048)
	return func(c *Config) {
			c.ClientAuth, c.ClientCAs, c.SignatureSchemes = RequireAndVerifyClientCert, pool, schemes
		},
		func(c *Config) { c.Certificates = []Certificate{rsaClientCert()} }
}

// leafExtension adds a raw extension to the first CertificateEntry of a
// TLS 1.3 Certificate, which Marshal cannot: it writes known ones only.
func leafExtension(ext []byte) func(*mitm, *rec) []*rec {
	return rewrite(func(m *mitm, d []byte) []byte {
		var c wire.Certificate13
		if err := c.Unmarshal(d); err != nil {
			m.t.Errorf("leafExtension: %v", err)
			return d
		}
		var list []byte
		for i, e := range c.Entries {
			var exts []byte
			for _, x := range e.Extensions {
				exts = append(exts, rawExt(x.Type, x.Data)...)
			}
			if i == 0 {
				exts = append(exts, ext...)
			}
			list = append(list, byte(len(e.Data)>>16), byte(len(e.Data)>>8), byte(len(e.Data)))
			list = append(list, e.Data...)
			list = append(list, byte(len(exts)>>8), byte(len(exts)))
			list = append(list, exts...)
		}
		return hsMessage(wire.TypeCertificate, []byte{byte(len(c.RequestContext))}, c.RequestContext,
			[]byte{byte(len(list) >> 16), byte(len(list) >> 8), byte(len(list))}, list)
	})
}

// offerZlib has padlock under test offer zlib certificate compression.
func offerZlib(c *Config) { c.CertificateCompression = []CertificateCompressor{ZlibCompressor{}} }

// compressedInstead replaces a TLS 1.3 Certificate with a zlib
// CompressedCertificate labelled alg that declares declared bytes (-1:
// the true length) and decompresses to the Certificate's body followed
// by extra zero bytes (negative: with that many bytes cut off).
func compressedInstead(alg uint16, declared, extra int) func(*mitm, *rec) []*rec {
	return rewrite(func(m *mitm, d []byte) []byte {
		body := d[4:]
		if declared < 0 {
			declared = len(body)
		}
		if extra < 0 {
			body = body[:len(body)+extra]
		} else {
			body = append(body, make([]byte, extra)...)
		}
		z, err := ZlibCompressor{}.Compress(body)
		if err != nil {
			m.t.Fatal(err)
		}
		return (&wire.CompressedCertificate{Algorithm: alg, UncompressedLength: uint32(declared), Compressed: z}).Marshal()
	})
}

// clientRows13 are the rows of a TLS 1.3 client under test.
func clientRows13(t *testing.T) []alertCase {
	zero32 := make([]byte, 32)
	rsaUT, rsaPeer := rsaServer(t)
	return []alertCase{
		// ServerHello checks, RFC 8446 section 4.1.3.
		{name: "session ID echo mismatch", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.SessionID = bytes.Repeat([]byte{7}, 32) })},
		{name: "cipher suite not offered", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut:     func(c *Config) { c.CipherSuites = []uint16{TLS_AES_128_GCM_SHA256} },
			script: answer13(func(sh *wire.ServerHello) { sh.CipherSuite = TLS_CHACHA20_POLY1305_SHA256 })},
		{name: "TLS 1.2 cipher suite", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.CipherSuite = TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 })},
		{name: "compression method 1", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.CompressionMethod = 1 })},
		// RFC 8446 section 4.2.1: a version not offered, or before TLS 1.3.
		{name: "supported_versions selects TLS 1.2, not offered", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.SupportedVersion = VersionTLS12 })},
		{name: "supported_versions selects 0x0305", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.SupportedVersion = 0x0305 })},
		// RFC 8446 appendix D.5: legacy_version 0x0300 is protocol_version.
		{name: "legacy_version 0x0300", role: asClient, vers: v13, want: wantFatal(alert.ProtocolVersion),
			script: answer13(func(sh *wire.ServerHello) { sh.Vers = VersionSSL30 })},
		// RFC 8446 section 4.2.1: otherwise the client MUST ignore it.
		{name: "legacy_version 0x0301 is ignored", role: asClient, vers: v13, want: wantNoAlert, check: gotPing,
			peerHook: func(c *Conn) { c.testHooks.editServerHello = func(sh *wire.ServerHello) { sh.Vers = VersionTLS10 } }},
		// RFC 8446 section 6.2 (missing_extension), 4.2.8 and 4.2.8.2.
		{name: "no key_share", role: asClient, vers: v13, want: wantFatal(alert.MissingExtension),
			script: answer13(func(sh *wire.ServerHello) { sh.KeyShare = wire.KeyShare{} })},
		{name: "key share for a group not offered", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.KeyShare = wire.KeyShare{Group: uint16(CurveP256), Data: p256Public()} })},
		{name: "x25519 low-order point (all-zero secret)", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.KeyShare.Data = zero32 })},
		{name: "x25519 share of 31 bytes", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: answer13(func(sh *wire.ServerHello) { sh.KeyShare.Data = sh.KeyShare.Data[:31] })},
		{name: "secp256r1 point off the curve", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter), ut: p256,
			script: answer13(func(sh *wire.ServerHello) { sh.KeyShare = wire.KeyShare{Group: uint16(CurveP256), Data: offCurveP256} })},
		// draft-ietf-tls-ecdhe-mlkem section 3.1.2.
		{name: "hybrid ciphertext of the wrong size", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: func(c *Config) { c.CurvePreferences = []CurveID{X25519MLKEM768, X25519} },
			script: answer13(func(sh *wire.ServerHello) {
				sh.KeyShare = wire.KeyShare{Group: uint16(X25519MLKEM768), Data: make([]byte, 100)}
			})},
		// RFC 8446 section 4.2: unoffered is unsupported_extension; known
		// but not for this message is illegal_parameter.
		{name: "unknown extension in ServerHello", role: asClient, vers: v13, want: wantFatal(alert.UnsupportedExtension),
			script: func(s *script) {
				s.send(hsRecord(withExtensions(serverHello13(s.clientHello(), nil), rawExt(0x1234, nil))))
			}},
		{name: "extended_master_secret in a TLS 1.3 ServerHello", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: bothVersions,
			script: func(s *script) {
				s.send(hsRecord(withExtensions(serverHello13(s.clientHello(), nil), rawExt(wire.ExtExtendedMasterSecret, nil))))
			}},
		{name: "pre_shared_key answering no PSK", role: asClient, vers: v13, want: wantFatal(alert.UnsupportedExtension),
			script: answer13(func(sh *wire.ServerHello) { sh.HasSelectedIdentity = true })},
		// RFC 8446 section 4.2.11: selected_identity out of range.
		{name: "selected_identity out of range", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			peer:    func(c *Config) { c.SetSessionTicketKeys([]TicketKey{{1}}) },
			ut:      func(c *Config) { c.ClientSessionCache = NewLRUClientSessionCache(1) },
			prepare: primeTicket,
			edit:    onFirst(isMsg(wire.TypeServerHello), editMsg(func(sh *wire.ServerHello) { sh.SelectedIdentity = 1 }))},
		// RFC 8446 section 4.1.4.
		{name: "second HelloRetryRequest", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			ut: func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} },
			script: func(s *script) {
				s.send(hsRecord(retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, CurveP256)))
				s.send(hsRecord(retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, CurveP256)))
			}},
		{name: "HelloRetryRequest for a group already shared", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: func(s *script) { s.send(hsRecord(retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, X25519))) }},
		{name: "HelloRetryRequest that changes nothing", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: func(s *script) { s.send(hsRecord(retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, 0))) }},
		// RFC 8446 section 4.2 forbids it, naming no alert; outside the
		// hellos and EncryptedExtensions padlock answers illegal_parameter
		// (see wire's readExtensions).
		{name: "duplicated cookie in a HelloRetryRequest", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: func(s *script) {
				cookie := rawExt(wire.ExtCookie, []byte{0, 1, 'c'})
				s.send(hsRecord(withExtensions(retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, 0), cookie, cookie)))
			}},
		{name: "ServerHello changes the HelloRetryRequest's suite", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} },
			script: func(s *script) {
				s.send(hsRecord(retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, CurveP256)))
				s.send(hsRecord(serverHello13(s.clientHello(), func(sh *wire.ServerHello) {
					sh.CipherSuite = TLS_CHACHA20_POLY1305_SHA256
					sh.KeyShare = wire.KeyShare{Group: uint16(CurveP256), Data: p256Public()}
				})))
			}},
		// Plaintext records, RFC 8446 sections 5, 5.1 and 6.
		{name: "plaintext record of 2^14+1 bytes", role: asClient, vers: v13, want: wantFatal(alert.RecordOverflow),
			script: afterHello(oversized(record.Handshake, 1<<14+1))},
		{name: "record of unknown content type", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: afterHello(plainRecord(0x19, []byte{1}))},
		{name: "alert of 3 bytes", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			script: afterHello(plainRecord(record.Alert, []byte{2, 40, 0}))},
		{name: "plaintext application data before ServerHello", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: afterHello(plainRecord(record.ApplicationData, []byte("early")))},
		{name: "change_cipher_spec of value 2", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: afterHello(plainRecord(record.ChangeCipherSpec, []byte{2}))},
		// RFC 8446 appendix D.4: the server's compatibility CCS comes
		// right after its first handshake message, never before it.
		{name: "change_cipher_spec before ServerHello", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: func(s *script) {
				ch := s.clientHello()
				s.send(plainRecord(record.ChangeCipherSpec, []byte{1}), hsRecord(serverHello13(ch, nil)))
				s.closeWrite()
			}},
		{name: "empty handshake record", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: afterHello(plainRecord(record.Handshake, nil))},
		// RFC 8446 section 6.1: a transport close is no alert, just an end.
		{name: "record truncated by the end of the stream", role: asClient, vers: v13,
			want: expectation{err: io.ErrUnexpectedEOF},
			script: func(s *script) {
				s.clientHello()
				s.send(recordHeader(record.Handshake, 100), make([]byte, 50))
				s.closeWrite()
			}},
		{name: "ServerHello and part of a message span a key change", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: func(s *script) {
				s.send(hsRecord(serverHello13(s.clientHello(), nil), []byte{wire.TypeEncryptedExtensions, 0}))
			}},
		// A HelloRetryRequest ends the server's flight (RFC 8446 section
		// 2): a ServerHello behind it was sent before the second
		// ClientHello it answers.
		{name: "HelloRetryRequest and part of a ServerHello", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			ut: func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} },
			script: func(s *script) {
				s.send(hsRecord(retryRequest(s.clientHello(), TLS_AES_128_GCM_SHA256, CurveP256), []byte{wire.TypeServerHello, 0}))
			}},
		// A server that fails right after its ServerHello, before its
		// write keys change, sends its alert in plaintext (RFC 8446
		// section 6: alerts go under the current write state). It is the
		// peer's alert to report, not an unexpected record to answer.
		{name: "plaintext alert after ServerHello", role: asClient, vers: v13, want: wantRemote(alert.HandshakeFailure),
			script: func(s *script) {
				s.send(hsRecord(serverHello13(s.clientHello(), nil)), plainRecord(record.Alert, []byte{2, byte(alert.HandshakeFailure)}))
			}},
		// Once a protected record has come under the new keys, the
		// server has switched: a plaintext record is out of place.
		{name: "plaintext alert after EncryptedExtensions", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeCertificate), injectBefore(plainRec(record.Alert, []byte{2, byte(alert.HandshakeFailure)})))},
		// RFC 8446 section 6.1: close_notify is the peer closing. During
		// the handshake it ends the handshake as the peer's, unanswered.
		{name: "close_notify instead of ServerHello", role: asClient, vers: v13, want: wantRemote(alert.CloseNotify),
			script: afterHello(plainRecord(record.Alert, closeNotify)), check: closedInHandshake},
		{name: "close_notify instead of Certificate", role: asClient, vers: v13, want: wantRemote(alert.CloseNotify),
			edit: onFirst(isMsg(wire.TypeCertificate), replaceWith(protRec(record.Alert, closeNotify)))},

		// The encrypted handshake, through the man in the middle.
		// RFC 8446 section 4 (message order: unexpected_message).
		{name: "EncryptedExtensions missing", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), dropIt)},
		{name: "EncryptedExtensions twice", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), sendTwice)},
		{name: "CertificateVerify before Certificate", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: func(m *mitm, r *rec) []*rec {
				switch {
				case r.isMsg(wire.TypeCertificate):
					m.held = r
					return nil
				case r.isMsg(wire.TypeCertificateVerify):
					return []*rec{r, m.held}
				}
				return []*rec{r}
			}},
		{name: "Finished without Certificate", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: func(m *mitm, r *rec) []*rec {
				if r.isMsg(wire.TypeCertificate) || r.isMsg(wire.TypeCertificateVerify) {
					return nil
				}
				return []*rec{r}
			}},
		{name: "NewSessionTicket inside the handshake", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeFinished), injectBefore(protHS(nst)))},
		// RFC 8446 section 4.3.1 and 4.2.
		{name: "key_share in EncryptedExtensions", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), replaceWith(protHS(encryptedExtensions(
				rawExt(wire.ExtKeyShare, append([]byte{0, 0x1d, 0, 32}, zero32...))))))},
		{name: "unknown extension in EncryptedExtensions", role: asClient, vers: v13, want: wantFatal(alert.UnsupportedExtension),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), replaceWith(protHS(encryptedExtensions(rawExt(0x1234, nil)))))},
		// RFC 8446 section 4.2 forbids it but names no alert; in
		// EncryptedExtensions padlock answers decode_error (see wire's
		// readExtensions).
		{name: "duplicated extension in EncryptedExtensions", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), replaceWith(protHS(encryptedExtensions(
				rawExt(wire.ExtServerName, nil), rawExt(wire.ExtServerName, nil)))))},
		// Over Config.MaxHandshakeMessage: illegal_parameter, as OpenSSL
		// and BoringSSL send (record_overflow is for records). A
		// Certificate may reach Limits.MaxCertificateBytes instead.
		{name: "CertificateVerify declaring 70000 bytes", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isMsg(wire.TypeCertificateVerify), replaceWith(protHS([]byte{wire.TypeCertificateVerify, 0x01, 0x11, 0x70, 0})))},
		{name: "Certificate declaring 100 KiB and a byte", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isMsg(wire.TypeCertificate), replaceWith(protHS([]byte{wire.TypeCertificate, 0x01, 0x90, 0x01, 0})))},
		// RFC 8446 section 4.4.2.4.
		{name: "empty server Certificate", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			edit: onFirst(isMsg(wire.TypeCertificate), replaceWith(protHS((&wire.Certificate13{}).Marshal())))},
		// RFC 8446 sections 4.4.2 and 4.2: the client offered
		// status_request, but neither signed_certificate_timestamp nor
		// an unknown extension.
		{name: "SCTs in the server Certificate, not asked for", role: asClient, vers: v13, want: wantFatal(alert.UnsupportedExtension),
			edit: onFirst(isMsg(wire.TypeCertificate), editMsg(func(c *wire.Certificate13) { c.Entries[0].SCTs = [][]byte{{1}} }))},
		{name: "unknown extension in the server Certificate", role: asClient, vers: v13, want: wantFatal(alert.UnsupportedExtension),
			edit: onFirst(isMsg(wire.TypeCertificate), leafExtension(rawExt(0x7f, nil)))},
		// RFC 8879 sections 4 and 5: the declared length is bounded by the
		// certificate limit before anything is decompressed, and the
		// output may not run past it (a bomb) or fall short of it.
		{name: "CompressedCertificate declaring over the certificate limit", role: asClient, vers: v13, want: wantFatal(alert.BadCertificate),
			ut:   offerZlib,
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionZlib, 100<<10+1, 0))},
		{name: "CompressedCertificate bomb: 4 MiB where 1000 bytes are declared", role: asClient, vers: v13, want: wantFatal(alert.BadCertificate),
			ut:   offerZlib,
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionZlib, 1000, 4<<20))},
		{name: "CompressedCertificate one byte longer than declared", role: asClient, vers: v13, want: wantFatal(alert.BadCertificate),
			ut:   offerZlib,
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionZlib, -1, 1))},
		{name: "CompressedCertificate one byte shorter than declared", role: asClient, vers: v13, want: wantFatal(alert.BadCertificate),
			ut:   offerZlib,
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionZlib, -1, -1))},
		{name: "CompressedCertificate with an algorithm not offered", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut:   offerZlib,
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionBrotli, -1, 0))},
		{name: "CompressedCertificate when compression was not offered", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionZlib, -1, 0))},
		// RFC 8446 section 4.3.2: the context is empty in the handshake.
		{name: "CertificateRequest with a request context", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			peer: func(c *Config) { c.ClientAuth = RequestClientCert },
			edit: onFirst(isMsg(wire.TypeCertificateRequest), editMsg(func(r *wire.CertificateRequest13) { r.Context = []byte("ctx") }))},
		// No RFC alert for a chain over the limit; bad_certificate. Under
		// it, a long chain is fine, as for OpenSSL, BoringSSL (BoGo's
		// LargeMessage sends 51) and crypto/tls.
		{name: "certificate chain over the limit", role: asClient, vers: v13, want: wantFatal(alert.BadCertificate),
			edit: onFirst(isMsg(wire.TypeCertificate), fragmented(editMsg(chain13(DefaultLimits.MaxCertificates+1))))},
		{name: "certificate chain of 51", role: asClient, vers: v13, want: wantNoAlert, check: gotPing, peer: longChain(51)},
		{name: "Certificate of 80 KB, over MaxHandshakeMessage", role: asClient, vers: v13, want: wantNoAlert, check: gotPing,
			ut: rsaUT, peer: func(c *Config) { rsaPeer(c); longChain(90)(c) }},
		// RFC 8446 section 6.2.
		{name: "unknown CA", role: asClient, vers: v13, want: wantFatal(alert.UnknownCA),
			peer: func(c *Config) { c.Certificates = []Certificate{strangerCert} }},
		{name: "expired certificate", role: asClient, vers: v13, want: wantFatal(alert.CertificateExpired),
			peer: func(c *Config) { c.Certificates = []Certificate{expiredCert} }},
		{name: "certificate for another host", role: asClient, vers: v13, want: wantFatal(alert.BadCertificate),
			ut: func(c *Config) { c.ServerName = "padlock.invalid" }},
		// RFC 8446 section 4.4.3.
		{name: "signature does not verify", role: asClient, vers: v13, want: wantFatal(alert.DecryptError),
			peerHook: func(c *Conn) { c.testHooks.corruptSignature = true }},
		{name: "CertificateVerify with a scheme not offered", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isMsg(wire.TypeCertificateVerify), editMsg(func(cv *wire.CertificateVerify) { cv.Scheme = 0x0201 }))},
		// RFC 8446 section 4.2.3: rsa_pss_pss_* only with a key certified
		// with the RSASSA-PSS OID.
		{name: "CertificateVerify claims rsa_pss_pss_sha256 with an RSA key", role: asClient, vers: v13,
			want: wantFatal(alert.IllegalParameter), ut: rsaUT, peer: rsaPeer, edit: claimPSSPSS(wire.TypeCertificateVerify)},
		// RFC 8446 section 4.4.4.
		{name: "Finished does not match", role: asClient, vers: v13, want: wantFatal(alert.DecryptError),
			peerHook: func(c *Conn) { c.testHooks.corruptFinished = true }},
		// RFC 8446 sections 4.4.4 and 6.2: verify_data is Hash.length
		// bytes, and a message of the wrong length is malformed.
		{name: "Finished one byte long", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			edit: finishedLength(1)},
		{name: "Finished one byte short", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			edit: finishedLength(-1)},
		// Protected records, RFC 8446 sections 5, 5.1, 5.2 and 5.4.
		{name: "application data before Finished", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectBefore(protRec(record.ApplicationData, []byte("early"))))},
		{name: "protected change_cipher_spec", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectBefore(protRec(record.ChangeCipherSpec, []byte{1})))},
		{name: "inner plaintext of only padding", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectBefore(&rec{prot: true, pad: 8}))},
		{name: "empty protected handshake record", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectBefore(protRec(record.Handshake, nil)))},
		{name: "unknown inner content type", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectBefore(protRec(0x19, []byte{1})))},
		{name: "ciphertext of 2^14+257 bytes", role: asClient, vers: v13, want: wantFatal(alert.RecordOverflow),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectBefore(rawRec(oversized(record.ApplicationData, 1<<14+257))))},
		{name: "inner plaintext of 2^14+2 bytes", role: asClient, vers: v13, want: wantFatal(alert.RecordOverflow),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectBefore(protRec(record.ApplicationData, make([]byte, 1<<14+1))))},
		// RFC 8449 section 4: over the record_size_limit announced.
		{name: "inner plaintext over the record_size_limit", role: asClient, vers: v13, want: wantFatal(alert.RecordOverflow),
			ut:   func(c *Config) { c.RecordSizeLimit = 100 },
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), injectAfter(protRec(record.ApplicationData, make([]byte, 100))))},
		{name: "tampered ciphertext", role: asClient, vers: v13, want: wantFatal(alert.BadRecordMAC),
			edit: onFirst(isMsg(wire.TypeEncryptedExtensions), corrupted)},
		{name: "Finished and part of a message span a key change", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeFinished), appended(wire.TypeNewSessionTicket, 0))},

		// After the handshake: the peer's ping is the cue.
		// RFC 8446 section 4.6.3.
		{name: "KeyUpdate with request_update 2", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protHS(keyUpdate(2))))},
		{name: "KeyUpdate with a 2-byte body", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protHS(keyUpdate(0, 0))))},
		// RFC 8446 section 4.2; the alert as in wire's readExtensions.
		{name: "NewSessionTicket with early_data twice", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protHS(func() []byte {
				early := rawExt(wire.ExtEarlyData, []byte{0, 0, 0x40, 0})
				return hsMessage(wire.TypeNewSessionTicket, []byte{0, 0, 0, 60, 0, 0, 0, 0, 1, 0, 0, 1, 't', 0, 16}, early, early)
			}())))},
		{name: "KeyUpdate and part of a message span a key change", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protHS(keyUpdate(0), []byte{wire.TypeKeyUpdate, 0})))},
		// RFC 8446 section 4 (hello_request_RESERVED) and 5.1.
		{name: "HelloRequest after the handshake", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protHS(helloRequest)))},
		{name: "ServerHello after the handshake", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protHS(serverHello13(&wire.ClientHello{}, nil))))},
		{name: "application data inside a fragmented message", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protHS([]byte{wire.TypeKeyUpdate, 0})))},
		// RFC 8446 section 5: a CCS after the peer's Finished.
		{name: "change_cipher_spec after the handshake", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), injectBefore(plainRec(record.ChangeCipherSpec, []byte{1})))},
		{name: "protected alert of 3 bytes", role: asClient, vers: v13, want: wantFatal(alert.DecodeError),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protRec(record.Alert, []byte{2, 10, 0})))},
		// RFC 8446 allows empty application data; padlock bounds a run
		// of them (DefaultLimits.MaxEmptyRecords) with unexpected_message.
		{name: "33 empty application data records", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), func(_ *mitm, r *rec) []*rec {
				var out []*rec
				for range DefaultLimits.MaxEmptyRecords + 1 {
					out = append(out, protRec(record.ApplicationData, nil))
				}
				return append(out, r)
			})},
		// RFC 8446 section 6: every alert is an error in TLS 1.3, whatever
		// its level; padlock answers none.
		{name: "warning-level alert ends the connection", role: asClient, vers: v13, want: wantRemote(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protRec(record.Alert, []byte{1, byte(alert.UnexpectedMessage)})))},
		// All but user_canceled, which precedes a close_notify: padlock
		// reads on until it comes (RFC 9846 section 6.1), whatever the
		// level, which TLS 1.3 ignores; but only so many in a row.
		{name: "user_canceled is ignored", role: asClient, vers: v13, want: wantNoAlert, check: gotPing,
			edit: onFirst(isType(record.ApplicationData), injectBefore(userCanceled(1, DefaultLimits.MaxWarningAlerts)...))},
		{name: "fatal-level user_canceled is ignored", role: asClient, vers: v13, want: wantNoAlert, check: gotPing,
			edit: onFirst(isType(record.ApplicationData), injectBefore(userCanceled(2, 1)...))},
		{name: "user_canceled beyond the warning limit", role: asClient, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), injectBefore(userCanceled(1, DefaultLimits.MaxWarningAlerts+1)...))},
		// An AlertLevel that is neither warning nor fatal is an invalid
		// enum (RFC 9846 section 6), though TLS 1.3 ignores valid ones.
		{name: "alert of level 0x42", role: asClient, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isType(record.ApplicationData), injectBefore(protRec(record.Alert, []byte{0x42, byte(alert.UnexpectedMessage)})))},
		// RFC 8446 section 6.1: data after close_notify MUST be ignored.
		{name: "records after close_notify", role: asClient, vers: v13, want: wantNoAlert, check: gotPingThenEOF,
			edit: onFirst(isCloseNotify, injectAfter(protRec(record.ApplicationData, []byte("after")), protHS(keyUpdate(7))))},
	}
}

// serverRows13 are the rows of a TLS 1.3 server under test.
func serverRows13(t *testing.T) []alertCase {
	hello := func(cfg func(*Config), edit func(*wire.ClientHello)) []byte {
		return newClientHello(t, v13, cfg, edit)
	}
	zero32 := make([]byte, 32)
	// A valid pre_shared_key: one identity, one 32-byte binder.
	psk := rawExt(wire.ExtPreSharedKey, append([]byte{0, 11, 0, 5, 'h', 'e', 'l', 'l', 'o', 0, 0, 0, 0, 0, 33, 32}, zero32...))
	withTickets := func(c *Config) { c.SetSessionTicketKeys([]TicketKey{{1}}) }
	withCache := func(c *Config) { c.ClientSessionCache = NewLRUClientSessionCache(1) }
	clientAuth := func(c *Config) {
		_, pool := testCert(t, pki.Ed25519)
		c.ClientAuth, c.ClientCAs = RequireAndVerifyClientCert, pool
	}
	withClientCert := func(c *Config) { c.Certificates = []Certificate{testClientCert()} }
	rsaAuthUT, rsaAuthPeer := rsaClientAuth(t)
	pssOnlyUT, pssOnlyPeer := rsaClientAuth(t, Ed25519, SignatureScheme(suites.RSAPSSPSSSHA256))
	onPing := func(inject ...*rec) editFunc { return onFirst(isType(record.ApplicationData), injectBefore(inject...)) }
	onFinished := func(act func(*mitm, *rec) []*rec) editFunc { return onFirst(isMsg(wire.TypeFinished), act) }
	var pskOffered atomic.Bool // by the first ClientHello of the row below that sets it
	// A padlock client whose x25519 share misses the server's secp256r1,
	// so it must answer a HelloRetryRequest.
	retryClient := func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} }
	// retryRow is such a client with its first ClientHello changed by
	// first and its second by second.
	retryRow := func(name string, want expectation, first, second func(*wire.ClientHello)) alertCase {
		return alertCase{name: "second ClientHello " + name, role: asServer, vers: v13, want: want, ut: p256, peer: retryClient,
			peerHook: func(c *Conn) { c.testHooks.editHello, c.testHooks.editRetryHello = first, second },
			check: func(t *testing.T, ut *Conn, got []byte) {
				if want == wantNoAlert {
					gotPing(t, ut, got)
				}
			}}
	}
	// statelessUT is a server that retries statelessly (Config.StatelessRetry).
	statelessUT := func(c *Config) { p256(c); c.StatelessRetry = true }
	// cookieRow is a retryClient whose second ClientHello second changes,
	// answering a server that retries statelessly.
	cookieRow := func(name string, want expectation, second func(*wire.ClientHello)) alertCase {
		return alertCase{name: "stateless retry: cookie " + name, role: asServer, vers: v13, want: want, ut: statelessUT, peer: retryClient,
			peerHook: func(c *Conn) { c.testHooks.editRetryHello = second },
			check: func(t *testing.T, ut *Conn, got []byte) {
				if want == wantNoAlert {
					gotPing(t, ut, got)
				}
			}}
	}
	return []alertCase{
		// ClientHello checks. RFC 8446 section 4.1.2.
		{name: "compression offered", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.CompressionMethods = []uint8{1, 0} })))},
		{name: "data after the extensions", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			script: sendAll(hsRecord(trailingByte(hello(nil, nil))))},
		// The ClientHello ends the client's flight (RFC 8446 section 2);
		// what follows it in its record came before the server's answer.
		{name: "ClientHello and part of a message", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(hsRecord(hello(nil, nil), []byte{wire.TypeFinished, 0}))},
		{name: "ClientHello and part of the second ClientHello", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			ut:     p256,
			script: sendAll(hsRecord(hello(retryClient, nil), []byte{wire.TypeClientHello, 0}))},
		// RFC 8446 section 6: a length beyond the message is decode_error.
		{name: "cipher_suites longer than the message", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			script: sendAll(hsRecord(func() []byte {
				m := hello(nil, nil)
				m[4+2+32+1+32], m[4+2+32+1+32+1] = 0xff, 0xfe
				return m
			}()))},
		// RFC 8446 appendix D.5.
		{name: "legacy_version 0x0300 beside supported_versions", role: asServer, vers: v13, want: wantFatal(alert.ProtocolVersion),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.Vers = VersionSSL30 })))},
		// RFC 8446 sections 4.2.3, 4.2.9 and 9.2.
		{name: "no signature_algorithms", role: asServer, vers: v13, want: wantFatal(alert.MissingExtension),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.SignatureAlgorithms = nil })))},
		{name: "key_share without supported_groups", role: asServer, vers: v13, want: wantFatal(alert.MissingExtension),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.SupportedGroups = nil })))},
		{name: "supported_groups without key_share", role: asServer, vers: v13, want: wantFatal(alert.MissingExtension),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.KeyShares = nil })))},
		{name: "pre_shared_key without psk_key_exchange_modes", role: asServer, vers: v13, want: wantFatal(alert.MissingExtension),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.PSKModes = nil
				h.PSKIdentities = []wire.PSKIdentity{{Identity: []byte("hello")}}
				h.PSKBinders = [][]byte{zero32}
			})))},
		// RFC 8446 section 6: extension data that does not parse.
		{name: "malformed key_share extension", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.KeyShares = nil
				h.ExtraExtensions = []wire.Extension{{Type: wire.ExtKeyShare, Data: []byte{0, 16, 0, 0x1d}}}
			})))},
		// No RFC names an alert for a message over a size limit;
		// record_overflow is for records (RFC 8446 section 6.2), and
		// OpenSSL and BoringSSL send illegal_parameter. A ClientHello may
		// be as large as its structure allows, 131,396 bytes
		// (TestLargeClientHello has one of 65,609).
		{name: "ClientHello declaring 16 MiB", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord([]byte{wire.TypeClientHello, 0xff, 0xff, 0xff, 3, 3}))},
		{name: "ClientHello declaring 131,397 bytes", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord([]byte{wire.TypeClientHello, 0x02, 0x01, 0x45, 3, 3}))},
		// RFC 8446 section 4.2.11.
		{name: "pre_shared_key not last", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.ExtraExtensions = []wire.Extension{{Type: wire.ExtPreSharedKey, Data: psk[4:]}}
			})))},
		// RFC 8446 section 4.2 forbids it, naming no alert; padlock's wire
		// package treats it as malformed.
		{name: "duplicated extension", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.ExtraExtensions = []wire.Extension{{Type: 0x1234}, {Type: 0x1234}}
			})))},
		// RFC 8446 sections 4.2.8, 4.2.8.2, 7.4.2 and 6 (a bad share is
		// illegal_parameter).
		{name: "x25519 low-order point (all-zero secret)", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.KeyShares[0].Data = zero32 })))},
		{name: "x25519 share of 31 bytes", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.KeyShares[0].Data = h.KeyShares[0].Data[:31] })))},
		{name: "secp256r1 point off the curve", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter), ut: p256,
			script: sendAll(hsRecord(hello(p256, func(h *wire.ClientHello) { h.KeyShares[0].Data = offCurveP256 })))},
		{name: "two key shares for one group", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.KeyShares = append(h.KeyShares, h.KeyShares[0]) })))},
		{name: "key share for a group not in supported_groups", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.KeyShares = append(h.KeyShares, wire.KeyShare{Group: uint16(CurveP256), Data: p256Public()})
			})))},
		// draft-ietf-tls-ecdhe-mlkem section 3.1.2.
		{name: "hybrid share of the wrong size", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: func(c *Config) { c.CurvePreferences = []CurveID{X25519MLKEM768} },
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.SupportedGroups = []uint16{uint16(X25519MLKEM768)}
				h.KeyShares = []wire.KeyShare{{Group: uint16(X25519MLKEM768), Data: make([]byte, 1000)}}
			})))},
		{name: "hybrid encapsulation key failing the FIPS 203 check", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: func(c *Config) { c.CurvePreferences = []CurveID{X25519MLKEM768} },
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.SupportedGroups = []uint16{uint16(X25519MLKEM768)}
				h.KeyShares = []wire.KeyShare{{Group: uint16(X25519MLKEM768), Data: append(bytes.Repeat([]byte{0xff}, 1184), x25519Public()...)}}
			})))},
		// RFC 8446 section 4.1.1.
		{name: "no cipher suite in common", role: asServer, vers: v13, want: wantFatal(alert.HandshakeFailure),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.CipherSuites = []uint16{0x1304, 0x1305} })))},
		// RFC 7301 section 3.2.
		{name: "no ALPN protocol in common", role: asServer, vers: v13, want: wantFatal(alert.NoApplicationProtocol),
			ut:     func(c *Config) { c.NextProtos = []string{"h2"} },
			script: sendAll(hsRecord(hello(func(c *Config) { c.NextProtos = []string{"smtp"} }, nil)))},
		// RFC 8446 section 4.1.2: the second ClientHello repeats the
		// first but for key_share, early_data, cookie, pre_shared_key and
		// padding. No alert is named; the two are inconsistent:
		// illegal_parameter. Most rows are a padlock client whose
		// editRetryHello makes it the attacker: its transcript and
		// binders match what it sent.
		{name: "second ClientHello changes the session ID", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: p256,
			script: func(s *script) {
				ch1, ch2 := retryHellos(t, func(h *wire.ClientHello) { h.SessionID = bytes.Repeat([]byte{9}, 32) })
				s.send(hsRecord(ch1.Raw))
				s.next()
				s.send(hsRecord(ch2.Raw))
			}},
		{name: "second ClientHello still lacks the share", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: p256,
			script: func(s *script) {
				ch := hello(retryClient, nil)
				s.send(hsRecord(ch))
				s.next()
				s.send(hsRecord(ch))
			}},
		retryRow("names another server", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) { h.ServerName = "b.example" }),
		retryRow("changes random", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) { h.Random = make([]byte, 32) }),
		retryRow("changes legacy_version", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) { h.Vers = VersionTLS10 }),
		retryRow("reorders cipher_suites", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) {
			h.CipherSuites = slices.Clone(h.CipherSuites)
			slices.Reverse(h.CipherSuites)
		}),
		retryRow("changes supported_groups", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) {
			h.SupportedGroups = []uint16{uint16(CurveP256)}
		}),
		retryRow("changes signature_algorithms", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) {
			h.SignatureAlgorithms = []uint16{uint16(Ed25519)}
		}),
		retryRow("changes ALPN", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) {
			h.ALPNProtocols = []string{"h2", "http/1.1"}
		}, func(h *wire.ClientHello) { h.ALPNProtocols = []string{"http/1.1"} }),
		retryRow("drops status_request", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) { h.StatusRequest = false }),
		retryRow("adds an unknown extension", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) {
			h.ExtraExtensions = []wire.Extension{{Type: 0x1234}}
		}),
		retryRow("changes an unknown extension", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) {
			h.ExtraExtensions = []wire.Extension{{Type: 0x1234, Data: []byte("a")}}
		}, func(h *wire.ClientHello) { h.ExtraExtensions = []wire.Extension{{Type: 0x1234, Data: []byte("b")}} }),
		retryRow("keeps early_data", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) { h.EarlyData = true },
			func(h *wire.ClientHello) { h.EarlyData = true }),
		retryRow("sends a cookie not asked for", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) { h.Cookie = []byte("c") }),
		retryRow("carries two key shares", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) {
			h.KeyShares = append(h.KeyShares, wire.KeyShare{Group: uint16(X25519), Data: x25519Public()})
		}),
		retryRow("offers a PSK the first did not", wantFatal(alert.IllegalParameter), nil, func(h *wire.ClientHello) {
			h.PSKIdentities, h.PSKBinders = []wire.PSKIdentity{{Identity: []byte("ticket")}}, [][]byte{zero32}
		}),
		// The changes the RFC allows.
		retryRow("adds padding", wantNoAlert, nil, func(h *wire.ClientHello) { h.PaddingLen = 100 }),
		retryRow("drops padding", wantNoAlert, func(h *wire.ClientHello) { h.PaddingLen = 100 }, func(h *wire.ClientHello) { h.PaddingLen = 0 }),
		retryRow("drops early_data", wantNoAlert, func(h *wire.ClientHello) { h.EarlyData = true }, nil),
		retryRow("reorders extensions", wantNoAlert, func(h *wire.ClientHello) { h.ALPNProtocols = []string{"h2"} },
			func(h *wire.ClientHello) {
				// ALPN, written as an extra, moves ahead of server_name.
				h.ALPNProtocols, h.ExtraExtensions = nil, []wire.Extension{{Type: wire.ExtALPN, Data: []byte{0, 3, 2, 'h', '2'}}}
			}),
		{name: "second ClientHello keeps the PSK with a new age and binder", role: asServer, vers: v13, want: wantNoAlert,
			ut: func(c *Config) { p256(c); withTickets(c) }, peer: func(c *Config) { retryClient(c); withCache(c) },
			prepare: primeTicket,
			check: func(t *testing.T, ut *Conn, got []byte) {
				gotPing(t, ut, got)
				if !ut.ConnectionState().DidResume {
					t.Error("the server did not resume")
				}
			}},
		// A PSK that fits the HelloRetryRequest's suite may not go
		// (BoGo Resume-Server-OmitPSKsOnSecondClientHello).
		{name: "second ClientHello drops a PSK that fits the suite", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: func(c *Config) { p256(c); withTickets(c) }, peer: func(c *Config) { retryClient(c); withCache(c) },
			prepare: primeTicket,
			edit: func(m *mitm, r *rec) []*rec {
				if !r.isMsg(wire.TypeClientHello) || m.once("first ClientHello") {
					return []*rec{r}
				}
				return editMsg(func(h *wire.ClientHello) { h.PSKIdentities, h.PSKBinders = nil, nil })(m, r)
			}},
		{name: "second ClientHello drops a PSK of another hash", role: asServer, vers: v13, want: wantNoAlert,
			ut: func(c *Config) { p256(c); withTickets(c) }, peer: func(c *Config) { retryClient(c); withCache(c) },
			peerHook: func(c *Conn) {
				c.testHooks.editRetryHello = func(h *wire.ClientHello) { pskOffered.Store(len(h.PSKIdentities) > 0) }
			},
			prepare: func(t *testing.T, cc, sc *Config) {
				// A SHA-384 ticket; then the server picks a SHA-256 suite,
				// and the client drops the ticket from its retry.
				sc.CipherSuites = []uint16{TLS_AES_256_GCM_SHA384}
				primeTicket(t, cc, sc)
				sc.CipherSuites = []uint16{TLS_AES_128_GCM_SHA256}
			},
			check: func(t *testing.T, ut *Conn, got []byte) {
				gotPing(t, ut, got)
				if ut.ConnectionState().DidResume {
					t.Error("the server resumed a ticket the client dropped")
				}
				if !pskOffered.Load() {
					t.Error("the first ClientHello offered no ticket: the row tests nothing")
				}
			}},
		// Config.StatelessRetry: the second ClientHello's cookie is all the
		// server keeps of the first (RFC 8446 section 4.2.2). A cookie it
		// did not seal, one changed, none, or one sealed for another
		// connection's hello is illegal_parameter; the hellos are checked
		// against each other through the cookie's digest.
		cookieRow("goes through", wantNoAlert, nil),
		cookieRow("forged", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) { h.Cookie = bytes.Repeat([]byte{7}, len(h.Cookie)) }),
		cookieRow("tampered with", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) {
			h.Cookie = slices.Clone(h.Cookie)
			h.Cookie[len(h.Cookie)/2] ^= 1
		}),
		cookieRow("missing", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) { h.Cookie = nil }),
		cookieRow("kept but random changed", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) { h.Random = make([]byte, 32) }),
		cookieRow("kept but another server named", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) { h.ServerName = "b.example" }),
		cookieRow("kept but two key shares", wantFatal(alert.IllegalParameter), func(h *wire.ClientHello) {
			h.KeyShares = append(h.KeyShares, wire.KeyShare{Group: uint16(X25519), Data: x25519Public()})
		}),
		cookieRow("kept, padding added", wantNoAlert, func(h *wire.ClientHello) { h.PaddingLen = 100 }),
		func() alertCase {
			// A valid cookie, from the retry of another connection to the
			// same server: bound to that connection's first hello.
			var other []byte
			row := cookieRow("replayed from another connection", wantFatal(alert.IllegalParameter),
				func(h *wire.ClientHello) { h.Cookie = other })
			row.prepare = func(t *testing.T, cc, sc *Config) {
				a, b := tcpPair(t)
				client, server := Client(a, cc), Server(b, sc)
				client.testHooks.editRetryHello = func(h *wire.ClientHello) { other = slices.Clone(h.Cookie) }
				errc := make(chan error, 1)
				go func() { errc <- server.Handshake(); b.Close() }()
				cerr := client.Handshake()
				a.Close()
				if serr := <-errc; cerr != nil || serr != nil || other == nil {
					t.Fatalf("cookie from another connection: client %v, server %v, cookie %x", cerr, serr, other)
				}
			}
			return row
		}(),
		{name: "stateless retry: first ClientHello with more PSKs than a cookie records", role: asServer, vers: v13,
			want: wantFatal(alert.IllegalParameter), ut: statelessUT,
			script: sendAll(hsRecord(hello(retryClient, func(h *wire.ClientHello) {
				h.PSKModes = []uint8{pskModeDHE}
				for i := range maxCookiePSKs + 1 {
					h.PSKIdentities = append(h.PSKIdentities, wire.PSKIdentity{Identity: []byte{byte(i)}})
					h.PSKBinders = append(h.PSKBinders, zero32)
				}
			})))},
		{name: "stateless retry keeps the PSK with a new age and binder", role: asServer, vers: v13, want: wantNoAlert,
			ut: func(c *Config) { statelessUT(c); withTickets(c) }, peer: func(c *Config) { retryClient(c); withCache(c) },
			prepare: primeTicket,
			check: func(t *testing.T, ut *Conn, got []byte) {
				gotPing(t, ut, got)
				if !ut.ConnectionState().DidResume {
					t.Error("the server did not resume")
				}
			}},
		{name: "stateless retry: second ClientHello drops a PSK that fits the suite", role: asServer, vers: v13,
			want: wantFatal(alert.IllegalParameter),
			ut:   func(c *Config) { statelessUT(c); withTickets(c) }, peer: func(c *Config) { retryClient(c); withCache(c) },
			prepare: primeTicket,
			edit: func(m *mitm, r *rec) []*rec {
				if !r.isMsg(wire.TypeClientHello) || m.once("first ClientHello") {
					return []*rec{r}
				}
				return editMsg(func(h *wire.ClientHello) { h.PSKIdentities, h.PSKBinders = nil, nil })(m, r)
			}},
		// Plaintext records, RFC 8446 sections 5, 5.1 and 6.
		{name: "plaintext record of 2^14+1 bytes", role: asServer, vers: v13, want: wantFatal(alert.RecordOverflow),
			script: sendAll(oversized(record.Handshake, 1<<14+1))},
		{name: "record of unknown content type", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(plainRecord(0x19, []byte{1}))},
		{name: "alert of 1 byte", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			script: sendAll(plainRecord(record.Alert, []byte{2}))},
		{name: "change_cipher_spec before ClientHello", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(plainRecord(record.ChangeCipherSpec, []byte{1}))},
		{name: "application data before ClientHello", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(plainRecord(record.ApplicationData, []byte("GET /")))},
		// RFC 8446 section 4.2.10: a server that ignores early_data skips
		// the early data, which does not open under the handshake keys,
		// up to a limit (maxSkippedEarlyData); after a HelloRetryRequest,
		// the application_data records up to the second ClientHello. Only
		// when the ClientHello offered early data, and never after the
		// second.
		{name: "rejected early data is skipped", role: asServer, vers: v13, want: wantNoAlert, check: gotPing,
			peerHook: offerEarlyData, edit: onFirst(isMsg(wire.TypeClientHello), injectAfter(earlyData(100), earlyData(10), earlyData(1000)))},
		{name: "rejected early data over the limit", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			peerHook: offerEarlyData, edit: onFirst(isMsg(wire.TypeClientHello), injectAfter(earlyData(100), earlyData(maxSkippedEarlyData-100)))},
		// Accepted early data is bounded by the ticket's
		// max_early_data_size (section 4.2.10): the man in the middle
		// adds a record under the client's early key that takes the
		// client's 5 bytes past the server's 1000.
		{name: "accepted early data over max_early_data_size", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			ut:   func(c *Config) { withTickets(c); c.MaxEarlyData = 1000 },
			peer: func(c *Config) { withCache(c); c.SendEarlyData = true }, prepare: primeTicket,
			peerHook: func(c *Conn) { c.WriteEarly([]byte("early")) },
			edit:     onFirst(isEarlyData, injectAfter(protRec(record.ApplicationData, make([]byte, 1000))))},
		{name: "handshake message in accepted early data", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			ut:   func(c *Config) { withTickets(c); c.MaxEarlyData = 1000 },
			peer: func(c *Config) { withCache(c); c.SendEarlyData = true }, prepare: primeTicket,
			peerHook: func(c *Conn) { c.WriteEarly([]byte("early")) },
			edit:     onFirst(isEarlyData, injectAfter(protHS(hsMessage(wire.TypeFinished, make([]byte, 32)))))},
		{name: "early data not offered", role: asServer, vers: v13, want: wantFatal(alert.BadRecordMAC),
			edit: onFirst(isMsg(wire.TypeClientHello), injectAfter(earlyData(100)))},
		{name: "rejected early data before the second ClientHello is skipped", role: asServer, vers: v13, want: wantNoAlert, check: gotPing,
			ut: p256, peer: retryClient, peerHook: offerEarlyData,
			edit: onFirst(isMsg(wire.TypeClientHello), injectAfter(earlyData(100), earlyData(1000)))},
		{name: "rejected early data over the limit before the second ClientHello", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			ut: p256, peer: retryClient, peerHook: offerEarlyData,
			edit: onFirst(isMsg(wire.TypeClientHello), injectAfter(earlyData(maxSkippedEarlyData)))},
		{name: "early data after the second ClientHello", role: asServer, vers: v13, want: wantFatal(alert.BadRecordMAC),
			ut: p256, peer: retryClient, peerHook: offerEarlyData,
			edit: func(m *mitm, r *rec) []*rec {
				if r.isMsg(wire.TypeClientHello) && !m.once("ClientHello") {
					return []*rec{r, earlyData(100)}
				}
				return []*rec{r}
			}},
		{name: "truncated ClientHello, then change_cipher_spec", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: func(s *script) {
				ch := hello(nil, nil)
				s.send(hsRecord(ch[:len(ch)/2]), plainRecord(record.ChangeCipherSpec, []byte{1}))
			}},
		{name: "ClientHello and part of a message span a key change", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(hsRecord(hello(nil, nil), []byte{wire.TypeFinished, 0}))},
		// A client rejecting the server's flight has not changed its
		// write keys yet (it does at its own Finished, RFC 8446 section
		// 4.4.4): its alert comes in plaintext, as OpenSSL's does. It is
		// the peer's alert to report, not an unexpected record to answer.
		{name: "plaintext alert after the server's flight", role: asServer, vers: v13, want: wantRemote(alert.UnknownCA),
			script: func(s *script) {
				s.send(hsRecord(hello(nil, nil)))
				s.next()
				s.send(plainRecord(record.Alert, []byte{2, byte(alert.UnknownCA)}))
			}},
		// After a protected record from the client, only protected ones.
		// RFC 8446 section 6.1: the peer closing, not a protocol error.
		{name: "close_notify instead of ClientHello", role: asServer, vers: v13, want: wantRemote(alert.CloseNotify),
			script: sendAll(plainRecord(record.Alert, closeNotify)), check: closedInHandshake},
		{name: "close_notify instead of the client's Finished", role: asServer, vers: v13, want: wantRemote(alert.CloseNotify),
			edit: onFirst(isMsg(wire.TypeFinished), replaceWith(protRec(record.Alert, closeNotify)))},
		{name: "plaintext alert after the client's Certificate", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			ut: clientAuth, peer: withClientCert,
			edit: onFirst(isMsg(wire.TypeCertificateVerify), injectBefore(plainRec(record.Alert, []byte{2, byte(alert.BadCertificate)})))},

		// Resumption. RFC 8446 section 4.2.11.
		{name: "PSK binder does not verify", role: asServer, vers: v13, want: wantFatal(alert.DecryptError),
			ut: withTickets, peer: withCache, prepare: primeTicket,
			edit: onFirst(isMsg(wire.TypeClientHello), rewrite(func(_ *mitm, d []byte) []byte { d[len(d)-1] ^= 1; return d }))},
		{name: "ticket from another server: full handshake", role: asServer, vers: v13, want: wantNoAlert,
			ut: withTickets, peer: withCache,
			prepare: func(t *testing.T, cc, sc *Config) {
				other := sc.Clone()
				other.SetSessionTicketKeys([]TicketKey{{2}})
				primeTicket(t, cc, other)
			},
			check: func(t *testing.T, ut *Conn, got []byte) {
				gotPing(t, ut, got)
				if ut.ConnectionState().DidResume {
					t.Error("resumed with another server's ticket")
				}
			}},

		// The client's encrypted flight, through the man in the middle.
		// RFC 8446 section 4.4.4.
		{name: "Finished does not match", role: asServer, vers: v13, want: wantFatal(alert.DecryptError),
			peerHook: func(c *Conn) { c.testHooks.corruptFinished = true }},
		// RFC 8446 sections 4.4.4 and 6.2.
		{name: "Finished one byte long", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			edit: finishedLength(1)},
		{name: "Finished one byte short", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			edit: finishedLength(-1)},
		// RFC 8446 sections 4.4.3, 4.4.2.4 and 6.2.
		{name: "client signature does not verify", role: asServer, vers: v13, want: wantFatal(alert.DecryptError),
			ut: clientAuth, peer: withClientCert, peerHook: func(c *Conn) { c.testHooks.corruptSignature = true }},
		{name: "no client certificate", role: asServer, vers: v13, want: wantFatal(alert.CertificateRequired),
			ut: func(c *Config) { c.ClientAuth = RequireAnyClientCert }},
		// RFC 8446 section 4.2.3: rsa_pss_pss_* only with a key certified
		// with the RSASSA-PSS OID; an RSA client key that fits none of the
		// schemes asked for sends no certificate.
		{name: "client CertificateVerify claims rsa_pss_pss_sha256 with an RSA key", role: asServer, vers: v13,
			want: wantFatal(alert.IllegalParameter), ut: rsaAuthUT, peer: rsaAuthPeer, edit: claimPSSPSS(wire.TypeCertificateVerify)},
		{name: "client RSA key asked for rsa_pss_pss_sha256 only", role: asServer, vers: v13,
			want: wantFatal(alert.CertificateRequired), ut: pssOnlyUT, peer: pssOnlyPeer},
		{name: "client certificate from an unknown CA", role: asServer, vers: v13, want: wantFatal(alert.UnknownCA),
			ut: clientAuth, peer: func(c *Config) { c.Certificates = []Certificate{strangerClient} }},
		// RFC 8446 sections 4.4.2 and 4.2: padlock's CertificateRequest
		// asks for no extension in the client's CertificateEntry.
		{name: "OCSP staple in the client Certificate, not asked for", role: asServer, vers: v13, want: wantFatal(alert.UnsupportedExtension),
			ut: clientAuth, peer: withClientCert,
			edit: onFirst(isMsg(wire.TypeCertificate), editMsg(func(c *wire.Certificate13) { c.Entries[0].OCSPStaple = []byte{1} }))},
		// RFC 8879 section 4, the server's CertificateRequest offering zlib.
		{name: "client CompressedCertificate with an algorithm not offered", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			ut: func(c *Config) { clientAuth(c); offerZlib(c) }, peer: withClientCert,
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionZstd, -1, 0))},
		{name: "client CompressedCertificate a byte longer than declared", role: asServer, vers: v13, want: wantFatal(alert.BadCertificate),
			ut: func(c *Config) { clientAuth(c); offerZlib(c) }, peer: withClientCert,
			edit: onFirst(isMsg(wire.TypeCertificate), compressedInstead(wire.CertCompressionZlib, -1, 1))},
		// RFC 8446 section 4 (order) and 4.5.
		{name: "Certificate not requested", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFinished(injectBefore(protHS((&wire.Certificate13{}).Marshal())))},
		{name: "EndOfEarlyData without early data", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFinished(injectBefore(protHS(hsMessage(wire.TypeEndOfEarlyData))))},
		// RFC 8446 sections 5, 5.1, 5.2 and 5.4.
		{name: "application data before Finished", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFinished(injectBefore(protRec(record.ApplicationData, []byte("GET /"))))},
		{name: "protected change_cipher_spec", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFinished(injectBefore(protRec(record.ChangeCipherSpec, []byte{1})))},
		{name: "inner plaintext of only padding", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFinished(injectBefore(&rec{prot: true, pad: 100}))},
		{name: "ciphertext of 2^14+257 bytes", role: asServer, vers: v13, want: wantFatal(alert.RecordOverflow),
			edit: onFinished(injectBefore(rawRec(oversized(record.ApplicationData, 1<<14+257))))},
		// RFC 8449 section 4: over the record_size_limit announced.
		{name: "inner plaintext over the record_size_limit", role: asServer, vers: v13, want: wantFatal(alert.RecordOverflow),
			ut:   func(c *Config) { c.RecordSizeLimit = 100 },
			peer: func(c *Config) { c.RecordSizeLimit = 16385 }, // a server answers only a client's
			edit: onFinished(injectBefore(protRec(record.ApplicationData, make([]byte, 100))))},
		{name: "tampered Finished record", role: asServer, vers: v13, want: wantFatal(alert.BadRecordMAC),
			edit: onFinished(corrupted)},
		{name: "Finished and part of a message span a key change", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFinished(appended(wire.TypeKeyUpdate, 0))},

		// After the handshake: the client's ping is the cue.
		// RFC 8446 section 4.1.2: no renegotiation in TLS 1.3.
		{name: "second ClientHello after the handshake", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(hello(nil, nil)))},
		{name: "KeyUpdate with request_update 2", role: asServer, vers: v13, want: wantFatal(alert.IllegalParameter),
			edit: onPing(protHS(keyUpdate(2)))},
		{name: "empty KeyUpdate", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			edit: onPing(protHS(keyUpdate()))},
		{name: "KeyUpdate and part of a message span a key change", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(keyUpdate(1), []byte{wire.TypeKeyUpdate}))},
		{name: "HelloRequest after the handshake", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(helloRequest))},
		{name: "NewSessionTicket from the client", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(nst))},
		{name: "change_cipher_spec after the handshake", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(plainRec(record.ChangeCipherSpec, []byte{1}))},
		{name: "application data inside a fragmented message", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(keyUpdate(0)[:2]))},
		{name: "protected alert of 1 byte", role: asServer, vers: v13, want: wantFatal(alert.DecodeError),
			edit: onPing(protRec(record.Alert, []byte{2}))},
		{name: "33 empty application data records", role: asServer, vers: v13, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ApplicationData), func(_ *mitm, r *rec) []*rec {
				var out []*rec
				for range DefaultLimits.MaxEmptyRecords + 1 {
					out = append(out, protRec(record.ApplicationData, nil))
				}
				return append(out, r)
			})},
		// RFC 8446 section 6.1.
		{name: "records after close_notify", role: asServer, vers: v13, want: wantNoAlert, check: gotPingThenEOF,
			edit: onFirst(isCloseNotify, injectAfter(protRec(record.ApplicationData, []byte("after")), protRec(0x19, nil)))},
	}
}

// trailingByte appends a byte to a handshake message, fixing its length.
func trailingByte(msg []byte) []byte {
	msg = append(msg, 0)
	n := len(msg) - 4
	msg[1], msg[2], msg[3] = byte(n>>16), byte(n>>8), byte(n)
	return msg
}

// clientRows12 are the rows of a TLS 1.2 client under test.
func clientRows12(t *testing.T) []alertCase {
	key := serverKey(t)
	zero32 := make([]byte, 32)
	editSKE := func(f func(*wire.ServerKeyExchange)) editFunc {
		return onFirst(isMsg(wire.TypeServerKeyExchange), editMsg(f))
	}
	resign := func(group CurveID, point []byte) editFunc {
		return onFirst(isMsg(wire.TypeServerKeyExchange), rewrite(func(m *mitm, d []byte) []byte {
			return signSKE(m, d, group, point, key)
		}))
	}
	onPing := func(inject ...*rec) editFunc { return onFirst(isType(record.ApplicationData), injectBefore(inject...)) }
	rsaUT, rsaPeer := rsaServer(t)
	return []alertCase{
		// ServerHello checks. RFC 5246 section 7.4.1.3.
		{name: "cipher suite not offered", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			ut:     func(c *Config) { c.CipherSuites = []uint16{TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256} },
			script: answer12(func(sh *wire.ServerHello) { sh.CipherSuite = TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 })},
		{name: "compression method 1", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			script: answer12(func(sh *wire.ServerHello) { sh.CompressionMethod = 1 })},
		// RFC 5746 section 3.4.
		{name: "non-empty renegotiation_info", role: asClient, vers: v12, want: wantFatal(alert.HandshakeFailure),
			script: answer12(func(sh *wire.ServerHello) { sh.SecureRenegotiation = []byte("verify data") })},
		// RFC 7627 section 5.2 ("abort" is handshake_failure there), for
		// a client that requires it; by default a client goes on.
		{name: "no extended_master_secret, required", role: asClient, vers: v12, want: wantFatal(alert.HandshakeFailure),
			ut:     func(c *Config) { c.RequireExtendedMasterSecret = true },
			script: answer12(func(sh *wire.ServerHello) { sh.ExtendedMasterSecret = false })},
		// RFC 5246 section 7.4.1.4.
		{name: "unknown extension in ServerHello", role: asClient, vers: v12, want: wantFatal(alert.UnsupportedExtension),
			script: func(s *script) {
				s.send(hsRecord(withExtensions(serverHello12(s.clientHello(), nil), rawExt(0x1234, nil))))
			}},
		// The client sent supported_groups, so an echo is tolerated: the
		// alert is for the ServerHelloDone that follows in place of the
		// Certificate (BoGo SupportedCurves-ServerHello-TLS12).
		{name: "supported_groups echoed in ServerHello", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			script: func(s *script) {
				groups := rawExt(wire.ExtSupportedGroups, []byte{0, 2, 0, 0x1d})
				s.send(hsRecord(withExtensions(serverHello12(s.clientHello(), nil), groups), hsMessage(wire.TypeServerHelloDone)))
			}},
		// RFC 8446 appendix D.5.
		{name: "legacy_version 0x0300", role: asClient, vers: v12, want: wantFatal(alert.ProtocolVersion),
			script: answer12(func(sh *wire.ServerHello) { sh.Vers = VersionSSL30 })},
		// RFC 8446 section 4.1.3.
		{name: "downgrade sentinel", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter), ut: bothVersions,
			script: answer12(func(sh *wire.ServerHello) { copy(sh.Random[24:], downgradeTLS12) })},
		// Plaintext records. RFC 5246 sections 6, 6.2.1, 7.1 and 7.2.2.
		{name: "record of unknown content type", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			script: afterHello(plainRecord(0x19, []byte{1}))},
		{name: "plaintext record of 2^14+1 bytes", role: asClient, vers: v12, want: wantFatal(alert.RecordOverflow),
			script: afterHello(oversized(record.Handshake, 1<<14+1))},
		{name: "alert of 3 bytes", role: asClient, vers: v12, want: wantFatal(alert.DecodeError),
			script: afterHello(plainRecord(record.Alert, []byte{2, 40, 0}))},
		{name: "change_cipher_spec before ServerHello", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			script: afterHello(plainRecord(record.ChangeCipherSpec, []byte{1}))},
		// The same from a client that offered TLS 1.3 too: until a TLS
		// 1.3 ServerHello there is no compatibility CCS to drop.
		{name: "change_cipher_spec before ServerHello, TLS 1.3 offered", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			ut: bothVersions,
			script: func(s *script) {
				ch := s.clientHello()
				s.send(plainRecord(record.ChangeCipherSpec, []byte{1}), hsRecord(serverHello12(ch, nil)))
				s.closeWrite()
			}},
		{name: "empty handshake record", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			script: afterHello(plainRecord(record.Handshake, nil))},
		// RFC 5246 section 7.2.1: close_notify is the peer closing.
		{name: "close_notify instead of ServerHello", role: asClient, vers: v12, want: wantRemote(alert.CloseNotify),
			script: afterHello(plainRecord(record.Alert, closeNotify))},
		{name: "close_notify instead of change_cipher_spec", role: asClient, vers: v12, want: wantRemote(alert.CloseNotify),
			edit: onFirst(isType(record.ChangeCipherSpec), replaceWith(plainRec(record.Alert, closeNotify)))},

		// The server's flight, through the man in the middle.
		// RFC 5246 section 7.3 (message order).
		{name: "ServerHello twice", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeServerHello), sendTwice)},
		{name: "ServerKeyExchange missing", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeServerKeyExchange), dropIt)},
		{name: "change_cipher_spec before ServerHelloDone", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeServerHelloDone), injectBefore(plainRec(record.ChangeCipherSpec, []byte{1})))},
		// RFC 5246 section 7.4.1.1: ignored during the handshake.
		{name: "HelloRequest during the handshake is ignored", role: asClient, vers: v12, want: wantNoAlert, check: gotPing,
			edit: onFirst(isMsg(wire.TypeServerHello), injectAfter(plainRec(record.Handshake, helloRequest)))},
		{name: "HelloRequest before change_cipher_spec is ignored", role: asClient, vers: v12, want: wantNoAlert, check: gotPing,
			edit: onFirst(isType(record.ChangeCipherSpec), injectBefore(plainRec(record.Handshake, helloRequest)))},
		// Ignored, but not without end: they count against the warning
		// limit, as warnings do.
		{name: "HelloRequests up to the warning limit are ignored", role: asClient, vers: v12, want: wantNoAlert, check: gotPing,
			edit: onFirst(isType(record.ChangeCipherSpec), injectBefore(helloRequests(DefaultLimits.MaxWarningAlerts)...))},
		{name: "HelloRequests beyond the warning limit", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ChangeCipherSpec), injectBefore(helloRequests(DefaultLimits.MaxWarningAlerts+1)...))},
		{name: "HelloRequests beyond the warning limit before Finished", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isProtected, injectBefore(protHS(bytes.Repeat(helloRequest, DefaultLimits.MaxWarningAlerts+1))))},
		// No RFC names an alert for a message over the size limit;
		// illegal_parameter, as OpenSSL and BoringSSL send.
		{name: "ServerKeyExchange declaring 70000 bytes", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: onFirst(isMsg(wire.TypeServerKeyExchange), replaceWith(plainRec(record.Handshake, []byte{wire.TypeServerKeyExchange, 0x01, 0x11, 0x70})))},
		{name: "empty server Certificate", role: asClient, vers: v12, want: wantFatal(alert.DecodeError),
			edit: onFirst(isMsg(wire.TypeCertificate), replaceWith(plainRec(record.Handshake, (&wire.Certificate12{}).Marshal())))},
		{name: "certificate chain over the limit", role: asClient, vers: v12, want: wantFatal(alert.BadCertificate),
			edit: onFirst(isMsg(wire.TypeCertificate), fragmented(editMsg(chain12(DefaultLimits.MaxCertificates+1))))},
		{name: "certificate chain of 51", role: asClient, vers: v12, want: wantNoAlert, check: gotPing, peer: longChain(51)},
		// RFC 5246 section 7.2.2.
		{name: "unknown CA", role: asClient, vers: v12, want: wantFatal(alert.UnknownCA),
			peer: func(c *Config) { c.Certificates = []Certificate{strangerCert} }},
		{name: "expired certificate", role: asClient, vers: v12, want: wantFatal(alert.CertificateExpired),
			peer: func(c *Config) { c.Certificates = []Certificate{expiredCert} }},
		{name: "certificate for another host", role: asClient, vers: v12, want: wantFatal(alert.BadCertificate),
			ut: func(c *Config) { c.ServerName = "padlock.invalid" }},
		// RFC 5246 section 7.4.3 and RFC 8422 section 5.4.
		{name: "ServerKeyExchange signature does not verify", role: asClient, vers: v12, want: wantFatal(alert.DecryptError),
			peerHook: func(c *Conn) { c.testHooks.corruptSignature = true }},
		{name: "ServerKeyExchange on a curve not offered", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: editSKE(func(s *wire.ServerKeyExchange) { s.Group = uint16(CurveP384) })},
		{name: "ServerKeyExchange signed with a scheme not offered", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: editSKE(func(s *wire.ServerKeyExchange) { s.Scheme = 0x0201 })},
		// RFC 8446 section 4.2.3, which RFC 8446 section 1.3 applies to
		// TLS 1.2: rsa_pss_pss_* only with an RSASSA-PSS OID key.
		{name: "ServerKeyExchange claims rsa_pss_pss_sha256 with an RSA key", role: asClient, vers: v12,
			want: wantFatal(alert.IllegalParameter), ut: rsaUT, peer: rsaPeer, edit: claimPSSPSS(wire.TypeServerKeyExchange)},
		// RFC 8422 section 5.11 and RFC 7748 section 6: signed, but bad.
		{name: "signed x25519 low-order point", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: resign(X25519, zero32)},
		{name: "signed secp256r1 point off the curve", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			ut:   func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} },
			edit: resign(CurveP256, offCurveP256)},
		// RFC 5246 sections 7.1 and 7.4.9.
		// ServerHelloDone ends the server's flight (RFC 5246 section
		// 7.3), as Finished does: what follows in their record came
		// before the client's answer. A HelloRequest may come at any time
		// and is ignored (section 7.4.1.1).
		{name: "ServerHelloDone and part of a message before change_cipher_spec", role: asClient, vers: v12,
			want: wantFatal(alert.UnexpectedMessage), edit: onFirst(isMsg(wire.TypeServerHelloDone), appended(wire.TypeFinished, 0))},
		{name: "ServerHelloDone and part of a NewSessionTicket", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			ut: func(c *Config) { c.ClientSessionCache = NewLRUClientSessionCache(1) }, peer: func(c *Config) { c.SetSessionTicketKeys([]TicketKey{{1}}) },
			edit: onFirst(isMsg(wire.TypeServerHelloDone), appended(wire.TypeNewSessionTicket, 0))},
		{name: "ServerHelloDone and a HelloRequest", role: asClient, vers: v12, want: wantNoAlert, check: gotPing,
			edit: onFirst(isMsg(wire.TypeServerHelloDone), appended(helloRequest...))},
		{name: "server Finished and part of a message", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeFinished), appended(wire.TypeHelloRequest, 0))},
		{name: "Finished without change_cipher_spec", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ChangeCipherSpec), dropIt)},
		{name: "Finished does not match", role: asClient, vers: v12, want: wantFatal(alert.DecryptError),
			peerHook: func(c *Conn) { c.testHooks.corruptFinished = true }},
		// RFC 5246 sections 7.4.9 and 7.2.2: verify_data is 12 bytes for
		// every suite padlock has; another length is malformed.
		{name: "Finished of 13 bytes", role: asClient, vers: v12, want: wantFatal(alert.DecodeError),
			edit: finishedLength(1)},
		{name: "Finished of 11 bytes", role: asClient, vers: v12, want: wantFatal(alert.DecodeError),
			edit: finishedLength(-1)},
		// RFC 5246 sections 6.2.1 and 6.2.3.
		{name: "ciphertext of 2^14+2049 bytes", role: asClient, vers: v12, want: wantFatal(alert.RecordOverflow),
			edit: onFirst(isProtected, replaceWith(rawRec(oversized(record.Handshake, 1<<14+2049))))},
		{name: "record that opens to 2^14+1 bytes", role: asClient, vers: v12, want: wantFatal(alert.RecordOverflow),
			edit: onFirst(isProtected, replaceWith(protRec(record.Handshake, make([]byte, 1<<14+1))))},
		// RFC 8449 section 4: over the record_size_limit announced.
		{name: "record over the record_size_limit", role: asClient, vers: v12, want: wantFatal(alert.RecordOverflow),
			ut:   func(c *Config) { c.RecordSizeLimit = 100 },
			edit: onFirst(isProtected, replaceWith(protRec(record.Handshake, make([]byte, 101))))},
		{name: "tampered Finished record", role: asClient, vers: v12, want: wantFatal(alert.BadRecordMAC),
			edit: onFirst(isProtected, corrupted)},

		// After the handshake. RFC 5246 section 7.4.1.1, RFC 5746 section 4.2.
		{name: "HelloRequest after the handshake", role: asClient, vers: v12, want: wantWarning(alert.NoRenegotiation), check: gotPing,
			edit: onPing(protHS(helloRequest))},
		// Refused once, a peer asking again is cut off: each refusal is
		// a record written, and the side that will not go on SHOULD send
		// a fatal alert (RFC 5246 section 7.2.2).
		{name: "second HelloRequest after the handshake", role: asClient, vers: v12, want: wantWarningThenFatal(alert.NoRenegotiation),
			edit: onPing(protHS(helloRequest), protHS(helloRequest))},
		{name: "two HelloRequests in one record after the handshake", role: asClient, vers: v12, want: wantWarningThenFatal(alert.NoRenegotiation),
			edit: onPing(protHS(helloRequest, helloRequest))},
		// RFC 5246 section 7.2.2: a warning does not end the connection.
		{name: "warning alert", role: asClient, vers: v12, want: wantNoAlert, check: gotPing,
			edit: onPing(protRec(record.Alert, []byte{1, byte(alert.UnrecognizedName)}))},
		{name: "warning user_canceled", role: asClient, vers: v12, want: wantNoAlert, check: gotPing,
			edit: onPing(userCanceled(1, 1)...)},
		{name: "fatal user_canceled", role: asClient, vers: v12, want: wantRemote(alert.UserCanceled),
			edit: onPing(userCanceled(2, 1)...)},
		// Nor does a run of them, up to the limit (BoringSSL's, 4).
		{name: "warnings up to the limit", role: asClient, vers: v12, want: wantNoAlert, check: gotPing,
			edit: onPing(warnings(DefaultLimits.MaxWarningAlerts)...)},
		{name: "warnings beyond the limit", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(warnings(DefaultLimits.MaxWarningAlerts + 1)...)},
		// RFC 5246 section 7.2: AlertLevel is warning(1) or fatal(2).
		{name: "alert of level 0x42", role: asClient, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: onPing(protRec(record.Alert, []byte{0x42, byte(alert.UnexpectedMessage)}))},
		{name: "protected alert of 3 bytes", role: asClient, vers: v12, want: wantFatal(alert.DecodeError),
			edit: onPing(protRec(record.Alert, []byte{2, 10, 0}))},
		{name: "KeyUpdate in TLS 1.2", role: asClient, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(keyUpdate(0)))},
		// RFC 8446 section 6.1.
		{name: "records after close_notify", role: asClient, vers: v12, want: wantNoAlert, check: gotPingThenEOF,
			edit: onFirst(isCloseNotify, injectAfter(protRec(record.ApplicationData, []byte("after"))))},
	}
}

// serverRows12 are the rows of a TLS 1.2 server under test.
func serverRows12(t *testing.T) []alertCase {
	hello := func(cfg func(*Config), edit func(*wire.ClientHello)) []byte {
		return newClientHello(t, v12, cfg, edit)
	}
	rsaCert, rsaPool := testCert(t, pki.RSA2048)
	rsaKX := func(c *Config) { c.Certificates, c.EnableRSAKeyExchange = []Certificate{rsaCert}, true }
	rsaClient := func(c *Config) { c.RootCAs, c.CipherSuites = rsaPool, []uint16{TLS_RSA_WITH_AES_128_GCM_SHA256} }
	clientAuth := func(c *Config) {
		_, pool := testCert(t, pki.Ed25519)
		c.ClientAuth, c.ClientCAs = RequireAndVerifyClientCert, pool
	}
	onCKE := func(act func(*mitm, *rec) []*rec) editFunc { return onFirst(isMsg(wire.TypeClientKeyExchange), act) }
	rsaAuthUT, rsaAuthPeer := rsaClientAuth(t)
	pssOnlyUT, pssOnlyPeer := rsaClientAuth(t, Ed25519, SignatureScheme(suites.RSAPSSPSSSHA256))
	onPing := func(inject ...*rec) editFunc { return onFirst(isType(record.ApplicationData), injectBefore(inject...)) }
	cke := func(body ...byte) *rec {
		return plainRec(record.Handshake, hsMessage(wire.TypeClientKeyExchange, body))
	}
	return []alertCase{
		// ClientHello checks. RFC 7627 section 5.2 (for a server that
		// requires it; by default a server goes on), RFC 5746 section 3.6.
		{name: "no extended_master_secret, required", role: asServer, vers: v12, want: wantFatal(alert.HandshakeFailure),
			ut:     func(c *Config) { c.RequireExtendedMasterSecret = true },
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.ExtendedMasterSecret = false })))},
		{name: "non-empty renegotiation_info", role: asServer, vers: v12, want: wantFatal(alert.HandshakeFailure),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.SecureRenegotiation = []byte("verify data") })))},
		// RFC 5246 section 7.4.1.3.
		{name: "only suites padlock refuses", role: asServer, vers: v12, want: wantFatal(alert.HandshakeFailure),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.CipherSuites = []uint16{0x002F, 0x0035, 0x000A, 0xC013} })))},
		{name: "no ECDHE group in common", role: asServer, vers: v12, want: wantFatal(alert.HandshakeFailure),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.SupportedGroups = []uint16{0x0019} })))},
		// RFC 5246 section 7.4.1.2.
		{name: "null compression not offered", role: asServer, vers: v12, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.CompressionMethods = []uint8{1} })))},
		{name: "data after the extensions", role: asServer, vers: v12, want: wantFatal(alert.DecodeError),
			script: sendAll(hsRecord(trailingByte(hello(nil, nil))))},
		// The ClientHello ends the client's flight (RFC 5246 section 7.3):
		// a ClientKeyExchange behind it came before the server's key.
		{name: "ClientHello and a ClientKeyExchange", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(hsRecord(hello(nil, nil), hsMessage(wire.TypeClientKeyExchange, append([]byte{32}, make([]byte, 32)...))))},
		// RFC 8446 appendix D.5 and RFC 5246 appendix E.1.
		{name: "legacy_version 0x0300", role: asServer, vers: v12, want: wantFatal(alert.ProtocolVersion),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.Vers, h.SupportedVersions = VersionSSL30, nil })))},
		// RFC 7507 section 3.
		{name: "fallback SCSV to a TLS 1.3 server", role: asServer, vers: v12, want: wantFatal(alert.InappropriateFallback), ut: bothVersions,
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.CipherSuites = append(h.CipherSuites, scsvFallback) })))},
		// RFC 7507 section 3: a client that fell back below every
		// version padlock speaks gets protocol_version, which the RFC
		// allows in place of inappropriate_fallback (BoGo FallbackSCSV
		// wants the latter from a shim that speaks TLS 1.1).
		{name: "fallback SCSV from a TLS 1.1 client", role: asServer, vers: v12, want: wantFatal(alert.ProtocolVersion),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) {
				h.Vers, h.SupportedVersions = VersionTLS11, nil
				h.CipherSuites = append(h.CipherSuites, scsvFallback)
			})))},
		// RFC 8422 section 5.1.2.
		{name: "no uncompressed point format", role: asServer, vers: v12, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord(hello(nil, func(h *wire.ClientHello) { h.ECPointFormats = []uint8{1} })))},
		// Over the size limit: illegal_parameter, as OpenSSL and
		// BoringSSL send.
		{name: "ClientHello declaring 131,397 bytes", role: asServer, vers: v12, want: wantFatal(alert.IllegalParameter),
			script: sendAll(hsRecord([]byte{wire.TypeClientHello, 0x02, 0x01, 0x45, 3, 3}))},
		// Plaintext records. RFC 5246 sections 6, 6.2.1 and 7.2.2.
		{name: "plaintext record of 2^14+1 bytes", role: asServer, vers: v12, want: wantFatal(alert.RecordOverflow),
			script: sendAll(oversized(record.Handshake, 1<<14+1))},
		{name: "record of unknown content type", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(plainRecord(0x19, []byte{1}))},
		{name: "alert of 1 byte", role: asServer, vers: v12, want: wantFatal(alert.DecodeError),
			script: sendAll(plainRecord(record.Alert, []byte{2}))},
		{name: "application data before ClientHello", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			script: sendAll(plainRecord(record.ApplicationData, []byte("GET /")))},
		// RFC 8446 section 5: before the first ClientHello a CCS is an
		// unexpected record, whatever version follows.
		{name: "change_cipher_spec before ClientHello", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			ut: bothVersions, script: sendAll(plainRecord(record.ChangeCipherSpec, []byte{1}), hsRecord(hello(nil, nil)))},

		// The client's flight, through the man in the middle.
		// RFC 5246 sections 7.1 and 7.3 (order).
		{name: "change_cipher_spec before ClientKeyExchange", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onCKE(injectBefore(plainRec(record.ChangeCipherSpec, []byte{1})))},
		{name: "ClientKeyExchange twice", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onCKE(sendTwice)},
		{name: "application data before change_cipher_spec", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onCKE(injectAfter(plainRec(record.ApplicationData, []byte("GET /"))))},
		// RFC 5246 names no alert for a malformed ChangeCipherSpec; RFC
		// 8446 section 5 names unexpected_message for the same fault.
		// RFC 5246 section 7.2.1: close_notify is the peer closing.
		{name: "close_notify instead of ClientKeyExchange", role: asServer, vers: v12, want: wantRemote(alert.CloseNotify),
			edit: onCKE(replaceWith(plainRec(record.Alert, closeNotify)))},
		{name: "close_notify instead of change_cipher_spec", role: asServer, vers: v12, want: wantRemote(alert.CloseNotify),
			edit: onFirst(isType(record.ChangeCipherSpec), replaceWith(plainRec(record.Alert, closeNotify)))},
		{name: "change_cipher_spec of 2 bytes", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ChangeCipherSpec), replaceWith(plainRec(record.ChangeCipherSpec, []byte{1, 1})))},
		{name: "change_cipher_spec of value 2", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ChangeCipherSpec), replaceWith(plainRec(record.ChangeCipherSpec, []byte{2})))},
		{name: "Finished without change_cipher_spec", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isType(record.ChangeCipherSpec), dropIt)},
		{name: "ClientKeyExchange and part of a message before change_cipher_spec", role: asServer, vers: v12,
			want: wantFatal(alert.UnexpectedMessage), edit: onCKE(appended(wire.TypeFinished, 0))},
		// RFC 8422 section 5.11, RFC 7748 section 6.
		{name: "x25519 low-order point", role: asServer, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: onCKE(replaceWith(cke(append([]byte{32}, make([]byte, 32)...)...)))},
		{name: "x25519 share of 31 bytes", role: asServer, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: onCKE(replaceWith(cke(append([]byte{31}, x25519Public()[:31]...)...)))},
		// RFC 5246 section 7.2.2 (decode_error).
		{name: "ClientKeyExchange point length beyond the message", role: asServer, vers: v12, want: wantFatal(alert.DecodeError),
			edit: onCKE(replaceWith(cke(append([]byte{40}, x25519Public()...)...)))},
		// RFC 5246 section 7.4.9.
		{name: "Finished does not match", role: asServer, vers: v12, want: wantFatal(alert.DecryptError),
			peerHook: func(c *Conn) { c.testHooks.corruptFinished = true }},
		{name: "Finished of 13 bytes", role: asServer, vers: v12, want: wantFatal(alert.DecodeError),
			edit: finishedLength(1)},
		{name: "Finished of 11 bytes", role: asServer, vers: v12, want: wantFatal(alert.DecodeError),
			edit: finishedLength(-1)},
		// The client's Finished ends its flight (RFC 5246 section 7.3).
		{name: "client Finished and part of a message", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onFirst(isMsg(wire.TypeFinished), appended(wire.TypeClientHello, 0))},
		// RFC 5246 section 6.2.3.
		{name: "tampered Finished record", role: asServer, vers: v12, want: wantFatal(alert.BadRecordMAC),
			edit: onFirst(isProtected, corrupted)},
		{name: "ciphertext of 2^14+2049 bytes", role: asServer, vers: v12, want: wantFatal(alert.RecordOverflow),
			edit: onFirst(isProtected, replaceWith(rawRec(oversized(record.Handshake, 1<<14+2049))))},
		// RFC 5246 section 7.4.7.1: a wrong premaster fails at Finished
		// exactly like any other, so that the server is no oracle.
		{name: "RSA premaster of 47 bytes", role: asServer, vers: v12, want: wantFatal(alert.BadRecordMAC),
			ut: rsaKX, peer: rsaClient,
			peerHook: func(c *Conn) { c.testHooks.rsaPremaster = func(pm []byte) []byte { return pm[:47] } }},
		{name: "RSA premaster with bad padding", role: asServer, vers: v12, want: wantFatal(alert.BadRecordMAC),
			ut: rsaKX, peer: rsaClient, peerHook: func(c *Conn) { c.testHooks.corruptKeyExchange = true }},
		// RFC 5246 sections 7.4.6 and 7.4.8.
		{name: "no client certificate", role: asServer, vers: v12, want: wantFatal(alert.HandshakeFailure),
			ut: func(c *Config) { c.ClientAuth = RequireAnyClientCert }},
		{name: "client signature does not verify", role: asServer, vers: v12, want: wantFatal(alert.DecryptError),
			ut: clientAuth, peer: func(c *Config) { c.Certificates = []Certificate{testClientCert()} },
			peerHook: func(c *Conn) { c.testHooks.corruptSignature = true }},
		// RFC 8446 section 4.2.3, applied to TLS 1.2 by its section 1.3.
		{name: "client CertificateVerify claims rsa_pss_pss_sha256 with an RSA key", role: asServer, vers: v12,
			want: wantFatal(alert.IllegalParameter), ut: rsaAuthUT, peer: rsaAuthPeer, edit: claimPSSPSS(wire.TypeCertificateVerify)},
		{name: "client RSA key asked for rsa_pss_pss_sha256 only", role: asServer, vers: v12,
			want: wantFatal(alert.HandshakeFailure), ut: pssOnlyUT, peer: pssOnlyPeer},

		// After the handshake. RFC 5246 section 7.2.2: no_renegotiation
		// is "always a warning".
		{name: "second ClientHello after the handshake", role: asServer, vers: v12, want: wantWarning(alert.NoRenegotiation), check: gotPing,
			edit: onPing(protHS(hello(nil, nil)))},
		// Refused once, a client asking again is cut off (RFC 5246
		// section 7.2.2: the side that will not go on SHOULD send a
		// fatal alert).
		{name: "third ClientHello after the handshake", role: asServer, vers: v12, want: wantWarningThenFatal(alert.NoRenegotiation),
			edit: onPing(protHS(hello(nil, nil)), protHS(hello(nil, nil)))},
		// A renegotiating ClientHello, refused anyway, gets only the
		// general limit.
		{name: "post-handshake message declaring 70000 bytes", role: asServer, vers: v12, want: wantFatal(alert.IllegalParameter),
			edit: onPing(protHS([]byte{wire.TypeClientHello, 0x01, 0x11, 0x70}))},
		{name: "KeyUpdate in TLS 1.2", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(keyUpdate(0)))},
		{name: "HelloRequest from the client", role: asServer, vers: v12, want: wantFatal(alert.UnexpectedMessage),
			edit: onPing(protHS(helloRequest))},
		// RFC 8446 section 6.1.
		{name: "records after close_notify", role: asServer, vers: v12, want: wantNoAlert, check: gotPingThenEOF,
			edit: onFirst(isCloseNotify, injectAfter(protRec(record.ApplicationData, []byte("after"))))},
	}
}

// hostileServerNames are server_name values that are not the ASCII DNS
// host name RFC 6066 section 3 asks for, each with why.
var hostileServerNames = []struct{ why, name string }{
	{"terminal escape and newline", "evil\x1b[31mRED\nFAKE LOG LINE"},
	{"NUL", "localhost\x00.evil.example"},
	{"non-ASCII letter", "b\u00fccher.example"},
	{"byte 0xff", "a\xff.example"},
	{"space", "a b.example"},
	{"wildcard", "*.example"},
	{"empty label", "a..example"},
	{"leading dot", ".example"},
	{"trailing dot", "localhost."},
	{"label of 64 bytes", strings.Repeat("a", 64) + ".example"},
	{"name of 254 bytes", strings.Repeat(strings.Repeat("a", 63)+".", 3) + strings.Repeat("b", 62)},
	{"name of 300 bytes", strings.Repeat("abcdefghi.", 30)},
	{"IPv4 literal", "127.0.0.1"},
	{"IPv6 literal", "::1"},
}

// serverNameList encodes a ServerNameList (RFC 6066 section 3) of
// host_name entries.
func serverNameList(names ...string) []byte {
	var list []byte
	for _, n := range names {
		list = append(list, 0, byte(len(n)>>8), byte(len(n)))
		list = append(list, n...)
	}
	return append([]byte{byte(len(list) >> 8), byte(len(list))}, list...)
}

// serverNameRows are the server_name checks of a server under test, in
// both versions. A name that parses but is not a DNS host name is a field
// "incorrectly formatted" (RFC 8446 section 6.2): illegal_parameter.
func serverNameRows(t *testing.T) []alertCase {
	var rows []alertCase
	for _, vers := range []uint16{v13, v12} {
		hello := func(edit func(*wire.ClientHello)) []byte { return newClientHello(t, vers, nil, edit) }
		for _, h := range hostileServerNames {
			rows = append(rows, alertCase{name: "server_name with " + h.why, role: asServer, vers: vers,
				want:   wantFatal(alert.IllegalParameter),
				script: sendAll(hsRecord(hello(func(ch *wire.ClientHello) { ch.ServerName = h.name })))})
		}
		rows = append(rows,
			// RFC 6066 section 3: "MUST NOT contain more than one name of
			// the same name_type", naming no alert; OpenSSL, BoringSSL
			// and crypto/tls all answer decode_error, as padlock's wire
			// package does for any list it cannot take as one name.
			alertCase{name: "two host_name entries", role: asServer, vers: vers, want: wantFatal(alert.DecodeError),
				script: sendAll(hsRecord(hello(func(ch *wire.ClientHello) {
					ch.ServerName = ""
					ch.ExtraExtensions = []wire.Extension{{Type: wire.ExtServerName, Data: serverNameList("localhost", "localhost")}}
				})))},
			// HostName<1..2^16-1>: an empty one is malformed.
			alertCase{name: "empty host_name", role: asServer, vers: vers, want: wantFatal(alert.DecodeError),
				script: sendAll(hsRecord(hello(func(ch *wire.ClientHello) {
					ch.ServerName = ""
					ch.ExtraExtensions = []wire.Extension{{Type: wire.ExtServerName, Data: serverNameList("")}}
				})))},
		)
	}
	// RFC 8446 section 4.1.2: the second ClientHello repeats the first
	// but for the listed changes, and server_name is not one of them; a
	// name the first passed must not be swapped for one never checked.
	rows = append(rows, alertCase{name: "second ClientHello changes server_name", role: asServer, vers: v13,
		want: wantFatal(alert.IllegalParameter), ut: p256,
		script: func(s *script) {
			cfg := func(c *Config) { c.CurvePreferences = []CurveID{X25519, CurveP256} }
			first := newClientHello(t, v13, cfg, nil)
			s.send(hsRecord(first))
			s.next()
			s.send(hsRecord(newClientHello(t, v13, cfg, func(h *wire.ClientHello) {
				var ch wire.ClientHello
				ch.Unmarshal(first)
				h.SessionID = ch.SessionID
				h.ServerName = "evil\x1b[31mRED\nFAKE LOG LINE"
				h.KeyShares = []wire.KeyShare{{Group: uint16(CurveP256), Data: p256Public()}}
			})))
		}})
	return rows
}
