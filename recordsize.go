package padlock

import "padlock/internal/record"

// useRecordSizeLimit applies a negotiated record_size_limit (RFC 8449
// section 4) in version: peer, the peer's limit, caps the records this
// end protects; own, the limit this end announced, caps what it accepts.
// Only protected records are bound: a TLS 1.2 limit starts with the keys
// after ChangeCipherSpec, a TLS 1.3 one with the handshake keys, already
// in use when EncryptedExtensions carries it. The wire package has
// refused a limit below 64.
func (c *Conn) useRecordSizeLimit(version, peer, own uint16) {
	frag := int(peer)
	if version == VersionTLS13 {
		frag-- // the limit counts the content type byte
	}
	c.out.maxFragment = min(frag, record.MaxPlaintext) // a larger limit is cut to the protocol's
	if c.out.cipher != nil {
		c.out.w.SetMaxFragment(c.out.maxFragment)
	}
	c.in.r.SetMaxPlaintext(int(own))
}
