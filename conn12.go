package padlock

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"io"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// Record types the post-handshake code writes.
const (
	recordAlert     = record.Alert
	recordHandshake = record.Handshake
)

// Signaling cipher suite values: they are not suites but flags.
const (
	// scsvRenegotiation stands for an empty renegotiation_info
	// extension (RFC 5746 section 3.3).
	scsvRenegotiation uint16 = 0x00FF
	// scsvFallback marks a ClientHello retried with a lower version
	// than the client supports (RFC 7507 section 2).
	scsvFallback uint16 = 0x5600
)

// The Finished labels of RFC 5246 section 7.4.9.
const (
	clientFinishedLabel = "client finished"
	serverFinishedLabel = "server finished"
)

// The ClientCertificateType values a server accepts (RFC 5246 section
// 7.4.4; RFC 8422 section 5.5 lets ecdsa_sign cover EdDSA keys too).
const (
	certTypeRSASign   uint8 = 1
	certTypeECDSASign uint8 = 64
)

// curveTypeNamedCurve is the only ECCurveType padlock sends (RFC 8422
// section 5.4).
const curveTypeNamedCurve = 3

// rsaPremasterLen is the length of an RSA-encrypted premaster secret
// (RFC 5246 section 7.4.7.1): client_version and 46 random bytes.
const rsaPremasterLen = 48

// minRSAKeyTransportBits is the smallest RSA key a client encrypts the
// premaster secret to.
const minRSAKeyTransportBits = 2048

// keyFitsSuite reports whether a certificate key can authenticate a TLS
// 1.2 suite: ECDSA or EdDSA for ECDHE_ECDSA (RFC 8422 section 5.3), RSA
// for ECDHE_RSA and RSA key transport.
func keyFitsSuite(s *suites.Suite, pub crypto.PublicKey) bool {
	switch pub.(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey:
		return s.Auth == suites.AuthECDSA
	case *rsa.PublicKey:
		return s.Auth == suites.AuthRSA
	}
	return false
}

// curveGroup is the supported_groups entry of an ECDSA key's curve, 0
// for a curve TLS does not name.
func curveGroup(k *ecdsa.PublicKey) uint16 {
	switch k.Curve.Params().Name {
	case "P-256":
		return suites.Secp256r1
	case "P-384":
		return suites.Secp384r1
	case "P-521":
		return suites.Secp521r1
	}
	return 0
}

// certificateType is the ClientCertificateType of a key, 0 if none.
func certificateType(pub crypto.PublicKey) uint8 {
	switch pub.(type) {
	case *ecdsa.PublicKey, ed25519.PublicKey:
		return certTypeECDSASign
	case *rsa.PublicKey:
		return certTypeRSASign
	}
	return 0
}

// serverKeyExchangeSigned returns what the ServerKeyExchange signature
// covers: ClientHello.random + ServerHello.random + ServerECDHParams
// (RFC 8422 section 5.4). Binding both randoms stops the signed key from
// being replayed in another handshake.
func (c *Conn) serverKeyExchangeSigned(ske *wire.ServerKeyExchange) []byte {
	params := ske.Params()
	out := make([]byte, 0, len(c.random[0][:])+len(c.random[1][:])+len(params))
	out = append(out, c.random[0][:]...)
	out = append(out, c.random[1][:]...)
	return append(out, params...)
}

// errNoEKM is the exporter's answer when the master secret does not bind
// the handshake.
var errNoEKM = errors.New("padlock: no keying material export without the extended master secret (RFC 7627 section 5.4)")

// withoutEMS decides a TLS 1.2 full handshake that would go on without
// the extended master secret (RFC 7627 section 5.2): refused with
// handshake_failure when the Config requires it, else allowed with a
// warning in the trace. why says why it is missing; peer is "client" or
// "server", the other side. What keeps such a session from resumption
// and export is where those happen: planSession, storeSession and the
// exporter of deriveMaster12.
func (c *Conn) withoutEMS(why, peer string) error {
	if c.config.RequireExtendedMasterSecret {
		if c.config.DisableExtendedMasterSecret {
			return alertf(alert.HandshakeFailure, "%s and RequireExtendedMasterSecret is too: no TLS 1.2 handshake can succeed with this Config", why)
		}
		return alertf(alert.HandshakeFailure, "%s (RFC 7627), which RequireExtendedMasterSecret requires", why)
	}
	if c.tracing() {
		c.traceStep(trace.StepServerHello, trace.KindWarning, "no extended master secret",
			"The master secret will cover only the two randoms, not the handshake (RFC 7627): a man in the middle could make this session and one of its own share a master secret, "+
				"the triple handshake attack, and pass for one party to the other wherever the session vouches for them, as with channel bindings or resumption. "+
				"The handshake goes on, as RFC 7627 section 5.2 allows, but the session will not be resumed (section 5.3) and no keying material is exported from it (section 5.4). "+
				"RequireExtendedMasterSecret refuses such a "+peer+".",
			field("reason", why))
	}
	return nil
}

