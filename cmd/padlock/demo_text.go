package main

import (
	"fmt"
	"net"
	"strings"

	"padlock"
	"padlock/internal/suites"
)

const rule = "────────────────────────────────────────────────────────────────────────────"

// writeHeader says what is about to happen.
func (d *demoRun) writeHeader(addr net.Addr) {
	w := d.c.stdout
	o := d.o
	fmt.Fprintf(w, "padlock demo: a %s handshake, step by step\n\n", padlock.VersionName(o.version))
	var points []string
	points = append(points, fmt.Sprintf("A certificate authority (CA), %q, was just made, and it signed a certificate for \"localhost\" (%s key). The client trusts that CA and no other.",
		d.ca.Cert.Subject.CommonName, keyName(d.server.Cert.PublicKey)))
	if o.ech {
		points = append(points, fmt.Sprintf("The server also has an Encrypted Client Hello (ECH) key, made just now, published under the public name %q; the certificate is valid for that name too. The client has the key's ECHConfigList, as a DNS HTTPS record would give it.", demoECHPublicName),
			fmt.Sprintf("So the client sends two ClientHellos in one: its real one, for \"localhost\", encrypted to the server's ECH key, inside an outer one that names only %q.", demoECHPublicName))
	}
	if o.mtls {
		points = append(points, "The client has a certificate from the same CA, and the server will ask for it: mutual TLS.")
	}
	points = append(points, fmt.Sprintf("A server listens on %s. A client connects to it over TCP and they run the %s handshake.",
		addr, padlock.VersionName(o.version)))
	if o.rsaKX {
		points = append(points, "The key exchange is RSA key transport: the client encrypts a secret to the server's RSA key. TLS 1.3 removed it, as it has no forward secrecy.")
	}
	points = append(points, fmt.Sprintf("Then the client sends %q, the server replies, and both close.", o.message))
	if o.resume {
		points = append(points, "Afterwards the client connects again and tries to resume the first session.")
	}
	if o.reveal {
		points = append(points, revealNote)
	} else if o.records {
		points = append(points, "With --records, each record is shown under the messages it carries: its header, its size, and what it carried, decrypted.")
	}
	for _, p := range points {
		d.bullet(p)
	}
	fmt.Fprintf(w, "\n%s\n%s\n", `Every step below happened just now, with its real values, in order.
  "client ──▶ server" is a message on the wire, "client ◀── server" one back;
  a step under "client" or "server" alone is something that side did itself.`, rule)
}

// bullet writes one wrapped point of a list.
func (d *demoRun) bullet(s string) {
	for i, l := range wrapText(s, 74) {
		lead := "  "
		if i == 0 {
			lead = "• "
		}
		fmt.Fprintf(d.c.stdout, "%s%s\n", lead, l)
	}
}

// writeSummary lists what the connection agreed on.
func (d *demoRun) writeSummary(r demoResult) {
	st := r.client
	t := &table{w: d.c.stdout, title: rule + "\nSummary"}
	t.add("version", "%s", padlock.VersionName(st.Version))
	t.add("cipher suite", "%s", padlock.CipherSuiteName(st.CipherSuite))
	if st.CurveID != 0 {
		t.add("key exchange", "%s", groupWords(st.CurveID))
	} else {
		t.add("key exchange", "RSA key transport (no forward secrecy)")
	}
	if st.SignatureScheme != 0 {
		t.add("signature scheme", "%s", st.SignatureScheme)
	}
	if len(st.PeerCertificates) > 0 {
		t.add("server certificate", "%s", describeCert(st.PeerCertificates[0]))
	}
	if len(r.server.PeerCertificates) > 0 {
		t.add("client certificate", "%s", describeCert(r.server.PeerCertificates[0]))
	}
	if d.o.ech {
		t.add("ECH", "%s", echSummary(st, r.server))
	}
	t.add("application data", "%s client → server, %s server → client", plural(r.sent, "byte"), plural(r.received, "byte"))
	t.add("handshake", "%.2f ms as the client saw it, %d steps printed", ms(r.handshake), r.steps)
	t.flush()
}

// groupWords names a key exchange group and says what it is.
func groupWords(id padlock.CurveID) string {
	g := suites.GroupByID(uint16(id))
	if g == nil {
		return id.String()
	}
	if g.Hybrid {
		return g.Name + " (elliptic-curve Diffie-Hellman combined with ML-KEM, which resists quantum computers)"
	}
	return g.Name + " (ECDHE)"
}

func (d *demoRun) writeResumeHeader() {
	fmt.Fprintf(d.c.stdout, "%s\nSecond connection: the client comes back and offers to resume its session.\n%s\n", rule, rule)
}

// writeResumeSummary compares the second connection with the first.
func (d *demoRun) writeResumeSummary(first, second demoResult) {
	t := &table{w: d.c.stdout, title: rule + "\nSecond connection"}
	if second.client.DidResume {
		t.add("resumed", "yes: no certificate was sent or checked; the first session's secret vouched for both sides")
	} else {
		t.add("resumed", "no: the server did not take up the session, so this was a full handshake again")
	}
	t.add("version", "%s", padlock.VersionName(second.client.Version))
	t.add("cipher suite", "%s", padlock.CipherSuiteName(second.client.CipherSuite))
	t.add("handshake", "%.2f ms (the first took %.2f ms), %d steps printed (the first, %d)", ms(second.handshake), ms(first.handshake), second.steps, first.steps)
	t.flush()
}

