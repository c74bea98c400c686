package padlock

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// describeMessage names a handshake message, the step it belongs to, and
// what it is for, in one sentence a newcomer can follow.
func describeMessage(m wire.Message, fromClient bool) (string, trace.Step, string) {
	switch m := m.(type) {
	case *wire.ClientHello:
		if m.ECH != nil && m.ECH.Type == wire.ECHInner {
			return "ClientHelloInner", trace.StepHello,
				"The client's real ClientHello, encrypted inside the outer one (Encrypted Client Hello): the name of the server, the ALPN protocols and the rest of the offer that only the server with the ECH key sees."
		}
		return "ClientHello", trace.StepHello,
			"The client opens the handshake: its random, the versions, cipher suites, groups and signature schemes it supports, and its key shares."
	case *wire.ServerHello:
		if m.IsHelloRetryRequest() {
			return "HelloRetryRequest", trace.StepServerHello,
				"The server found no key share it accepts and asks the client to try again with another group."
		}
		if m.SupportedVersion == VersionTLS13 {
			return "ServerHello", trace.StepServerHello,
				"The server picks the version and cipher suite and answers the client's key share with its own; from here on everything is encrypted."
		}
		return "ServerHello", trace.StepServerHello,
			"The server picks the version and cipher suite and sends its random and a session ID."
	case *wire.EncryptedExtensions:
		return "EncryptedExtensions", trace.StepServerHello,
			"The server's remaining choices (such as ALPN), now sent encrypted under the handshake keys."
	case *wire.CertificateRequest13, *wire.CertificateRequest12:
		return "CertificateRequest", trace.StepCertificate,
			"The server asks the client to prove its identity with a certificate."
	case *wire.Certificate13, *wire.Certificate12:
		who := "server"
		if fromClient {
			who = "client"
		}
		return "Certificate", trace.StepCertificate,
			"The " + who + " sends its certificate chain: its public key, signed by a CA the peer may trust."
	case *wire.CompressedCertificate:
		who := "server"
		if fromClient {
			who = "client"
		}
		return "CompressedCertificate", trace.StepCertificate, describeCompressed(m, who)
	case *wire.CertificateVerify:
		return "CertificateVerify", trace.StepCertificate,
			"A signature over the handshake so far with the certificate's private key: proof of owning the certificate."
	case *wire.Finished:
		return "Finished", trace.StepFinished,
			"A MAC over the whole handshake with a key from the shared secret: both sides saw the same messages and hold the same keys."
	case *wire.NewSessionTicket13, *wire.NewSessionTicket12:
		return "NewSessionTicket", trace.StepResumption,
			"The server gives the client a ticket with which a later connection can skip the full handshake."
	case *wire.KeyUpdate:
		return "KeyUpdate", trace.StepApplicationData,
			"The sender switches to fresh traffic keys derived from the old ones."
	case *wire.ServerKeyExchange:
		return "ServerKeyExchange", trace.StepKeyExchange,
			"The server's ephemeral ECDHE public key, signed with its certificate key so the client knows it is the server's."
	case *wire.ServerHelloDone:
		return "ServerHelloDone", trace.StepServerHello,
			"The server has said all it has to say; now it is the client's turn."
	case *wire.ClientKeyExchange:
		return "ClientKeyExchange", trace.StepKeyExchange,
			"The client's half of the key exchange: its ECDHE public key, or the premaster secret encrypted to the server's RSA key."
	case *wire.CertificateStatus:
		return "CertificateStatus", trace.StepCertificate,
			"A stapled OCSP response: the CA's recent word that the certificate is not revoked."
	}
	return wire.TypeName(m.Type()), trace.StepHello, ""
}

