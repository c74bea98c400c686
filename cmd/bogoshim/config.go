package main

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"slices"

	"padlock"
)

// newConfig turns the flags of one connection into a padlock Config,
// cloned from the test's base Config so that ticket keys and the server's
// session cache carry over to the resumptions.
func newConfig(tc *testConfig, shared *sharedState) (*padlock.Config, error) {
	cfg := shared.base.Clone()
	if err := setVersions(cfg, tc); err != nil {
		return nil, err
	}
	if err := setCredential(cfg, tc); err != nil {
		return nil, err
	}
	if err := setGroupsAndSchemes(cfg, tc); err != nil {
		return nil, err
	}
	if tc.cipher != "" {
		ids, err := parseCipherString(tc.cipher)
		if err != nil {
			return nil, err
		}
		// -cipher configures TLS 1.2 suites only, as in BoringSSL;
		// the TLS 1.3 ones stay.
		cfg.CipherSuites = append([]uint16{padlock.TLS_AES_128_GCM_SHA256, padlock.TLS_AES_256_GCM_SHA384,
			padlock.TLS_CHACHA20_POLY1305_SHA256}, ids...)
	}
	applyPolicy(cfg, tc.policy)
	// BoringSSL's shim follows the client's preference unless told not
	// to; padlock's server follows its own unless told not to.
	cfg.PreferClientCipherSuites = !tc.serverPreference
	cfg.SessionTicketsDisabled = tc.noTicket
	cfg.EnableRSAKeyExchange = true
	if tc.maxCertList > 0 {
		cfg.Limits.MaxCertificateBytes = tc.maxCertList
	}
	if tc.expectSecureReneg {
		return nil, unimplementedf("no API reports renegotiation_info")
	}
	// The trace shows what ConnectionState does not: a HelloRetryRequest,
	// the session offered, the early data sent and why it was rejected.
	shared.events = connEvents{}
	cfg.Trace = shared.events.record
	setEarlyData(cfg, tc)
	setCertCompression(cfg, tc)
	if err := setECH(cfg, tc); err != nil {
		return nil, err
	}
	if tc.verifyFail {
		// BoringSSL's legacy callback fails with handshake_failure, its
		// custom one with certificate_unknown; padlock sends bad_certificate
		// for the application's refusal, as crypto/tls does (the
		// CustomCallback tests are disabled for it).
		if !tc.customVerify {
			return nil, unimplementedf("-verify-fail with BoringSSL's legacy verify callback")
		}
		cfg.VerifyPeerCertificate = func([][]byte, [][]*x509.Certificate) error {
			return errors.New("the test's verify callback refuses every certificate")
		}
	}
	if tc.server {
		return cfg, setServer(cfg, tc)
	}
	return cfg, setClient(cfg, tc, shared)
}

// setVersions applies -min-version, -max-version and -no-tls1*. padlock
// speaks TLS 1.2 and 1.3 only.
func setVersions(cfg *padlock.Config, tc *testConfig) error {
	lo, hi := padlock.VersionTLS12, padlock.VersionTLS13
	if tc.minVersion != 0 {
		lo = max(lo, uint16(tc.minVersion))
	}
	if tc.maxVersion != 0 {
		if uint16(tc.maxVersion) < padlock.VersionTLS12 {
			return unimplementedf("TLS below 1.2 (RFC 8996)")
		}
		hi = min(hi, uint16(tc.maxVersion))
	}
	if tc.noTLS13 {
		hi = min(hi, padlock.VersionTLS12)
	}
	if tc.noTLS12 && lo == padlock.VersionTLS12 {
		lo = padlock.VersionTLS13
	}
	if lo > hi {
		return unimplementedf("no version padlock speaks is enabled")
	}
	cfg.MinVersion, cfg.MaxVersion = lo, hi
	return nil
}

// setCredential loads the certificate and key the shim presents.
func setCredential(cfg *padlock.Config, tc *testConfig) error {
	if tc.certFile == "" || tc.keyFile == "" {
		return nil
	}
	cert, err := padlock.LoadX509KeyPair(tc.certFile, tc.keyFile)
	if err != nil {
		return err
	}
	if !tc.declineOCSP {
		cert.OCSPStaple = tc.ocspResponse
	}
	// -signing-prefs belongs to the credential, as the certificate's
	// own schemes do. A credential without it signs with whatever its
	// key can make, whatever -verify-prefs accepts from the peer.
	switch {
	case len(tc.signingPrefs) > 0:
		for _, id := range tc.signingPrefs {
			cert.SignatureSchemes = append(cert.SignatureSchemes, padlock.SignatureScheme(id))
		}
	case len(tc.verifyPrefs) > 0:
		cert.SignatureSchemes = allSchemes
	}
	cfg.Certificates = []padlock.Certificate{cert}
	return nil
}

