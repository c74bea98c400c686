package padlock

import (
	"crypto/hpke"
	"slices"
	"strconv"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/wire"
	"padlock/trace"
)

// echServer is a server's ECH state through one handshake: the outer
// hello's extension and, once a key opened it, the HPKE context that
// opens a second ClientHelloInner after a HelloRetryRequest
// (draft-ietf-tls-esni section 7.1.1).
type echServer struct {
	offered   *wire.ECHClientHello // the first ClientHelloOuter's extension
	recipient *hpke.Recipient      // nil unless accepted
	inner     *wire.ClientHello    // the ClientHelloInner the handshake runs on
}

func (e *echServer) accepted() bool { return e != nil && e.recipient != nil }

// openClientHello runs section 7.1 on the first ClientHello: when it
// carries an outer encrypted_client_hello that one of the server's keys
// opens, the ClientHelloInner replaces it as the ClientHello the
// handshake runs on, in the transcript too. A hello no key opens goes on
// as it is (it may be GREASE); an inner extension straight from the
// network is illegal_parameter.
func (c *Conn) openClientHello(ch *wire.ClientHello) (*wire.ClientHello, *echServer, error) {
	if ch.ECH == nil {
		return ch, nil, nil
	}
	if ch.ECH.Type != wire.ECHOuter {
		return nil, nil, alertf(alert.IllegalParameter, "ClientHello carries an inner encrypted_client_hello")
	}
	e := &echServer{offered: ch.ECH}
	// The server decides on ECH before it negotiates anything else, the
	// version included (section 7.1): what the outer hello offers does
	// not matter, only whether this server speaks TLS 1.3.
	if len(c.config.EncryptedClientHelloKeys) == 0 || c.config.maxVersion() < VersionTLS13 {
		return ch, e, nil
	}
	aad, err := wire.ClientHelloOuterAAD(ch.Raw)
	if err != nil {
		return nil, nil, alert.Wrap(alert.DecodeError, err)
	}
	encoded, ok := e.open(c.config.EncryptedClientHelloKeys, aad)
	if !ok {
		c.traceStep(trace.StepHello, trace.KindWarning, "ECH not decrypted",
			"The ClientHello carries an encrypted_client_hello that none of the server's ECH keys opens: GREASE, or an old config. The handshake goes on with the outer ClientHello, and the server offers its current configs for a retry.",
			field("config_id", strconv.Itoa(int(ch.ECH.ConfigID))))
		return ch, e, nil
	}
	inner, err := c.decodeInnerHello(encoded, ch)
	if err != nil {
		return nil, nil, err
	}
	e.inner = inner
	c.hsTr = &transcript{}
	c.hsTr.write(inner.Raw)
	c.traceMessage(trace.Received, inner.Raw, inner)
	c.state.ECHAccepted = true
	if c.tracing() {
		c.traceStep(trace.StepHello, trace.KindVerified, "ECH accepted",
			"The server decrypted the ClientHelloInner hidden in the outer hello and answers it. On the wire the client named "+
				orNone(ch.ServerName)+"; the name it really asked for, "+orNone(inner.ServerName)+", only the server saw.",
			field("public_name", ch.ServerName), field("server_name", inner.ServerName),
			field("config_id", strconv.Itoa(int(ch.ECH.ConfigID))))
	}
	return inner, e, nil
}

// open tries the keys whose config_id and cipher suites match the
// extension (section 7.1) and returns the EncodedClientHelloInner the
// first of them decrypts, keeping its HPKE context; ok is false if none
// does. The plaintext may be empty: that it opened is what accepts ECH,
// and the decoding that follows rejects it.
func (e *echServer) open(keys []EncryptedClientHelloKey, aad []byte) (encoded []byte, ok bool) {
	ext := e.offered
	for _, k := range keys {
		configs, err := wire.ParseECHConfigList(wire.MarshalECHConfigList(k.Config))
		if err != nil || len(configs) != 1 || configs[0].ConfigID != ext.ConfigID ||
			!slices.Contains(configs[0].CipherSuites, ext.Suite) {
			continue
		}
		kem, kdf, aead, err := echSuite(configs[0].KEM, ext.Suite)
		if err != nil {
			continue
		}
		priv, err := kem.NewPrivateKey(k.PrivateKey)
		if err != nil {
			continue
		}
		r, err := hpke.NewRecipient(ext.Enc, priv, kdf, aead, echInfo(configs[0].Raw))
		if err != nil {
			continue
		}
		if encoded, err := r.Open(aad, ext.Payload); err == nil {
			e.recipient = r
			return encoded, true
		}
	}
	return nil, false
}

