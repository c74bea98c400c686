package padlock

import (
	"bytes"
	"crypto/hpke"
	"crypto/subtle"
	"io"
	"slices"
	"strconv"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// echClient is a client's ECH state through one handshake: the two
// hellos, the HPKE context that sealed the first inner one and seals a
// second, and a transcript for each until the server's first answer
// says which of them the handshake goes on with (draft-ietf-tls-esni
// section 6.1.4).
type echClient struct {
	config  wire.ECHConfig
	suite   wire.HPKESuite
	sender  *hpke.Sender
	enc     []byte
	inner   *wire.ClientHello // ClientHelloInner: the real one
	outer   *wire.ClientHello // ClientHelloOuter: what the network sees
	innerTr *transcript
	outerTr *transcript

	decided  bool // the server's first answer was read
	accepted bool
	retry    []byte // the server's retry_configs, when it rejected
}

// pickECHConfig returns the first config of list whose version, KEM and
// one of whose cipher suites crypto/hpke supports, and whose public_name
// is usable (section 6.1); ok is false when there is none.
func pickECHConfig(list []byte) (cfg wire.ECHConfig, suite wire.HPKESuite, ok bool, err error) {
	configs, err := wire.ParseECHConfigList(list)
	if err != nil {
		return cfg, suite, false, alertf(alert.InternalError, "Config.EncryptedClientHelloConfigList: %v", err)
	}
	for _, c := range configs {
		if !validPublicName(c.PublicName) {
			continue
		}
		for _, s := range c.CipherSuites {
			if _, _, _, err := echSuite(c.KEM, s); err == nil {
				return c, s, true, nil
			}
		}
	}
	return cfg, suite, false, nil
}

// prepareInnerHello turns the ClientHello makeClientHello built into a
// ClientHelloInner (section 6.1): TLS 1.3 only, with the inner
// encrypted_client_hello. It runs before a PSK is offered, whose binder
// covers the whole inner hello. nil means ECH is not used: no config, or
// none usable (then GREASE, section 6.2).
func (c *Conn) prepareInnerHello(hello *wire.ClientHello) (*echClient, error) {
	list := c.config.EncryptedClientHelloConfigList
	if list == nil || !slices.Contains(hello.SupportedVersions, VersionTLS13) {
		return nil, nil // makeClientHello added GREASE
	}
	cfg, suite, ok, err := pickECHConfig(list)
	if err != nil || !ok {
		if err == nil {
			c.traceStep(trace.StepHello, trace.KindWarning, "no usable ECH config",
				"None of the server's ECH configs uses a version and algorithms padlock has; the ClientHello goes unencrypted, with GREASE ECH.")
			err = c.addECHGrease(hello)
		}
		return nil, err
	}
	// Section 6.1: the inner hello offers TLS 1.3 alone, so nothing of
	// TLS 1.2 stays in it.
	hello.SupportedVersions = []uint16{VersionTLS13}
	hello.CipherSuites = slices.DeleteFunc(hello.CipherSuites, func(s uint16) bool { return !suites.SuiteByID(s).TLS13 })
	hello.ExtendedMasterSecret, hello.SecureRenegotiationSupported, hello.ECPointFormats = false, false, nil
	hello.ECH = &wire.ECHClientHello{Type: wire.ECHInner}
	return &echClient{config: cfg, suite: suite, inner: hello}, nil
}

// addECHGrease adds a GREASE encrypted_client_hello to a TLS 1.3 hello
// (section 6.2.1): a random config_id, a real X25519 public key as enc,
// and random bytes as long as an encrypted inner hello would be.
func (c *Conn) addECHGrease(hello *wire.ClientHello) error {
	if c.config.DisableECHGREASE || !slices.Contains(hello.SupportedVersions, VersionTLS13) {
		return nil
	}
	size := len(hello.ServerName) + 9 + 32*4 // an inner hello with its large extensions compressed
	for _, ks := range hello.KeyShares {
		size += len(ks.Data) / 8
	}
	// Any 32 bytes are an X25519 public key (RFC 7748 section 5), so
	// random ones make a valid enc; they come from Config.Rand, as all of
	// the hello does.
	random := make([]byte, 1+32+size/32*32+echTagLen)
	if _, err := io.ReadFull(c.config.rand(), random); err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	hello.ECH = &wire.ECHClientHello{Type: wire.ECHOuter, Suite: wire.HPKESuite{KDF: hpkeKDFSHA256, AEAD: hpkeAEADAES128GCM},
		ConfigID: random[0], Enc: random[1:33], Payload: random[33:]}
	c.traceStep(trace.StepHello, trace.KindInfo, "GREASE ECH",
		"The client has no ECH config for this server, so it sends random bytes shaped like an encrypted ClientHello (draft-ietf-tls-esni section 6.2): connections that really use ECH then look like every other.",
		field("payload_bytes", strconv.Itoa(len(hello.ECH.Payload))))
	return nil
}

// seal builds the ClientHelloOuter around e.inner (section 6.1): the same
// offer, but a fresh random, the config's public_name as SNI, no PSK
// (random bytes of the same shape instead, section 6.1.2), and the
// encrypted inner hello. The first call sets up the HPKE context; a
// second, after a HelloRetryRequest, reuses it with an empty enc
// (section 6.1.5).
func (e *echClient) seal(c *Conn, first *wire.ClientHello) error {
	outer := *e.inner
	if first != nil {
		outer.Random, outer.ServerName = first.Random, first.ServerName
		outer.SupportedVersions, outer.CipherSuites = first.SupportedVersions, first.CipherSuites
	} else {
		outer.Random = make([]byte, 32)
		if _, err := io.ReadFull(c.config.rand(), outer.Random); err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
		outer.ServerName = e.config.PublicName
	}
	outer.ECH = &wire.ECHClientHello{Type: wire.ECHOuter, Suite: e.suite, ConfigID: e.config.ConfigID}
	outer.PSKIdentities, outer.PSKBinders = nil, nil
	if len(e.inner.PSKIdentities) > 0 {
		if err := greasePSK(c, &outer, e.inner); err != nil {
			return err
		}
	}
	if e.sender == nil {
		kem, kdf, aead, err := echSuite(e.config.KEM, e.suite)
		if err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
		pub, err := kem.NewPublicKey(e.config.PublicKey)
		if err != nil {
			return alertf(alert.InternalError, "ECH config's public key: %v", err)
		}
		if e.enc, e.sender, err = hpke.NewSender(pub, kdf, aead, echInfo(e.config.Raw)); err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
		outer.ECH.Enc = e.enc
	}
	encoded, err := wire.EncodeClientHelloInner(e.inner.Marshal(), outer.Marshal(), e.padding)
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	outer.ECH.Payload = make([]byte, len(encoded)+echTagLen)
	aad, err := wire.ClientHelloOuterAAD(outer.Marshal())
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	if outer.ECH.Payload, err = e.sender.Seal(aad, encoded); err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	e.outer = &outer
	return nil
}

// padding is the recommended padding of section 6.1.3: the SNI up to the
// config's maximum_name_length, then the whole to a multiple of 32.
func (e *echClient) padding(n int) int {
	pad := 0
	if l, d := int(e.config.MaxNameLength), len(e.inner.ServerName); e.inner.ServerName == "" {
		pad = l + 9
	} else if l > d {
		pad = l - d
	}
	return pad + 31 - (n+pad-1)%32
}

// greasePSK gives the outer hello a pre_shared_key of random identities
// and binders shaped like the inner one's (section 6.1.2), so that a
// server resuming the inner session does not look as if it answered a
// PSK nobody offered.
func greasePSK(c *Conn, outer, inner *wire.ClientHello) error {
	outer.PSKIdentities = make([]wire.PSKIdentity, len(inner.PSKIdentities))
	outer.PSKBinders = make([][]byte, len(inner.PSKBinders))
	for i, id := range inner.PSKIdentities {
		b := make([]byte, len(id.Identity)+4)
		if _, err := io.ReadFull(c.config.rand(), b); err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
		outer.PSKIdentities[i] = wire.PSKIdentity{Identity: b[4:], ObfuscatedTicketAge: uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])}
	}
	for i, binder := range inner.PSKBinders {
		outer.PSKBinders[i] = make([]byte, len(binder))
		if _, err := io.ReadFull(c.config.rand(), outer.PSKBinders[i]); err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
	}
	return nil
}