// messageFields lists the parsed values of a message worth showing.
func messageFields(m wire.Message) []trace.Field {
	var f []trace.Field
	add := func(name, value string) { f = append(f, field(name, value)) }
	switch m := m.(type) {
	case *wire.ClientHello:
		add("legacy_version", VersionName(m.Vers))
		add("random", hex.EncodeToString(m.Random))
		add("session_id", hex.EncodeToString(m.SessionID))
		add("cipher_suites", names(m.CipherSuites, suites.SuiteName))
		if m.ServerName != "" {
			add("server_name", m.ServerName)
		}
		if len(m.SupportedVersions) > 0 {
			add("supported_versions", names(m.SupportedVersions, VersionName))
		}
		add("supported_groups", names(m.SupportedGroups, suites.GroupName))
		add("key_shares", keyShareNames(m.KeyShares))
		add("signature_algorithms", names(m.SignatureAlgorithms, suites.SchemeName))
		if len(m.ALPNProtocols) > 0 {
			add("alpn", strings.Join(m.ALPNProtocols, ", "))
		}
		if len(m.PSKIdentities) > 0 {
			add("pre_shared_key", fmt.Sprintf("%d identities", len(m.PSKIdentities)))
		}
		add("extensions", extensionNames(m.Extensions))
	case *wire.ServerHello:
		add("random", hex.EncodeToString(m.Random))
		add("session_id", hex.EncodeToString(m.SessionID))
		add("cipher_suite", suites.SuiteName(m.CipherSuite))
		if m.SupportedVersion != 0 {
			add("selected_version", VersionName(m.SupportedVersion))
		} else {
			add("version", VersionName(m.Vers))
		}
		if m.KeyShare.Group != 0 {
			add("key_share", fmt.Sprintf("%s (%d bytes)", suites.GroupName(m.KeyShare.Group), len(m.KeyShare.Data)))
		}
		if m.SelectedGroup != 0 {
			add("selected_group", suites.GroupName(m.SelectedGroup))
		}
		if m.HasSelectedIdentity {
			add("pre_shared_key", "identity "+strconv.Itoa(int(m.SelectedIdentity)))
		}
		if m.ALPNProtocol != "" {
			add("alpn", m.ALPNProtocol)
		}
		add("extensions", extensionNames(m.Extensions))
	case *wire.EncryptedExtensions:
		if m.ALPNProtocol != "" {
			add("alpn", m.ALPNProtocol)
		}
		add("extensions", extensionNames(m.Extensions))
	case *wire.Certificate13:
		for i, e := range m.Entries {
			add(fmt.Sprintf("certificate[%d]", i), certSummary(e.Data))
		}
	case *wire.Certificate12:
		for i, d := range m.Certificates {
			add(fmt.Sprintf("certificate[%d]", i), certSummary(d))
		}
	case *wire.CompressedCertificate:
		add("algorithm", wire.CertCompressionName(m.Algorithm))
		add("uncompressed_length", fmt.Sprintf("%d bytes", m.UncompressedLength))
		add("compressed", fmt.Sprintf("%d bytes", len(m.Compressed)))
	case *wire.CertificateRequest13:
		add("signature_algorithms", names(m.SignatureAlgorithms, suites.SchemeName))
		if len(m.CertCompressionAlgorithms) > 0 {
			add("compress_certificate", names(m.CertCompressionAlgorithms, wire.CertCompressionName))
		}
	case *wire.CertificateRequest12:
		add("signature_algorithms", names(m.SignatureAlgorithms, suites.SchemeName))
	case *wire.CertificateVerify:
		add("signature_scheme", suites.SchemeName(m.Scheme))
		add("signature", fmt.Sprintf("%d bytes", len(m.Signature)))
	case *wire.Finished:
		add("verify_data", hex.EncodeToString(m.VerifyData))
	case *wire.NewSessionTicket13:
		add("lifetime", fmt.Sprintf("%ds", m.Lifetime))
		add("ticket", fmt.Sprintf("%d bytes", len(m.Ticket)))
	case *wire.NewSessionTicket12:
		add("lifetime", fmt.Sprintf("%ds", m.Lifetime))
		add("ticket", fmt.Sprintf("%d bytes", len(m.Ticket)))
	case *wire.KeyUpdate:
		add("request_update", strconv.FormatBool(m.RequestUpdate))
	case *wire.ServerKeyExchange:
		add("group", suites.GroupName(m.Group))
		add("public_key", hex.EncodeToString(m.PublicKey))
		add("signature_scheme", suites.SchemeName(m.Scheme))
		add("signature", fmt.Sprintf("%d bytes", len(m.Signature)))
	case *wire.ClientKeyExchange:
		add("exchange_keys", fmt.Sprintf("%d bytes", len(m.Data)))
	}
	return f
}

// describeCompressed explains a CompressedCertificate and what the
// compression saved: the message is compared with the Certificate it
// replaces, both with their 4-byte handshake headers.
func describeCompressed(m *wire.CompressedCertificate, who string) string {
	plain := 4 + int(m.UncompressedLength)
	sent := 4 + 2 + 3 + 3 + len(m.Compressed)
	saving := fmt.Sprintf("%d bytes instead of %d, %d saved", sent, plain, plain-sent)
	if plain > 0 && sent < plain {
		saving += fmt.Sprintf(" (%d%%)", (plain-sent)*100/plain)
	}
	return "The " + who + " sends its certificate chain compressed with " + wire.CertCompressionName(m.Algorithm) +
		", which the peer offered (RFC 8879): " + saving + ". The compressed message stands in the transcript for the Certificate."
}

func names(ids []uint16, name func(uint16) string) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = name(id)
	}
	return strings.Join(s, ", ")
}

func keyShareNames(ks []wire.KeyShare) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = fmt.Sprintf("%s (%d bytes)", suites.GroupName(k.Group), len(k.Data))
	}
	return strings.Join(s, ", ")
}

func extensionNames(ext []wire.Extension) string {
	s := make([]string, len(ext))
	for i, e := range ext {
		s[i] = wire.ExtensionName(e.Type)
	}
	return strings.Join(s, ", ")
}
