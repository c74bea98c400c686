package padlock

import (
	"crypto"
	"crypto/x509"
	"slices"

	"padlock/internal/alert"
	"padlock/internal/keysched"
	"padlock/internal/record"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// tls13Secrets are the secrets a TLS 1.3 connection holds, each only as
// long as its next use needs it; what it lets go of is zeroed, not just
// dropped for the garbage collector.
type tls13Secrets struct {
	// inSecret and outSecret are the traffic secrets of the keys in
	// use, from which the next KeyUpdate derives their successors
	// (RFC 8446 section 7.2). Installing the next secret of a direction
	// wipes the one it replaces: the handshake traffic secret when the
	// application one takes over, application_traffic_secret_N when N+1
	// does, as section 7.2 says it SHOULD be deleted. Otherwise a
	// KeyUpdate would not protect the records sent before it.
	inSecret, outSecret []byte
	// exporterMaster stays for the life of the connection:
	// ExportKeyingMaterial may be called at any time (section 7.5).
	exporterMaster []byte
	// resumptionMaster is the client's only: a NewSessionTicket may
	// arrive at any time after the handshake (section 4.6.1) and its PSK
	// derives from this secret, so the client keeps it. The server
	// derives it just to issue its tickets, in the handshake's last step,
	// and wipes it there: it is never stored here.
	resumptionMaster []byte
}

// wipe zeroes every secret, for a connection whose handshake failed.
func (s *tls13Secrets) wipe() {
	for _, b := range [][]byte{s.inSecret, s.outSecret, s.exporterMaster, s.resumptionMaster} {
		clear(b)
	}
	*s = tls13Secrets{}
}

// replaceSecret makes next the secret *cur and zeroes the one it
// replaces.
func replaceSecret(cur *[]byte, next []byte) {
	old := *cur
	*cur = next
	clear(old)
}

// defaultKeyUpdateAfter is the number of records sealed under one key
// after which padlock updates it, far inside the AES-GCM limit of RFC 8446
// section 5.5 (2^24.5 full-size records).
const defaultKeyUpdateAfter = 1 << 23

// newCipher13 makes the record protection for one traffic secret, the
// one called name (RFC 8446 section 7.3).
func (c *Conn) newCipher13(s *suites.Suite, secret *keysched.TrafficSecret, name string) (*record.Cipher, error) {
	key, iv := secret.Keys(s.KeyLen, s.FixedIVLen)
	c.revealTrafficKeys(name, secret.Bytes(), key, iv)
	// The AEAD and the Cipher keep copies of their own.
	defer clear(iv)
	defer clear(key)
	aead, err := s.NewAEAD(key)
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	ci := record.NewCipher13(aead, iv)
	ci.KeepKey(key, s.NewAEAD) // so that an idle connection can drop the AEAD
	return ci, nil
}

// traffic wraps a traffic secret of the connection's suite.
func (c *Conn) traffic(secret []byte) *keysched.TrafficSecret {
	return keysched.NewTrafficSecret(c.suite.Hash, secret)
}

// installReadKeys13 switches the read side to the keys of secret, which
// the conn then owns: it wipes it if it cannot install it, and the secret
// of the keys it replaces if it can.
func (c *Conn) installReadKeys13(s *suites.Suite, secret *keysched.TrafficSecret, name string) error {
	ci, err := c.newCipher13(s, secret, name)
	if err == nil {
		err = c.setReadCipher(ci)
	}
	if err != nil {
		clear(secret.Bytes())
		return err
	}
	c.in.r.SetVersion(VersionTLS13)
	replaceSecret(&c.tls13.inSecret, secret.Bytes())
	c.traceKeys(name, "reading", keysFrom13)
	return nil
}

// installWriteKeys13 is installReadKeys13 for the write side.
func (c *Conn) installWriteKeys13(s *suites.Suite, secret *keysched.TrafficSecret, name string) error {
	ci, err := c.newCipher13(s, secret, name)
	if err != nil {
		clear(secret.Bytes())
		return err
	}
	c.out.w.SetVersion(VersionTLS13)
	c.setWriteCipher(ci)
	replaceSecret(&c.tls13.outSecret, secret.Bytes())
	c.traceKeys(name, "writing", keysFrom13)
	return nil
}

// traceKeys reports keys installed for one direction; origin says where
// the keys come from in this version.
func (c *Conn) traceKeys(name, dir, origin string) {
	if !c.tracing() {
		return
	}
	c.traceStep(trace.StepKeyDerivation, trace.KindKeys, name+" keys installed for "+dir,
		"From here on, records "+map[string]string{"reading": "received", "writing": "sent"}[dir]+
			" are protected with the "+name+" "+origin+".",
		field("keys", name), field("direction", dir))
}

// keysFrom13 says where TLS 1.3 traffic keys come from, for traceKeys.
const keysFrom13 = "traffic key and IV, derived from the secret with HKDF-Expand-Label"

func (c *Conn) traceSecrets13(stage string, names ...string) {
	if !c.tracing() {
		return
	}
	var f []trace.Field
	for _, n := range names {
		f = append(f, field("derived", n))
	}
	c.traceStep(trace.StepKeyDerivation, trace.KindSecret, stage+" secrets derived",
		"The key schedule runs HKDF over the shared secret and the transcript hash to get the "+stage+" traffic secrets (their values stay secret).", f...)
}

// deriveApplicationSecrets13 derives the application traffic secrets and
// the exporter master from the transcript through the server Finished.
// The traffic secrets are the handshake's until it installs them.
func (c *Conn) deriveApplicationSecrets13(sched *keysched.Schedule13) (client, server *keysched.TrafficSecret) {
	sched.DeriveMaster()
	th := c.hsTr.sum()
	client = c.traffic(sched.ClientApplicationTrafficSecret(th))
	server = c.traffic(sched.ServerApplicationTrafficSecret(th))
	c.tls13.exporterMaster = sched.ExporterMasterSecret(th)
	// The key log gets them now, before any can be wiped.
	c.logKey(keyLogClientTraffic, client.Bytes())
	c.logKey(keyLogServerTraffic, server.Bytes())
	c.logKey(keyLogExporter, c.tls13.exporterMaster)
	c.traceSecrets13("application", "client_application_traffic_secret_0", "server_application_traffic_secret_0", "exporter_master_secret")
	h, exp := c.suite.Hash, c.tls13.exporterMaster
	c.state.ekm = func(label string, context []byte, length int) ([]byte, error) {
		return keysched.Exporter(h, exp, label, context, length), nil
	}
	return client, server
}

// verifyServerChain parses and verifies the server's chain for
// ServerName, unless verification is switched off, and checks that the
// leaf's key usage allows use, which even InsecureSkipVerify does not
// waive: it is about what the handshake does with the key, not whom the
// client trusts.
func (c *Conn) verifyServerChain(ders [][]byte, use x509.KeyUsage) error {
	if c.config.InsecureSkipVerify {
		certs, err := c.parseChain(ders)
		if err != nil {
			return err
		}
		c.state.PeerCertificates = certs
		c.traceStep(trace.StepCertificate, trace.KindWarning, "certificate verification skipped",
			"InsecureSkipVerify is set: the server's identity is NOT checked, so an attacker in the middle would go unnoticed.")
		if err := c.checkPeerKeyUsage(certs[0], use); err != nil {
			return err
		}
		return c.callVerifyPeerCertificate(ders, nil)
	}
	name := c.config.ServerName
	if c.echPublicName != "" {
		name = c.echPublicName
	}
	certs, chains, err := c.verifiedChain(ders, c.config.RootCAs, name, x509.ExtKeyUsageServerAuth)
	c.state.PeerCertificates, c.state.VerifiedChains = certs, chains
	if err != nil {
		return err
	}
	if err := c.checkPeerKeyUsage(certs[0], use); err != nil {
		return err
	}
	return c.callVerifyPeerCertificate(ders, chains)
}

// verifyHandshakeSignature13 checks a CertificateVerify against the peer's
// leaf (RFC 8446 section 4.4.3): th is the transcript hash up to the
// Certificate, offered the schemes this side allowed.
func (c *Conn) verifyHandshakeSignature13(cv *wire.CertificateVerify, th []byte, fromClient bool, offered []uint16) error {
	if !slices.Contains(offered, cv.Scheme) {
		return alertf(alert.IllegalParameter, "CertificateVerify uses %s, which was not offered", suites.SchemeName(cv.Scheme))
	}
	pub := c.state.PeerCertificates[0].PublicKey
	content := suites.SignedContent13(!fromClient, th)
	if err := suites.Verify(cv.Scheme, pub, content, cv.Signature, true); err != nil {
		return alert.Wrap(alert.DecryptError, err)
	}
	who := "server"
	if fromClient {
		who = "client"
	}
	if !fromClient {
		c.state.SignatureScheme = SignatureScheme(cv.Scheme)
	}
	c.state.PeerSignatureScheme = SignatureScheme(cv.Scheme)
	if c.tracing() {
		c.traceStep(trace.StepCertificate, trace.KindVerified, who+" signature verified",
			"The "+who+"'s CertificateVerify signature over the handshake checks out with the certificate's public key: it holds the private key.",
			field("signature_scheme", suites.SchemeName(cv.Scheme)))
	}
	return nil
}

// pickScheme chooses the scheme cert, whose parsed leaf is leaf, signs
// with among those the peer accepts, in the certificate's order of
// preference (Certificate.SignatureSchemes, else Config.SignatureSchemes);
// 0 if there is none, or if the leaf's key usage does not allow signing,
// which the peer would refuse (RFC 8446 section 4.4.2.2).
func (c *Conn) pickScheme(cert *Certificate, leaf *x509.Certificate, peer []uint16, tls13 bool) uint16 {
	if !keyUsageAllows(leaf, x509.KeyUsageDigitalSignature) {
		return 0
	}
	for _, s := range c.config.signingSchemes(cert, tls13) {
		if slices.Contains(peer, s) && suites.KeyMatches(s, leaf.PublicKey, tls13) {
			return s
		}
	}
	return 0
}

// writeCertificate13 sends a Certificate with cert's chain (none when
// cert is nil) and, for a server, the stapled OCSP response; compressed
// when the peer offered, in peerAlgs, an algorithm this side has (RFC
// 8879) and compression makes the message smaller.
func (c *Conn) writeCertificate13(cert *Certificate, context []byte, staple bool, peerAlgs []uint16) error {
	m := &wire.Certificate13{RequestContext: context}
	if cert != nil {
		for i, der := range cert.Certificate {
			e := wire.CertificateEntry{Data: der}
			if i == 0 && staple {
				e.OCSPStaple = cert.OCSPStaple
			}
			m.Entries = append(m.Entries, e)
		}
		cm, err := c.compressCertificate(m, peerAlgs)
		if err != nil {
			return err
		}
		if cm != nil {
			return c.writeMessage(cm)
		}
	}
	return c.writeMessage(m)
}

// writeCertificateVerify13 signs the transcript so far with cert's key.
func (c *Conn) writeCertificateVerify13(cert *Certificate, scheme uint16, server bool) error {
	signer, ok := cert.PrivateKey.(crypto.Signer)
	if !ok {
		return alertf(alert.InternalError, "certificate key of type %T cannot sign", cert.PrivateKey)
	}
	sig, err := suites.Sign(scheme, signer, c.config.rand(), suites.SignedContent13(server, c.hsTr.sum()))
	if err != nil {
		return alert.Wrap(alert.InternalError, err)
	}
	return c.writeMessage(&wire.CertificateVerify{Scheme: scheme, Signature: corrupt(c.testHooks.corruptSignature, sig)})
}

// sendCertificate13 answers a server's CertificateRequest with a
// certificate and its signature, or with an empty chain when the client
// has none the server would accept.
func (c *Conn) sendCertificate13(req *wire.CertificateRequest13) error {
	cert, err := c.clientCertificate(req.CertificateAuthorities, req.SignatureAlgorithms, VersionTLS13)
	if err != nil {
		return err
	}
	var scheme uint16
	if cert != nil {
		leaf, err := cert.leaf()
		if err != nil {
			return alert.Wrap(alert.InternalError, err)
		}
		scheme = c.pickScheme(cert, leaf, req.SignatureAlgorithms, true)
		if scheme == 0 {
			cert = nil
		}
	}
	if err := c.writeCertificate13(cert, req.Context, false, req.CertCompressionAlgorithms); err != nil {
		return err
	}
	if cert == nil {
		c.traceStep(trace.StepCertificate, trace.KindInfo, "no client certificate",
			"The server asked for a certificate but the client has none it would accept; it sends an empty one.")
		return nil
	}
	return c.writeCertificateVerify13(cert, scheme, false)
}

// clientCertificate picks the certificate to answer a request with.
func (c *Conn) clientCertificate(cas [][]byte, schemes []uint16, vers uint16) (*Certificate, error) {
	if f := c.config.GetClientCertificate; f != nil {
		info := &CertificateRequestInfo{AcceptableCAs: cas, Version: vers, ctx: c.hsCtx, config: c.config}
		for _, s := range schemes {
			info.SignatureSchemes = append(info.SignatureSchemes, SignatureScheme(s))
		}
		cert, err := callHook("GetClientCertificate", func() (*Certificate, error) { return f(info) })
		if err != nil {
			return nil, hookAlert(alert.InternalError, "GetClientCertificate", err)
		}
		if cert == nil || len(cert.Certificate) == 0 {
			return nil, nil
		}
		return cert, nil
	}
	for i := range c.config.Certificates {
		cert := &c.config.Certificates[i]
		if leaf, err := cert.leaf(); err == nil && c.pickScheme(cert, leaf, schemes, vers == VersionTLS13) != 0 {
			return cert, nil
		}
	}
	return nil, nil
}

// readFinished13 reads the peer's Finished and checks it against the
// transcript so far, in constant time (RFC 8446 section 4.4.4). After it
// no compatibility ChangeCipherSpec may come.
func (c *Conn) readFinished13(peerTrafficSecret *keysched.TrafficSecret) error {
	want := peerTrafficSecret.FinishedVerifyData(c.hsTr.sum())
	fin, err := readMessage[wire.Finished](c)
	if err != nil {
		return err
	}
	peer := c.peerName()
	// RFC 8446 section 4.4.4: verify_data is Hash.length bytes; another
	// length is a malformed message (section 6.2), not a wrong MAC.
	if len(fin.VerifyData) != len(want) {
		return alertf(alert.DecodeError, "%s Finished of %d bytes, want %d", peer, len(fin.VerifyData), len(want))
	}
	if !keysched.Equal(fin.VerifyData, want) {
		return alertf(alert.DecryptError, "%s Finished does not match the handshake", peer)
	}
	c.in.ccsOK = false
	if c.tracing() {
		c.traceStep(trace.StepFinished, trace.KindVerified, peer+" Finished verified",
			"The "+peer+"'s MAC over the whole handshake matches: nobody changed a message on the way, and the "+peer+" holds the same keys.")
	}
	return nil
}
