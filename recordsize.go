package padlock

import "padlock/internal/record"

// useRecordSizeLimit applies a negotiated record_size_limit (RFC 8449
// section 4) in version: peer, the peer's limit, caps the records this
// end protects; own, the limit this end announced, caps what it accepts.
// The limit binds protected records, from the handshake keys in TLS 1.3
// and after ChangeCipherSpec in TLS 1.2; padlock applies it to the
// plaintext records after the hello too, as smaller records are always
// allowed and GnuTLS holds a TLS 1.2 peer's Certificate to it. The wire
// package has refused a limit below 64.
func (c *Conn) useRecordSizeLimit(version, peer, own uint16) {
	frag := int(peer)
	if version == VersionTLS13 {
		frag-- // the limit counts the content type byte
	}
	c.out.w.SetMaxFragment(min(frag, record.MaxPlaintext)) // a larger limit is cut to the protocol's
	c.in.r.SetMaxPlaintext(int(own))
}
