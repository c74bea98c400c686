package padlock

import (
	"bytes"
	"io"
	"slices"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// downgrade sentinels: the last 8 bytes of ServerHello.random of a TLS 1.3
// server that negotiates TLS 1.2 or below (RFC 8446 section 4.1.3).
var (
	downgradeTLS12 = []byte{0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x01}
	downgradeTLS11 = []byte{0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44, 0x00}
)

// clientHandshake sends the ClientHello, reads the server's answer and
// hands over to the handshake of the version the server chose.
func (c *Conn) clientHandshake() error {
	if c.config.ServerName == "" && !c.config.InsecureSkipVerify {
		return alertf(alert.InternalError, "Config.ServerName or InsecureSkipVerify must be set")
	}
	if err := c.echVersions(); err != nil {
		return err
	}
	hello, shares, err := c.makeClientHello()
	if err != nil {
		return err
	}
	ech, err := c.prepareInnerHello(hello)
	if err != nil {
		return err
	}
	session12, chains12, err := c.offerSession12(hello)
	if err != nil {
		return err
	}
	session, chains := c.sessionToOffer(hello)
	early := c.offersEarlyData(session)
	if early {
		hello.EarlyData = true
	}
	var pskSched *keysched.Schedule13
	if session != nil {
		pskSched = c.offerPSK13(hello, session, nil)
		// Whichever version and outcome, the PSK's Early Secret is of
		// no use after this handshake.
		defer pskSched.Erase()
	}
	c.hsTr = &transcript{keepAll: true}
	copy(c.random[0][:], hello.Random)
	if ech != nil {
		ech.innerTr, ech.outerTr = c.hsTr, &transcript{keepAll: true}
		if err := ech.seal(c, nil); err != nil {
			return err
		}
	}
	// RFC 8446 section 5.1: an initial ClientHello may carry 0x0301 in the
	// record header, for middleboxes that expect it.
	c.out.w.SetRecordVersion(VersionTLS10)
	if ech != nil {
		err = ech.writeHellos(c)
	} else {
		err = c.writeMessage(hello)
	}
	if err != nil {
		return err
	}
	c.out.w.SetRecordVersion(VersionTLS12)
	if early {
		if err := c.sendEarlyData(session, pskSched); err != nil {
			return err
		}
	}
	if err := c.flush(); err != nil {
		return err
	}
	if ech != nil {
		c.hsTr = nil // ech.decide adds the answer to the transcript it picks
	}
	sh, err := readMessage[wire.ServerHello](c)
	if err != nil {
		return err
	}
	if ech != nil {
		if hello, err = ech.decide(c, sh); err != nil {
			return err
		}
		if !ech.accepted {
			session, chains = nil, nil // the outer hello offered no session
		}
	}
	vers, err := c.pickServerVersion(hello, sh)
	if err != nil {
		return err
	}
	c.vers = vers
	copy(c.random[1][:], sh.Random)
	if c.tracing() {
		c.traceStep(trace.StepServerHello, trace.KindNegotiated, "version negotiated",
			"Both sides will speak "+VersionName(vers)+".", field("version", VersionName(vers)))
	}
	if vers == VersionTLS13 {
		// RFC 8446 section 5 drops a compatibility CCS only in TLS 1.3,
		// and a server sends it right after its first handshake message,
		// the ServerHello or HelloRetryRequest just read (appendix D.4).
		// Before that the version is unknown and a CCS is unexpected,
		// as it is in the TLS 1.2 handshake.
		c.in.ccsOK = true
		c.hsTr.keepAll = false
		hs := &clientHandshake13{c: c, hello: hello, shares: shares, sh: sh, session: session, sessionChains: chains, pskSched: pskSched,
			earlySent: early, ech: ech}
		return hs.handshake()
	}
	if early {
		// A TLS 1.2 server took the early data for garbage records; the
		// application may connect again without it (RFC 8446 appendix
		// D.3: the client "MUST fail a connection").
		return alertf(alert.ProtocolVersion, "server chose %s after the client sent early data, which needs TLS 1.3", VersionName(vers))
	}
	return c.clientHandshake12(hello, sh, session12, chains12)
}

// echVersions makes a client with an ECH config speak TLS 1.3 only: the
// inner hello may offer nothing older (draft-ietf-tls-esni section 6.1),
// and an outer hello that did would let an attacker force a TLS 1.2
// handshake, which has no ECH, and so read the name ECH was to hide.
func (c *Conn) echVersions() error {
	if c.config.EncryptedClientHelloConfigList == nil || c.config.minVersion() >= VersionTLS13 {
		return nil
	}
	if !c.config.supportsVersion(VersionTLS13) {
		return alertf(alert.InternalError, "Encrypted Client Hello needs TLS 1.3, which Config.MaxVersion excludes")
	}
	cfg := c.config.Clone()
	cfg.MinVersion = VersionTLS13
	c.config = cfg
	return nil
}

// pickServerVersion checks the version the server chose (RFC 8446
// section 4.1.3, 4.2.1) and the TLS 1.3 downgrade sentinel.
func (c *Conn) pickServerVersion(hello *wire.ClientHello, sh *wire.ServerHello) (uint16, error) {
	// RFC 8446 appendix D.5: a legacy_version of SSL 3.0 or below is a
	// protocol_version alert, whatever else the ServerHello says.
	if sh.Vers <= VersionSSL30 {
		return 0, alertf(alert.ProtocolVersion, "ServerHello with legacy_version %s", VersionName(sh.Vers))
	}
	if sh.SupportedVersion != 0 {
		if sh.SupportedVersion != VersionTLS13 || !slices.Contains(hello.SupportedVersions, VersionTLS13) {
			return 0, alertf(alert.IllegalParameter, "server selected %s, which was not offered", VersionName(sh.SupportedVersion))
		}
		// RFC 8446 section 4.2.1: with supported_versions present the
		// client MUST ignore legacy_version.
		return VersionTLS13, nil
	}
	if sh.Vers != VersionTLS12 || !c.config.supportsVersion(VersionTLS12) {
		return 0, alertf(alert.ProtocolVersion, "server chose %s, which padlock does not speak", VersionName(sh.Vers))
	}
	if sh.IsHelloRetryRequest() {
		return 0, alertf(alert.IllegalParameter, "HelloRetryRequest without supported_versions")
	}
	if c.config.supportsVersion(VersionTLS13) {
		tail := sh.Random[24:]
		if bytes.Equal(tail, downgradeTLS12) || bytes.Equal(tail, downgradeTLS11) {
			return 0, alertf(alert.IllegalParameter, "downgrade detected: a TLS 1.3 server answered with TLS 1.2")
		}
	}
	return VersionTLS12, nil
}

// makeClientHello builds the ClientHello for the enabled versions, with
// key shares for TLS 1.3.
func (c *Conn) makeClientHello() (*wire.ClientHello, []*suites.PrivateKeyShare, error) {
	cfg := c.config
	if !cfg.supportsVersion(VersionTLS12) && !cfg.supportsVersion(VersionTLS13) {
		return nil, nil, alertf(alert.InternalError, "no protocol version enabled")
	}
	h := &wire.ClientHello{
		Vers:                         VersionTLS12,
		Random:                       make([]byte, 32),
		CompressionMethods:           []uint8{0},
		SupportedGroups:              offeredGroups(cfg),
		SignatureAlgorithmsCert:      suites.DefaultSchemesCert,
		ALPNProtocols:                cfg.NextProtos,
		ECPointFormats:               []uint8{0},
		SecureRenegotiationSupported: true,
		StatusRequest:                true, // ask for a stapled OCSP response
		ExtendedMasterSecret:         cfg.supportsVersion(VersionTLS12) && !cfg.DisableExtendedMasterSecret,
	}
	if _, err := io.ReadFull(cfg.rand(), h.Random); err != nil {
		return nil, nil, alert.Wrap(alert.InternalError, err)
	}
	h.ServerName = sniName(cfg.ServerName)
	if cfg.RecordSizeLimit != 0 {
		// A TLS 1.2-only client may not announce 2^14+1 (RFC 8449
		// section 4).
		v := uint16(VersionTLS13)
		if !cfg.supportsVersion(VersionTLS13) {
			v = VersionTLS12
		}
		var err error
		if h.RecordSizeLimit, err = cfg.recordSizeLimit(v); err != nil {
			return nil, nil, err
		}
	}
	var shares []*suites.PrivateKeyShare
	if cfg.supportsVersion(VersionTLS13) {
		h.SupportedVersions = append(h.SupportedVersions, VersionTLS13)
		h.CipherSuites = append(h.CipherSuites, cfg.suites13()...)
		h.PSKModes = []uint8{pskModeDHE}
		h.CertCompressionAlgorithms = cfg.compressionAlgorithms() // RFC 8879: TLS 1.3 only
		if cfg.PSKWithoutKeyExchange {
			h.PSKModes = append(h.PSKModes, pskModeKE)
		}
		// Middlebox compatibility mode (RFC 8446 appendix D.4): a
		// non-empty session ID makes the handshake look like resumption.
		h.SessionID = make([]byte, 32)
		if _, err := io.ReadFull(cfg.rand(), h.SessionID); err != nil {
			return nil, nil, alert.Wrap(alert.InternalError, err)
		}
		var err error
		if shares, err = c.generateKeyShares(h.SupportedGroups); err != nil {
			return nil, nil, err
		}
		for _, s := range shares {
			h.KeyShares = append(h.KeyShares, wire.KeyShare{Group: s.Group().ID, Data: s.Public()})
		}
	}
	if cfg.supportsVersion(VersionTLS12) {
		h.SupportedVersions = append(h.SupportedVersions, VersionTLS12)
		h.CipherSuites = append(h.CipherSuites, cfg.suites12()...)
	}
	var err error
	if h.SignatureAlgorithms, err = cfg.offeredSchemes(!cfg.supportsVersion(VersionTLS12)); err != nil {
		return nil, nil, err
	}
	if len(h.CipherSuites) == 0 {
		return nil, nil, alertf(alert.InternalError, "no cipher suite enabled")
	}
	if cfg.EncryptedClientHelloConfigList == nil {
		if err := c.addECHGrease(h); err != nil {
			return nil, nil, err
		}
	}
	if f := c.testHooks.editHello; f != nil {
		f(h)
	}
	return h, shares, nil
}

// offeredGroups lists the groups to offer: the hybrids exist only in
// TLS 1.3, so a TLS 1.2-only client leaves them out.
func offeredGroups(cfg *Config) []uint16 {
	groups := cfg.groups(false)
	if cfg.supportsVersion(VersionTLS13) {
		return groups
	}
	return slices.DeleteFunc(slices.Clone(groups), func(g uint16) bool { return suites.GroupByID(g).Hybrid })
}

// generateKeyShares makes the key shares of the first ClientHello: one
// for the most preferred group and, when that is a post-quantum hybrid,
// one for the most preferred classical group too, so a server without the
// hybrid needs no HelloRetryRequest.
func (c *Conn) generateKeyShares(groups []uint16) ([]*suites.PrivateKeyShare, error) {
	if len(groups) == 0 {
		return nil, alertf(alert.InternalError, "no key exchange group enabled")
	}
	pick := []uint16{groups[0]}
	if suites.GroupByID(groups[0]).Hybrid {
		for _, g := range groups[1:] {
			if !suites.GroupByID(g).Hybrid {
				pick = append(pick, g)
				break
			}
		}
	}
	var shares []*suites.PrivateKeyShare
	for _, id := range pick {
		s, err := suites.GroupByID(id).GenerateKeyShare(c.config.rand())
		if err != nil {
			return nil, alert.Wrap(alert.InternalError, err)
		}
		shares = append(shares, s)
	}
	return shares, nil
}

// writeCompatCCS sends the middlebox-compatibility ChangeCipherSpec of a
// TLS 1.3 handshake (RFC 8446 appendix D.4).
func (c *Conn) writeCompatCCS() error {
	if c.tracing() {
		c.emit(trace.Event{Dir: trace.Sent, Step: trace.StepKeyExchange, Kind: trace.KindMessage,
			Name:    "ChangeCipherSpec",
			Explain: "A dummy message for middleboxes that expect TLS 1.2; TLS 1.3 ignores it.",
			Raw:     []byte{1}})
	}
	return c.out.w.WriteChangeCipherSpec()
}