// writeHellos sends the ClientHelloOuter and adds each hello to its own
// transcript. The inner one is traced first: it is what the client
// means, and what goes out is built around it.
func (e *echClient) writeHellos(c *Conn) error {
	innerRaw := e.inner.Marshal()
	e.innerTr.write(innerRaw)
	c.traceMessage(trace.Sent, innerRaw, e.inner)
	if c.tracing() {
		c.traceStep(trace.StepHello, trace.KindInfo, "ClientHelloInner encrypted",
			"The real ClientHello is encrypted with HPKE to the server's ECH key and travels inside the outer one. The network sees only the public name "+
				e.config.PublicName+"; the server with the key sees "+orNone(e.inner.ServerName)+".",
			field("public_name", e.config.PublicName), field("server_name", e.inner.ServerName),
			field("config_id", strconv.Itoa(int(e.config.ConfigID))), field("hpke_suite", hpkeSuiteName(e.config.KEM, e.suite)),
			field("payload_bytes", strconv.Itoa(len(e.outer.ECH.Payload))))
	}
	saved := c.hsTr
	c.hsTr = e.outerTr
	err := c.writeMessage(e.outer)
	c.hsTr = saved
	return err
}

// decide reads the server's first answer, a ServerHello or
// HelloRetryRequest that readMessage left out of both transcripts, and
// tells from its confirmation whether the server used the inner hello
// (section 6.1.4). It returns the hello the handshake goes on with.
func (e *echClient) decide(c *Conn, sh *wire.ServerHello) (*wire.ClientHello, error) {
	accepted, err := e.confirmed(sh, e.innerTr)
	if err != nil {
		return nil, err
	}
	e.decided, e.accepted = true, accepted
	e.innerTr.write(sh.Raw)
	e.outerTr.write(sh.Raw)
	if accepted {
		c.hsTr = e.innerTr
		copy(c.random[0][:], e.inner.Random)
		c.state.ECHAccepted = true
		c.traceStep(trace.StepServerHello, trace.KindVerified, "ECH accepted",
			"The server's confirmation matches: it decrypted the ClientHelloInner, and the handshake goes on with it. The network never saw "+orNone(e.inner.ServerName)+".")
		return e.inner, nil
	}
	if sh.HasSelectedIdentity {
		// Section 6.1.2: the outer hello's PSKs are GREASE, and the
		// outer handshake never resumes.
		return nil, alertf(alert.IllegalParameter, "the server rejected ECH yet selected a PSK, which the outer ClientHello offered only as GREASE")
	}
	c.hsTr = e.outerTr
	copy(c.random[0][:], e.outer.Random)
	c.echPublicName = e.config.PublicName
	c.traceStep(trace.StepServerHello, trace.KindWarning, "ECH rejected",
		"The server answered the outer ClientHello: it could not decrypt the inner one. The client completes the handshake only to authenticate "+
			e.config.PublicName+" and learn new ECH configs, then closes: no application data goes over it.")
	return e.outer, nil
}