// deriveMaster12 turns the premaster secret into the master secret and
// wipes the premaster. With ems the master secret covers the session
// hash, the transcript through ClientKeyExchange (RFC 7627 section 4);
// otherwise only the two randoms (RFC 5246 section 8.1), which lets a man
// in the middle make two connections share one master secret.
func (c *Conn) deriveMaster12(s *suites.Suite, premaster []byte, ems bool) []byte {
	var master []byte
	name, how := "classic", "PRF(premaster, \"master secret\", client_random + server_random) (RFC 5246 section 8.1)"
	if ems {
		sessionHash := c.hsTr.sum()
		master = keysched.ExtendedMasterSecret12(s.Hash, premaster, sessionHash)
		c.revealMaster12(premaster, master, "extended master secret", sessionHash)
		name, how = "extended", "PRF(premaster, \"extended master secret\", hash of the handshake through ClientKeyExchange) (RFC 7627)"
	} else {
		master = keysched.MasterSecret12(s.Hash, premaster, c.random[0][:], c.random[1][:])
		c.revealMaster12(premaster, master, "master secret", c.random[0][:], c.random[1][:])
	}
	clear(premaster)
	if c.tracing() {
		c.traceStep(trace.StepKeyDerivation, trace.KindSecret, name+" master secret derived",
			"Both sides compute the 48-byte master secret as "+how+"; every key of the connection comes from it.",
			field("derivation", name))
	}
	if !c.useMaster12(s, master, ems) {
		// This master secret is the conn's alone, and nothing needs
		// it past this point: without EMS no session is kept (RFC
		// 7627 section 5.3) and nothing exported.
		clear(master)
		return nil
	}
	return master
}

// useMaster12 keys the handshake's PRF with the master secret, logs it,
// and sets up the exporter. After the handshake the master secret serves
// the exporter alone (RFC 5705 section 4), and padlock exports nothing
// without the extended master secret (RFC 7627 section 5.4): so only with
// it does the conn keep the master secret, in master12, and useMaster12
// reports whether it did. (A session kept for resumption holds it too.)
func (c *Conn) useMaster12(s *suites.Suite, master []byte, ems bool) bool {
	// The PRF keeps an HMAC keyed with its own copy, for the key block
	// and both Finished; it goes at the end of the handshake.
	c.prf12 = keysched.NewPRF(s.Hash, master)
	c.logKey(keyLogTLS12, master)
	c.state.ExtendedMasterSecret = ems
	if !ems {
		c.state.ekm = func(string, []byte, int) ([]byte, error) { return nil, errNoEKM }
		return false
	}
	c.master12 = master
	h, cr, sr := s.Hash, c.random[0][:], c.random[1][:]
	c.state.ekm = func(label string, context []byte, length int) ([]byte, error) {
		return keysched.Exporter12(h, master, cr, sr, label, context, length), nil
	}
	return true
}

// newCiphers12 expands the master secret into the key block (RFC 5246
// section 6.3) and returns the record protection of each direction.
func (c *Conn) newCiphers12(s *suites.Suite) (client, server *record.Cipher, err error) {
	ck, sk, civ, siv := c.prf12.KeyBlock(c.random[0][:], c.random[1][:], s.KeyLen, s.FixedIVLen)
	c.revealKeyBlock12(c.master12, ck, sk, civ, siv)
	// The AEADs and the Ciphers keep copies of their own.
	for _, b := range [][]byte{ck, sk, civ, siv} {
		defer clear(b)
	}
	ca, err := s.NewAEAD(ck)
	if err != nil {
		return nil, nil, alert.Wrap(alert.InternalError, err)
	}
	sa, err := s.NewAEAD(sk)
	if err != nil {
		return nil, nil, alert.Wrap(alert.InternalError, err)
	}
	client = record.NewCipher12(ca, civ, s.ExplicitNonceLen)
	server = record.NewCipher12(sa, siv, s.ExplicitNonceLen)
	// So that an idle connection can drop the AEADs.
	client.KeepKey(ck, s.NewAEAD)
	server.KeepKey(sk, s.NewAEAD)
	return client, server, nil
}