// allSchemes are the schemes padlock signs with by default, in its order.
var allSchemes = []padlock.SignatureScheme{
	padlock.ECDSAWithP256AndSHA256, padlock.ECDSAWithP384AndSHA384, padlock.ECDSAWithP521AndSHA512,
	padlock.Ed25519, padlock.PSSWithSHA256, padlock.PSSWithSHA384, padlock.PSSWithSHA512,
	padlock.PKCS1WithSHA256, padlock.PKCS1WithSHA384, padlock.PKCS1WithSHA512,
}

// groups are the key exchange groups padlock implements.
var groups = []padlock.CurveID{padlock.X25519, padlock.CurveP256, padlock.CurveP384, padlock.CurveP521,
	padlock.X25519MLKEM768, padlock.SecP256r1MLKEM768, padlock.SecP384r1MLKEM1024}

// setGroupsAndSchemes applies -curves and -verify-prefs, the schemes
// accepted from the peer (-signing-prefs goes to the certificate). Both
// scheme lists go to padlock as given: it skips the schemes it does not
// implement (0x0420, BoringSSL's 0xff01 for MD5-SHA1) as a stack that
// does not know them ignores them in a list.
func setGroupsAndSchemes(cfg *padlock.Config, tc *testConfig) error {
	// Groups padlock lacks (the draft Kyber) are left out, as a stack
	// that does not know them ignores them in a list.
	for _, id := range tc.curves {
		if slices.Contains(groups, padlock.CurveID(id)) {
			cfg.CurvePreferences = append(cfg.CurvePreferences, padlock.CurveID(id))
		}
	}
	if tc.expectCurveID != 0 && !slices.Contains(groups, padlock.CurveID(tc.expectCurveID)) {
		return unimplementedf("group %d", tc.expectCurveID)
	}
	if len(tc.curves) > 0 && len(cfg.CurvePreferences) == 0 {
		return unimplementedf("groups %v", tc.curves)
	}
	for _, id := range tc.verifyPrefs {
		cfg.SignatureSchemes = append(cfg.SignatureSchemes, padlock.SignatureScheme(id))
	}
	return nil
}

// setServer applies the server's flags: client certificates and ALPN.
func setServer(cfg *padlock.Config, tc *testConfig) error {
	// BoringSSL's shim accepts any chain: it asks for a certificate and
	// checks only that one came, when told to.
	switch {
	case tc.requireAnyClient:
		cfg.ClientAuth = padlock.RequireAnyClientCert
	case tc.verifyPeer:
		cfg.ClientAuth = padlock.RequestClientCert
	}
	if tc.selectALPN != "" {
		cfg.NextProtos = []string{tc.selectALPN}
	}
	return nil
}

// setClient applies the client's flags: the server name, ALPN, sessions.
func setClient(cfg *padlock.Config, tc *testConfig, shared *sharedState) error {
	cfg.ServerName = tc.hostName
	cfg.InsecureSkipVerify = true // as BoringSSL's shim, which verifies nothing
	cfg.ClientSessionCache = shared.cache
	protos, err := parseALPN(tc.advertiseALPN)
	if err != nil {
		return err
	}
	cfg.NextProtos = protos
	return nil
}

// parseALPN decodes the wire format of -advertise-alpn: each protocol
// after its length byte.
func parseALPN(s string) ([]string, error) {
	var protos []string
	for len(s) > 0 {
		n := int(s[0])
		if n == 0 || len(s) < 1+n {
			return nil, fmt.Errorf("malformed -advertise-alpn")
		}
		protos = append(protos, s[1:1+n])
		s = s[1+n:]
	}
	return protos, nil
}

// readChain reads the DER certificates of a PEM file.
func readChain(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ders [][]byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return ders, nil
		}
		if b.Type == "CERTIFICATE" {
			ders = append(ders, b.Bytes)
		}
	}
}
