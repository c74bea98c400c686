package wire

import (
	"bytes"
	"slices"
	"testing"
)

// The messages under testdata are the exact handshake messages of the
// RFC 8448 traces: s3 the simple 1-RTT handshake, s4 the resumed 0-RTT
// handshake, s5 the HelloRetryRequest one, s6 client authentication.

// parseRFC parses a testdata message and checks that Marshal gives back
// the same bytes, since wire's extension order is that of the traces.
func parseRFC(t *testing.T, name string, tls13 bool) Message {
	t.Helper()
	raw := loadHex(t, name)
	m, err := Parse(raw, tls13)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if got := m.Marshal(); !bytes.Equal(got, raw) {
		t.Errorf("%s: Marshal differs:\n got %x\nwant %x", name, got, raw)
	}
	return m
}

func TestRFC8448ClientHello(t *testing.T) {
	m := parseRFC(t, "s3_clienthello", true).(*ClientHello)
	if m.Vers != 0x0303 || len(m.Random) != 32 || m.SessionID != nil {
		t.Errorf("fixed fields: %x %x %x", m.Vers, m.Random, m.SessionID)
	}
	if !slices.Equal(m.CipherSuites, []uint16{0x1301, 0x1303, 0x1302}) || !bytes.Equal(m.CompressionMethods, []byte{0}) {
		t.Errorf("suites %x, compression %x", m.CipherSuites, m.CompressionMethods)
	}
	if m.ServerName != "server" || !m.SecureRenegotiationSupported || m.SecureRenegotiation != nil {
		t.Errorf("server_name %q, renegotiation_info %v %x", m.ServerName, m.SecureRenegotiationSupported, m.SecureRenegotiation)
	}
	groups := []uint16{0x1d, 0x17, 0x18, 0x19, 0x100, 0x101, 0x102, 0x103, 0x104}
	if !slices.Equal(m.SupportedGroups, groups) {
		t.Errorf("supported_groups %x", m.SupportedGroups)
	}
	if !m.SessionTicketSupported || m.SessionTicket != nil {
		t.Errorf("session_ticket %v %x", m.SessionTicketSupported, m.SessionTicket)
	}
	x25519 := mustHex(t, "99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c")
	if len(m.KeyShares) != 1 || m.KeyShares[0].Group != 0x1d || !bytes.Equal(m.KeyShares[0].Data, x25519) {
		t.Errorf("key_share %x", m.KeyShares)
	}
	if !slices.Equal(m.SupportedVersions, []uint16{0x0304}) || len(m.SignatureAlgorithms) != 15 ||
		m.SignatureAlgorithms[0] != 0x0403 || !bytes.Equal(m.PSKModes, []byte{1}) || m.RecordSizeLimit != 0x4001 {
		t.Errorf("versions %x, sigalgs %x, psk modes %x, record_size_limit %x",
			m.SupportedVersions, m.SignatureAlgorithms, m.PSKModes, m.RecordSizeLimit)
	}
	want := []uint16{0, 0xff01, 10, 35, 51, 43, 13, 45, 28}
	if !slices.Equal(extTypes(m.Extensions), want) {
		t.Errorf("extension order %x, want %x", extTypes(m.Extensions), want)
	}
	if m.BindersLen() != 0 || !bytes.Equal(m.Raw, loadHex(t, "s3_clienthello")) {
		t.Errorf("BindersLen %d, Raw %x", m.BindersLen(), m.Raw)
	}
}

func TestRFC8448ServerHello(t *testing.T) {
	m := parseRFC(t, "s3_serverhello", true).(*ServerHello)
	pub := mustHex(t, "c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f")
	if m.CipherSuite != 0x1301 || m.SupportedVersion != 0x0304 || m.IsHelloRetryRequest() ||
		m.KeyShare.Group != 0x1d || !bytes.Equal(m.KeyShare.Data, pub) || m.HasSelectedIdentity {
		t.Errorf("ServerHello %+v", m)
	}

	m = parseRFC(t, "s4_serverhello", true).(*ServerHello)
	if !m.HasSelectedIdentity || m.SelectedIdentity != 0 || m.KeyShare.Group != 0x1d {
		t.Errorf("resumed ServerHello %+v", m)
	}
}

func TestRFC8448HelloRetryRequest(t *testing.T) {
	m := parseRFC(t, "s5_helloretryrequest", true).(*ServerHello)
	if !m.IsHelloRetryRequest() || m.SelectedGroup != 0x17 || m.KeyShare.Group != 0 ||
		len(m.Cookie) != 0x72 || m.SupportedVersion != 0x0304 {
		t.Errorf("HelloRetryRequest %+v", m)
	}

	ch := parseRFC(t, "s5_clienthello2", true).(*ClientHello)
	if !bytes.Equal(ch.Cookie, m.Cookie) || len(ch.KeyShares) != 1 || ch.KeyShares[0].Group != 0x17 ||
		len(ch.KeyShares[0].Data) != 65 {
		t.Errorf("ClientHello2 cookie %x, key_share %x", ch.Cookie, ch.KeyShares)
	}
}

