package wire

import (
	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
)

// This file holds the extension bodies that several messages share.

// nameTypeHostName is the only NameType of server_name (RFC 6066 section 3).
const nameTypeHostName = 0

// statusTypeOCSP is the only CertificateStatusType (RFC 6066 section 8).
const statusTypeOCSP = 1

// readRest returns all that is left of s (nil if nothing) and empties s,
// for extensions whose data is a bare opaque value.
func readRest(s *cryptobyte.String) []byte {
	v := clip(*s)
	*s = nil
	return v
}

// readServerNameList reads a ServerNameList (RFC 6066 section 3) and
// returns its host_name. Names of other types are skipped; a second
// host_name is malformed ("MUST NOT contain more than one name of the
// same name_type").
func readServerNameList(s *cryptobyte.String, host *string) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return false
	}
	seen := false
	for !list.Empty() {
		var typ uint8
		var name cryptobyte.String
		if !list.ReadUint8(&typ) || !list.ReadUint16LengthPrefixed(&name) || name.Empty() {
			return false
		}
		if typ != nameTypeHostName {
			continue
		}
		if seen {
			return false
		}
		seen = true
		*host = string(name)
	}
	return true
}

// addServerNameList writes a ServerNameList holding one host_name.
func addServerNameList(b *builder, host string) {
	b.AddUint16LengthPrefixed(func(b *builder) {
		b.AddUint8(nameTypeHostName)
		b.AddUint16LengthPrefixed(func(b *builder) { b.AddBytes([]byte(host)) })
	})
}

// readStatusRequest reads a CertificateStatusRequest (RFC 6066 section 8)
// and reports in ocsp whether it asks for OCSP. The responder IDs and
// request extensions are checked for syntax and dropped. Other status
// types cannot be parsed further and are skipped.
func readStatusRequest(s *cryptobyte.String, ocsp *bool) bool {
	var typ uint8
	if !s.ReadUint8(&typ) {
		return false
	}
	if typ != statusTypeOCSP {
		readRest(s)
		return true
	}
	var ids, exts cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&ids) || !s.ReadUint16LengthPrefixed(&exts) {
		return false
	}
	for !ids.Empty() {
		var id []byte
		if !readOpaque16(&ids, 1, &id) { // ResponderID opaque<1..2^16-1>
			return false
		}
	}
	*ocsp = true
	return true
}

// addStatusRequest writes an OCSP CertificateStatusRequest with no
// responder IDs and no request extensions.
func addStatusRequest(b *builder) {
	b.AddUint8(statusTypeOCSP)
	b.AddUint16(0) // responder_id_list
	b.AddUint16(0) // request_extensions
}

// readProtocolNames reads a ProtocolNameList, ProtocolName
// protocol_name_list<2..2^16-1> with ProtocolName opaque<1..2^8-1>
// (RFC 7301 section 3.1).
func readProtocolNames(s *cryptobyte.String, out *[]string) bool {
	var list cryptobyte.String
	if !s.ReadUint16LengthPrefixed(&list) || list.Empty() {
		return false
	}
	var names []string
	for !list.Empty() {
		var name cryptobyte.String
		if !list.ReadUint8LengthPrefixed(&name) || name.Empty() {
			return false
		}
		names = append(names, string(name))
	}
	*out = names
	return true
}

// readSelectedProtocol reads the server's ProtocolNameList, which "MUST
// contain exactly one ProtocolName" (RFC 7301 section 3.1).
func readSelectedProtocol(s *cryptobyte.String, out *string) bool {
	var names []string
	if !readProtocolNames(s, &names) || len(names) != 1 {
		return false
	}
	*out = names[0]
	return true
}

// addProtocolNames writes a ProtocolNameList.
func addProtocolNames(b *builder, names ...string) {
	b.AddUint16LengthPrefixed(func(b *builder) {
		for _, name := range names {
			b.AddUint8LengthPrefixed(func(b *builder) { b.AddBytes([]byte(name)) })
		}
	})
}

// readKeyShare reads a KeyShareEntry with key_exchange<1..2^16-1>
// (RFC 8446 section 4.2.8).
func readKeyShare(s *cryptobyte.String, ks *KeyShare) bool {
	return s.ReadUint16(&ks.Group) && readOpaque16(s, 1, &ks.Data)
}

// addKeyShare writes a KeyShareEntry.
func addKeyShare(b *builder, ks KeyShare) {
	b.AddUint16(ks.Group)
	addOpaque16(b, ks.Data)
}

// readRecordSizeLimit reads record_size_limit (RFC 8449 section 4), whose
// value "MUST NOT" be below 64: that is an illegal_parameter.
func readRecordSizeLimit(s *cryptobyte.String, out *uint16) (bool, error) {
	if !s.ReadUint16(out) {
		return false, nil
	}
	if *out < 64 {
		return false, alert.New(alert.IllegalParameter, "wire: record_size_limit %d is below 64", *out)
	}
	return true, nil
}

// readNonZero16 reads a uint16 that the RFCs never allow to be zero (a
// selected group or version). wire uses 0 for "absent", so a zero on the
// wire is an illegal_parameter rather than something to pass on.
func readNonZero16(s *cryptobyte.String, what string, out *uint16) (bool, error) {
	if !s.ReadUint16(out) {
		return false, nil
	}
	if *out == 0 {
		return false, errZero(what)
	}
	return true, nil
}

// errZero is the error for a zero where readNonZero16 wants none.
func errZero(what string) error {
	return alert.New(alert.IllegalParameter, "wire: %s is 0", what)
}
