package padlock

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"golang.org/x/crypto/cryptobyte"

	"padlock/internal/alert"
	"padlock/internal/suites"
	"padlock/internal/wire"
	"padlock/trace"
)

// A HelloRetryRequest cookie (RFC 8446 section 4.2.2, Config.StatelessRetry)
// carries the server's state between the two ClientHellos, sealed as a
// ticket is but under keys of its own (newTicketCipher's "cookie" use):
//
//	key_name[16] || nonce[12] || AES-256-GCM(retryState, aad = key_name)

// cookieLifetime is how long after its HelloRetryRequest a cookie is
// accepted: a client answers at once, and a short life limits replays of
// a whole second ClientHello to other servers of a fleet.
const cookieLifetime = 60 * time.Second

// cookieSkew is how far in the future a cookie's creation time may be:
// servers of a fleet disagree a little on the time.
const cookieSkew = 5 * time.Second

// maxCookiePSKs bounds the PSK identities of a first ClientHello a cookie
// records. A client offers one or two; the bound keeps the cookie well
// under its limit of 2^16-1 bytes.
const maxCookiePSKs = 32

// retryState is what a cookie carries: all a server needs to check the
// second ClientHello and go on from it without having kept the first.
type retryState struct {
	created uint64 // Unix seconds
	suite   uint16
	group   uint16
	// ch1Hash is the transcript hash of ClientHello1, which the
	// message_hash message stands for (RFC 8446 section 4.4.1).
	ch1Hash []byte
	// digest is helloDigest of ClientHello1: the second must match it.
	digest [32]byte
	// psks are SHA-256 hashes of ClientHello1's PSK identities, in order;
	// the second hello's must be among them, in the same order.
	psks [][32]byte
	// mustKeep marks the identities that fit the HelloRetryRequest's
	// suite, which the second hello may not drop (RFC 8446 section 4.1.2).
	mustKeep []bool
}

func (s *retryState) marshal() []byte {
	var b cryptobyte.Builder
	b.AddUint8(1) // version of the format
	b.AddUint64(s.created)
	b.AddUint16(s.suite)
	b.AddUint16(s.group)
	b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(s.ch1Hash) })
	b.AddBytes(s.digest[:])
	b.AddUint8(uint8(len(s.psks)))
	for i, h := range s.psks {
		b.AddBytes(h[:])
		b.AddUint8(boolByte(s.mustKeep[i]))
	}
	return b.BytesOrPanic()
}

// errMalformedCookie is a cookie state that opened but does not decode:
// only a bug, or a cookie key shared with something else, makes one.
var errMalformedCookie = errors.New("padlock: malformed cookie state")

// parseRetryState decodes a cookie's state; the AEAD authenticated it,
// but it is decoded as strictly as any network input.
func parseRetryState(data []byte) (*retryState, error) {
	s := &retryState{}
	in := cryptobyte.String(data)
	var format, n uint8
	var ch1Hash cryptobyte.String
	if !in.ReadUint8(&format) || format != 1 || !in.ReadUint64(&s.created) || !in.ReadUint16(&s.suite) ||
		!in.ReadUint16(&s.group) || !in.ReadUint8LengthPrefixed(&ch1Hash) || !in.CopyBytes(s.digest[:]) ||
		!in.ReadUint8(&n) || n > maxCookiePSKs {
		return nil, errMalformedCookie
	}
	s.ch1Hash = ch1Hash
	for range n {
		var h [32]byte
		var keep uint8
		if !in.CopyBytes(h[:]) || !in.ReadUint8(&keep) || keep > 1 {
			return nil, errMalformedCookie
		}
		s.psks, s.mustKeep = append(s.psks, h), append(s.mustKeep, keep == 1)
	}
	if !in.Empty() {
		return nil, errMalformedCookie
	}
	return s, nil
}

// retryMayChange reports whether the second ClientHello may change the
// extension t (RFC 8446 section 4.1.2), in answer to a HelloRetryRequest
// that asked for a key share when askedShare and sent a cookie when
// sentCookie.
func retryMayChange(t uint16, askedShare, sentCookie bool) bool {
	switch t {
	case wire.ExtKeyShare:
		return askedShare
	case wire.ExtCookie:
		return sentCookie
	case wire.ExtEarlyData, wire.ExtPreSharedKey, wire.ExtPadding:
		return true
	}
	return false
}