func TestRFC8448EncryptedExtensions(t *testing.T) {
	m := parseRFC(t, "s3_encryptedextensions", true).(*EncryptedExtensions)
	if !m.ServerNameAck || m.RecordSizeLimit != 0x4001 || len(m.SupportedGroups) != 9 || m.EarlyData || m.ALPNProtocol != "" {
		t.Errorf("EncryptedExtensions %+v", m)
	}
	m = parseRFC(t, "s4_encryptedextensions", true).(*EncryptedExtensions)
	if !m.ServerNameAck || !m.EarlyData {
		t.Errorf("resumed EncryptedExtensions %+v", m)
	}
}

func TestRFC8448ServerAuthentication(t *testing.T) {
	cert := parseRFC(t, "s3_certificate", true).(*Certificate13)
	if cert.RequestContext != nil || len(cert.Entries) != 1 || len(cert.Entries[0].Data) != 0x1b0 ||
		cert.Entries[0].Extensions != nil || cert.Entries[0].OCSPStaple != nil {
		t.Errorf("Certificate %+v", cert)
	}
	cv := parseRFC(t, "s3_certificateverify", true).(*CertificateVerify)
	if cv.Scheme != 0x0804 || len(cv.Signature) != 128 {
		t.Errorf("CertificateVerify scheme %x, %d bytes", cv.Scheme, len(cv.Signature))
	}
	fin := parseRFC(t, "s3_finished", true).(*Finished)
	want := mustHex(t, "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718")
	if !bytes.Equal(fin.VerifyData, want) {
		t.Errorf("Finished %x", fin.VerifyData)
	}
	nst := parseRFC(t, "s3_newsessionticket", true).(*NewSessionTicket13)
	if nst.Lifetime != 30 || nst.AgeAdd != 0xfad6aac5 || !bytes.Equal(nst.Nonce, []byte{0, 0}) ||
		len(nst.Ticket) != 0xb2 || !nst.HasEarlyData || nst.MaxEarlyData != 0x400 {
		t.Errorf("NewSessionTicket %+v", nst)
	}
}

func TestRFC8448ClientAuthentication(t *testing.T) {
	cr := parseRFC(t, "s6_certificaterequest", true).(*CertificateRequest13)
	if cr.Context != nil || len(cr.SignatureAlgorithms) != 15 || cr.SignatureAlgorithmsCert != nil {
		t.Errorf("CertificateRequest %+v", cr)
	}
	cv := parseRFC(t, "s6_certificateverify", true).(*CertificateVerify)
	if cv.Scheme != 0x0403 || len(cv.Signature) != 0x47 {
		t.Errorf("CertificateVerify scheme %x, %d bytes", cv.Scheme, len(cv.Signature))
	}
	parseRFC(t, "s4_endofearlydata", true)
}

// TestRFC8448Binders checks the resumption ClientHello of section 4: its
// binders list, the 477-byte prefix that the binder is computed over,
// and that placeholder binders marshal to the same prefix.
func TestRFC8448Binders(t *testing.T) {
	raw := loadHex(t, "s4_clienthello")
	m := parseRFC(t, "s4_clienthello", true).(*ClientHello)
	binder := mustHex(t, "3add4fb2d8fdf822a0ca3cf7678ef5e88dae990141c5924d57bb6fa31b9e5f9d")
	if len(m.PSKBinders) != 1 || !bytes.Equal(m.PSKBinders[0], binder) {
		t.Fatalf("binders %x", m.PSKBinders)
	}
	if len(m.PSKIdentities) != 1 || len(m.PSKIdentities[0].Identity) != 0xb2 ||
		m.PSKIdentities[0].ObfuscatedTicketAge != 0xfad6aacb {
		t.Errorf("identities %+v", m.PSKIdentities)
	}
	if !m.EarlyData || m.PaddingLen != 0x57 || m.Extensions[len(m.Extensions)-1].Type != ExtPreSharedKey {
		t.Errorf("early_data %v, padding %d", m.EarlyData, m.PaddingLen)
	}
	if n := m.BindersLen(); n != 35 || len(raw)-n != 477 {
		t.Fatalf("BindersLen %d, prefix %d bytes, want 35 and 477", n, len(raw)-n)
	}
	prefix := raw[:len(raw)-m.BindersLen()]

	m.SetBinders([][]byte{make([]byte, 32)})
	placeholder := m.Marshal()
	if !bytes.Equal(placeholder[:len(prefix)], prefix) {
		t.Errorf("placeholder prefix differs")
	}
	m.SetBinders([][]byte{binder})
	if !bytes.Equal(m.Marshal(), raw) {
		t.Errorf("final ClientHello differs")
	}
}
