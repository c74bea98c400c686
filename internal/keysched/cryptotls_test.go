package keysched

// These tests use crypto/tls as a black-box TLS 1.2 peer: its key log and
// ExportKeyingMaterial give a master secret and exporter values that an
// independent implementation computed, to check ours against.

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"
)

// recordingConn keeps every byte read from and written to a conn.
type recordingConn struct {
	net.Conn
	read, written bytes.Buffer
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.read.Write(p[:n])
	return n, err
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.written.Write(p)
	return c.Conn.Write(p)
}

// peerResult is what a crypto/tls handshake leaves for the checks.
type peerResult struct {
	state        tls.ConnectionState
	master       []byte         // from the key log's CLIENT_RANDOM line
	clientRandom []byte         // likewise
	client       *recordingConn // the client's view: written = client->server
}

// selfSigned returns a throwaway ECDSA P-256 certificate.
func selfSigned(t *testing.T) tls.Certificate {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// handshake12 runs a crypto/tls client against a crypto/tls server in
// memory, at TLS 1.2 with one cipher suite.
func handshake12(t *testing.T, suite uint16) peerResult {
	t.Helper()
	var keyLog bytes.Buffer
	server := &tls.Config{
		Certificates:           []tls.Certificate{selfSigned(t)},
		MaxVersion:             tls.VersionTLS12,
		CipherSuites:           []uint16{suite},
		SessionTicketsDisabled: true,
	}
	client := &tls.Config{
		InsecureSkipVerify: true,
		KeyLogWriter:       &keyLog,
		MaxVersion:         tls.VersionTLS12,
		CipherSuites:       []uint16{suite},
	}
	cc, sc := net.Pipe()
	deadline := time.Now().Add(5 * time.Second)
	cc.SetDeadline(deadline)
	sc.SetDeadline(deadline)
	rec := &recordingConn{Conn: cc}
	tc, ts := tls.Client(rec, client), tls.Server(sc, server)
	done := make(chan error, 1)
	go func() { done <- ts.Handshake() }()
	if err := tc.Handshake(); err != nil {
		t.Fatal("client:", err)
	}
	if err := <-done; err != nil {
		t.Fatal("server:", err)
	}
	// Close the pipe, not the TLS conns: a close_notify would block on a
	// pipe nobody reads.
	cc.Close()
	sc.Close()

	res := peerResult{state: tc.ConnectionState(), client: rec}
	lines := bufio.NewScanner(&keyLog)
	for lines.Scan() {
		if f := strings.Fields(lines.Text()); len(f) == 3 && f[0] == "CLIENT_RANDOM" {
			res.clientRandom, _ = hex.DecodeString(f[1])
			res.master, _ = hex.DecodeString(f[2])
		}
	}
	if len(res.master) != 48 || len(res.clientRandom) != 32 {
		t.Fatalf("no CLIENT_RANDOM line in the key log:\n%s", keyLog.String())
	}
	return res
}

// record is one TLS record: content type and fragment.
type record struct {
	typ  byte
	body []byte
}

// splitRecords cuts a byte stream into records.
func splitRecords(t *testing.T, b []byte) []record {
	var out []record
	for len(b) >= 5 {
		n := int(b[3])<<8 | int(b[4])
		if len(b) < 5+n {
			t.Fatalf("truncated record")
		}
		out = append(out, record{b[0], b[5 : 5+n]})
		b = b[5+n:]
	}
	return out
}

// serverRandom returns ServerHello.random: the first record the client
// reads is the plaintext ServerHello, random at offset 4+2.
func (r peerResult) serverRandom(t *testing.T) []byte {
	recs := splitRecords(t, r.client.read.Bytes())
	if recs[0].typ != 22 || recs[0].body[0] != 2 {
		t.Fatal("first server record is not a ServerHello")
	}
	return recs[0].body[6 : 6+32]
}

func suiteHash(suite uint16) crypto.Hash {
	switch suite {
	case tls.TLS_AES_256_GCM_SHA384, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384:
		return crypto.SHA384
	}
	return crypto.SHA256
}

// TestTLS12CryptoTLS checks, against crypto/tls at TLS 1.2 from the
// master secret it logs: Exporter12 (its ExportKeyingMaterial), and
// KeyBlock12 and VerifyData12 by opening the client's Finished record with
// our client write key and IV and comparing its verify_data with ours.
func TestTLS12CryptoTLS(t *testing.T) {
	suites := []struct {
		id     uint16
		keyLen int
	}{
		{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 16},
		{tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, 32},
	}
	for _, suite := range suites {
		t.Run(tls.CipherSuiteName(suite.id), func(t *testing.T) {
			r := handshake12(t, suite.id)
			h, master := suiteHash(suite.id), r.master
			cr, sr := r.clientRandom, r.serverRandom(t)
			for _, ctx := range [][]byte{nil, {}, []byte("some context")} {
				want, err := r.state.ExportKeyingMaterial("EXPORTER-padlock", ctx, 50)
				if err != nil {
					t.Fatal(err)
				}
				if got := Exporter12(h, master, cr, sr, "EXPORTER-padlock", ctx, 50); !bytes.Equal(got, want) {
					t.Errorf("Exporter12, context %q:\n got %x\nwant %x", ctx, got, want)
				}
			}
			checkClientFinished12(t, r, h, master, cr, sr, suite.keyLen)
		})
	}
}

// checkClientFinished12 opens the client's encrypted Finished (RFC 5288
// section 3: nonce = salt || explicit nonce; RFC 5246 section 6.2.3.3:
// additional data = seq_num || type || version || length) and compares
// its verify_data with VerifyData12 over CH, the server's first flight and
// ClientKeyExchange.
func checkClientFinished12(t *testing.T, r peerResult, h crypto.Hash, master, cr, sr []byte, keyLen int) {
	var transcript, chAndCKE []byte
	var finished []byte
	afterCCS := false
	for _, rec := range splitRecords(t, r.client.written.Bytes()) {
		switch {
		case rec.typ == 20:
			afterCCS = true
		case rec.typ == 22 && !afterCCS:
			chAndCKE = append(chAndCKE, rec.body...)
		case rec.typ == 22 && finished == nil:
			finished = rec.body
		}
	}
	chLen := 4 + (int(chAndCKE[1])<<16 | int(chAndCKE[2])<<8 | int(chAndCKE[3]))
	transcript = append(transcript, chAndCKE[:chLen]...)
	// The server's first flight ends with ServerHelloDone (type 14).
	var serverHS []byte
	for _, rec := range splitRecords(t, r.client.read.Bytes()) {
		if rec.typ == 22 {
			serverHS = append(serverHS, rec.body...)
		}
	}
	for msgs := serverHS; ; {
		n := 4 + (int(msgs[1])<<16 | int(msgs[2])<<8 | int(msgs[3]))
		transcript = append(transcript, msgs[:n]...)
		if msgs[0] == 14 {
			break
		}
		msgs = msgs[n:]
	}
	transcript = append(transcript, chAndCKE[chLen:]...)

	key, _, iv, _ := KeyBlock12(h, master, cr, sr, keyLen, 4)
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	nonce := append(bytes.Clone(iv), finished[:8]...)
	ad := []byte{0, 0, 0, 0, 0, 0, 0, 0, 22, 3, 3, 0, byte(len(finished) - 8 - aead.Overhead())}
	plain, err := aead.Open(nil, nonce, finished[8:], ad)
	if err != nil {
		t.Fatalf("KeyBlock12 keys do not open the client Finished: %v", err)
	}
	th := h.New()
	th.Write(transcript)
	want := append([]byte{20, 0, 0, 12}, VerifyData12(h, master, "client finished", th.Sum(nil))...)
	if !bytes.Equal(plain, want) {
		t.Errorf("client Finished:\n got %x\nwant %x", plain, want)
	}
}