// confirmed checks the ECH confirmation of a ServerHello (the last 8
// bytes of its random) or HelloRetryRequest (its extension), computed
// over tr, the inner transcript before the message (sections 7.2, 7.2.1).
func (e *echClient) confirmed(sh *wire.ServerHello, tr *transcript) (bool, error) {
	s := suites.SuiteByID(sh.CipherSuite)
	if sh.SupportedVersion != VersionTLS13 || s == nil || !s.TLS13 {
		return false, nil // the checks of the hello itself will fail it
	}
	hrr := sh.IsHelloRetryRequest()
	var got, zeroed []byte
	if hrr {
		if sh.ECHConfirmation == nil {
			return false, nil
		}
		got = sh.ECHConfirmation
		var err error
		if zeroed, err = wire.ZeroECHConfirmation(sh.Raw); err != nil {
			return false, alert.Wrap(alert.DecodeError, err)
		}
	} else {
		got = sh.Random[24:]
		zeroed = bytes.Clone(sh.Raw)
		clear(zeroed[4+2+24 : 4+2+32])
	}
	if hrr {
		// The HelloRetryRequest follows the message_hash standing for
		// ClientHelloInner1, as in the transcript it joins (RFC 8446
		// section 4.4.1), as BoringSSL and crypto/tls compute it.
		t := &transcript{buf: tr.buf}
		t.setHash(s.Hash)
		t.replaceWithMessageHash()
		tr = t
	}
	want := keysched.ECHConfirmation(s.Hash, e.inner.Random, tr.sumWith(s.Hash, zeroed), hrr)
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// hpkeSuiteName names a config's KEM and an HPKE cipher suite.
func hpkeSuiteName(kem uint16, s wire.HPKESuite) string {
	return wire.HPKEKEMName(kem) + ", " + wire.HPKEKDFName(s.KDF) + ", " + wire.HPKEAEADName(s.AEAD)
}

func orNone(s string) string {
	if s == "" {
		return "(no name)"
	}
	return s
}

// writeSecondHello sends the client's answer to a HelloRetryRequest,
// hs.hello: as it is, or, when the server accepted ECH, encrypted in a
// second ClientHelloOuter under the first one's HPKE context (section
// 6.1.5).
func (hs *clientHandshake13) writeSecondHello() error {
	c, e := hs.c, hs.ech
	if e == nil || !e.accepted {
		return c.writeMessage(hs.hello)
	}
	e.inner = hs.hello
	if err := e.seal(c, e.outer); err != nil {
		return err
	}
	return e.writeHellos(c)
}

// readSecondServerHello reads the ServerHello that answers the second
// ClientHello; after an accepted ECH, it must confirm it again (section
// 6.1.5).
func (hs *clientHandshake13) readSecondServerHello() (*wire.ServerHello, error) {
	c, e := hs.c, hs.ech
	if e == nil || !e.accepted {
		return readMessage[wire.ServerHello](c)
	}
	c.hsTr = nil
	sh, err := readMessage[wire.ServerHello](c)
	c.hsTr = e.innerTr
	if err != nil {
		return nil, err
	}
	ok, err := e.confirmed(sh, e.innerTr)
	if err != nil {
		return nil, err
	}
	if !ok && !sh.IsHelloRetryRequest() {
		return nil, alertf(alert.IllegalParameter, "the ServerHello after a HelloRetryRequest that accepted ECH does not confirm it")
	}
	e.innerTr.write(sh.Raw)
	return sh, nil
}

// takeRetryConfigs handles an encrypted_client_hello in
// EncryptedExtensions (section 6.1.6): retry configs from a server that
// rejected ECH are kept for the ECHRejectionError; after acceptance the
// extension is unsupported_extension (section 5); after GREASE it is
// ignored and not kept (section 6.2.1).
func (hs *clientHandshake13) takeRetryConfigs(ee *wire.EncryptedExtensions) error {
	if ee.ECHRetryConfigs == nil || hs.ech == nil {
		return nil
	}
	if hs.ech.accepted {
		return alertf(alert.UnsupportedExtension, "the server accepted ECH and still sent retry_configs")
	}
	hs.ech.retry = bytes.Clone(ee.ECHRetryConfigs)
	return nil
}

// endRejectedECH ends a handshake whose ECH the server rejected, now
// that the server proved it is the public name: with ech_required and
// the retry configs, never with a connection to use (section 6.1.6).
func (hs *clientHandshake13) endRejectedECH() error {
	e := hs.ech
	if e == nil || e.accepted {
		return nil
	}
	if e.retry != nil {
		hs.c.traceStep(trace.StepFinished, trace.KindWarning, "ECH retry configs received",
			"The server, authenticated as "+e.config.PublicName+", sent new ECH configs: a new connection with them should succeed.")
	}
	return alert.Wrap(alert.ECHRequired, &ECHRejectionError{RetryConfigList: e.retry})
}
