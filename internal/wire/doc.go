// Package wire encodes and decodes the TLS 1.3 (RFC 8446) and TLS 1.2
// (RFC 5246) handshake messages and their extensions.
//
// wire is purely syntactic: it knows the presentation language of the
// RFCs but nothing of the connection state, so it never checks that a
// message is expected, that a value was offered, or that a version was
// negotiated. The state machines do that.
//
// Every message type has Marshal, which returns the complete handshake
// message (the 4-byte header of type and uint24 length, then the body),
// and Unmarshal, which takes the complete message. Unmarshal first resets
// the whole struct, so a value can be reused, and leaves it zeroed on
// error. The slices it fills in (Raw, Random, Data, ...) alias the input,
// with their capacity clipped so that appending to them never writes into
// it: the caller must not modify the input while the message is in use.
// Empty opaque vectors decode to nil.
//
// Malformed input (a length that does not add up, trailing bytes, a
// duplicated extension, a vector of illegal length) yields an
// *alert.Error with alert.DecodeError unless the RFC names another
// alert. Unknown extensions are skipped, but Unmarshal records every
// extension, known or not, in wire order in the message's Extensions
// field; Marshal ignores Extensions and writes the typed fields (plus
// ClientHello.ExtraExtensions).
//
// An Encoder marshals messages one after the other into a buffer it
// reuses, for the handshake's hot path.
//
// Marshal panics if a field cannot be encoded (a vector longer than its
// length prefix allows, or a Random that is not 32 bytes): that is a
// programming error, never a consequence of network input.
package wire