// decodeInnerHello rebuilds and parses a ClientHelloInner and checks it
// as section 7.1 requires: an inner encrypted_client_hello, and nothing
// offered below TLS 1.3.
func (c *Conn) decodeInnerHello(encoded []byte, outer *wire.ClientHello) (*wire.ClientHello, error) {
	raw, err := wire.DecodeClientHelloInner(encoded, outer.Raw)
	if err != nil {
		return nil, alert.Wrap(alert.DecodeError, err)
	}
	inner := &wire.ClientHello{}
	if err := inner.Unmarshal(raw); err != nil {
		return nil, alert.Wrap(alert.DecodeError, err)
	}
	if inner.ECH == nil || inner.ECH.Type != wire.ECHInner {
		return nil, alertf(alert.IllegalParameter, "ClientHelloInner lacks an inner encrypted_client_hello")
	}
	if len(inner.SupportedVersions) == 0 || slices.ContainsFunc(inner.SupportedVersions, func(v uint16) bool {
		return v < VersionTLS13 && !wire.IsGREASE(v)
	}) {
		return nil, alertf(alert.IllegalParameter, "ClientHelloInner offers a version below TLS 1.3")
	}
	return inner, nil
}

// openSecondHello handles the ClientHello that answers a
// HelloRetryRequest sent after ECH was accepted (section 7.1.1): the
// outer hello must carry the extension, with the first one's suite and
// config_id and an empty enc, and its payload must open under the same
// HPKE context. The second ClientHelloInner joins the transcript.
func (c *Conn) openSecondHello(e *echServer, outer *wire.ClientHello) (*wire.ClientHello, error) {
	ext := outer.ECH
	switch {
	case ext == nil:
		return nil, alertf(alert.MissingExtension, "second ClientHelloOuter lacks encrypted_client_hello")
	case ext.Type != wire.ECHOuter || ext.Suite != e.offered.Suite || ext.ConfigID != e.offered.ConfigID || len(ext.Enc) != 0:
		return nil, alertf(alert.IllegalParameter, "second ClientHelloOuter's encrypted_client_hello does not continue the first")
	}
	aad, err := wire.ClientHelloOuterAAD(outer.Raw)
	if err != nil {
		return nil, alert.Wrap(alert.DecodeError, err)
	}
	encoded, err := e.recipient.Open(aad, ext.Payload)
	if err != nil {
		return nil, alertf(alert.DecryptError, "second ClientHelloInner does not decrypt")
	}
	inner, err := c.decodeInnerHello(encoded, outer)
	if err != nil {
		return nil, err
	}
	c.hsTr.write(inner.Raw)
	c.traceMessage(trace.Received, inner.Raw, inner)
	e.inner = inner
	return inner, nil
}

// confirmECH writes the acceptance signal into a ServerHello's random or
// a HelloRetryRequest's extension, computed over the inner transcript so
// far (sections 7.2, 7.2.1). A HelloRetryRequest must already follow the
// message_hash in the transcript.
func (hs *serverHandshake13) confirmECH(sh *wire.ServerHello) {
	if !hs.ech.accepted() {
		return
	}
	hrr := sh.IsHelloRetryRequest()
	signal := sh.Random[24:]
	if hrr {
		sh.ECHConfirmation = make([]byte, 8)
		signal = sh.ECHConfirmation
	} else {
		clear(signal)
	}
	th := hs.c.hsTr.sumWith(hs.suite.Hash, sh.Marshal())
	copy(signal, keysched.ECHConfirmation(hs.suite.Hash, hs.ech.inner.Random, th, hrr))
}

// retryConfigs returns the ECHConfigList a server that did not use the
// client's inner hello sends in EncryptedExtensions, when the client
// sent an outer extension (real or GREASE) and the server has keys to
// offer (section 7.1); nil otherwise.
func (hs *serverHandshake13) retryConfigs() []byte {
	if hs.ech == nil || hs.ech.accepted() {
		return nil
	}
	var retry []EncryptedClientHelloKey
	for _, k := range hs.c.config.EncryptedClientHelloKeys {
		if k.SendAsRetry {
			retry = append(retry, k)
		}
	}
	if len(retry) == 0 {
		return nil
	}
	return ECHConfigList(retry...)
}

// readSecondClientHello reads the ClientHello that answers a
// HelloRetryRequest; after an accepted ECH it is an outer hello whose
// inner one, opened, is the one the handshake goes on with.
func (hs *serverHandshake13) readSecondClientHello() (*wire.ClientHello, error) {
	c := hs.c
	if !hs.ech.accepted() {
		return readMessage[wire.ClientHello](c)
	}
	tr := c.hsTr
	c.hsTr = nil // the outer hello stays out of the transcript
	outer, err := readMessage[wire.ClientHello](c)
	c.hsTr = tr
	if err != nil {
		return nil, err
	}
	return c.openSecondHello(hs.ech, outer)
}