// writeStory says in plain words what just happened.
func (d *demoRun) writeStory(first demoResult, second *demoResult) {
	st := first.client
	var s []string
	switch {
	case st.Version == padlock.VersionTLS13:
		s = append(s, fmt.Sprintf("The client and the server agreed on TLS 1.3 and %s in one round trip.", padlock.CipherSuiteName(st.CipherSuite)),
			fmt.Sprintf("Each made a fresh %s key pair and sent only the public half; from the two halves both computed the same shared secret, which never crossed the wire.", st.CurveID),
			"From that secret and a hash of every message so far, HKDF derived the keys that encrypted the rest of the handshake and then the application data.")
	case st.CurveID != 0:
		s = append(s, fmt.Sprintf("The client and the server agreed on TLS 1.2 and %s in two round trips.", padlock.CipherSuiteName(st.CipherSuite)),
			fmt.Sprintf("The server made a fresh %s key pair and signed its public half (ServerKeyExchange); the client answered with its own public half, and both computed the same premaster secret, which never crossed the wire.", st.CurveID),
			"The TLS 1.2 PRF turned it, with both randoms, into the master secret and the keys that encrypted the Finished messages and the application data.")
	default:
		s = append(s, fmt.Sprintf("The client and the server agreed on TLS 1.2 and %s in two round trips.", padlock.CipherSuiteName(st.CipherSuite)),
			"The client chose a random premaster secret and encrypted it to the RSA public key in the server's certificate: only the holder of the private key could read it.",
			"There is no forward secrecy: anyone who records this connection and later obtains the server's key can decrypt it. That is why TLS 1.3 dropped RSA key transport.")
	}
	if st.Version == padlock.VersionTLS13 {
		s = append(s, `The server proved it is "localhost" by signing the handshake with the private key of its certificate, which a CA the client trusts had signed.`)
	} else if st.CurveID != 0 {
		s = append(s, `The server proved it is "localhost" with that signature, made with the private key of its certificate, which a CA the client trusts had signed.`)
	} else {
		s = append(s, `The server proved it is "localhost" by being able to decrypt the premaster secret: its Finished message could only be right if it did.`)
	}
	if d.o.mtls {
		s = append(s, "The client proved who it is the same way, with its own certificate from the same CA.")
	}
	s = append(s, "The Finished messages, a MAC over the whole handshake, showed that both sides saw the same messages, so no one in between changed the offer.")
	switch {
	case d.o.ech:
		s = append(s, echStory(st)...)
	case st.Version == padlock.VersionTLS13:
		s = append(s, "Someone watching the wire saw the two hellos in the clear and then only encrypted records of roughly known sizes.")
	default:
		s = append(s, "Someone watching the wire saw the hellos and the certificates in the clear, then only encrypted records.")
	}
	if second != nil {
		switch {
		case !second.client.DidResume:
			s = append(s, "The second connection did the whole handshake again: the server did not resume the session.")
		case second.client.Version == padlock.VersionTLS13:
			s = append(s, "In the second connection the client sent back the ticket the server gave it, with a binder proving it holds the secret the ticket stands for;",
				"the server accepted it, so no certificate was sent or checked, and a fresh key exchange still gave the new connection keys of its own.")
		default:
			s = append(s, "In the second connection the client offered the first session back and the server accepted it:",
				"no certificate and no key exchange, just new keys from the old master secret and the fresh randoms.")
		}
	}
	fmt.Fprintf(d.c.stdout, "%s\nWhat just happened\n", rule)
	for _, l := range wrapText(strings.Join(s, " "), 76) {
		fmt.Fprintf(d.c.stdout, "  %s\n", l)
	}
}

// echSummary is the summary's ECH row: what the wire showed and what the
// server saw.
func echSummary(client, server padlock.ConnectionState) string {
	if !client.ECHAccepted {
		return "rejected: the handshake ran with the public name only"
	}
	return fmt.Sprintf("accepted\non the wire, SNI %q (the public name)\nthe server saw SNI %q (the inner hello)", demoECHPublicName, server.ServerName)
}

// echStory is what ECH did, for "What just happened".
func echStory(st padlock.ConnectionState) []string {
	if !st.ECHAccepted {
		return []string{"The server could not decrypt the client's encrypted ClientHello, so the handshake ran with the public name and carried no data."}
	}
	return []string{
		fmt.Sprintf("Someone watching the wire saw a ClientHello for %q, the public name that many sites behind one server can share, the ServerHello, and then only encrypted records of roughly known sizes.", demoECHPublicName),
		"The real ClientHello, for \"localhost\", travelled inside it, encrypted with HPKE to the server's ECH key: only the server read it, and answered it.",
		"The server's random carried a confirmation only the holder of the inner hello could compute, so the client knew its real hello was the one answered.",
	}
}
