package scan

import (
	"crypto/hmac"
	"crypto/rand"
	"errors"
	"fmt"
	"hash"
	"io"

	"padlock/internal/keysched"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
)

// client12Suites are the suites of the probe client: ECDHE with an AEAD,
// all it needs to reach an established TLS 1.2 connection.
var client12Suites = []uint16{
	suites.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, suites.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	suites.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, suites.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	suites.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, suites.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// errClient12 is the probe client's failure to establish a connection:
// the server chose what it does not do, or sent what it cannot read.
var errClient12 = errors.New("scan: the TLS 1.2 probe client could not complete a handshake")

// client12 is a minimal TLS 1.2 client (RFC 5246 section 7.3): one full
// ECDHE handshake, no certificate verification (it is a probe; the
// scan checks the chain elsewhere), then records under the
// connection's keys. padlock's own client refuses renegotiation by
// design; this one exists to send a second ClientHello.
type client12 struct {
	conn       io.ReadWriter // deadlines are the caller's
	in         *record.Reader
	out        *record.Writer
	sni        string
	suite      *suites.Suite
	transcript hash.Hash
	hs         []byte // handshake bytes read but not yet split

	clientRandom, serverRandom []byte
	master                     []byte
	clientVerify, serverVerify []byte // the Finished verify_data, for RFC 5746
}

// clientHello12 returns a TLS 1.2 ClientHello offering the probe
// client's suites; renegotiated is the client's previous verify_data in
// a renegotiation, nil in the first handshake (RFC 5746 section 3.4).
func clientHello12(sni string, renegotiated []byte) *wire.ClientHello {
	return &wire.ClientHello{
		Vers: versionTLS12, Random: randomBytes(32), CipherSuites: client12Suites,
		CompressionMethods: []uint8{0}, ServerName: sni,
		SupportedGroups: []uint16{suites.X25519, suites.Secp256r1}, ECPointFormats: []uint8{0},
		SignatureAlgorithms: allSchemes, ExtendedMasterSecret: true,
		SecureRenegotiationSupported: true, SecureRenegotiation: renegotiated,
	}
}

// handshake runs the full handshake: ClientHello, the server's flight,
// ClientKeyExchange, ChangeCipherSpec and Finished, then the server's.
func (c *client12) handshake() error {
	ch := clientHello12(c.sni, nil)
	c.clientRandom = ch.Random
	msg := ch.Marshal()
	if _, err := c.conn.Write(records(msg, versionTLS10)); err != nil {
		return err
	}
	ans := &answer{}
	if err := readFlight(c.conn, ans, untilHelloDone); err != nil {
		return err
	}
	if err := c.serverFlight(ans); err != nil {
		return err
	}
	c.transcript.Write(msg)
	c.transcript.Write(handshakePayload(ans.recv))
	return c.finish(ans)
}

// serverFlight checks the ServerHello of ans: an alert or a choice the
// client did not offer ends the probe.
func (c *client12) serverFlight(ans *answer) error {
	switch {
	case ans.alert != nil:
		return fmt.Errorf("%w: alert %v", errClient12, *ans.alert)
	case !ans.accepted() || ans.version() != versionTLS12:
		return fmt.Errorf("%w: no TLS 1.2 ServerHello", errClient12)
	}
	c.suite = suites.SuiteByID(ans.hello.CipherSuite)
	if c.suite == nil || c.suite.TLS13 || c.suite.KX != suites.KXECDHE || len(ans.hello.Random) != 32 {
		return fmt.Errorf("%w: the server chose %s", errClient12, suiteName(ans.hello.CipherSuite))
	}
	c.serverRandom = ans.hello.Random
	c.transcript = c.suite.Hash.New()
	return nil
}

// finish sends the client's second flight and reads the server's
// ChangeCipherSpec and Finished.
func (c *client12) finish(ans *answer) error {
	var ske *wire.ServerKeyExchange
	askedCert := false
	for _, m := range ans.messages {
		switch m[0] {
		case wire.TypeServerKeyExchange:
			ske = new(wire.ServerKeyExchange)
			if err := ske.Unmarshal(m); err != nil {
				return fmt.Errorf("%w: ServerKeyExchange: %v", errClient12, err)
			}
		case wire.TypeCertificateRequest:
			askedCert = true
		}
	}
	g := (*suites.Group)(nil)
	if ske != nil {
		g = suites.GroupByID(ske.Group)
	}
	if g == nil || (g.ID != suites.X25519 && g.ID != suites.Secp256r1) {
		return fmt.Errorf("%w: no ServerKeyExchange for x25519 or secp256r1", errClient12)
	}
	share, err := g.GenerateKeyShare(rand.Reader)
	if err != nil {
		return err
	}
	premaster, err := share.SharedSecret(ske.PublicKey)
	if err != nil {
		return fmt.Errorf("%w: the server's ECDHE share: %v", errClient12, err)
	}
	c.out.SetVersion(versionTLS12)
	c.out.SetRecordVersion(versionTLS12)
	c.out.SetBuffering(true)
	if askedCert { // an empty Certificate: no client authentication (RFC 5246 section 7.4.6)
		c.send((&wire.Certificate12{}).Marshal())
	}
	c.send(wire.NewClientKeyExchangeECDHE(share.Public()).Marshal())
	if ans.hello.ExtendedMasterSecret {
		c.master = keysched.ExtendedMasterSecret12(c.suite.Hash, premaster, c.transcript.Sum(nil))
	} else {
		c.master = keysched.MasterSecret12(c.suite.Hash, premaster, c.clientRandom, c.serverRandom)
	}
	cw, cr, err := c.ciphers()
	if err != nil {
		return err
	}
	if err := c.out.WriteChangeCipherSpec(); err != nil {
		return err
	}
	c.out.SetCipher(cw)
	c.clientVerify = keysched.VerifyData12(c.suite.Hash, c.master, "client finished", c.transcript.Sum(nil))
	c.send((&wire.Finished{VerifyData: c.clientVerify}).Marshal())
	if err := c.out.Flush(); err != nil {
		return err
	}
	c.out.SetBuffering(false)
	return c.readServerFinished(cr)
}

// send queues one handshake message and adds it to the transcript.
func (c *client12) send(msg []byte) {
	c.transcript.Write(msg)
	c.out.WriteRecord(record.Handshake, msg) // an error stays in the Writer for Flush
}

// ciphers derives the record protection of each direction (RFC 5246
// section 6.3): the client's to write, the server's to read.
func (c *client12) ciphers() (write, read *record.Cipher, err error) {
	s := c.suite
	ck, sk, civ, siv := keysched.KeyBlock12(s.Hash, c.master, c.clientRandom, c.serverRandom, s.KeyLen, s.FixedIVLen)
	ca, err := s.NewAEAD(ck)
	if err != nil {
		return nil, nil, err
	}
	sa, err := s.NewAEAD(sk)
	if err != nil {
		return nil, nil, err
	}
	return record.NewCipher12(ca, civ, s.ExplicitNonceLen), record.NewCipher12(sa, siv, s.ExplicitNonceLen), nil
}

// readServerFinished reads the server's ChangeCipherSpec, then its
// Finished under cr, and checks its verify_data.
func (c *client12) readServerFinished(cr *record.Cipher) error {
	c.in.SetVersion(versionTLS12)
	t, _, err := c.in.ReadRecord()
	if err != nil {
		return err
	}
	if t != record.ChangeCipherSpec {
		return fmt.Errorf("%w: %v record instead of ChangeCipherSpec", errClient12, t)
	}
	want := keysched.VerifyData12(c.suite.Hash, c.master, "server finished", c.transcript.Sum(nil))
	c.in.SetCipher(cr)
	msg, err := c.readMessage()
	if err != nil {
		return err
	}
	var fin wire.Finished
	if msg[0] != wire.TypeFinished || fin.Unmarshal(msg) != nil || !hmac.Equal(fin.VerifyData, want) {
		return fmt.Errorf("%w: the server's Finished does not match", errClient12)
	}
	c.serverVerify = fin.VerifyData
	return nil
}

// readMessage returns the next handshake message, reading records as
// needed; an alert or another record type is an error.
func (c *client12) readMessage() ([]byte, error) {
	for {
		if n, ok := wire.SplitMessage(c.hs); ok && n <= len(c.hs) {
			msg := c.hs[:n:n]
			c.hs = c.hs[n:]
			return msg, nil
		} else if ok && n > maxFlight {
			return nil, fmt.Errorf("%w: a handshake message of %d bytes", ErrGarbage, n)
		}
		t, data, err := c.in.ReadRecord()
		if err != nil {
			return nil, err
		}
		if t != record.Handshake {
			return nil, fmt.Errorf("%w: %v record instead of a handshake message", errClient12, t)
		}
		c.hs = append(c.hs, data...)
	}
}

// handshakePayload returns the handshake bytes of the records in recv,
// which readFlight checked: the server's flight as the transcript hashes it.
func handshakePayload(recv []byte) []byte {
	var out []byte
	for len(recv) >= 5 {
		n := int(recv[3])<<8 | int(recv[4])
		if len(recv) < 5+n {
			break
		}
		if recv[0] == recordHandshake {
			out = append(out, recv[5:5+n]...)
		}
		recv = recv[5+n:]
	}
	return out
}