// helloDigest hashes the fields of a ClientHello that a second one must
// repeat (see checkSecondClientHello): the legacy fields, the random and
// every extension the retry may not change, by type, so that their order
// does not count, as it does not in checkSecondClientHello. The random
// binds a cookie to its connection's first hello: a cookie replayed
// under another hello does not match.
func helloDigest(ch *wire.ClientHello) [32]byte {
	h := sha256.New()
	var b []byte
	b = binary.BigEndian.AppendUint16(b, ch.Vers)
	b = append(append(b, byte(len(ch.Random))), ch.Random...)
	b = append(append(b, byte(len(ch.SessionID))), ch.SessionID...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(ch.CipherSuites)))
	for _, s := range ch.CipherSuites {
		b = binary.BigEndian.AppendUint16(b, s)
	}
	b = append(append(b, byte(len(ch.CompressionMethods))), ch.CompressionMethods...)
	h.Write(b)
	exts := slices.DeleteFunc(slices.Clone(ch.Extensions), func(e wire.Extension) bool {
		return retryMayChange(e.Type, true, true)
	})
	slices.SortStableFunc(exts, func(a, b wire.Extension) int { return int(a.Type) - int(b.Type) })
	for _, e := range exts {
		var hdr [6]byte
		binary.BigEndian.PutUint16(hdr[:], e.Type)
		binary.BigEndian.PutUint32(hdr[2:], uint32(len(e.Data)))
		h.Write(hdr[:])
		h.Write(e.Data)
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// makeCookie seals the state of this handshake, whose transcript holds
// ClientHello1 alone, into a cookie for the HelloRetryRequest.
func (hs *serverHandshake13) makeCookie() ([]byte, error) {
	c, ch := hs.c, hs.ch
	if len(ch.PSKIdentities) > maxCookiePSKs {
		return nil, alertf(alert.IllegalParameter, "ClientHello offers %d PSK identities, more than the %d a stateless HelloRetryRequest records",
			len(ch.PSKIdentities), maxCookiePSKs)
	}
	s := &retryState{
		created: uint64(c.config.now().Unix()),
		suite:   hs.suite.ID,
		group:   hs.group.ID,
		ch1Hash: c.hsTr.sum(),
		digest:  helloDigest(ch),
	}
	for i, id := range ch.PSKIdentities {
		// Whether each PSK fits is decided now, while the server has the
		// identities, as checkDroppedPSKs decides it from the first hello.
		keep := false
		if i < maxPSKIdentities && !c.config.SessionTicketsDisabled {
			sess, _, err := hs.openSession(id)
			if err != nil {
				return nil, err
			}
			if sess != nil {
				clear(sess.secret)
				keep = true
			}
		}
		s.psks, s.mustKeep = append(s.psks, sha256.Sum256(id.Identity)), append(s.mustKeep, keep)
	}
	out, err := c.config.sealCookie(s.marshal())
	if err != nil {
		return nil, alert.Wrap(alert.InternalError, err)
	}
	if c.tracing() {
		c.traceCookie("cookie sent",
			"The server keeps nothing between the two ClientHellos: the hash of the first, the suite and group chosen, a digest of what the second must repeat, and the time all travel in the HelloRetryRequest's cookie, sealed under a key only the server's fleet holds.",
			out, s)
	}
	return out, nil
}

// sealCookie seals a cookie's state under the newest ticket key's cookie
// key.
func (c *Config) sealCookie(state []byte) ([]byte, error) {
	out, err := c.seal(state, "cookie")
	if err == nil && len(out) > 0xffff {
		// RFC 8446 section 4.2.2: cookie<1..2^16-1>. maxCookiePSKs keeps
		// the state far below it.
		return nil, fmt.Errorf("padlock: cookie of %d bytes exceeds the 2^16-1 the RFC allows", len(out))
	}
	return out, err
}

// openCookie opens the cookie of the second ClientHello: nil when none
// of the keys in use sealed it, or it was changed.
func (c *Config) openCookie(cookie []byte) *retryState {
	plain := c.open(cookie, "cookie")
	if plain == nil {
		return nil
	}
	s, err := parseRetryState(plain)
	if err != nil {
		return nil
	}
	return s
}

// continueFromCookie checks the second ClientHello against its cookie
// alone and rebuilds the handshake's state from it: the suite, the group
// and the transcript (message_hash of ClientHello1, the HelloRetryRequest,
// ClientHello2; RFC 8446 section 4.4.1). It uses nothing this server kept
// from the first hello, so the second could have come to another server.
func (hs *serverHandshake13) continueFromCookie(ch2 *wire.ClientHello) error {
	c := hs.c
	if len(ch2.Cookie) == 0 {
		return alertf(alert.IllegalParameter, "second ClientHello does not echo the HelloRetryRequest's cookie")
	}
	s := c.config.openCookie(ch2.Cookie)
	if s == nil {
		return alertf(alert.IllegalParameter, "second ClientHello's cookie is not one this server sealed, or was changed")
	}
	age := c.config.now().Sub(time.Unix(int64(s.created), 0))
	if age > cookieLifetime {
		return alertf(alert.IllegalParameter, "second ClientHello's cookie is %s old; it lasts %s", age.Round(time.Second), cookieLifetime)
	}
	if age < -cookieSkew {
		return alertf(alert.IllegalParameter, "second ClientHello's cookie was made %s in the future: are the fleet's clocks apart?", (-age).Round(time.Second))
	}
	suite, group := suites.SuiteByID(s.suite), suites.GroupByID(s.group)
	if suite == nil || group == nil || !slices.Contains(c.config.suites13(), s.suite) ||
		!slices.Contains(c.config.groups(true), s.group) || len(s.ch1Hash) != suite.Hash.Size() {
		return alertf(alert.IllegalParameter, "second ClientHello's cookie names parameters this server no longer accepts")
	}
	if helloDigest(ch2) != s.digest {
		return alertf(alert.IllegalParameter, "second ClientHello does not repeat the first one its cookie was made for")
	}
	if err := checkRetryShares(ch2, s.group); err != nil {
		return err
	}
	i := 0
	for _, id := range ch2.PSKIdentities {
		h := sha256.Sum256(id.Identity)
		for i < len(s.psks) && s.psks[i] != h {
			if s.mustKeep[i] {
				return alertf(alert.IllegalParameter, "second ClientHello drops a PSK that fits the HelloRetryRequest's cipher suite")
			}
			i++
		}
		if i == len(s.psks) {
			return alertf(alert.IllegalParameter, "second ClientHello offers a PSK identity the first did not, or reorders them")
		}
		i++
	}
	if slices.Contains(s.mustKeep[i:], true) {
		return alertf(alert.IllegalParameter, "second ClientHello drops a PSK that fits the HelloRetryRequest's cipher suite")
	}
	hrr := helloRetryRequest(ch2.SessionID, suite.ID, group.ID, ch2.Cookie)
	tr := &transcript{}
	tr.setHash(suite.Hash)
	tr.write(wire.MessageHash(s.ch1Hash))
	tr.write(hrr.Marshal())
	hs.priorTr = tr.clone()
	tr.write(ch2.Raw)
	c.hsTr = tr
	hs.suite, hs.group = suite, group
	hs.ch, hs.share = ch2, ch2.KeyShares[0].Data
	if c.tracing() {
		c.traceCookie("cookie checked",
			"The second ClientHello's cookie opened under the server's key, is fresh, and the hello repeats the first it was made for; the handshake goes on from the cookie alone.",
			ch2.Cookie, s)
	}
	return nil
}

// traceCookie reports a cookie with its byte map.
func (c *Conn) traceCookie(name, explain string, cookie []byte, s *retryState) {
	n := len(cookie)
	c.emit(trace.Event{Dir: trace.Local, Step: trace.StepServerHello, Kind: trace.KindInfo, Name: name, Explain: explain,
		Fields: []trace.Field{
			field("cipher_suite", suites.SuiteName(s.suite)),
			field("group", suites.GroupName(s.group)),
			field("created", time.Unix(int64(s.created), 0).UTC().Format(time.RFC3339)),
			field("size", strconv.Itoa(n)),
		},
		Raw: bytes.Clone(cookie),
		Layout: []trace.Field{
			{Name: "key_name", Value: "which cookie key sealed it", Start: 0, End: 16},
			{Name: "nonce", Value: "AES-256-GCM nonce", Start: 16, End: 28},
			{Name: "sealed_state", Value: "created, suite, group, ClientHello1 hash and digest, PSK hashes, with the GCM tag", Start: 28, End: n},
		}})
}