// installWriteKeys12 protects the records this side sends from now on;
// it follows this side's ChangeCipherSpec.
func (c *Conn) installWriteKeys12(ci *record.Cipher, name string) {
	c.out.w.SetVersion(VersionTLS12)
	c.setWriteCipher(ci)
	c.traceKeys(name, "writing", keysFrom12)
}

// installReadKeys12 opens the records the peer sends from now on; it
// follows the peer's ChangeCipherSpec.
func (c *Conn) installReadKeys12(ci *record.Cipher, name string) error {
	if err := c.setReadCipher(ci); err != nil {
		return err
	}
	c.in.r.SetVersion(VersionTLS12)
	c.traceKeys(name, "reading", keysFrom12)
	return nil
}

// keysFrom12 says where TLS 1.2 keys come from, for traceKeys.
const keysFrom12 = "key and IV, cut from the key block the PRF expands from the master secret"

// writeChangeCipherSpec12 queues this side's ChangeCipherSpec (RFC 5246
// section 7.1): the records after it use the new keys.
func (c *Conn) writeChangeCipherSpec12() error {
	if c.tracing() {
		c.emit(trace.Event{Dir: trace.Sent, Step: trace.StepFinished, Kind: trace.KindMessage,
			Name:    "ChangeCipherSpec",
			Explain: "The " + c.side().String() + " switches to the negotiated keys: everything it sends from here on is encrypted.",
			Raw:     []byte{1}})
	}
	return c.out.w.WriteChangeCipherSpec()
}

// readChangeCipherSpec reads the peer's ChangeCipherSpec: one record of
// type change_cipher_spec holding the single byte 1 (RFC 5246 section
// 7.1). It must not come in the middle of a handshake message, nor may a
// handshake message be waiting: the keys change right after it.
func (c *Conn) readChangeCipherSpec() error {
	var ct record.ContentType
	var data []byte
	for {
		if len(c.in.hsBuf) > 0 {
			return alertf(alert.UnexpectedMessage, "handshake message where change_cipher_spec was expected")
		}
		var err error
		ct, data, err = c.readRecord()
		if err == io.EOF {
			return c.peerClosedHandshake()
		}
		if err != nil {
			return err
		}
		if ct != record.Handshake {
			break
		}
		// Only a HelloRequest, which a client ignores mid-handshake,
		// may come here (RFC 5246 section 7.4.1.1).
		c.in.hsBuf = append(c.in.hsBuf, data...)
		if n, ok := wire.SplitMessage(c.in.hsBuf); ok && len(c.in.hsBuf) >= n {
			if _, err := c.skipHelloRequest(n); err != nil {
				return err
			}
		}
	}
	if ct != record.ChangeCipherSpec {
		return alertf(alert.UnexpectedMessage, "%v record where change_cipher_spec was expected", ct)
	}
	if len(data) != 1 || data[0] != 1 {
		return alertf(alert.UnexpectedMessage, "malformed change_cipher_spec")
	}
	if c.tracing() {
		c.emit(trace.Event{Dir: trace.Received, Step: trace.StepFinished, Kind: trace.KindMessage,
			Name:    "ChangeCipherSpec",
			Explain: "The " + c.peerName() + " switches to the negotiated keys: everything it sends from here on is encrypted.",
			Raw:     []byte{1}})
	}
	return nil
}

// checkFinished12 compares the peer's verify_data with the expected one
// in constant time (RFC 5246 section 7.4.9).
func (c *Conn) checkFinished12(fin *wire.Finished, want []byte) error {
	// RFC 5246 section 7.4.9: verify_data is 12 bytes unless the suite
	// says otherwise, and none of padlock's does; another length is a
	// malformed message, not a wrong MAC (section 7.2.2).
	if len(fin.VerifyData) != len(want) {
		return alertf(alert.DecodeError, "%s Finished of %d bytes, want %d", c.peerName(), len(fin.VerifyData), len(want))
	}
	if !keysched.Equal(fin.VerifyData, want) {
		return alertf(alert.DecryptError, "%s Finished does not match the handshake", c.peerName())
	}
	if c.tracing() {
		c.traceStep(trace.StepFinished, trace.KindVerified, c.peerName()+" Finished verified",
			"The "+c.peerName()+"'s PRF over the whole handshake matches: nobody tampered with the messages, and both sides hold the same master secret.")
	}
	return nil
}
